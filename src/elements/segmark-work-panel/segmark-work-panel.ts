import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { IMAGES_FORGET, REVIEW_QUEUE_OPEN, VERSION_RESTORE, VERSION_SAVE, WORK_DELETE, WORK_OPEN, WORK_REFRESH, emit } from '../events.js';
import { formatText, toLocale } from '../../core/text.js';
import { workStrings } from '../../text/work.js';
import { panelButtonStyles } from '../panel-styles.js';
import type { QueueItem } from '../../core/review/queue.js';

/** A stored document, as the recent-work list shows it. */
export interface RecentWorkItem {
  id: string;
  description: string;
  updatedAt: number;
  labelCount: number;
  regionCount: number;
  /** Regions a person has checked, when known. */
  verifiedCount: number | undefined;
  /** The document open on screen. */
  current: boolean;
  /** Its images are in the browser's image cache (it opens without picking files). */
  cached: boolean;
  /**
   * Another user's document: whose it is; whether Open asks first (it opens
   * as that user's document, or the user picks their own of the series
   * instead), which it does unless a reviewer opens one waiting for review;
   * and the id of the user's own document of that series.
   */
  other?: { user: string; ask: boolean; ownId: string };
}

/** A stored revision (checkpoint) of the open document. */
export interface VersionItem {
  id: number;
  time: number;
  summary: string;
  regionCount: number;
}

/** The `arming` value of the forget-images button (document ids always contain `|`). */
const FORGET = 'forget-images';
/** The `arming` prefix of an item whose Open asks whose document to open. */
const CHOOSE = 'choose:';

/**
 * The work stored in this browser: for a reviewer, the documents waiting for
 * review (oldest submission first, and the next one after an approval);
 * recent documents (open or delete) and the versions of the open document
 * (restore, or save one now).
 *
 * @fires sm-review-queue-open - detail `{ id }`: open a document of the review queue (an item's Open, or Next document)
 * @fires sm-work-open - detail `{ id }`: open a recent document
 * @fires sm-work-delete - detail `{ id }`: delete a stored document (after the user confirmed)
 * @fires sm-version-restore - detail `{ id }`: restore a version of the open document
 * @fires sm-version-save - keep the open document as a version now
 * @fires sm-work-refresh - the panel was opened: its lists should be refreshed
 * @fires sm-images-forget - remove every cached image from the browser (after the user confirmed)
 * @csspart section - each of the lists (for review, recent work, versions)
 *
 * @tagname segmark-work-panel
 */
export class SegmarkWorkPanel extends LitElement {
  static override styles = [
    panelButtonStyles,
    css`
    :host {
      display: block;
      font: 12px/1.35 var(--segmark-font, system-ui, sans-serif);
      color: var(--segmark-text-color, #e8edf5);
    }
    details { background: var(--segmark-panel-color, #1b2230); border-radius: 4px; padding: 4px 6px; }
    details + details { margin-top: 4px; }
    summary { cursor: pointer; font-weight: 600; }
    summary:focus-visible, button:focus-visible { outline: 2px solid var(--segmark-focus-color, #4da3ff); }
    ul { list-style: none; margin: 4px 0 0; padding: 0; display: grid; gap: 4px; max-height: 220px; overflow: auto; }
    li { display: grid; grid-template-columns: 1fr auto; gap: 2px 6px; align-items: center; }
    .meta { color: var(--segmark-muted-color, #8a94a6); grid-column: 1; }
    .actions { grid-row: 1 / span 2; grid-column: 2; display: flex; gap: 4px; }
    .empty { color: var(--segmark-muted-color, #8a94a6); margin: 4px 0; }
    .current { color: var(--segmark-accent-color, #4da3ff); }
    .save { margin-top: 4px; }
    .next { display: flex; gap: 6px; align-items: center; margin: 4px 0 0; }
    .owner { color: var(--segmark-muted-color, #8a94a6); }
    .choice { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin: 2px 0 0; }
    .cache { display: flex; gap: 6px; align-items: center; justify-content: space-between; margin: 6px 0 0; color: var(--segmark-muted-color, #8a94a6); }
  `,
  ];

  /** Documents waiting for review, in the order to review them. */
  @property({ attribute: false }) queue: QueueItem[] = [];
  /** Show the For review section (the user reviews, or the host gave a queue). */
  @property({ type: Boolean, attribute: 'review-queue' }) reviewQueue = false;
  /** The open document was just approved: offer the next one (`next`), or say the queue is done. */
  @property({ type: Boolean, attribute: 'after-approval' }) afterApproval = false;
  /** The queue item Next document opens. */
  @property({ attribute: false }) next: QueueItem | undefined;
  /** The id of the open document (marked in the queue). */
  @property({ attribute: false }) openId: string | undefined;
  @property({ attribute: false }) recent: RecentWorkItem[] = [];
  @property({ attribute: false }) versions: VersionItem[] = [];
  @property() override lang = 'en';
  /** Versions cannot be restored or saved (reading only, or another tab edits the document). */
  @property({ type: Boolean }) readonly = false;
  /** Bytes held by the image cache; undefined hides the cache line (the cache is off). */
  @property({ attribute: false }) cacheBytes: number | undefined;
  /** A document is open (versions belong to it). */
  @property({ type: Boolean, attribute: 'has-document' }) hasDocument = false;
  /** The recent-work item whose delete button asks for confirmation. */
  @state() private arming: string | undefined;
  private disarm: ReturnType<typeof setTimeout> | undefined;

  override updated(changed: Map<string, unknown>): void {
    // The section opens shown: its list is read when it appears (no toggle by the user).
    if (changed.has('reviewQueue') && this.reviewQueue) emit(this, WORK_REFRESH, {});
  }

  override render() {
    const t = workStrings(this.lang);
    const time = new Intl.DateTimeFormat(toLocale(this.lang), { dateStyle: 'short', timeStyle: 'short' });
    return html`
      ${this.reviewQueue ? this.renderQueue(time) : nothing}
      <details part="section" class="recent" @toggle=${this.onToggle}>
        <summary>${t.recent}</summary>
        ${this.recent.length === 0
          ? html`<p class="empty">${t.none}</p>`
          : html`<ul>
              ${this.recent.map(
                (w) => html`<li data-id=${w.id}>
                  <span class="name"><span translate="no">${w.description || '—'}</span> ${w.other ? owner(t.owner, w.other.user) : nothing} ${w.current ? html`<span class="current">(${t.current})</span>` : nothing}</span>
                  <span class="meta">${time.format(w.updatedAt)} · ${w.labelCount === 1 ? t.labelsOne : formatText(t.labels, { count: String(w.labelCount) })} · ${w.regionCount === 1 ? t.outlinesOne : formatText(t.outlines, { count: String(w.regionCount) })}${w.verifiedCount !== undefined && w.regionCount > 0
                    ? ` · ${formatText(t.verified, { percent: String(Math.round((100 * w.verifiedCount) / w.regionCount)) })}`
                    : ''}${w.cached ? ` · ${t.cachedMark}` : ''}</span>
                  <span class="actions">
                    <button class="open" title=${t.openHint} aria-expanded=${w.other?.ask ? String(this.arming === CHOOSE + w.id) : nothing} ?disabled=${w.current}
                      @click=${() => this.openWork(w)}>${t.open}</button>
                    <button class="delete" ?disabled=${w.current} @click=${() => this.deleteWork(w.id)}>${this.arming === w.id ? t.confirmDelete : t.delete}</button>
                  </span>
                  ${w.other && this.arming === CHOOSE + w.id ? this.renderChoice(w.id, w.other) : nothing}
                </li>`,
              )}
            </ul>`}
        ${this.cacheBytes !== undefined
          ? html`<p class="cache">
              <span>${formatText(t.cache, { size: (this.cacheBytes / 1e6).toFixed(1) })}</span>
              <button class="forget" ?disabled=${this.cacheBytes === 0} @click=${() => this.forget()}>
                ${this.arming === FORGET ? t.confirmForget : t.forget}
              </button>
            </p>`
          : nothing}
      </details>
      ${this.hasDocument
        ? html`<details part="section" class="versions" @toggle=${this.onToggle}>
            <summary>${t.versions}</summary>
            ${this.versions.length === 0
              ? html`<p class="empty">${t.noVersions}</p>`
              : html`<ul>
                  ${this.versions.map(
                    (v) => html`<li data-id=${String(v.id)}>
                      <span class="name">${time.format(v.time)}</span>
                      <span class="meta">${v.summary}</span>
                      <span class="actions">
                        <button class="restore" title=${t.restoreHint} ?disabled=${this.readonly} @click=${() => emit(this, VERSION_RESTORE, { id: v.id })}>${t.restore}</button>
                      </span>
                    </li>`,
                  )}
                </ul>`}
            <button class="save" ?disabled=${this.readonly} @click=${() => emit(this, VERSION_SAVE, {})}>${t.saveVersion}</button>
          </details>`
        : nothing}
    `;
  }

  private renderQueue(time: Intl.DateTimeFormat) {
    const t = workStrings(this.lang);
    const count = (n: number | undefined, one: string, many: string) => (n === undefined ? [] : [n === 1 ? one : formatText(many, { count: String(n) })]);
    return html`<details part="section" class="review-queue" open @toggle=${this.onToggle}>
      <summary>${t.forReview}</summary>
      ${this.afterApproval
        ? html`<p class="next">
            ${this.next
              ? html`<button class="next-document" title=${t.nextHint} @click=${() => emit(this, REVIEW_QUEUE_OPEN, { id: this.next!.id })}>${t.nextDocument}</button>
                  <span translate="no">${this.next.title || '—'}</span>`
              : html`<span class="done">${t.queueDone}</span>`}
          </p>`
        : nothing}
      ${this.queue.length === 0
        ? html`<p class="empty">${t.queueEmpty}</p>`
        : html`<ul>
            ${this.queue.map((q) => {
              const meta = [
                ...(q.annotator ? [formatText(t.submittedBy, { name: q.annotator })] : []),
                ...(q.submittedAt !== undefined ? [time.format(q.submittedAt)] : []),
                ...count(q.labels, t.labelsOne, t.labels),
                ...count(q.outlines, t.outlinesOne, t.outlines),
                ...(q.verifiedShare !== undefined ? [formatText(t.verified, { percent: String(Math.round(100 * q.verifiedShare)) })] : []),
              ];
              const open = q.id === this.openId;
              return html`<li data-id=${q.id}>
                <span class="name"><span translate="no">${q.title || '—'}</span> ${open ? html`<span class="current">(${t.current})</span>` : nothing}</span>
                <span class="meta">${meta.join(' · ')}</span>
                <span class="actions">
                  <button class="open" title=${t.openQueuedHint} ?disabled=${open} @click=${() => emit(this, REVIEW_QUEUE_OPEN, { id: q.id })}>${t.open}</button>
                </span>
              </li>`;
            })}
          </ul>`}
    </details>`;
  }

  /** Another user's document, chosen: open theirs, or the user's own of the series; the names are data. */
  private renderChoice(id: string, other: NonNullable<RecentWorkItem['other']>) {
    const t = workStrings(this.lang);
    const open = (docId: string) => {
      this.arming = undefined;
      emit(this, WORK_OPEN, { id: docId });
    };
    return html`<p class="choice">
      <span>${formatText(t.otherChoice, { user: other.user })}</span>
      <button class="open-theirs" @click=${() => open(id)}>${formatText(t.openTheirs, { user: other.user })}</button>
      <button class="open-mine" @click=${() => open(other.ownId)}>${t.openMine}</button>
      <button class="cancel" @click=${() => (this.arming = undefined)}>${t.cancel}</button>
    </p>`;
  }

  /** Open: the user's own document, or one a reviewer reviews, at once; another user's after the choice. */
  private openWork(w: RecentWorkItem): void {
    if (!w.other?.ask) {
      emit(this, WORK_OPEN, { id: w.id });
      return;
    }
    clearTimeout(this.disarm);
    this.arming = this.arming === CHOOSE + w.id ? undefined : CHOOSE + w.id;
    // The choice is the next thing to do: the keyboard goes there.
    if (this.arming) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.choice button')?.focus());
  }

  private onToggle(e: Event): void {
    if ((e.target as HTMLDetailsElement).open) emit(this, WORK_REFRESH, {});
  }

  private deleteWork(id: string): void {
    if (this.confirmed(id)) emit(this, WORK_DELETE, { id });
  }

  private forget(): void {
    if (this.confirmed(FORGET)) emit(this, IMAGES_FORGET, {});
  }

  /** Destructive buttons take two clicks (no native dialog: hosts may sandbox them away); true on the second. */
  private confirmed(what: string): boolean {
    clearTimeout(this.disarm);
    if (this.arming !== what) {
      this.arming = what;
      this.disarm = setTimeout(() => (this.arming = undefined), 4000);
      return false;
    }
    this.arming = undefined;
    return true;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-work-panel': SegmarkWorkPanel;
  }
}

/** "(ana’s)" with the user's name kept out of translation (it is data, not interface text). */
function owner(template: string, user: string) {
  const [before = '', after = ''] = template.split('{user}');
  return html`<span class="owner">${before}<bdi translate="no">${user}</bdi>${after}</span>`;
}
