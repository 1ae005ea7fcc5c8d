/**
 * The template of one row of `<segmark-label-panel>`: what a label looks like
 * and which control calls which action. Split from the element, which owns
 * the state, the document and the handlers; this file only renders.
 */
import { html, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Label, LabelPatch, Rgb } from '../../core/annotation/labels.js';
import type { LabelProgress } from '../../core/annotation/verification.js';
import type { StringKey } from '../../text/ui.js';
import { renderLabelProgress } from './label-progress.js';

export type Strings = Record<StringKey, string>;

/** The `data-control` of each focusable thing in a row (focus follows it across rows). */
export type Control = 'select' | 'color' | 'visible' | 'lock' | 'display' | 'opacity' | 'rename' | 'up' | 'down' | 'delete';

/** What a row shows, decided by the element. */
export interface LabelItemView {
  label: Label;
  index: number;
  count: number;
  active: boolean;
  /** In the tab order (roving tabindex: one row at a time). */
  tabbable: boolean;
  readonly: boolean;
  renaming: boolean;
  confirmingDelete: boolean;
  drop: 'before' | 'after' | undefined;
  /** Formatted measurements ("–" when unknown); `ranges` like "3–5, 9"; `stale` while an edit is still being counted. */
  stats: { area: string; perimeter: string; volume: string; slices: number; ranges: string; stale: boolean };
  /** Verified and rejected of the label's outlined slices. */
  progress?: LabelProgress;
  lang?: string;
}

/** What a row's controls do; every action takes the label id. */
export interface LabelItemActions {
  select(id: number): void;
  startRename(id: number): void;
  commitRename(id: number, value: string): void;
  nameKey(e: KeyboardEvent, id: number): void;
  update(id: number, patch: LabelPatch): void;
  move(id: number, toIndex: number, control: Control): void;
  remove(id: number): void;
  cancelRemove(id: number): void;
  dragStart(e: DragEvent, id: number): void;
  dragOver(e: DragEvent, id: number): void;
  drop(e: DragEvent, id: number): void;
  dragEnd(): void;
}

/** 16 × 16 stroked icons, aria-hidden: every button carries its name in aria-label. */
export const ICON = {
  plus: 'M8 3v10M3 8h10',
  eye: 'M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 6.2a1.8 1.8 0 1 0 0 3.6 1.8 1.8 0 0 0 0-3.6z',
  eyeOff: 'M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM2.5 2.5l11 11',
  lock: 'M4 7.5h8V14H4zM5.5 7.5V5a2.5 2.5 0 0 1 5 0v2.5',
  unlock: 'M4 7.5h8V14H4zM5.5 7.5V5a2.5 2.5 0 0 1 5 0',
  square: 'M3 3h10v10H3z',
  up: 'M8 13V3M4 7l4-4 4 4',
  down: 'M8 3v10M4 9l4 4 4-4',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9',
  check: 'M3 8.5l3 3 7-7',
  pencil: 'M11 2.5l2.5 2.5L6 12.5H3.5V10z',
  caret: 'M4 6l4 4 4-4',
  grip: 'M6 3.5h.01M10 3.5h.01M6 8h.01M10 8h.01M6 12.5h.01M10 12.5h.01',
} as const;

export const icon = (d: string, solid = false) =>
  html`<svg viewBox="0 0 16 16" aria-hidden="true"><path class=${solid ? 'solid' : ''} d=${d}></path></svg>`;

export function renderLabelItem(v: LabelItemView, a: LabelItemActions, t: Strings): TemplateResult {
  const { label: l, index, active } = v;
  const id = l.id;
  const tab = v.tabbable ? 0 : -1;
  const edit = !v.readonly;
  const opacity = Math.round(l.opacity * 100);
  const deleteName = v.confirmingDelete ? t.labelConfirmDelete : t.labelDelete;
  const cls = `item${active ? ' active' : ''}${l.visible ? '' : ' hidden'}${edit ? '' : ' readonly'}`;
  const toggle = (control: Control, pressed: boolean, name: string, d: string, disabled: boolean, patch: LabelPatch, solid = false) =>
    html`<button part="toggle" data-control=${control} aria-pressed=${pressed} aria-label=${name} title=${name}
      tabindex=${tab} ?disabled=${disabled} @click=${() => a.update(id, patch)}>${icon(d, solid)}</button>`;
  const action = (control: Control, name: string, d: string, disabled: boolean, run: () => void) =>
    html`<button part="action" data-control=${control} aria-label=${name} title=${name} tabindex=${tab}
      ?disabled=${disabled} @click=${run}>${icon(d)}</button>`;

  return html`<li data-id=${id} class=${v.drop ? `drop-${v.drop}` : ''}
    @dragover=${(e: DragEvent) => a.dragOver(e, id)} @drop=${(e: DragEvent) => a.drop(e, id)}>
    <div class=${cls} part=${active ? 'item active' : 'item'} role="group" aria-label=${l.name}>
      <span class="handle" part="handle" title=${t.labelDrag} draggable=${edit ? 'true' : 'false'}
        @dragstart=${(e: DragEvent) => a.dragStart(e, id)} @dragend=${() => a.dragEnd()}>${icon(ICON.grip)}</span>
      <input type="color" class="swatch" part="swatch" data-control="color" tabindex=${tab} aria-label=${t.labelColor}
        .value=${live(toHex(l.color))} ?disabled=${!edit}
        @change=${(e: Event) => {
          const color = fromHex((e.target as HTMLInputElement).value);
          if (color) a.update(id, { color });
        }} />
      ${v.renaming
        ? html`<input type="text" class="name-input" part="name-input" data-control="name" aria-label=${t.labelName}
            .value=${l.name} @keydown=${(e: KeyboardEvent) => a.nameKey(e, id)}
            @blur=${(e: Event) => a.commitRename(id, (e.target as HTMLInputElement).value)} />`
        : html`<button class="name" part="name" data-control="select" tabindex=${tab} aria-pressed=${active}
            @click=${() => a.select(id)} @dblclick=${() => a.startRename(id)}>${l.name}</button>`}
      ${toggle('visible', l.visible, t.labelVisible, l.visible ? ICON.eye : ICON.eyeOff, false, { visible: !l.visible })}
      ${toggle('lock', l.locked, t.labelLocked, l.locked ? ICON.lock : ICON.unlock, !edit, { locked: !l.locked })}
      ${toggle('display', l.display === 'outline', t.labelOutline, ICON.square, false,
        { display: l.display === 'outline' ? 'filled' : 'outline' }, l.display === 'filled')}
      <div class="tools">
        <input type="range" part="opacity" data-control="opacity" min="0" max="100" step="1" tabindex=${tab}
          aria-label=${t.labelOpacity} aria-valuetext=${`${opacity}%`} .value=${live(String(opacity))}
          @input=${(e: Event) => a.update(id, { opacity: Number((e.target as HTMLInputElement).value) / 100 })} />
        <span class="opacity-value" aria-hidden="true">${opacity}%</span>
        ${action('rename', t.labelRename, ICON.pencil, !edit, () => a.startRename(id))}
        ${action('up', t.labelMoveUp, ICON.up, !edit || index === 0, () => a.move(id, index - 1, 'up'))}
        ${action('down', t.labelMoveDown, ICON.down, !edit || index === v.count - 1, () => a.move(id, index + 1, 'down'))}
        <button part="action" data-control="delete" class=${v.confirmingDelete ? 'confirm' : ''} tabindex=${tab}
          aria-label=${deleteName} title=${deleteName} ?disabled=${!edit || l.locked}
          @click=${() => a.remove(id)} @blur=${() => a.cancelRemove(id)}>
          ${icon(v.confirmingDelete ? ICON.check : ICON.trash)}
        </button>
      </div>
      <dl class=${v.stats.stale ? 'stats stale' : 'stats'} part="stats" aria-busy=${v.stats.stale ? 'true' : 'false'}>
        <div><dt>${t.labelArea}</dt><dd data-stat="area">${v.stats.area}</dd></div>
        <div><dt>${t.labelPerimeter}</dt><dd data-stat="perimeter">${v.stats.perimeter}</dd></div>
        <div><dt>${t.labelVolume}</dt><dd data-stat="volume">${v.stats.volume}</dd></div>
        <div>
          <dt>${t.labelSlices}</dt>
          <dd data-stat="slices" title=${v.stats.ranges}>${v.stats.slices}${v.stats.ranges ? ` (${v.stats.ranges})` : ''}</dd>
        </div>
      </dl>
      ${renderLabelProgress(v.progress, v.lang ?? 'en')}
    </div>
  </li>`;
}

export function toHex(color: Rgb): string {
  return `#${color.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

export function fromHex(value: string): Rgb | undefined {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : undefined;
}
