/**
 * The Refine button on the tool bar and its popover: Islands (keep largest,
 * keep the one clicked next on any view, remove those smaller than a volume), Smoothing (closing, opening by a
 * radius; median) and Margin (grow, shrink) of the active label in 3-D. Each
 * button runs a command of the table (`refine.*`, session/refine.ts); the
 * numbers are the session's `refine` parameters, which the commands read.
 *
 * As the threshold range's popover (threshold-range.ts): the button is a
 * disclosure (`aria-expanded`, `aria-controls`), opening moves the focus to
 * the first control, Escape closes it and gives the focus back to the
 * button, and the focus leaving the group closes it.
 */
import { css, html, nothing, type ReactiveElement } from 'lit';
import { live } from 'lit/directives/live.js';
import { isEnabled, type CommandContext, type CommandId } from '../../session/commands.js';
import type { RefineParameters } from '../../session/refine.js';
import { commandText } from '../../text/commands.js';
import { refineStrings } from '../../text/refine.js';

export interface RefineInput {
  context: CommandContext;
  /** Runs a command of the table (the element's `run`). */
  run(id: CommandId): void;
  /** "Keep clicked" is waiting for its click. */
  picking: boolean;
}

const REFINE_COMMANDS = [
  'refine.keep-largest',
  'refine.remove-small',
  'refine.keep-clicked',
  'refine.closing',
  'refine.opening',
  'refine.median',
  'refine.grow',
  'refine.shrink',
] as const satisfies readonly CommandId[];

/** Open or not, per annotator (keyed by its command context). */
const OPEN = new WeakMap<CommandContext, boolean>();

function hostOf(e: Event): ReactiveElement {
  return ((e.currentTarget as Element).getRootNode() as ShadowRoot).host as ReactiveElement;
}

function setOpen(e: Event, c: CommandContext, open: boolean, focus: boolean): void {
  const host = hostOf(e);
  // Closing: the focus goes to the button first, so it never falls out of the group (or the More menu).
  if (!open && focus) host.shadowRoot?.querySelector<HTMLElement>('.refine-button')?.focus();
  OPEN.set(c, open);
  host.requestUpdate();
  if (open && focus) void host.updateComplete.then(() => host.shadowRoot?.querySelector<HTMLElement>('.refine-popover button:not([disabled])')?.focus());
}

/** A small "refine" icon: a blob with a finer outline inside. */
const ICON = html`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M3 8c0-3 2.5-5.5 5.5-5s4.5 3 4 5.5-3 4.5-6 4S3 10.5 3 8z" /><path d="M6 8.2c0-1.3 1-2.3 2.4-2.2s2 1.3 1.8 2.5-1.3 2-2.6 1.8S6 9.3 6 8.2z" /></svg>`;

export function renderRefine(input: RefineInput) {
  const c = input.context;
  const lang = c.session.lang;
  const r = refineStrings(lang);
  const enabled = REFINE_COMMANDS.some((id) => isEnabled(c, id));
  // Disabled (read-only, nothing open) closes it for good, so it does not come back by itself.
  if (!enabled) OPEN.set(c, false);
  const open = OPEN.get(c) ?? false;

  const onKey = (e: KeyboardEvent) => {
    // While "keep clicked" waits, Escape stops the waiting first (the annotator takes it).
    if (e.key === 'Escape' && open && !input.picking) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(e, c, false, true);
    }
  };
  const onFocusOut = (e: FocusEvent) => {
    const next = e.relatedTarget as Node | null;
    if (open && !(e.currentTarget as Element).contains(next)) setOpen(e, c, false, false);
  };
  return html`<div class="group refine" role="group" aria-label=${r.refine} @keydown=${onKey} @focusout=${onFocusOut}>
    <button class="refine-button has-icon" aria-expanded=${open ? 'true' : 'false'} aria-controls="refine-popover"
      aria-label=${r.refine} title=${`${r.refine}: ${r.refineHint}`} ?disabled=${!enabled}
      @click=${(e: Event) => setOpen(e, c, !open, !open)}>${ICON}<span class="name">${r.refine}</span></button>
    ${open ? renderPopover(input) : nothing}
  </div>`;
}

function renderPopover({ context: c, run, picking }: RefineInput) {
  const lang = c.session.lang;
  const r = refineStrings(lang);
  const names = commandText(lang);
  const p = c.session.get('refine');

  const onNumber = (e: Event) => {
    const el = e.target as HTMLInputElement;
    const v = el.valueAsNumber;
    if (Number.isFinite(v) && v >= 0) c.session.set('refine', { ...c.session.get('refine'), [el.name as keyof RefineParameters]: v });
  };
  const number = (key: keyof RefineParameters, label: string, step: number) =>
    html`<label>${label}<input type="number" name=${key} min="0" step=${step} .value=${live(String(p[key]))} @input=${onNumber} @change=${onNumber} /></label>`;
  const button = (id: (typeof REFINE_COMMANDS)[number]) => {
    const { name, hint } = names[id];
    const pressed = id === 'refine.keep-clicked' ? String(picking) : nothing;
    return html`<button class="text" data-command=${id} title=${hint ? `${name}: ${hint}` : name} ?disabled=${!isEnabled(c, id)}
      aria-pressed=${pressed} @click=${() => run(id)}>${name}</button>`;
  };
  return html`<div class="refine-popover" id="refine-popover" role="dialog" aria-label=${r.panel} tabindex="-1">
    <fieldset>
      <legend>${r.islands}</legend>
      ${button('refine.keep-largest')} ${button('refine.keep-clicked')} ${number('minIslandMm3', r.minIsland, 10)} ${button('refine.remove-small')}
    </fieldset>
    <fieldset>
      <legend>${r.smoothing}</legend>
      ${number('radiusMm', r.radius, 0.5)} ${button('refine.closing')} ${button('refine.opening')} ${button('refine.median')}
    </fieldset>
    <fieldset>
      <legend>${r.margin}</legend>
      ${number('marginMm', r.marginMm, 0.5)} ${button('refine.grow')} ${button('refine.shrink')}
    </fieldset>
  </div>`;
}

/** Goes into the annotator's styles: the popover hangs below the group, over the stage. */
export const refinePanelStyles = css`
  .toolbar .group.refine { position: relative; }
  .refine-popover {
    position: absolute;
    top: calc(100% + 6px);
    right: 0;
    z-index: 3;
    display: grid;
    gap: 6px;
    width: max-content;
    padding: 8px;
    background: var(--_panel);
    color: var(--_text);
    border: 1px solid var(--_control-border);
    border-radius: 6px;
    box-shadow: 0 6px 24px #000a;
  }
  .refine-popover:focus { outline: none; }
  .refine-popover fieldset { display: flex; flex-wrap: wrap; align-items: end; gap: 4px 6px; margin: 0; padding: 4px 6px 6px; border: 1px solid var(--_control-border); border-radius: 4px; }
  .refine-popover legend { padding: 0 4px; font-size: 0.85em; color: var(--_muted); }
  .refine-popover label { display: grid; gap: 2px; font-size: 0.85em; color: var(--_muted); }
  .refine-popover input {
    width: 8ch;
    font: inherit;
    color: var(--_text);
    background: #0004;
    border: 1px solid var(--_control-border);
    border-radius: 4px;
    padding: 2px 4px;
  }
  /* In the open More menu the popover is part of the menu's flow (the menu scrolls; it would clip an overlay). */
  .menu-xs[data-open] .refine-popover { position: static; grid-column: 1 / -1; box-shadow: none; width: auto; }
`;
