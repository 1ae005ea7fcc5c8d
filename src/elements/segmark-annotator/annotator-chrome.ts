/**
 * The annotator's chrome around the image: the side bar's tab strip, the
 * status bar, the load progress panel, the autosave indicator, the banner of
 * a document another tab edits, the notices and the export dialog. Plain
 * render functions: what they show comes in as arguments, what the user does
 * goes out through callbacks.
 */
import { html, nothing } from 'lit';
import { sliceNumber, sliceOfNumber } from '../../core/dicom/view-plane.js';
import type { LoadProgress } from '../../core/dicom/loader.js';
import type { ChecklistFinding } from '../../core/formats/checklist.js';
import type { AnnotationDocument } from '../../core/annotation/document.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { SaveState } from '../../store/autosave.js';
import type { Notice } from '../../session/annotator-session.js';
import type { ExportChoice, ExportLabelItem } from '../segmark-export-dialog/segmark-export-dialog.js';
import { toLocale } from '../../core/text.js';
import { toolStrings } from '../../text/tools.js';
import { strings } from '../../text/ui.js';

/** The tabs of the side bar. */
export type SideTab = 'labels' | 'review' | 'work';

type Text = ReturnType<typeof strings>;

/** The tab strip with the WAI-ARIA tab pattern: one tab stop, arrows (and Home/End) move between tabs and show them. */
export function renderSideTabs(t: Text, tabs: readonly SideTab[], shown: SideTab, pick: (tab: SideTab, focus: boolean) => void) {
  const names: Record<SideTab, string> = { labels: t.labelPanel, review: t.tabReview, work: t.tabWork };
  const onKey = (e: KeyboardEvent): void => {
    const at = tabs.indexOf(shown);
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    pick(tabs[(to + tabs.length) % tabs.length]!, true);
  };
  return html`<div class="side-tabs" role="tablist" aria-label=${t.sidePanels} part="side-tabs" @keydown=${onKey}>
    ${tabs.map(
      (id) => html`<button role="tab" id="tab-${id}" aria-controls="panel-${id}" aria-selected=${id === shown ? 'true' : 'false'}
        tabindex=${id === shown ? 0 : -1} @click=${() => pick(id, false)}>${names[id]}</button>`,
    )}
  </div>`;
}

export interface SaveIndicator {
  state: SaveState;
  lastSaved: number | undefined;
  /** The browser's answer to our request for persistent storage; undefined until asked. */
  persistent: boolean | undefined;
}

export function renderSaveState(lang: string, s: SaveIndicator) {
  const t = toolStrings(lang);
  const { state, lastSaved, persistent } = s;
  const time = lastSaved ? new Intl.DateTimeFormat(toLocale(lang), { timeStyle: 'medium' }).format(lastSaved) : '';
  const text = state === 'saving' ? t.saving : state === 'error' ? t.saveFailed : lastSaved ? `${t.saved} ${time}` : '';
  const persistence = persistent === undefined ? '' : persistent ? t.persistent : t.notPersistent;
  return html`<span class="save-state ${state}" part="save-state" role="status" aria-live="polite" data-state=${state}
    data-persistent=${persistent === undefined ? '' : String(persistent)} title=${persistence}>${text}${persistent === false ? ' ⚠' : ''}</span>`;
}

/**
 * The slice slider (by image number, as the hospital's viewer numbers
 * them: image 1 the most superior), the image number with the file's
 * InstanceNumber, and (with autosave) the save indicator.
 */
export function renderStatusbar(t: Text, volume: Volume | undefined, slice: number, setSlice: (k: number) => void, save: unknown) {
  const n = volume ? sliceNumber(volume, slice) : 1;
  const instance = volume?.instanceNumbers?.[slice];
  return html`<div class="statusbar" part="statusbar">
    <label for="slider">${t.slice}</label>
    <input id="slider" type="range" min="1" max=${Math.max(1, volume?.slices ?? 1)} .value=${String(n)}
      ?disabled=${!volume} aria-label=${t.slice}
      @input=${(e: Event) => volume && setSlice(sliceOfNumber(volume, Number((e.target as HTMLInputElement).value)))} />
    <span class="slice-label">${volume ? `${n} / ${volume.slices}` : '–'}</span>
    ${instance === undefined ? nothing : html`<span class="instance-number" title="InstanceNumber" translate="no">#${instance}</span>`}
    ${save ?? nothing}
  </div>`;
}

/** While a 3D computation (grow, one-click, nearby slices, Refine) runs in the worker: what runs, and Cancel. */
export function renderAssistBusy(lang: string, cancel: () => void) {
  const t = toolStrings(lang);
  return html`<span class="assist-busy" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${t.assistBusy}
    <button class="assist-cancel text" @click=${cancel}>${t.cancel}</button></span>`;
}

export function renderOtherTab(lang: string, takeOver: () => void) {
  const t = toolStrings(lang);
  return html`<div class="other-tab" part="other-tab" role="status">
    <span>${t.otherTab}</span>
    <button class="take-over" @click=${takeOver}>${t.takeOver}</button>
  </div>`;
}

export function renderProgress(t: Text, p: LoadProgress, cancel: () => void) {
  const mb = (b: number) => (b / 1048576).toFixed(1);
  const label = p.phase === 'read' ? `${t.reading} ${p.done} / ${p.total} ${t.files}` : `${t.decoding} ${p.done} / ${p.total} ${t.slices}`;
  return html`<div class="progress" role="status" aria-live="polite">
    <div class="row"><span>${label} · ${mb(p.bytesDone)} / ${mb(p.bytesTotal)} MB</span>
      <button @click=${cancel}>${t.cancel}</button></div>
    <progress max=${p.total} .value=${p.done}></progress>
  </div>`;
}

export function renderNotices(t: Text, notices: readonly Notice[], dismiss: (id: number) => void) {
  return html`<div class="notices" role="log" aria-live="polite">
    ${notices.map(
      (n) => html`<div class="notice ${n.kind}">
        <span>${n.text}</span>
        ${n.action ? html`<button class="notice-action" @click=${n.action.run}>${n.action.label}</button>` : nothing}
        <button aria-label=${t.dismiss} @click=${() => dismiss(n.id)}>×</button>
      </div>`,
    )}
  </div>`;
}

/** The export dialog's state: the checklist of its current choice, and whether an export runs. */
export interface ExportDialogState {
  findings: ChecklistFinding[];
  busy: boolean;
}

export interface ExportDialogActions {
  check(choice: ExportChoice): void;
  goto(slice: number, labelId: number | undefined): void;
  close(): void;
  run(choice: ExportChoice & { overridden: string[] }): void;
  /** The image number of a slice index, for the findings' links. */
  sliceNumber(k: number): number;
}

export function renderExportDialog(lang: string, document: AnnotationDocument | undefined, name: string, state: ExportDialogState, a: ExportDialogActions) {
  const labels: ExportLabelItem[] = (document?.labels ?? []).map((l) => ({ id: l.id, name: l.name, color: l.color, slices: document!.slicesOf(l.id).length }));
  return html`<segmark-export-dialog
    .labels=${labels}
    .findings=${state.findings}
    .busy=${state.busy}
    .lang=${lang}
    .name=${name}
    .sliceNumber=${a.sliceNumber}
    @sm-export-check=${(e: HTMLElementEventMap['sm-export-check']) => a.check(e.detail)}
    @sm-export-goto=${(e: HTMLElementEventMap['sm-export-goto']) => a.goto(e.detail.slice, e.detail.labelId)}
    @sm-export-close=${() => a.close()}
    @sm-export-run=${(e: HTMLElementEventMap['sm-export-run']) => a.run(e.detail)}
  ></segmark-export-dialog>`;
}
