import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ONE_BASED, type SliceNumbering } from '../../core/dicom/view-plane.js';
import { live } from 'lit/directives/live.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { ChecklistFinding } from '../../core/formats/checklist.js';
import type { ExportFormat, ExportOptions } from '../../core/formats/export-job.js';
import { EXPORT_CHECK, EXPORT_CLOSE, EXPORT_GOTO, EXPORT_RUN, emit } from '../events.js';
import { formatText } from '../../core/text.js';
import { exportStrings, findingText } from '../../text/export.js';

/** A label as the dialog lists it. */
export interface ExportLabelItem {
  id: number;
  name: string;
  color: readonly [number, number, number];
  /** Slices with an outline. */
  slices: number;
}

/** The choices the dialog offers: a format with its options. */
export interface ExportChoice {
  format: ExportFormat;
  options: ExportOptions;
}

/** The dialog's entries: one per format, NIfTI twice (with and without the CT). */
/** What a de-identified export is named after (the default case id): shown in place of the file name, which cannot be typed then. */
const DEIDENTIFIED_NAME = 'case_0001';

const ENTRIES: readonly { id: string; format: ExportFormat; options: ExportOptions }[] = [
  { id: 'nifti', format: 'nifti', options: { bundle: true } },
  { id: 'nifti-image', format: 'nifti', options: { bundle: true, image: true } },
  { id: 'dicom-seg', format: 'dicom-seg', options: {} },
  { id: 'png-zip', format: 'png-zip', options: {} },
  { id: 'coco', format: 'coco', options: {} },
  { id: 'dataset', format: 'dataset', options: {} },
];

/**
 * The export dialog: pick a format and the labels, see the checklist
 * (findings link to their slices), then export — or, with blocking findings,
 * export anyway after saying so.
 *
 * @fires sm-export-check - detail `ExportChoice`: the choice changed, findings are wanted
 * @fires sm-export-run - detail `ExportChoice & { overridden: string[] }`
 * @fires sm-export-goto - detail `{ slice, labelId? }`: show this slice
 * @fires sm-export-close
 * @csspart dialog - the dialog box
 *
 * @tagname segmark-export-dialog
 */
export class SegmarkExportDialog extends LitElement {
  static override styles = css`
    :host {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      background: #0008;
      z-index: 5;
      font: 13px/1.4 var(--segmark-font, system-ui, sans-serif);
      color: var(--segmark-text-color, #e8edf5);
    }
    .box {
      width: min(560px, 92%);
      max-height: 88%;
      overflow: auto;
      background: var(--segmark-panel-color, #1b2230);
      border-radius: 8px;
      box-shadow: 0 8px 32px #000a;
      padding: 14px 16px;
      display: grid;
      gap: 10px;
    }
    h2 { margin: 0; font-size: 16px; }
    fieldset { border: 1px solid #ffffff22; border-radius: 4px; margin: 0; padding: 6px 8px; }
    legend { color: var(--segmark-muted-color, #8a94a6); }
    label { display: flex; gap: 6px; align-items: center; }
    .labels { display: grid; grid-template-columns: repeat(2, 1fr); gap: 2px 12px; }
    .swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; }
    .muted { color: var(--segmark-muted-color, #8a94a6); }
    ul.findings { margin: 0; padding-left: 18px; display: grid; gap: 4px; }
    li.block { color: #ffb4a8; }
    li.note { color: var(--segmark-muted-color, #c4ccda); }
    .ok { color: #9fe0a8; }
    .links button { padding: 0 4px; margin-left: 2px; }
    .actions { display: flex; gap: 8px; justify-content: flex-end; align-items: center; }
    button {
      font: inherit;
      color: inherit;
      background: #ffffff14;
      border: 1px solid #ffffff33;
      border-radius: 4px;
      padding: 4px 10px;
      cursor: pointer;
    }
    button.primary { background: var(--segmark-accent-color, #4da3ff); color: var(--segmark-on-accent-color, #06121f); border-color: transparent; }
    button:disabled { opacity: 0.5; cursor: default; }
    button:focus-visible, input:focus-visible { outline: 2px solid var(--segmark-focus-color, #4da3ff); }
    input[type='text'] { font: inherit; background: #0006; color: inherit; border: 1px solid #ffffff33; border-radius: 3px; padding: 2px 6px; }
  `;

  @property({ attribute: false }) labels: ExportLabelItem[] = [];
  @property({ attribute: false }) findings: ChecklistFinding[] = [];
  @property() override lang = 'en';
  /** An export is running. */
  @property({ type: Boolean }) busy = false;
  /** The image number of each slice index, as the series' viewer numbers them (default index + 1). */
  @property({ attribute: false }) sliceNumber: SliceNumbering = ONE_BASED;
  /** Default file-name base. */
  @property() name = '';

  @state() private entry = ENTRIES[0]!.id;
  @state() private chosen: Set<number> | undefined;
  @state() private anyway = false;
  @state() private fileName: string | undefined;
  /** Undefined: the format's default (on for the dataset package only). */
  @state() private deidentify: boolean | undefined;
  /** NIfTI on a regular, resampled grid (`ExportOptions.grid`). */
  @state() private resampled = false;

  protected override firstUpdated(): void {
    this.check();
    (this.renderRoot.querySelector('input[name=format]:checked') as HTMLInputElement | null)?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('labels') && !this.chosen) this.chosen = new Set(this.labels.filter((l) => l.slices > 0).map((l) => l.id));
  }

  /** The current choice as the annotator's export() takes it. */
  choice(): ExportChoice {
    const e = ENTRIES.find((x) => x.id === this.entry)!;
    const deidentify = this.deidentify ?? e.format === 'dataset';
    // Only a name the user typed, and never when de-identifying: the export then names the file after the case id alone.
    const name = deidentify ? '' : (this.fileName ?? '').trim();
    const grid = e.format === 'nifti' && this.resampled ? { grid: 'resampled' as const } : {};
    return { format: e.format, options: { ...e.options, labels: [...(this.chosen ?? [])], deidentify, ...grid, ...(name ? { name } : {}) } };
  }

  override render() {
    const t = exportStrings(this.lang);
    const blocking = this.findings.filter((f) => f.severity === 'block');
    const nothingChosen = (this.chosen?.size ?? 0) === 0;
    return html`<div class="box" part="dialog" role="dialog" aria-modal="true" aria-labelledby="title" @keydown=${this.onKey}>
      <h2 id="title">${t.title}</h2>
      <fieldset>
        <legend>${t.format}</legend>
        ${ENTRIES.map(
          (e) => html`<label><input type="radio" name="format" value=${e.id} .checked=${this.entry === e.id}
            @change=${() => this.pick(e.id)} />${t.formats[e.id as keyof typeof t.formats]}</label>`,
        )}
      </fieldset>
      <fieldset>
        <legend>${t.labels}</legend>
        <div class="labels">
          ${this.labels.map(
            (l) => html`<label>
              <input type="checkbox" .checked=${this.chosen?.has(l.id) ?? false} @change=${(ev: Event) => this.toggle(l.id, (ev.target as HTMLInputElement).checked)} />
              <span class="swatch" style=${styleMap({ background: `rgb(${l.color.join(' ')})` })}></span>${l.name}
              <span class="muted">${l.slices === 1 ? t.slicesOne : formatText(t.slices, { count: String(l.slices) })}</span>
            </label>`,
          )}
        </div>
      </fieldset>
      <label><input type="checkbox" name="deidentify" .checked=${this.choice().options.deidentify ?? false}
        @change=${(ev: Event) => {
          this.deidentify = (ev.target as HTMLInputElement).checked;
          this.check();
        }} />${t.deidentify}</label>
      ${ENTRIES.find((x) => x.id === this.entry)!.format === 'nifti'
        ? html`<label><input type="checkbox" name="resampled" .checked=${this.resampled}
            @change=${(ev: Event) => {
              this.resampled = (ev.target as HTMLInputElement).checked;
              this.check();
            }} />${t.resampled}</label>`
        : nothing}
      <label>${t.fileName} <input type="text" name="file-name" translate="no" ?disabled=${this.choice().options.deidentify ?? false}
        placeholder=${this.choice().options.deidentify ? DEIDENTIFIED_NAME : this.name} .value=${live(this.choice().options.deidentify ? '' : (this.fileName ?? ''))}
        @input=${(ev: Event) => (this.fileName = (ev.target as HTMLInputElement).value)} /></label>
      <div class="checklist" aria-live="polite">
        <strong>${t.checklist}</strong>
        ${this.findings.length === 0
          ? html`<p class="ok">${t.allClear}</p>`
          : html`<ul class="findings">
              ${this.findings.map(
                (f) => html`<li class=${f.severity} data-code=${f.code}>
                  ${findingText(this.lang, f)}
                  ${f.slices?.length
                    ? html`<span class="links">${f.slices.slice(0, 12).map(
                        (k) => html`<button class="goto" title=${t.goto} @click=${() => emit(this, EXPORT_GOTO, { slice: k, labelId: f.labelId })}>${this.sliceNumber(k)}</button>`,
                      )}${f.slices.length > 12 ? ' …' : ''}</span>`
                    : nothing}
                </li>`,
              )}
            </ul>`}
        ${blocking.length
          ? html`<label class="anyway"><input type="checkbox" name="anyway" .checked=${this.anyway}
              @change=${(ev: Event) => (this.anyway = (ev.target as HTMLInputElement).checked)} />${t.anyway}</label>`
          : nothing}
      </div>
      <div class="actions">
        ${this.busy ? html`<span class="muted">${t.working}</span>` : nothing}
        <button class="cancel" @click=${() => emit(this, EXPORT_CLOSE, {})}>${t.cancel}</button>
        <button class="primary export" ?disabled=${this.busy || nothingChosen || (blocking.length > 0 && !this.anyway)}
          @click=${() => emit(this, EXPORT_RUN, { ...this.choice(), overridden: this.anyway ? blocking.map((f) => f.code) : [] })}>
          ${t.export}
        </button>
      </div>
    </div>`;
  }

  private pick(entry: string): void {
    this.entry = entry;
    this.deidentify = undefined;
    this.check();
  }

  private toggle(id: number, on: boolean): void {
    const next = new Set(this.chosen);
    if (on) next.add(id);
    else next.delete(id);
    this.chosen = next;
    this.check();
  }

  private check(): void {
    this.anyway = false;
    emit(this, EXPORT_CHECK, this.choice());
  }

  private onKey(e: KeyboardEvent): void {
    e.stopPropagation();
    if (e.key === 'Escape') emit(this, EXPORT_CLOSE, {});
  }

}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-export-dialog': SegmarkExportDialog;
  }
}
