import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ONE_BASED, type SliceNumbering } from '../../core/dicom/view-plane.js';
import { sortComments, type CommentThread } from '../../core/review/comments.js';
import { COMMENT_ADD, COMMENT_JUMP, COMMENT_PIN, COMMENT_REPLY, COMMENT_RESOLVE, emit } from '../events.js';
import { formatText } from '../../core/text.js';
import { formatInstant, reviewStrings } from '../../text/review.js';
import { reviewPanelStyles } from '../segmark-review-panel/segmark-review-panel.styles.js';

/**
 * Comments pinned to points of slices: a form for a new one on the shown
 * slice (pinned where the user clicks in pin mode, else at the crosshair),
 * and the list — open first — with jump-to, replies, resolve and reopen.
 * Pins are numbered in the order comments were made, as on the image.
 *
 * @fires sm-comment-add - detail `{ text }`: add a comment at the pending point
 * @fires sm-comment-pin - detail `{ on }`: start or stop placing the pin with a click
 * @fires sm-comment-jump - detail `{ id }`: show the comment's slice and centre its pin
 * @fires sm-comment-reply - detail `{ id, text }`
 * @fires sm-comment-resolve - detail `{ id, resolved }`
 * @csspart form - the new-comment form
 * @csspart list - the list of comments
 *
 * @tagname segmark-comments
 */
export class SegmarkComments extends LitElement {
  static override styles = [
    reviewPanelStyles,
    css`
      li { border-top: 1px solid rgba(138, 148, 166, 0.25); padding-top: 4px; }
      li[data-resolved] .text { opacity: 0.65; }
      li.selected { outline: 1px solid var(--segmark-accent-color, #4da3ff); outline-offset: 2px; }
      .n { font-weight: 700; color: #ffb020; margin-right: 4px; }
      .replies { margin: 2px 0 0 12px; display: grid; gap: 2px; }
      .text { white-space: pre-wrap; overflow-wrap: anywhere; }
    `,
  ];

  @property({ attribute: false }) comments: readonly CommentThread[] = [];
  @property() override lang = 'en';
  /** Comments cannot be added or changed here now (another tab holds the document). */
  @property({ type: Boolean }) disabled = false;
  /** The image number of each slice index, as the series' viewer numbers them (default index + 1). */
  @property({ attribute: false }) sliceNumber: SliceNumbering = ONE_BASED;
  /** Placing the pin with a click on the image is on. */
  @property({ type: Boolean, attribute: 'pin-mode' }) pinMode = false;
  /** Where the new comment goes, when the user placed it; else at the crosshair. */
  @property({ attribute: false }) pending: { x: number; y: number } | undefined;
  /** The comment last jumped to. */
  @property() selected: string | undefined;
  /** The thread whose reply box is open. */
  @state() private replying: string | undefined;

  override render() {
    const t = reviewStrings(this.lang);
    const number = new Map(this.comments.map((c, i) => [c.id, i + 1]));
    const open = this.comments.filter((c) => !c.resolved).length;
    return html`<section aria-labelledby="comments-heading">
      <h2 id="comments-heading">${t.comments} (${formatText(t.openCount, { count: String(open) })})</h2>
      <div part="form" class="form">
        <textarea class="new" rows="2" aria-label=${t.newComment} placeholder=${t.newComment} ?disabled=${this.disabled} @keydown=${this.newKey}></textarea>
        <div class="actions">
          <button class="pin" aria-pressed=${String(this.pinMode)} title=${t.pinHint} ?disabled=${this.disabled} @click=${() => emit(this, COMMENT_PIN, { on: !this.pinMode })}>${t.pin}</button>
          <button class="add" ?disabled=${this.disabled} @click=${this.add}>${t.add}</button>
        </div>
        <p class="hint">${this.pinMode ? t.pinHint : this.pending ? formatText(t.pinnedAt, { x: String(Math.round(this.pending.x)), y: String(Math.round(this.pending.y)) }) : t.pinnedAtCrosshair}</p>
      </div>
      ${this.comments.length === 0
        ? html`<p class="empty">${t.noComments}</p>`
        : html`<ul part="list" aria-label=${t.comments}>
            ${sortComments(this.comments).map((c) => this.renderThread(c, number.get(c.id)!, t))}
          </ul>`}
    </section>`;
  }

  private renderThread(c: CommentThread, n: number, t: ReturnType<typeof reviewStrings>) {
    return html`<li data-id=${c.id} ?data-resolved=${c.resolved} class=${this.selected === c.id ? 'selected' : ''}>
      <div><span class="n">${n}</span><span class="meta">${formatText(t.slice, { slice: String(this.sliceNumber(c.slice)) })} · ${c.user || '—'} · ${formatInstant(c.at, this.lang)}${c.resolved ? ` · ${t.resolved}` : ''}</span></div>
      <div class="text">${c.text}</div>
      ${c.replies.length
        ? html`<div class="replies">
            ${c.replies.map((r) => html`<div class="reply"><span class="meta">${r.user || '—'} · ${formatInstant(r.at, this.lang)}</span> <span class="text">${r.text}</span></div>`)}
          </div>`
        : nothing}
      <div class="actions">
        <button class="jump" title=${t.showHint} aria-label=${`${t.show} ${n}`} @click=${() => emit(this, COMMENT_JUMP, { id: c.id })}>${t.show}</button>
        <button class="reply-toggle" aria-expanded=${String(this.replying === c.id)} ?disabled=${this.disabled} @click=${() => (this.replying = this.replying === c.id ? undefined : c.id)}>${t.reply}</button>
        <button class="resolve" ?disabled=${this.disabled} @click=${() => emit(this, COMMENT_RESOLVE, { id: c.id, resolved: !c.resolved })}>${c.resolved ? t.reopenComment : t.resolve}</button>
      </div>
      ${this.replying === c.id
        ? html`<div class="reply-form">
            <textarea class="reply-text" rows="2" aria-label=${t.replyText} @keydown=${(e: KeyboardEvent) => this.replyKey(e, c.id)}></textarea>
            <button class="send" @click=${() => this.sendReply(c.id)}>${t.send}</button>
          </div>`
        : nothing}
    </li>`;
  }

  /** Brings the new-comment box into view and gives it the focus (after a pin is placed, so typing goes there). */
  async focusNew(): Promise<void> {
    await this.updateComplete;
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.new');
    if (!box || box.disabled) return;
    box.scrollIntoView({ block: 'nearest' });
    box.focus();
  }

  private readonly add = (): void => {
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.new');
    const text = box?.value.trim() ?? '';
    if (!box || !text) {
      box?.focus();
      return;
    }
    box.value = '';
    emit(this, COMMENT_ADD, { text });
  };

  /** Typing stays in the box (the annotator's shortcut keys must not see it); Ctrl+Enter adds. */
  private readonly newKey = (e: KeyboardEvent): void => {
    e.stopPropagation();
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) this.add();
  };

  private replyKey(e: KeyboardEvent, id: string): void {
    e.stopPropagation();
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) this.sendReply(id);
    if (e.key === 'Escape') this.replying = undefined;
  }

  private sendReply(id: string): void {
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>(`li[data-id="${CSS.escape(id)}"] textarea.reply-text`);
    const text = box?.value.trim() ?? '';
    if (!text) return;
    this.replying = undefined;
    emit(this, COMMENT_REPLY, { id, text });
  }

}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-comments': SegmarkComments;
  }
}
