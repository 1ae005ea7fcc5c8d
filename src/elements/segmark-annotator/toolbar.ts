/** The annotator's tool bar: opening, navigation tools, annotation tools and history, window presets. */
import { html } from 'lit';
import { WINDOW_PRESETS, type WindowLevel } from '../../core/display/window.js';
import type { AnnotationToolId } from '../../tools/annotation-tool.js';
import type { NavigationTool } from '../../tools/navigation.js';
import type { strings } from '../text/ui.js';
import type { toolStrings } from '../text/tools.js';
import { ANNOTATION_TOOLS, ANNOTATION_TOOL_KEYS } from './annotation-controller.js';
import { THRESHOLD_PRESETS } from '../../tools/threshold-brush.js';
import { agreementStrings } from '../text/agreement.js';

export interface ToolbarState {
  t: ReturnType<typeof strings>;
  tools: ReturnType<typeof toolStrings>;
  tool: NavigationTool | AnnotationToolId;
  invert: boolean;
  window: WindowLevel;
  annotationDisabled: boolean;
  canUndo: boolean;
  canRedo: boolean;
  backgroundOnly: boolean;
  /** The threshold brush's HU range, shown while that tool is in hand. */
  threshold: { min: number; max: number };
  /** Something is open that can be exported. */
  canExport: boolean;
  /** The series came from a PACS (DICOMweb): offer storing to it and its earlier segmentations. */
  fromPacs: boolean;
  /** Interface language, for the texts of other panels' buttons. */
  lang: string;
}

export interface ToolbarActions {
  openFiles(): void;
  openFolder(): void;
  picked(e: Event): void;
  urlsSubmitted(e: Event): void;
  setTool(tool: NavigationTool | AnnotationToolId): void;
  fit(): void;
  actualSize(): void;
  toggleInvert(): void;
  setWindow(w: WindowLevel): void;
  undo(): void;
  redo(): void;
  interpolate(): void;
  acceptSlice(): void;
  acceptAll(): void;
  toggleBackgroundOnly(): void;
  setThreshold(preset: string): void;
  shortcuts(): void;
  exportDialog(): void;
  importDialog(): void;
  maskPicked(e: Event): void;
  saveToPacs(): void;
  pacsSegmentations(): void;
  compare(): void;
}

function renderThreshold(s: ToolbarState, a: ToolbarActions) {
  const current = Object.entries(THRESHOLD_PRESETS).find(([, r]) => r.min === s.threshold.min && r.max === s.threshold.max)?.[0] ?? '';
  return html`<select data-action="threshold" aria-label=${s.tools.thresholdRange} @change=${(e: Event) => a.setThreshold((e.target as HTMLSelectElement).value)}>
    ${Object.entries(THRESHOLD_PRESETS).map(
      ([id, r]) => html`<option value=${id} ?selected=${id === current}>${s.tools[`threshold-${id}` as 'threshold-disc']} ${r.min}…${r.max} HU</option>`,
    )}
    ${current ? '' : html`<option selected value="">${s.threshold.min}…${s.threshold.max} HU</option>`}
  </select>`;
}

export function renderToolbar(s: ToolbarState, a: ToolbarActions) {
  const { t, tools: tt } = s;
  const navigation: Array<[NavigationTool, string, string]> = [
    ['window', t.window, 'W'],
    ['pan', t.pan, 'P'],
    ['zoom', t.zoom, 'Z'],
  ];
  const pressed = (on: boolean) => (on ? 'true' : 'false');
  return html`<div class="toolbar" part="toolbar" role="toolbar">
    <div class="group">
      <button @click=${a.openFiles}>${t.openFiles}</button>
      <button @click=${a.openFolder}>${t.openFolder}</button>
      <input name="files" type="file" multiple @change=${a.picked} />
      <input name="folder" type="file" webkitdirectory multiple @change=${a.picked} />
      <input name="mask" type="file" accept=".nii,.gz,.dcm,.zip,application/dicom,application/zip,application/gzip" @change=${a.maskPicked} />
      <form class="urls" @submit=${a.urlsSubmitted}>
        <input name="urls" type="url" placeholder=${t.urlsPlaceholder} aria-label=${t.openUrls} />
        <button type="submit">${t.openUrls}</button>
      </form>
    </div>
    <span class="sep"></span>
    <div class="group" role="group" aria-label=${t.tools}>
      ${navigation.map(
        ([id, label, key]) =>
          html`<button aria-pressed=${pressed(s.tool === id)} title="${label} (${key})" @click=${() => a.setTool(id)}>${label}</button>`,
      )}
      <button title="${t.fit} (F)" @click=${a.fit}>${t.fit}</button>
      <button title="${t.actualSize} (A)" @click=${a.actualSize}>${t.actualSize}</button>
      <button aria-pressed=${pressed(s.invert)} title="${t.invert} (I)" @click=${a.toggleInvert}>${t.invert}</button>
    </div>
    <span class="sep"></span>
    <div class="group" role="group" aria-label=${tt.annotate}>
      ${ANNOTATION_TOOLS.map(
        (id) => html`<button
          data-tool=${id}
          ?disabled=${s.annotationDisabled}
          aria-pressed=${pressed(s.tool === id)}
          title="${tt[id]} (${ANNOTATION_TOOL_KEYS[id].toUpperCase()})"
          @click=${() => a.setTool(id)}
        >${tt[id]}</button>`,
      )}
      <button data-action="undo" aria-label=${tt.undo} ?disabled=${s.annotationDisabled || !s.canUndo} title="${tt.undo} (Ctrl+Z)" @click=${a.undo}>↶</button>
      <button data-action="redo" aria-label=${tt.redo} ?disabled=${s.annotationDisabled || !s.canRedo} title="${tt.redo} (Ctrl+Shift+Z)" @click=${a.redo}>↷</button>
      ${s.tool === 'threshold-brush' ? renderThreshold(s, a) : ''}
      <button data-action="interpolate" ?disabled=${s.annotationDisabled} title="${tt.interpolateHint}" @click=${a.interpolate}>${tt.interpolate}</button>
      <button data-action="accept" ?disabled=${s.annotationDisabled} title="${tt.acceptHint}" @click=${a.acceptSlice}>${tt.accept}</button>
      <button data-action="accept-all" ?disabled=${s.annotationDisabled} @click=${a.acceptAll}>${tt.acceptAll}</button>
      <button data-action="background-only" aria-pressed=${pressed(s.backgroundOnly)} ?disabled=${s.annotationDisabled}
        title=${tt.backgroundOnlyHint} @click=${a.toggleBackgroundOnly}>${tt.backgroundOnly}</button>
      <button data-action="import" ?disabled=${!s.canExport || s.annotationDisabled} title=${tt.importHint} @click=${a.importDialog}>${tt.import}</button>
      <button data-action="export" ?disabled=${!s.canExport} title="${tt.exportHint} (Ctrl+E)" @click=${a.exportDialog}>${tt.export}</button>
      <button data-action="compare" ?disabled=${!s.canExport} title=${agreementStrings(s.lang).openHint} @click=${a.compare}>${agreementStrings(s.lang).open}</button>
      ${s.fromPacs
        ? html`<button data-action="save-to-pacs" ?disabled=${!s.canExport} title=${tt.saveToPacsHint} @click=${a.saveToPacs}>${tt.saveToPacs}</button>
            <button data-action="pacs-segmentations" ?disabled=${!s.canExport || s.annotationDisabled} title=${tt.pacsSegmentationsHint} @click=${a.pacsSegmentations}>${tt.pacsSegmentations}</button>`
        : ''}
      <button data-action="shortcuts" @click=${a.shortcuts}>${tt.shortcuts}</button>
    </div>
    <span class="sep"></span>
    <div class="group" role="group" aria-label=${t.presets}>
      ${WINDOW_PRESETS.map(
        (preset) => html`<button
          data-preset=${preset.id}
          aria-pressed=${pressed(preset.center === s.window.center && preset.width === s.window.width)}
          title="${t[preset.id]} ${preset.width}/${preset.center} (${preset.key})"
          @click=${() => a.setWindow(preset)}
        >${t[preset.id]}</button>`,
      )}
      <span class="wl">W ${Math.round(s.window.width)} L ${Math.round(s.window.center)}</span>
    </div>
  </div>`;
}
