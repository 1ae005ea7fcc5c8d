/**
 * The annotator's tool bar: every button is a command of the table
 * (session/commands.ts), named from its text, disabled when the command is,
 * with its shortcut in the tooltip; a click runs it through the table.
 *
 * It is one row in any width. Its buttons show icons (their names in
 * `aria-label` and the tooltip); the frame's container queries
 * (segmark-annotator.styles.ts) move the less-used groups into the More menu
 * as the annotator narrows, in three nested steps: `.menu-m` (files), then
 * `.menu-s` (presets and interpolation too), then `.menu-xs` (the display
 * toggles too). Each group is rendered once: a step that is not in use is
 * `display: contents`, so its groups sit on the bar, in the order they are
 * read. Below a width the side panel becomes a drawer over the stage, opened
 * by the bar's last button.
 */
import { html, nothing, type ReactiveElement } from 'lit';
import { WINDOW_PRESETS } from '../../core/display/window.js';
import { ANNOTATION_TOOLS, command, isEnabled, shortcutText, type CommandContext, type CommandId } from '../../session/commands.js';
import { LAYOUTS } from '../../session/annotator-session.js';
import type { ThresholdRange } from '../../tools/threshold-brush.js';
import type { AnnotationToolId } from '../../tools/annotation-tool.js';
import { commandText } from '../../text/commands.js';
import { shortcutStrings } from '../../text/shortcuts.js';
import { toolStrings } from '../../text/tools.js';
import { strings } from '../../text/ui.js';
import { hasIcon, icon } from './icons.js';
import { renderThreshold } from './threshold-range.js';
import { renderRefine } from './refine-panel.js';

/** The 3D tools: on the bar beside the display toggles, in the More menu when the box is narrow. */
const ASSISTED_TOOLS: readonly AnnotationToolId[] = ['grow', 'one-click', 'nearby'];

export interface ToolbarInput {
  context: CommandContext;
  /** Runs a command of the table (the element's `run`). */
  run(id: CommandId): void;
  /** The annotator's HU range, shown while a tool that uses it (threshold brush, Fill) is in hand. */
  threshold: ThresholdRange;
  setThreshold(range: ThresholdRange): void;
  /** Refine's "keep clicked" waits for its click. */
  pickingIsland: boolean;
  /** The HU of the slice on screen, for the range's histogram. */
  sliceValues(): Int16Array | undefined;
  /** The file inputs and the URL form. */
  picked(e: Event): void;
  maskPicked(e: Event): void;
  urlsSubmitted(e: Event): void;
}

interface ButtonOptions {
  pressed?: boolean;
  data?: { tool?: string; action?: string; preset?: string };
  /** Text before the shortcut in the tooltip (default: the hint, else the name). */
  title?: string;
}

/** What the tool bar has open: its More menu, and the side panel as a drawer (when the frame is narrow). */
interface Popups {
  more: boolean;
  drawer: boolean;
}

/** One per annotator, keyed by its command context, so two annotators on a page open their own. */
const POPUPS = new WeakMap<CommandContext, Popups>();

function popupsOf(c: CommandContext): Popups {
  let p = POPUPS.get(c);
  if (!p) POPUPS.set(c, (p = { more: false, drawer: false }));
  return p;
}

/** The annotator whose shadow root holds the event's element. */
function hostOf(e: Event): ReactiveElement {
  return ((e.currentTarget as Element).getRootNode() as ShadowRoot).host as ReactiveElement;
}

/** Changes what is open, then (once drawn) moves the focus to what `focus` finds, if anything. */
function setPopups(e: Event, c: CommandContext, change: Partial<Popups>, focus?: (root: ShadowRoot) => HTMLElement | null | undefined): void {
  const host = hostOf(e);
  Object.assign(popupsOf(c), change);
  host.requestUpdate();
  if (focus) void host.updateComplete.then(() => host.shadowRoot && focus(host.shadowRoot)?.focus());
}

/** The controls of the More menu that are in its popup now (the others are on the bar). */
function menuItems(root: ShadowRoot): HTMLElement[] {
  const steps = ['.menu-xs', '.menu-s', '.menu-m'].map((s) => root.querySelector<HTMLElement>(s));
  const popup = steps.find((el) => el && getComputedStyle(el).display !== 'contents');
  if (!popup) return [];
  return [...popup.querySelectorAll<HTMLElement>('button, input, select')].filter((el) => !(el as HTMLButtonElement).disabled && el.checkVisibility());
}

/** The side panel is a drawer now (the frame is narrow), not docked beside the stage. */
function isDrawer(side: Element): boolean {
  return getComputedStyle(side).position === 'absolute';
}

/**
 * The side panel's keys (bound on it by annotator-layout.ts): Escape closes
 * it when it is an open drawer, and gives the focus back to its button. Its
 * state is that button's `aria-expanded`, which the styles read.
 */
export function sideKeys(c: CommandContext): (e: KeyboardEvent) => void {
  return (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !popupsOf(c).drawer || !isDrawer(e.currentTarget as Element)) return;
    e.preventDefault();
    e.stopPropagation();
    setPopups(e, c, { drawer: false }, (root) => root.querySelector<HTMLElement>('.side-toggle'));
  };
}

export function renderToolbar(input: ToolbarInput) {
  const { context: c, run } = input;
  const { session } = c;
  const lang = session.lang;
  const t = strings(lang);
  const tt = toolStrings(lang);
  const groups = shortcutStrings(lang).groups;
  const names = commandText(lang);
  const popups = popupsOf(c);
  const pressed = (on: boolean) => (on ? 'true' : 'false');

  const closeMore = (e: Event, focusMore: boolean) =>
    setPopups(e, c, { more: false }, (root) => (focusMore || !root.activeElement ? root.querySelector<HTMLElement>('.more-button') : undefined));
  const onClick = (e: Event, id: CommandId) => {
    run(id);
    // A command run from the More menu closes it, as a menu does.
    if (popups.more && (e.currentTarget as Element).closest('.menu-xs')) closeMore(e, false);
  };
  const button = (id: CommandId, o: ButtonOptions = {}) => {
    const { name, hint } = names[id];
    const key = command(id).keys?.[0];
    // The name is in the tooltip too: on the bar most buttons show only their icon.
    const text = o.title ?? (hint ? `${name}: ${hint}` : name);
    return html`<button
      class=${hasIcon(id) ? 'has-icon' : 'text'}
      data-command=${id}
      data-tool=${o.data?.tool ?? nothing}
      data-action=${o.data?.action ?? nothing}
      data-preset=${o.data?.preset ?? nothing}
      aria-pressed=${o.pressed === undefined ? nothing : pressed(o.pressed)}
      aria-label=${name}
      ?disabled=${!isEnabled(c, id)}
      title=${`${text}${key ? ` (${shortcutText(key)})` : ''}`}
      @click=${(e: Event) => onClick(e, id)}
    >${icon(id)}<span class="name">${name}</span></button>`;
  };

  const onMoreClick = (e: Event) =>
    popups.more ? closeMore(e, true) : setPopups(e, c, { more: true }, (root) => menuItems(root)[0]);
  // The menu-button keys: ArrowDown / ArrowUp open it on its first / last control; Escape closes it.
  const onMoreKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && popups.more) {
      e.preventDefault();
      closeMore(e, true);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setPopups(e, c, { more: true }, (root) => menuItems(root).at(e.key === 'ArrowUp' ? -1 : 0));
    }
  };
  // In the menu: arrows, Home and End move between its controls (not through the slices), Escape closes it.
  const onMenuKey = (e: KeyboardEvent) => {
    if (!popups.more) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      closeMore(e, true);
      return;
    }
    const from = e.composedPath()[0];
    if (from instanceof HTMLInputElement || from instanceof HTMLSelectElement) return;
    const items = menuItems(hostOf(e).shadowRoot!);
    const at = items.indexOf(from as HTMLElement);
    const n = items.length;
    const to = ({ ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: n - 1 } as Record<string, number>)[e.key];
    if (to === undefined || n === 0) return;
    e.preventDefault();
    items[(to + n) % n]?.focus();
  };
  // Focus leaving the menu and its button (a click elsewhere, Tab past its end) closes it; the menu's
  // containers take the focus of a click between its buttons (tabindex -1), so that one does not.
  const onFocusOut = (e: FocusEvent) => {
    const next = e.relatedTarget as Node | null;
    const root = hostOf(e).shadowRoot!;
    const inside = (n: Node | null) => !!n && (!!root.querySelector('.menu-xs')?.contains(n) || root.querySelector('.more-button') === n);
    if (popups.more && !inside(next)) setPopups(e, c, { more: false });
  };
  const onDrawerClick = (e: Event) =>
    setPopups(e, c, { drawer: !popups.drawer }, (root) =>
      popups.drawer ? root.querySelector<HTMLElement>('.side [role="tab"][tabindex="0"]') : undefined,
    );

  const document = session.document;
  const win = session.window;
  const fromPacs = session.get('pacs') !== undefined;
  return html`<div class="toolbar" part="toolbar" role="toolbar" aria-label=${t.toolbar} @focusout=${onFocusOut}>
    <input name="files" type="file" multiple @change=${input.picked} />
    <input name="folder" type="file" webkitdirectory multiple @change=${input.picked} />
    <input name="mask" type="file" accept=".nii,.gz,.dcm,.zip,application/dicom,application/zip,application/gzip" @change=${input.maskPicked} />
    <div class="group navigate" role="group" aria-label=${t.tools}>
      ${(['window', 'pan', 'zoom'] as const).map((tool) => button(`tool.${tool}`, { pressed: session.tool === tool }))}
    </div>
    <div class="group annotate" role="group" aria-label=${tt.annotate}>
      ${ANNOTATION_TOOLS.filter((tool) => !ASSISTED_TOOLS.includes(tool)).map((tool) => button(`tool.${tool}`, { pressed: session.tool === tool, data: { tool } }))}
      ${button('undo', { data: { action: 'undo' } })} ${button('redo', { data: { action: 'redo' } })}
    </div>
    <div class="menu-xs" id="toolbar-more" tabindex="-1" ?data-open=${popups.more} @keydown=${onMenuKey}>
      ${session.tool === 'threshold-brush' || session.tool === 'fill' || session.tool === 'one-click'
        ? renderThreshold({ owner: c, range: input.threshold, setRange: input.setThreshold, values: input.sliceValues, lang })
        : nothing}
      <div class="group assisted" role="group" aria-label=${tt.assisted}>
        ${ASSISTED_TOOLS.map((tool) => button(`tool.${tool}`, { pressed: session.tool === tool, data: { tool } }))}
      </div>
      <div class="group display" role="group" aria-label=${groups.view}>
        ${button('fit')} ${button('actual-size')} ${button('invert', { pressed: session.get('invert') })}
        ${button('reference-lines', { pressed: session.get('referenceLines') })} ${button('overlays', { pressed: session.get('overlays') })}
      </div>
      <div class="menu-s" tabindex="-1">
        <div class="group presets" role="group" aria-label=${t.presets}>
          ${WINDOW_PRESETS.map((p) =>
            button(`preset.${p.id}`, {
              pressed: p.center === win.center && p.width === win.width,
              data: { preset: p.id },
              title: `${names[`preset.${p.id}`].name} ${p.width}/${p.center}`,
            }),
          )}
        </div>
        <div class="group steps" role="group" aria-label=${groups.annotate}>
          ${button('interpolate', { data: { action: 'interpolate' } })} ${button('accept', { data: { action: 'accept' } })}
          ${button('accept-all', { data: { action: 'accept-all' } })}
          ${button('background-only', { pressed: document?.paintMode === 'background-only', data: { action: 'background-only' } })}
        </div>
        ${renderRefine({ context: c, run, picking: input.pickingIsland })}
        <div class="menu-m" tabindex="-1">
          <div class="group layouts" role="group" aria-label=${t.layouts}>
            ${LAYOUTS.map((layout) => button(`layout.${layout}`, { pressed: session.get('layout') === layout }))}
          </div>
          <div class="group files" role="group" aria-label=${groups.open}>
            ${button('open-files')} ${button('open-folder')}
            ${button('import', { data: { action: 'import' } })} ${button('export', { data: { action: 'export' } })}
            ${button('compare', { data: { action: 'compare' } })}
            ${fromPacs ? html`${button('save-to-pacs', { data: { action: 'save-to-pacs' } })} ${button('pacs-segmentations', { data: { action: 'pacs-segmentations' } })}` : nothing}
            ${button('shortcuts', { data: { action: 'shortcuts' } })}
          </div>
          <form class="urls" @submit=${input.urlsSubmitted}>
            <input name="urls" type="url" placeholder=${t.urlsPlaceholder} aria-label=${t.openUrls} />
            <button type="submit">${t.openUrls}</button>
          </form>
          <span class="wl">W ${Math.round(win.width)} L ${Math.round(win.center)}</span>
        </div>
      </div>
    </div>
    <button class="more-button" aria-haspopup="true" aria-expanded=${pressed(popups.more)} aria-controls="toolbar-more"
      aria-label=${t.more} title=${t.more} @click=${onMoreClick} @keydown=${onMoreKey}>${icon('more')}</button>
    <button class="side-toggle" aria-expanded=${pressed(popups.drawer)} aria-controls="side" aria-label=${t.sidePanel} title=${t.sidePanel}
      @click=${onDrawerClick}>${icon('side')}</button>
  </div>`;
}
