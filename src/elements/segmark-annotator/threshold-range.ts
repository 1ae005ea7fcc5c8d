/**
 * The threshold range on the tool bar, while a tool that uses it (threshold
 * brush, Fill, one-click region) is in hand: a preset list (the presets are
 * starting points) and a button showing the range ("50…150 HU") that opens a
 * small popover with the numeric minimum and maximum, a histogram of the
 * current slice's HU (the whole slice, not only what is on screen: the range
 * is meant for the structure, wherever the view is), and the one-click
 * region's partial-volume edge (on/off and its two half-way values; the disc
 * preset brings 0…570 HU).
 *
 * On the histogram a drag sets a new range from where it started; a press
 * within a few pixels of an edge of the shaded range drags that edge. The
 * keyboard sets the range through the inputs (arrows step by 1, Shift+arrows
 * by 10). Escape closes the popover and gives the focus back to its button;
 * the focus leaving it closes it too. The button is a disclosure
 * (`aria-expanded`, `aria-controls`), not `aria-haspopup`: the bar's one
 * popup button is its More menu.
 *
 * The range is the session's `threshold`; this only renders and forwards.
 */
import { css, html, nothing, svg, type ReactiveElement } from 'lit';
import { live } from 'lit/directives/live.js';
import { barHeights, fractionOf, huAt, huHistogram, type Histogram } from '../../core/display/histogram.js';
import { THRESHOLD_PRESETS, type ThresholdRange } from '../../tools/threshold-brush.js';
import { toolStrings } from '../../text/tools.js';

export interface ThresholdInput {
  /** Whose popover this is (one per annotator). */
  owner: object;
  range: ThresholdRange;
  setRange(range: ThresholdRange): void;
  /** The HU of the slice the histogram shows, if a series is open. */
  values(): Int16Array | undefined;
  lang: string;
}

/** The histogram's size in CSS pixels, and its bins (2 px each). */
const WIDTH = 160;
const HEIGHT = 40;
const BINS = 80;
/** How near (CSS px) to an edge of the range a press drags that edge. */
const EDGE_GRAB = 5;

interface State {
  open: boolean;
  /** While the pointer drags on the histogram: the edge that moves and the one that stays. */
  drag: { pointer: number; fixed: number } | undefined;
  /** The partial-volume edge last turned off, given back when it is turned on again. */
  lastEdge?: { min: number; max: number };
}

const STATES = new WeakMap<object, State>();
/** One histogram per slice array (a slice's values never change). */
const HISTOGRAMS = new WeakMap<Int16Array, Histogram>();

function stateOf(owner: object): State {
  let s = STATES.get(owner);
  if (!s) STATES.set(owner, (s = { open: false, drag: undefined }));
  return s;
}

function histogramOf(values: Int16Array): Histogram {
  let h = HISTOGRAMS.get(values);
  if (!h) HISTOGRAMS.set(values, (h = huHistogram(values, BINS)));
  return h;
}

function hostOf(e: Event): ReactiveElement {
  return ((e.currentTarget as Element).getRootNode() as ShadowRoot).host as ReactiveElement;
}

/** Opens or closes the popover, then moves the focus (the min input on open, the button on close). */
function setOpen(e: Event, input: ThresholdInput, open: boolean, focus: boolean): void {
  const host = hostOf(e);
  // Closing: the focus goes to the button before the popover goes, so it never falls out of the
  // group (and out of the More menu, which would close that too).
  if (!open && focus) host.shadowRoot?.querySelector<HTMLElement>('.threshold-button')?.focus();
  stateOf(input.owner).open = open;
  host.requestUpdate();
  if (open && focus) void host.updateComplete.then(() => host.shadowRoot?.querySelector<HTMLElement>('.threshold-popover input[data-edge="min"]')?.focus());
}

/** The range with one edge set to `value`; the other edge is pushed along so that min ≤ max. */
function withEdge(range: ThresholdRange, edge: 'min' | 'max', value: number): ThresholdRange {
  const v = Math.round(value);
  return edge === 'min' ? { ...range, min: v, max: Math.max(v, range.max) } : { ...range, min: Math.min(v, range.min), max: v };
}

/** The range with its partial-volume edge's end `end` set to `value` (the other end pushed along), or without an edge. */
function withPartialVolume(range: ThresholdRange, end: 'min' | 'max' | 'off' | 'on', value = 0, last?: { min: number; max: number }): ThresholdRange {
  const { partialVolume: pv, ...plain } = range;
  if (end === 'off') return plain;
  if (end === 'on') return { ...plain, partialVolume: pv ?? last ?? startingEdge(range) };
  const now = pv ?? startingEdge(range);
  const v = Math.round(value);
  return { ...plain, partialVolume: end === 'min' ? { min: v, max: Math.max(v, now.max) } : { min: Math.min(v, now.min), max: v } };
}

/** A starting edge for a custom range: as far again beyond each end as the range is wide. */
function startingEdge({ min, max }: ThresholdRange): { min: number; max: number } {
  const width = Math.max(1, max - min);
  return { min: min - width, max: max + width };
}

export function renderThreshold(input: ThresholdInput) {
  const tt = toolStrings(input.lang);
  const { min, max } = input.range;
  const state = stateOf(input.owner);
  const current = Object.entries(THRESHOLD_PRESETS).find(([, r]) => r.min === min && r.max === max)?.[0] ?? '';
  const text = `${min}…${max} HU`;

  const onPreset = (e: Event) => {
    const id = (e.target as HTMLSelectElement).value;
    if (id in THRESHOLD_PRESETS) input.setRange({ ...THRESHOLD_PRESETS[id as keyof typeof THRESHOLD_PRESETS] });
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && state.open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(e, input, false, true);
    }
  };
  // The focus leaving the group (a click elsewhere, Tab past the popover) closes the popover.
  const onFocusOut = (e: FocusEvent) => {
    const next = e.relatedTarget as Node | null;
    if (state.open && !(e.currentTarget as Element).contains(next)) setOpen(e, input, false, false);
  };
  return html`<div class="group threshold" role="group" aria-label=${tt.thresholdRange} @keydown=${onKey} @focusout=${onFocusOut}>
    <select data-action="threshold" aria-label=${tt.thresholdPreset} title=${tt.thresholdRange} @change=${onPreset}>
      ${Object.entries(THRESHOLD_PRESETS).map(([id, r]) => {
        const name = tt[`threshold-${id}` as 'threshold-disc'];
        return html`<option value=${id} label=${name} ?selected=${id === current}>${name} ${r.min}…${r.max} HU</option>`;
      })}
      ${current ? nothing : html`<option selected value="" label=${tt.thresholdCustom}>${text}</option>`}
    </select>
    <button class="threshold-button text" aria-expanded=${state.open ? 'true' : 'false'} aria-controls="threshold-popover"
      aria-label=${`${tt.thresholdRange}: ${text}`} title=${tt.thresholdEdit}
      @click=${(e: Event) => setOpen(e, input, !state.open, !state.open)}>${text}</button>
    ${state.open ? renderPopover(input, state) : nothing}
  </div>`;
}

function renderPopover(input: ThresholdInput, state: State) {
  const tt = toolStrings(input.lang);
  const range = input.range;
  const values = input.values();
  const h = values ? histogramOf(values) : undefined;

  const onEdgeInput = (e: Event) => {
    const el = e.target as HTMLInputElement;
    const v = el.valueAsNumber;
    const edge = el.dataset.edge as 'min' | 'max';
    // While typing, only a whole range is taken; a change (Enter, leaving the field) pushes the other edge along.
    if (!Number.isFinite(v)) return;
    if (e.type === 'change') input.setRange(withEdge(input.range, edge, v));
    else if (edge === 'min' ? v <= input.range.max : v >= input.range.min) input.setRange({ ...input.range, [edge]: Math.round(v) });
  };
  const onEdgeKey = (e: KeyboardEvent) => {
    if (!e.shiftKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    const edge = (e.target as HTMLInputElement).dataset.edge as 'min' | 'max';
    input.setRange(withEdge(input.range, edge, input.range[edge] + (e.key === 'ArrowUp' ? 10 : -10)));
  };
  const edgeInput = (edge: 'min' | 'max', label: string) =>
    html`<label>${label}<input type="number" step="1" data-edge=${edge} .value=${live(String(range[edge]))}
      @input=${onEdgeInput} @change=${onEdgeInput} @keydown=${onEdgeKey} /></label>`;
  const pv = range.partialVolume;
  const onPvToggle = (e: Event) => {
    const on = (e.target as HTMLInputElement).checked;
    if (!on) state.lastEdge = input.range.partialVolume;
    input.setRange(withPartialVolume(input.range, on ? 'on' : 'off', 0, state.lastEdge));
  };
  const onPvChange = (e: Event) => {
    const el = e.target as HTMLInputElement;
    if (Number.isFinite(el.valueAsNumber)) input.setRange(withPartialVolume(input.range, el.dataset.pv as 'min' | 'max', el.valueAsNumber));
  };
  const pvInput = (end: 'min' | 'max', label: string) =>
    html`<label>${label}<input type="number" step="1" data-pv=${end} .value=${live(String(pv?.[end] ?? ''))} ?disabled=${!pv} @change=${onPvChange} /></label>`;

  return html`<div class="threshold-popover" id="threshold-popover" role="dialog" aria-label=${tt.thresholdRange} tabindex="-1">
    ${edgeInput('min', tt.thresholdMin)} ${edgeInput('max', tt.thresholdMax)}
    ${h ? renderHistogram(input, state, h) : nothing}
    <fieldset class="partial-volume">
      <legend><label title=${tt.partialVolumeHelp}><input type="checkbox" data-action="partial-volume" .checked=${live(!!pv)} @change=${onPvToggle} />${tt.partialVolume}</label></legend>
      ${pvInput('min', tt.thresholdMin)} ${pvInput('max', tt.thresholdMax)}
    </fieldset>
  </div>`;
}

function renderHistogram(input: ThresholdInput, state: State, h: Histogram) {
  const tt = toolStrings(input.lang);
  const { min, max } = input.range;
  const x0 = fractionOf(h, min) * WIDTH;
  const x1 = fractionOf(h, max + 1) * WIDTH;
  const bars = barHeights(h, HEIGHT);
  const step = WIDTH / bars.length;
  let d = '';
  for (let i = 0; i < bars.length; i++) if (bars[i]! > 0) d += `M${i * step} ${HEIGHT}v${-bars[i]!.toFixed(1)}h${step}v${bars[i]!.toFixed(1)}z`;

  const huOf = (e: PointerEvent) => {
    const box = (e.currentTarget as Element).getBoundingClientRect();
    return huAt(h, (e.clientX - box.left) / box.width);
  };
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const box = (e.currentTarget as Element).getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * WIDTH;
    const hu = huOf(e);
    // An edge grabbed moves; a press elsewhere starts a new range there.
    if (Math.abs(x - x0) <= EDGE_GRAB && Math.abs(x - x0) <= Math.abs(x - x1)) state.drag = { pointer: e.pointerId, fixed: max };
    else if (Math.abs(x - x1) <= EDGE_GRAB) state.drag = { pointer: e.pointerId, fixed: min };
    else {
      state.drag = { pointer: e.pointerId, fixed: hu };
      input.setRange({ ...input.range, min: hu, max: hu });
    }
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    // Keep the focus in the popover (a press on the chart would otherwise blur it and close it).
    ((e.currentTarget as Element).closest('.threshold-popover') as HTMLElement | null)?.focus();
  };
  const onMove = (e: PointerEvent) => {
    const drag = state.drag;
    if (!drag || drag.pointer !== e.pointerId) return;
    const hu = huOf(e);
    input.setRange({ ...input.range, min: Math.min(hu, drag.fixed), max: Math.max(hu, drag.fixed) });
  };
  const onUp = (e: PointerEvent) => {
    if (state.drag?.pointer === e.pointerId) state.drag = undefined;
  };
  return html`<svg class="histogram" width=${WIDTH} height=${HEIGHT} viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label=${tt.thresholdHistogram}
    @pointerdown=${onDown} @pointermove=${onMove} @pointerup=${onUp} @pointercancel=${onUp}>
    ${svg`<title>${tt.thresholdHistogram}</title>
      <rect class="range" x=${x0} y="0" width=${Math.max(1, x1 - x0)} height=${HEIGHT}></rect>
      <path class="bars" d=${d}></path>
      <line class="edge" x1=${x0} x2=${x0} y1="0" y2=${HEIGHT}></line>
      <line class="edge" x1=${x1} x2=${x1} y1="0" y2=${HEIGHT}></line>`}
  </svg>`;
}

/** Goes into the annotator's styles: the popover hangs below the group, over the stage. */
export const thresholdRangeStyles = css`
  .toolbar .group.threshold { position: relative; }
  .threshold-button { font-variant-numeric: tabular-nums; }
  .threshold-popover {
    position: absolute;
    top: calc(100% + 6px);
    left: 0;
    z-index: 3;
    display: grid;
    grid-template-columns: auto auto;
    gap: 6px 8px;
    padding: 8px;
    background: var(--_panel);
    color: var(--_text);
    border: 1px solid var(--_control-border);
    border-radius: 6px;
    box-shadow: 0 6px 24px #000a;
  }
  .threshold-popover:focus { outline: none; }
  .threshold-popover label { display: grid; gap: 2px; font-size: 0.85em; color: var(--_muted); }
  .threshold-popover input {
    width: 8ch;
    font: inherit;
    color: var(--_text);
    background: #0004;
    border: 1px solid var(--_control-border);
    border-radius: 4px;
    padding: 2px 4px;
  }
  .threshold-popover .histogram { grid-column: 1 / -1; display: block; touch-action: none; cursor: ew-resize; background: #0003; border-radius: 3px; }
  .histogram .range { fill: var(--_accent); opacity: 0.3; }
  .histogram .bars { fill: var(--_muted); }
  .histogram .edge { stroke: var(--_accent); stroke-width: 1.5; }
  .threshold-popover .partial-volume { grid-column: 1 / -1; display: grid; grid-template-columns: auto auto; gap: 6px 8px; margin: 0; padding: 4px 0 0; border: 0; border-top: 1px solid var(--_control-border); }
  .partial-volume legend { padding: 0; }
  .partial-volume legend label { display: flex; align-items: center; gap: 4px; color: var(--_text); }
  .threshold-popover .partial-volume legend input { width: auto; }
  /* In the open More menu the popover is part of the menu's flow (the menu scrolls; it would clip an overlay). */
  .menu-xs[data-open] .threshold-popover { position: static; grid-column: 1 / -1; box-shadow: none; }
`;
