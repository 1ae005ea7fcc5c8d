import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { SegmarkError, toSegmarkError } from '../../core/errors.js';
import { formatMessage } from '../../core/messages.js';
import { searchSeries, searchStudies, type SeriesResult, type StudyQuery, type StudyResult } from '../../dicomweb/client.js';
import type { HeaderSource } from '../../dicomweb/request.js';
import { SEGMARK_ERROR, SEGMARK_OPEN_SERIES, emit, type ErrorDetail, type OpenSeriesDetail } from '../events.js';
import { formatText } from '../../core/text.js';
import { studyBrowserStyles } from './segmark-study-browser.styles.js';
import { studyBrowserStrings } from '../../text/study-browser.js';

const MODALITIES = ['CT', 'MR', 'PT', 'CR', 'DX', 'US', 'SEG'];

/**
 * Finds studies in a PACS (QIDO-RS) by patient name or ID, study date range,
 * modality and accession number; a study expands to its series with their
 * image counts, and Open asks for one series to be opened.
 *
 * The element opens nothing itself: the host passes the event to an annotator,
 * e.g. `browser.addEventListener('segmark-open-series', (e) =>
 * annotator.loadDicomWeb({ ...e.detail, headers }))`. Placed inside an
 * annotator's light DOM or next to it, the wiring is the same one line.
 *
 * @fires segmark-open-series - the user chose a series; detail: `{ root, studyInstanceUID, seriesInstanceUID }`
 * @fires segmark-error - a search failed; detail: `{ code, message, file, status }` (`pacs-unauthorized`, `pacs-unreachable`, …)
 * @csspart form - the search form
 * @csspart studies - the table of studies
 * @cssproperty --segmark-background-color
 * @cssproperty --segmark-panel-color
 * @cssproperty --segmark-text-color
 * @cssproperty --segmark-muted-color
 * @cssproperty --segmark-focus-color
 * @cssproperty --segmark-font
 *
 * @tagname segmark-study-browser
 */
export class SegmarkStudyBrowser extends LitElement {
  static override styles = studyBrowserStyles;

  /** DICOMweb service root, e.g. `/dicom-web` or `https://pacs.example/dicom-web`. */
  @property() root = '';
  /** Interface language: `en` or `zh-CN`. */
  @property({ reflect: true }) override lang = 'en';
  /** Headers for every request (e.g. a bearer token), or a function returning them. Property only. */
  @property({ attribute: false }) headers: HeaderSource | undefined;
  /** At most this many studies per search. */
  @property({ type: Number }) limit = 100;

  @state() private studies: StudyResult[] | undefined;
  @state() private series = new Map<string, SeriesResult[]>();
  @state() private expanded = new Set<string>();
  @state() private status: { kind: 'busy' | 'info' | 'error'; text: string } | undefined;

  private controller: AbortController | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  /** Runs a search (the form's values when `query` is not given); resolves with the studies found, or [] after a reported error. */
  async search(query: StudyQuery = this.formQuery()): Promise<StudyResult[]> {
    const t = studyBrowserStrings(this.lang);
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.status = { kind: 'busy', text: t.searching };
    try {
      if (!this.root) throw new SegmarkError('pacs-not-found', 'no root set');
      const studies = await searchStudies(this.source(), { limit: this.limit, ...query }, controller.signal);
      this.studies = studies;
      this.series = new Map();
      this.expanded = new Set();
      this.status = { kind: 'info', text: studies.length ? formatText(t.found, { count: String(studies.length) }) : t.none };
      return studies;
    } catch (error) {
      this.fail(error, controller);
      return [];
    }
  }

  /** Shows or hides a study's series, asking the PACS for them the first time. */
  async toggleStudy(studyInstanceUID: string): Promise<void> {
    const expanded = new Set(this.expanded);
    if (expanded.delete(studyInstanceUID)) {
      this.expanded = expanded;
      return;
    }
    expanded.add(studyInstanceUID);
    this.expanded = expanded;
    if (this.series.has(studyInstanceUID)) return;
    const controller = new AbortController();
    this.status = { kind: 'busy', text: studyBrowserStrings(this.lang).loadingSeries };
    try {
      const list = await searchSeries(this.source(), studyInstanceUID, {}, controller.signal);
      this.series = new Map(this.series).set(studyInstanceUID, list);
      this.status = undefined;
    } catch (error) {
      this.fail(error, controller);
    }
  }

  override render() {
    const t = studyBrowserStrings(this.lang);
    return html`
      <form part="form" role="search" aria-label=${t.searchForm} @submit=${this.onSubmit}>
        <label>${t.patientName}<input name="patientName" autocomplete="off" /></label>
        <label>${t.patientID}<input name="patientID" autocomplete="off" /></label>
        <label>${t.dateFrom}<input name="dateFrom" type="date" /></label>
        <label>${t.dateTo}<input name="dateTo" type="date" /></label>
        <label>${t.modality}<select name="modality">
          <option value="">${t.anyModality}</option>
          ${MODALITIES.map((m) => html`<option value=${m}>${m}</option>`)}
        </select></label>
        <label>${t.accession}<input name="accession" autocomplete="off" /></label>
        <button type="submit">${t.search}</button>
      </form>
      <div role="status" aria-live="polite" class=${this.status?.kind === 'error' ? 'error' : ''}>${this.status?.text ?? ''}</div>
      ${this.studies?.length ? this.renderStudies(this.studies, t) : nothing}
    `;
  }

  private renderStudies(studies: StudyResult[], t: ReturnType<typeof studyBrowserStrings>) {
    return html`<table part="studies" aria-label=${t.studies}>
      <thead>
        <tr>
          <th></th>
          <th scope="col">${t.patientName}</th>
          <th scope="col">${t.patientID}</th>
          <th scope="col">${t.date}</th>
          <th scope="col">${t.description}</th>
          <th scope="col">${t.modalities}</th>
          <th scope="col">${t.accession}</th>
          <th scope="col">${t.seriesCount}</th>
          <th scope="col">${t.instances}</th>
        </tr>
      </thead>
      <tbody>
        ${studies.map((s) => {
          const open = this.expanded.has(s.studyInstanceUID);
          const id = `series-${cssId(s.studyInstanceUID)}`;
          const name = s.patientName || s.patientID || s.studyInstanceUID;
          return html`<tr data-study=${s.studyInstanceUID}>
              <td>
                <button class="expand" aria-expanded=${open ? 'true' : 'false'} aria-controls=${id} aria-label="${t.showSeries} ${name} ${formatDate(s.studyDate)}"
                  @click=${() => void this.toggleStudy(s.studyInstanceUID)}>${open ? '▾' : '▸'}</button>
              </td>
              <td>${s.patientName.replace(/\^/g, ' ')}</td>
              <td>${s.patientID}</td>
              <td>${formatDate(s.studyDate)}</td>
              <td>${s.studyDescription}</td>
              <td>${s.modalities.join(', ')}</td>
              <td>${s.accessionNumber}</td>
              <td class="count">${s.seriesCount ?? ''}</td>
              <td class="count">${s.instanceCount ?? ''}</td>
            </tr>
            ${open ? html`<tr class="series-row"><td colspan="9" id=${id}>${this.renderSeries(s, name, t)}</td></tr>` : nothing}`;
        })}
      </tbody>
    </table>`;
  }

  private renderSeries(study: StudyResult, name: string, t: ReturnType<typeof studyBrowserStrings>) {
    const list = this.series.get(study.studyInstanceUID);
    if (!list) return nothing;
    return html`<table aria-label="${t.seriesOf} ${name}">
      <thead>
        <tr><th scope="col">${t.number}</th><th scope="col">${t.modality}</th><th scope="col">${t.description}</th><th scope="col">${t.instances}</th><th></th></tr>
      </thead>
      <tbody>
        ${list.map(
          (s) => html`<tr data-series=${s.seriesInstanceUID}>
            <td>${s.seriesNumber ?? ''}</td>
            <td>${s.modality}</td>
            <td>${s.seriesDescription}</td>
            <td class="count" data-count>${s.instanceCount ?? ''}</td>
            <td><button aria-label="${t.openSeries} ${s.seriesNumber ?? ''} ${s.seriesDescription}" @click=${() => this.open(s)}>${t.open}</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private open(series: SeriesResult): void {
    const detail: OpenSeriesDetail = { root: this.root, studyInstanceUID: series.studyInstanceUID, seriesInstanceUID: series.seriesInstanceUID };
    emit(this, SEGMARK_OPEN_SERIES, detail);
  }

  private source() {
    return { root: this.root, ...(this.headers ? { headers: this.headers } : {}) };
  }

  private formQuery(): StudyQuery {
    const form = this.renderRoot.querySelector('form');
    if (!form) return {};
    const data = new FormData(form);
    const value = (name: string): string => String(data.get(name) ?? '').trim();
    return {
      patientName: value('patientName'),
      patientID: value('patientID'),
      dateFrom: value('dateFrom'),
      dateTo: value('dateTo'),
      modality: value('modality'),
      accessionNumber: value('accession'),
    };
  }

  private fail(error: unknown, controller: AbortController): void {
    const e = toSegmarkError(error, 'internal');
    if (e.code === 'aborted' || controller.signal.aborted) return;
    const message = this.root ? formatMessage(e.code, { ...e.params, file: e.file ?? '' }, this.lang).trim() : studyBrowserStrings(this.lang).noRoot;
    this.status = { kind: 'error', text: message };
    const detail: ErrorDetail = { code: e.code, message, ...(e.file ? { file: e.file } : {}), ...(e.params.status ? { status: Number(e.params.status) } : {}) };
    emit(this, SEGMARK_ERROR, detail);
  }

  private readonly onSubmit = (e: Event): void => {
    e.preventDefault();
    void this.search();
  };
}

/** `YYYYMMDD` → `YYYY-MM-DD` (ISO, unambiguous in every language). */
function formatDate(date: string): string {
  return /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` : date;
}

/** UIDs hold only digits and dots; an id attribute wants neither to start with a digit nor to hold dots. */
function cssId(uid: string): string {
  return uid.replace(/\./g, '-');
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-study-browser': SegmarkStudyBrowser;
  }
}
