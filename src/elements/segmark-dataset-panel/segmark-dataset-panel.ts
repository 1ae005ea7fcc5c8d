import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { DATASET_BUILD, DATASET_CANCEL, DATASET_REFRESH, emit } from '../events.js';
import { formatText, toLocale } from '../../core/text.js';
import { REVIEW_STATUSES, type ReviewStatus } from '../../core/review/workflow.js';
import { filterCases, type DatasetCase } from '../../store/dataset-cases.js';
import { datasetStrings } from '../../text/dataset.js';
import { panelButtonStyles } from '../panel-styles.js';

/** A build under way: cases written so far of all picked. */
export interface DatasetProgress {
  done: number;
  total: number;
}

/**
 * The team lead's Dataset panel: the work stored in this browser (every
 * series and user) as cases with their review status, reviewer, verified
 * share, whether the images are cached and what the checklist would block,
 * filtered (status, every outline verified, images cached, checklist clear); the lead picks cases, names the dataset and
 * builds it. The list and the build belong to the host of the panel (the
 * annotator's dataset controller); this renders, keeps the filter and the
 * picks, and asks.
 *
 * @fires sm-dataset-refresh - the panel was opened: its case list should be read again
 * @fires sm-dataset-build - detail `{ docIds, name }`: build a dataset of these cases
 * @fires sm-dataset-cancel - stop the build under way
 * @csspart section - the panel's disclosure
 *
 * @tagname segmark-dataset-panel
 */
export class SegmarkDatasetPanel extends LitElement {
  static override styles = [
    panelButtonStyles,
    css`
      :host {
        display: block;
        font: 12px/1.35 var(--segmark-font, system-ui, sans-serif);
        color: var(--segmark-text-color, #e8edf5);
      }
      details { background: var(--segmark-panel-color, #1b2230); border-radius: 4px; padding: 4px 6px; }
      summary { cursor: pointer; font-weight: 600; }
      summary:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--segmark-focus-color, #4da3ff); }
      .hint, .empty, .meta { color: var(--segmark-muted-color, #8a94a6); }
      .hint { margin: 4px 0; }
      .filters { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; margin: 4px 0; }
      .filters label { display: inline-flex; gap: 4px; align-items: center; }
      ul { list-style: none; margin: 4px 0 0; padding: 0; display: grid; gap: 4px; max-height: 260px; overflow: auto; }
      li label { display: grid; grid-template-columns: auto 1fr; gap: 0 6px; align-items: start; }
      li .meta { grid-column: 2; }
      .needs-files, .to-fix { color: var(--segmark-warning-color, #e6b450); }
      .pick { display: flex; gap: 6px; justify-content: space-between; align-items: center; margin: 4px 0; }
      .build { display: grid; gap: 4px; margin-top: 6px; }
      .build input[type='text'] { font: inherit; color: inherit; background: #0004; border: 1px solid var(--segmark-border-color, #3a4456); border-radius: 4px; padding: 2px 4px; }
      select { font: inherit; color: inherit; background: #0004; border: 1px solid var(--segmark-border-color, #3a4456); border-radius: 4px; }
      progress { width: 100%; }
    `,
  ];

  @property({ attribute: false }) cases: DatasetCase[] = [];
  @property() override lang = 'en';
  /** A build under way, or undefined. */
  @property({ attribute: false }) progress: DatasetProgress | undefined;
  @state() private status: ReviewStatus | '' = '';
  @state() private fullyVerified = false;
  @state() private cachedOnly = false;
  @state() private readyOnly = false;
  @state() private picked = new Set<string>();
  @state() private name = 'Segmark';

  /** The cases the filter shows. */
  get shown(): DatasetCase[] {
    return filterCases(this.cases, {
      ...(this.status ? { status: [this.status] } : {}),
      ...(this.fullyVerified ? { fullyVerified: true } : {}),
      ...(this.cachedOnly ? { imagesCached: true } : {}),
      ...(this.readyOnly ? { ready: true } : {}),
    });
  }

  override render() {
    const t = datasetStrings(this.lang);
    const time = new Intl.DateTimeFormat(toLocale(this.lang), { dateStyle: 'short' });
    const shown = this.shown;
    // Picks hidden by the filter are not built: only what the lead sees is.
    const chosen = shown.filter((c) => this.picked.has(c.docId));
    const busy = this.progress !== undefined;
    return html`<details part="section" @toggle=${this.onToggle}>
      <summary>${t.title}</summary>
      <p class="hint">${t.hint}</p>
      <div class="filters">
        <label>${t.status}
          <select data-filter="status" @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value as ReviewStatus | '')}>
            <option value="" ?selected=${this.status === ''}>${t.any}</option>
            ${REVIEW_STATUSES.map((s) => html`<option value=${s} ?selected=${this.status === s}>${t[s]}</option>`)}
          </select></label>
        <label><input type="checkbox" data-filter="verified" .checked=${this.fullyVerified} @change=${(e: Event) => (this.fullyVerified = (e.target as HTMLInputElement).checked)} />${t.fullyVerified}</label>
        <label><input type="checkbox" data-filter="cached" .checked=${this.cachedOnly} @change=${(e: Event) => (this.cachedOnly = (e.target as HTMLInputElement).checked)} />${t.cachedOnly}</label>
        <label><input type="checkbox" data-filter="ready" .checked=${this.readyOnly} @change=${(e: Event) => (this.readyOnly = (e.target as HTMLInputElement).checked)} />${t.readyOnly}</label>
      </div>
      <div class="pick">
        <span class="meta" role="status">${formatText(t.picked, { count: String(chosen.length) })}</span>
        <span>
          <button class="pick-all" ?disabled=${busy || shown.length === 0} @click=${() => this.pick(shown, true)}>${t.pickAll}</button>
          <button class="pick-none" ?disabled=${busy || chosen.length === 0} @click=${() => this.pick(shown, false)}>${t.pickNone}</button>
        </span>
      </div>
      ${shown.length === 0
        ? html`<p class="empty">${t.none}</p>`
        : html`<ul>
            ${shown.map(
              (c) => html`<li data-id=${c.docId}>
                <label>
                  <input type="checkbox" .checked=${this.picked.has(c.docId)} ?disabled=${busy} @change=${(e: Event) => this.pick([c], (e.target as HTMLInputElement).checked)} />
                  <span class="name"><span translate="no">${c.description || '—'}</span> · ${t[c.status]}</span>
                  <span class="meta drawn">${c.drawn.length ? c.drawn.join(', ') : t.nothingDrawn}</span>
                  <span class="meta">${formatText(t.by, { user: c.user })}${c.reviewer ? ` · ${formatText(t.reviewedBy, { user: c.reviewer })}` : ''} · ${formatText(t.slices, { count: String(c.slices) })}${c.verifiedShare !== undefined ? ` · ${formatText(t.verified, { percent: String(Math.round(c.verifiedShare * 100)) })}` : ''} · ${time.format(c.updatedAt)}${c.imagesCached
                    ? ''
                    : html` · <span class="needs-files">${t.needsFiles}</span>`}${c.blocking.length
                    ? html` · <span class="to-fix" title=${c.blocking.join(', ')}>${formatText(t.toFix, { count: String(c.blocking.length) })}</span>`
                    : ''}</span>
                </label>
              </li>`,
            )}
          </ul>`}
      <div class="build">
        <label>${t.name} <input type="text" data-field="name" .value=${this.name} ?disabled=${busy} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} /></label>
        ${busy
          ? html`<progress max=${this.progress!.total} .value=${this.progress!.done}></progress>
              <span role="status">${formatText(t.building, { done: String(this.progress!.done), total: String(this.progress!.total) })}</span>
              <button class="cancel" @click=${() => emit(this, DATASET_CANCEL, {})}>${t.cancel}</button>`
          : html`<button class="build-button" ?disabled=${chosen.length === 0 || this.name.trim() === ''}
              @click=${() => emit(this, DATASET_BUILD, { docIds: chosen.map((c) => c.docId), name: this.name.trim() })}>${formatText(t.build, { count: String(chosen.length) })}</button>`}
      </div>
    </details>`;
  }

  private pick(cases: readonly DatasetCase[], on: boolean): void {
    const next = new Set(this.picked);
    for (const c of cases) {
      if (on) next.add(c.docId);
      else next.delete(c.docId);
    }
    this.picked = next;
  }

  private onToggle(e: Event): void {
    if ((e.target as HTMLDetailsElement).open) emit(this, DATASET_REFRESH, {});
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-dataset-panel': SegmarkDatasetPanel;
  }
}
