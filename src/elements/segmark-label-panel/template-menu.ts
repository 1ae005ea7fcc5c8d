/**
 * The "apply template" menu button of `<segmark-label-panel>`, as a reactive
 * controller: open state, the ARIA menu-button keyboard pattern (ArrowDown /
 * ArrowUp on the button open it on the first / last item; arrows, Home and
 * End move within it; Escape closes it and returns to the button; Tab or
 * focus leaving closes it), and the focus moves that go with them.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { TEMPLATES, type LabelTemplate } from '../../core/annotation/templates.js';
import type { StringKey } from '../../text/ui.js';
import { ICON, icon, type Strings } from './label-item.js';

const TEMPLATE_NAMES: Record<LabelTemplate['id'], StringKey> = {
  'lumbar-spine': 'labelTemplateLumbar',
  generic: 'labelTemplateGeneric',
};

type Host = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };

export class TemplateMenuController implements ReactiveController {
  readonly #host: Host;
  readonly #pick: (template: LabelTemplate) => void;
  #open = false;
  #focus: string | undefined;

  constructor(host: Host, pick: (template: LabelTemplate) => void) {
    this.#host = host;
    this.#pick = pick;
    host.addController(this);
  }

  get open(): boolean {
    return this.#open;
  }

  hostUpdated(): void {
    const selector = this.#focus;
    this.#focus = undefined;
    if (selector) this.#host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Opens (focusing the first or last item) or closes (optionally returning focus to the button). */
  set(open: boolean, focus: 'first' | 'last' | 'trigger' | 'none' = open ? 'first' : 'none'): void {
    this.#open = open;
    this.#focus =
      focus === 'first' || focus === 'last'
        ? `[role="menuitem"]:${focus === 'last' ? 'last-child' : 'first-child'}`
        : focus === 'trigger'
          ? '[data-control="template"]'
          : undefined;
    this.#host.requestUpdate();
  }

  render(t: Strings, disabled: boolean): TemplateResult {
    return html`<span class="menu-wrap" @focusout=${this.#onFocusOut}>
      <button part="template-button" data-control="template" aria-haspopup="menu" aria-expanded=${this.#open}
        aria-controls="templates" ?disabled=${disabled} @click=${() => this.set(!this.#open)} @keydown=${this.#onTriggerKey}>
        <span>${t.labelTemplate}</span>${icon(ICON.caret)}
      </button>
      ${this.#open && !disabled
        ? html`<div role="menu" id="templates" part="menu" aria-label=${t.labelTemplate} @keydown=${this.#onMenuKey}>
            ${TEMPLATES.map(
              (tp) => html`<button role="menuitem" tabindex="-1" data-template=${tp.id} @click=${() => this.#choose(tp)}>
                ${t[TEMPLATE_NAMES[tp.id]]}
              </button>`,
            )}
          </div>`
        : nothing}
    </span>`;
  }

  #choose(template: LabelTemplate): void {
    this.set(false, 'trigger');
    this.#pick(template);
  }

  readonly #onTriggerKey = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    this.set(true, e.key === 'ArrowUp' ? 'last' : 'first');
  };

  readonly #onMenuKey = (e: KeyboardEvent): void => {
    const items = [...this.#host.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const i = items.indexOf(e.composedPath()[0] as HTMLElement);
    const n = items.length;
    const to = ({ ArrowDown: (i + 1) % n, ArrowUp: (i - 1 + n) % n, Home: 0, End: n - 1 } as Record<string, number>)[e.key];
    if (to !== undefined) {
      e.preventDefault();
      items[to]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.set(false, 'trigger');
    } else if (e.key === 'Tab') {
      this.set(false);
    }
  };

  readonly #onFocusOut = (e: FocusEvent): void => {
    const next = e.relatedTarget as Node | null;
    if (this.#open && !(next && (e.currentTarget as HTMLElement).contains(next))) this.set(false);
  };
}
