/**
 * The annotator's review side: the document's review record (status, audit
 * trail, comments, active time) kept apart from the undoable regions, loaded
 * and stored with the document (`AnnotationController.review`), the review
 * and comments panels, the approved banner, comment pins on the view, and
 * `segmark-status`. Owned by one annotator; nothing is shared on the page.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { numbering } from '../../core/dicom/view-plane.js';
import type { AnnotationChange } from '../../core/annotation/document-data.js';
import type { AnnotationDocument } from '../../core/annotation/document.js';
import { SegmarkError, toSegmarkError } from '../../core/errors.js';
import type { CommentThread, NewComment } from '../../core/review/comments.js';
import { emptyReview, type AuditEntry, type ReviewRecord } from '../../core/review/record.js';
import { hasOpenItems, openCounts, openItems, type OpenItems, type OpenPlace } from '../../core/review/open-items.js';
import type { ReviewState } from '../../core/review/review-state.js';
import { allowedSteps, checkStep, isLocked, type ReviewStatus } from '../../core/review/workflow.js';
import type { CommentPin } from '../../viewer/comment-pins.js';
import type { StatusDetail } from '../events.js';
import type { AnnotatorSession } from '../../session/annotator-session.js';
import { approvedBannerText, formatInstant, reviewStrings } from '../../text/review.js';
import { formatText } from '../../core/text.js';
import type { AnnotationController, ReviewHooks } from './annotation-controller.js';
import { connectKeys, disconnectKeys, type KeyHost } from './page-keys.js';
import { focusRegion } from './review-bar.js';

/** How often added active time is saved and shown. */
const TIME_FLUSH_MS = 1000;

export class ReviewController implements ReactiveController, ReviewHooks {
  /** Placing a comment's pin with the next click on the image. */
  pinMode = false;
  /** Where the next comment goes when the user placed it (cleared after adding, or on another slice). */
  pending: { x: number; y: number; slice: number } | undefined;
  /** The comment last jumped to. */
  selected: string | undefined;
  /** Approve was chosen with review items open: the check is shown, with the note given so far. */
  approving: { note: string } | undefined;
  /** The stored record is known (loaded, or the document is new): only then is it stored, never over another document's. */
  private known = false;
  /** What `pins()` last returned. */
  private lastPins: CommentPin[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly annotations: AnnotationController,
    private readonly session: AnnotatorSession,
    /** Centres the view on an image point of the shown slice (after it is shown). */
    private readonly centreOn: (x: number, y: number) => void,
  ) {
    host.addController(this);
    annotations.review = this;
    this.state.subscribe((kind) => {
      if (kind === 'time') return this.timeAdded();
      if (kind !== 'loaded') this.annotations.touchRecord();
      this.host.requestUpdate();
    });
  }

  /** Pending save and redraw of the active time (`timeAdded`). */
  private timeTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Active time grows with nearly every press. It is saved and shown at most once a second: saving the
   * record and redrawing the whole element on each click of a 10,000-vertex outline cost more than the click.
   * The time itself is counted at once (`getDocument()` has it); other review changes save it with them.
   */
  private timeAdded(): void {
    if (this.timeTimer !== undefined) return;
    this.timeTimer = setTimeout(() => this.flushTime(), TIME_FLUSH_MS);
  }

  private flushTime(): void {
    if (this.timeTimer === undefined) return;
    clearTimeout(this.timeTimer);
    this.timeTimer = undefined;
    this.annotations.touchRecord();
    this.host.requestUpdate();
  }

  /** The reviewer's keys work wherever the focus is: from the page's body, and Escape over the shortcut sheet (page-keys.ts). */
  hostConnected(): void {
    connectKeys(this.host as unknown as KeyHost);
  }

  hostDisconnected(): void {
    disconnectKeys(this.host as unknown as KeyHost);
    this.flushTime();
  }

  /** Reflects the status as the host's read-only `review-status` attribute. */
  hostUpdated(): void {
    const host = this.host;
    if (host.getAttribute('review-status') !== this.state.status) host.setAttribute('review-status', this.state.status);
  }

  /** The document's review record (owned by the session). */
  get state(): ReviewState {
    return this.session.review;
  }

  /** The default point of a new comment: the crosshair, in pixel coordinates. */
  private defaultPoint(): { x: number; y: number } | undefined {
    const c = this.session.get('crosshair');
    return c ? { x: c.column + 0.5, y: c.row + 0.5 } : undefined;
  }

  // ── ReviewHooks ──

  reset(): void {
    this.known = false;
    this.pending = undefined;
    this.selected = undefined;
    this.state.load(emptyReview());
  }

  loaded(record: ReviewRecord | undefined): void {
    this.known = true;
    this.state.load(record ?? emptyReview());
  }

  record(): ReviewRecord | undefined {
    return this.known ? this.state.snapshot() : undefined;
  }

  // ── what the annotator exposes ──

  get status(): ReviewStatus {
    return this.state.status;
  }

  /** Approved documents are read-only until a reviewer reopens them. */
  get locked(): boolean {
    return isLocked(this.state.status);
  }

  /** The statuses the user's role may move the document to now. */
  steps(): ReviewStatus[] {
    return allowedSteps(this.state.status, this.session.actor.role);
  }

  /** What is still open in the review: rejected (uncorrected), unverified and missed places. */
  openItems(): OpenItems {
    return openItems(this.session.document, this.state.record.missed);
  }

  /**
   * Takes a status step; fires `segmark-status`, or `segmark-error` (and
   * throws) when refused. Approving while outlines are still rejected or
   * unverified, or slices flagged as missed, is refused with
   * `review-open-items` (params: the counts) unless a note says why
   * (`setStatus('approved', note)`) or `force` (the check's "Approve anyway");
   * the approval's audit entry then keeps the counts.
   */
  setStatus(status: ReviewStatus, note?: string, force = false): StatusDetail {
    return this.guard(() => {
      const items = status === 'approved' ? this.openItems() : undefined;
      const open = items && hasOpenItems(items) ? openCounts(items) : undefined;
      if (open && !force && !note?.trim()) {
        // The step itself must be allowed first: a role that may not approve hears that, not the open items.
        checkStep(this.state.status, status, this.session.actor.role);
        const counts = { rejected: String(open.rejected), unverified: String(open.unverified), missed: String(open.missed) };
        throw new SegmarkError('review-open-items', `approval with open review items: ${JSON.stringify(open)}`, { params: counts });
      }
      const step = this.state.setStatus(status, this.session.actor, note, open);
      this.approving = undefined;
      const detail: StatusDetail = { ...step };
      this.session.emit('segmark-status', detail);
      return detail;
    });
  }

  /** Records an import, export or restore in the audit trail. */
  log(entry: Pick<AuditEntry, 'action' | 'file' | 'format' | 'revision'>): void {
    this.state.log(this.session.actor, entry);
  }

  addComment(comment: NewComment): CommentThread {
    return this.guard(() => {
      const thread = this.state.addComment(this.session.actor, comment);
      this.pending = undefined;
      this.selected = thread.id;
      return thread;
    });
  }

  reply(id: string, text: string): void {
    this.guard(() => this.state.reply(this.session.actor, id, text));
  }

  resolve(id: string, resolved: boolean): void {
    this.guard(() => this.state.resolve(this.session.actor, id, resolved));
  }

  /** Shows a comment's slice and centres its pin. */
  async jump(id: string): Promise<void> {
    const c = this.state.record.comments.find((t) => t.id === id);
    if (!c) return;
    this.selected = id;
    this.session.slice = c.slice;
    await this.host.updateComplete;
    this.centreOn(c.x, c.y);
    this.host.requestUpdate();
  }

  /** A document change: editing activity for the time record, and verifications for the audit trail. */
  changed(change: AnnotationChange, document: AnnotationDocument | undefined): void {
    if (change.slice === null || !this.session.writable) return;
    if (change.kind === 'verify') {
      this.state.verification(this.session.actor, document?.flagsAt(change.labelId, change.slice)?.verified === true);
    } else if (document?.reviewStateAt(change.labelId, change.slice) !== undefined && this.state.missedAt(change.labelId, change.slice)) {
      // An outline was drawn where the structure had been missed: the flag has done its work.
      this.state.clearMissed(this.session.actor, change.labelId, change.slice);
    }
    this.state.activity(change.labelId, change.slice);
  }

  /** A pointer press or key while editing: activity on the active label and shown slice. */
  activity(): void {
    if (this.session.open && this.session.writable && !this.locked) this.state.activity(this.session.activeLabel, this.session.slice);
  }

  /**
   * A press on the image: in pin mode, places the pin (and ends pin mode);
   * true when it was taken.
   */
  pointer(point: { x: number; y: number } | undefined): boolean {
    if (!this.pinMode || !point) return false;
    this.pending = { ...point, slice: this.session.slice };
    this.pinMode = false;
    this.host.requestUpdate();
    // The comment box takes the focus, in view, so what is typed next is the comment. After this press's own
    // focus change (the view takes the focus on the mouse press that follows), hence the next task.
    void this.host.updateComplete.then(() =>
      setTimeout(() => void this.host.shadowRoot?.querySelector<HTMLElement & { focusNew(): Promise<void> }>('segmark-comments')?.focusNew(), 0),
    );
    return true;
  }

  /** Escape leaves pin mode; true when the key was taken (M is the command table's `comment.pin`). */
  key(e: KeyboardEvent): boolean {
    if (e.key !== 'Escape' || !this.pinMode) return false;
    this.setPinMode(false);
    return true;
  }

  setPinMode(on: boolean): void {
    this.pinMode = on;
    this.host.requestUpdate();
  }

  /** Pins of the shown slice, numbered in the order the comments were made. */
  pins(): CommentPin[] {
    const k = this.session.slice;
    const pins = this.state.record.comments.flatMap((c, i) =>
      c.slice === k ? [{ x: c.x, y: c.y, n: i + 1, resolved: c.resolved, selected: c.id === this.selected }] : [],
    );
    // The same pins as last time are the same array: a new one made the main view draw again on every render of the annotator.
    if (samePins(pins, this.lastPins)) return this.lastPins;
    this.lastPins = pins;
    return pins;
  }

  /** The pending point on the shown slice, if any. */
  pendingPoint(): { x: number; y: number } | undefined {
    return this.pending && this.pending.slice === this.session.slice ? this.pending : undefined;
  }

  // ── rendering ──

  /** The review and comments panels for the side bar. */
  renderSide(labels: readonly { id: number; name: string }[]) {
    if (!this.session.open) return nothing;
    const r = this.state.record;
    const disabled = !this.session.writable;
    return html`<div class="review-side">
      <segmark-review-panel
        part="review"
        .status=${r.status}
        .steps=${this.steps()}
        .audit=${r.audit}
        .activeTime=${r.activeTime}
        .labels=${labels}
        .lang=${this.session.lang}
        .disabled=${disabled}
        @sm-review-step=${(e: HTMLElementEventMap['sm-review-step']) => {
          e.stopPropagation();
          // Approve asks first while anything is still open (a note alone does not skip the question here).
          if (e.detail.status === 'approved' && hasOpenItems(this.openItems())) {
            this.openApproval(e.detail.note);
            return;
          }
          this.quietly(() => this.setStatus(e.detail.status, e.detail.note));
        }}
      ></segmark-review-panel>
      ${this.approving ? this.renderApproval(this.approving) : nothing}
      ${this.renderMissed(labels)}
      <segmark-comments
        part="comments"
        .comments=${r.comments}
        .sliceNumber=${numbering(this.session.volume)}
        .lang=${this.session.lang}
        .disabled=${disabled}
        .pinMode=${this.pinMode}
        .pending=${this.pendingPoint()}
        .selected=${this.selected}
        @sm-comment-pin=${(e: HTMLElementEventMap['sm-comment-pin']) => this.setPinMode(e.detail.on)}
        @sm-comment-add=${(e: HTMLElementEventMap['sm-comment-add']) => this.addFromPanel(e.detail.text)}
        @sm-comment-jump=${(e: HTMLElementEventMap['sm-comment-jump']) => void this.jump(e.detail.id)}
        @sm-comment-reply=${(e: HTMLElementEventMap['sm-comment-reply']) => this.quietly(() => this.reply(e.detail.id, e.detail.text))}
        @sm-comment-resolve=${(e: HTMLElementEventMap['sm-comment-resolve']) => this.quietly(() => this.resolve(e.detail.id, e.detail.resolved))}
      ></segmark-comments>
    </div>`;
  }

  /** Shows the approval check and puts the focus on it. */
  openApproval(note: string): void {
    this.approving = { note };
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.host.shadowRoot?.querySelector<HTMLElement>('.approve-check .approve-anyway')?.focus());
  }

  /** Shows a place: its label becomes active, its slice is shown, the view is centred on it when it has an outline. */
  private async show(place: OpenPlace): Promise<void> {
    this.session.activeLabel = place.labelId;
    this.session.slice = place.slice;
    await this.host.updateComplete;
    requestAnimationFrame(() => focusRegion(this.host, this.session, place.labelId, place.slice));
  }

  /** The check before approving with open items: counts per kind, a way to the first of each, a note, Approve anyway. */
  private renderApproval(a: { note: string }) {
    const t = reviewStrings(this.session.lang);
    const items = this.openItems();
    const row = (kind: keyof OpenItems, name: string) => {
      const list = items[kind];
      return html`<li data-kind=${kind}><span>${name}</span> <strong class="count">${formatText(t.approveOpenCount, { count: String(list.length) })}</strong>
        ${list.length ? html`<button type="button" class="show" data-kind=${kind} @click=${() => void this.show(list[0]!)}>${t.approveOpenShow}</button>` : nothing}</li>`;
    };
    const close = () => {
      this.approving = undefined;
      this.host.requestUpdate();
    };
    return html`<div class="approve-check" part="approve-check" role="alertdialog" aria-labelledby="approve-check-title"
        @keydown=${(e: KeyboardEvent) => {
          // Typing here is the check's; Escape goes back to the review.
          e.stopPropagation();
          if (e.key === 'Escape') close();
        }}>
      <strong id="approve-check-title">${t.approveOpenTitle}</strong>
      <ul>
        ${row('rejected', t.approveOpenRejected)} ${row('unverified', t.approveOpenUnverified)} ${row('missed', t.approveOpenMissed)}
      </ul>
      <label>${t.approveOpenNote}
        <textarea class="approve-note" rows="2" .value=${a.note}
          @input=${(e: Event) => this.approving && (this.approving.note = (e.target as HTMLTextAreaElement).value)}></textarea></label>
      <div class="approve-actions">
        <button type="button" class="approve-anyway" @click=${() => this.quietly(() => this.setStatus('approved', this.approving?.note, true))}>${t.approveAnyway}</button>
        <button type="button" class="approve-cancel" @click=${close}>${t.approveCancel}</button>
      </div>
    </div>`;
  }

  /** The missed-structure flags, each a way to its slice. */
  private renderMissed(labels: readonly { id: number; name: string }[]) {
    const flags = this.state.record.missed ?? [];
    if (flags.length === 0) return nothing;
    const t = reviewStrings(this.session.lang);
    const names = new Map(labels.map((l) => [l.id, l.name]));
    const number = numbering(this.session.volume);
    return html`<section class="missed-list" part="missed-list" aria-labelledby="missed-heading">
      <h2 id="missed-heading">${t.missedList} (${flags.length})</h2>
      <ul>
        ${flags.map(
          (f) => html`<li data-label=${f.labelId} data-slice=${f.slice}>
            <button type="button" class="show-missed" @click=${() => void this.show({ labelId: f.labelId, slice: f.slice })}>
              ${formatText(t.missedItem, { label: names.get(f.labelId) ?? `#${f.labelId}`, slice: String(number(f.slice)) })}</button>
            <span class="meta" translate="no">${f.user}${f.note ? ` — ${f.note}` : ''}</span>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  /** The banner over an approved document: who approved it, and Reopen for a reviewer. */
  renderBanner() {
    if (!this.session.open || !this.locked) return nothing;
    const t = reviewStrings(this.session.lang);
    const approval = [...this.state.record.audit].reverse().find((e) => e.action === 'status' && e.to === 'approved');
    const reopen = this.steps().includes('changes-requested') && this.session.writable;
    return html`<div class="review-banner" part="review-banner" role="status">
      <span>${approvedBannerText(this.session.lang, approval?.user ?? '', approval ? formatInstant(approval.at, this.session.lang) : '')}</span>
      ${reopen ? html`<button class="reopen" @click=${() => this.quietly(() => this.setStatus('changes-requested'))}>${t.reopen}</button>` : nothing}
    </div>`;
  }

  private addFromPanel(text: string): void {
    const point = this.pendingPoint() ?? this.defaultPoint();
    if (!point) return;
    this.quietly(() => this.addComment({ slice: this.session.slice, x: point.x, y: point.y, text }));
  }

  /** Runs a change of the record when this tab may write; refusals become `segmark-error` and are thrown. */
  private guard<T>(f: () => T): T {
    try {
      if (!this.session.writable) throw new SegmarkError('storage-other-tab', 'another tab holds the document; its review cannot change here');
      return f();
    } catch (error) {
      const e = error instanceof RangeError ? new SegmarkError('bad-argument', error.message, { cause: error, params: { argument: error.message } }) : toSegmarkError(error, 'internal');
      this.session.reportError(e.code === 'review-step-refused' ? this.localised(e) : e);
      throw e;
    }
  }

  /** A refused step with the statuses named in the element's language, for the message. */
  private localised(e: SegmarkError): SegmarkError {
    const names = reviewStrings(this.session.lang).statuses as Record<string, string>;
    const { from = '', to = '' } = e.params;
    return new SegmarkError(e.code, e.message, { cause: e, params: { ...e.params, from: names[from] ?? from, to: names[to] ?? to } });
  }

  /** For UI handlers: the error is already reported. */
  private quietly(f: () => void): void {
    try {
      f();
    } catch {
      // Reported by guard.
    }
  }
}

function samePins(a: readonly CommentPin[], b: readonly CommentPin[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i]!;
    return p.x === q.x && p.y === q.y && p.n === q.n && p.resolved === q.resolved && p.selected === q.selected;
  });
}
