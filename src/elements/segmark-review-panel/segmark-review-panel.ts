import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { emptyActiveTime, type ActiveTime } from '../../core/review/active-time.js';
import type { AuditEntry } from '../../core/review/record.js';
import type { ReviewStatus } from '../../core/review/workflow.js';
import { REVIEW_STEP, emit } from '../events.js';
import { formatText } from '../../core/text.js';
import { auditText, formatDuration, formatInstant, reviewStrings } from '../../text/review.js';
import { reviewPanelStyles } from './segmark-review-panel.styles.js';

/** Detail of `sm-review-step`. */
export interface ReviewStepDetail {
  status: ReviewStatus;
  note: string;
}

/**
 * The document's review: its status, the steps the user's role may take now
 * (with an optional note), the audit trail (newest first), and the active
 * editing time in total and per label.
 *
 * @fires sm-review-step - detail `{ status, note }`: the user chose a step
 * @csspart status - the status line
 * @csspart steps - the step buttons
 * @csspart audit - the audit trail
 * @csspart time - the active time summary
 * @cssproperty --segmark-success-color - the approved status
 *
 * @tagname segmark-review-panel
 */
export class SegmarkReviewPanel extends LitElement {
  static override styles = reviewPanelStyles;

  /** The current status. */
  @property() status: ReviewStatus = 'draft';
  /** Statuses the user may move the document to now. */
  @property({ attribute: false }) steps: readonly ReviewStatus[] = [];
  /** The audit trail, oldest first (shown newest first). */
  @property({ attribute: false }) audit: readonly AuditEntry[] = [];
  @property({ attribute: false }) activeTime: ActiveTime = emptyActiveTime();
  /** Label names for the time summary. */
  @property({ attribute: false }) labels: readonly { id: number; name: string }[] = [];
  @property() override lang = 'en';
  /** No step can be taken here now (another tab holds the document). */
  @property({ type: Boolean }) disabled = false;

  override render() {
    const t = reviewStrings(this.lang);
    const statusName = (s: ReviewStatus) => t.statuses[s];
    const names = new Map(this.labels.map((l) => [String(l.id), l.name]));
    const byLabel = Object.entries(this.activeTime.byLabel).sort((a, b) => b[1] - a[1]);
    const worked = Object.keys(this.activeTime.bySlice).length;
    return html`<section aria-labelledby="review-heading">
        <h2 id="review-heading">${t.review}</h2>
        <p class="status" part="status" data-status=${this.status} role="status" aria-live="polite">${t.status}: ${statusName(this.status)}</p>
        ${this.steps.length
          ? html`<textarea class="note" rows="2" aria-label=${t.note} placeholder=${t.note} ?disabled=${this.disabled}
                @keydown=${(e: KeyboardEvent) => e.stopPropagation()}></textarea>
              <div class="steps" part="steps">
                ${this.steps.map(
                  (s) => html`<button class="step" data-status=${s} ?disabled=${this.disabled} @click=${() => this.step(s)}>
                    ${this.status === 'approved' ? t.reopen : t.stepTo[s]}
                  </button>`,
                )}
              </div>`
          : html`<p class="hint">${t.noSteps}</p>`}
      </section>
      <details part="time" class="time">
        <summary>${t.time}: ${formatDuration(this.activeTime.totalMs)}</summary>
        <p class="hint">${t.timeHint}</p>
        <dl>
          <dt>${t.total}</dt>
          <dd class="total">${formatDuration(this.activeTime.totalMs)}</dd>
          ${byLabel.map(([id, ms]) => html`<dt>${names.get(id) ?? `#${id}`}</dt><dd>${formatDuration(ms)}</dd>`)}
        </dl>
        <p class="meta">${worked === 1 ? t.slicesWorkedOne : formatText(t.slicesWorked, { count: String(worked) })}</p>
      </details>
      <details part="audit" class="audit">
        <summary>${t.audit} (${this.audit.length})</summary>
        ${this.audit.length === 0
          ? html`<p class="empty">${t.noAudit}</p>`
          : html`<ol>
              ${[...this.audit].reverse().map(
                (e) => html`<li data-action=${e.action}>
                  <span>${auditText(this.lang, e)}</span>
                  <span class="meta">${formatInstant(e.at, this.lang)} · ${e.user || '—'}${e.role ? ` (${e.role})` : nothing}</span>
                </li>`,
              )}
            </ol>`}
      </details>`;
  }

  private step(status: ReviewStatus): void {
    const note = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.note');
    const detail: ReviewStepDetail = { status, note: note?.value.trim() ?? '' };
    if (note) note.value = '';
    emit(this, REVIEW_STEP, detail);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-review-panel': SegmarkReviewPanel;
  }
}
