/**
 * Verification in `<segmark-annotator>`: the review bar (the active label's
 * state on this slice and its progress, with buttons) and its keys, and the
 * reject reason picker.
 *
 * Keys (none of them taken by the viewer or the tools):
 * - V: accept the slice — every visible label's unverified outline on it at
 *   once (one undo step), since a reviewer looks at the whole slice; a wrong
 *   one is rejected first (R), and accepting leaves rejected ones alone.
 * - R: reject the active label's outline on this slice: a picker opens with
 *   the reasons on 1–5, a note field, Enter to reject, Escape to cancel.
 *   Where the active label has no outline on this slice, R flags a missed
 *   structure there instead (same picker, "Missed structure" chosen); the flag
 *   is kept in the review record (who, when, why) until an outline is drawn
 *   there or it is cleared here.
 * - N: the active label's next unverified slice; when it has none, the next
 *   label that has one (it becomes active). Shift+N: the next such label.
 * - The bar's Next open item (no key): the next place approval would ask
 *   about — an unverified outline, a rejected one not corrected since, or a
 *   missed-structure flag — in label panel order, then slice.
 *
 * Decisions go through the document (`setReview`), so they are undo steps and
 * reach the host as `segmark-change` with kind 'verify'.
 */
import { html, nothing, css, type ComplexAttributeConverter, type ReactiveElement } from 'lit';
import { live } from 'lit/directives/live.js';
import { numbering } from '../../core/dicom/view-plane.js';
import { REJECT_REASONS, type AnnotationDocument, type RejectReason } from '../../core/annotation/document.js';
import { acceptSlice, labelProgress, nextUnverifiedLabel, nextUnverifiedSlice } from '../../core/annotation/verification.js';
import { openItems, type OpenPlace } from '../../core/review/open-items.js';
import type { AnnotatorSession } from '../../session/annotator-session.js';
import type { SegmarkViewport } from '../segmark-viewport/segmark-viewport.js';
import { formatText } from '../../core/text.js';
import { verifyStrings } from '../../text/verify.js';
import { reviewStrings } from '../../text/review.js';
import { readPreferences, writePreferences } from '../../store/preferences.js';

interface Picker {
  /** Reject the outline, or flag the (label, slice) without one as a missed structure. */
  mode: 'reject' | 'missed';
  labelId: number;
  slice: number;
  reason: RejectReason;
  note: string;
}

export const reviewBarStyles = css`
  /* Theme colours of the annotator (segmark-annotator.styles.ts), so both themes keep their contrast. */
  .verify { display: grid; gap: 4px; padding: 6px 8px; border-top: 1px solid var(--_control-border); font-size: 12px; }
  .verify-state[data-state='verified'] { color: var(--_accent); }
  .verify-state[data-state='rejected'],
  .verify-state[data-state='missed'] { color: var(--_danger); }
  .approve-check { display: grid; gap: 6px; margin: 6px 8px; padding: 8px; border: 1px solid var(--_warn); border-radius: 4px; font-size: 12px; }
  .approve-check ul, .missed-list ul { margin: 0; padding: 0; list-style: none; display: grid; gap: 2px; }
  .approve-check li { display: flex; gap: 6px; align-items: center; }
  .approve-check li span { flex: 1; }
  .approve-check textarea { font: inherit; width: 100%; box-sizing: border-box; }
  .approve-actions { display: flex; gap: 4px; flex-wrap: wrap; }
  .approve-check button, .missed-list button { font: inherit; }
  .missed-list { padding: 6px 8px; font-size: 12px; }
  .missed-list h2 { font-size: 13px; margin: 0 0 4px; }
  .missed-list .meta { color: var(--_muted); margin-inline-start: 6px; }
  .approve-check :focus-visible, .missed-list :focus-visible { outline: 2px solid var(--segmark-focus-color, var(--_accent)); outline-offset: 1px; }
  .verify-progress { color: var(--_muted); }
  .verify-actions { display: flex; flex-wrap: wrap; gap: 4px; }
  .verify-zoom { display: flex; gap: 6px; align-items: center; color: var(--_muted); }
  .verify button { font: inherit; }
  .verify kbd { font-size: 10px; opacity: 0.8; margin-inline-start: 3px; }
  .reject-picker { display: grid; gap: 6px; padding: 8px; border: 1px solid var(--_danger); border-radius: 4px; }
  .reject-picker fieldset { border: 0; margin: 0; padding: 0; display: grid; gap: 2px; }
  .reject-picker label { display: flex; gap: 6px; align-items: center; }
  .reject-picker input[type='text'] { font: inherit; }
  .verify :focus-visible { outline: 2px solid var(--segmark-focus-color, var(--_accent)); outline-offset: 1px; }
`;

/** Share of the view's shorter side that a region fills after review zoom. */
const REVIEW_ZOOM_FILL = 0.5;
/** Review zoom never magnifies a region more than this per jump, nor shrinks it below this. */
const REVIEW_ZOOM_RANGE = [0.25, 8] as const;

/**
 * The annotator's `review-zoom` attribute as its `reviewZoom` property: on
 * unless the attribute says "off", "false" or "0"; off is written "off" and
 * on (the default) as no attribute.
 */
export const REVIEW_ZOOM_ATTRIBUTE: ComplexAttributeConverter<boolean> = {
  fromAttribute: (v) => v === null || !/^(off|false|0)$/i.test(v.trim()),
  toAttribute: (on) => (on ? null : 'off'),
};

/** Whether going to a region for review zooms to it as well as centring it: the annotator's `reviewZoom`. */
export function reviewZoomOn(host: HTMLElement): boolean {
  const on = (host as HTMLElement & { reviewZoom?: unknown }).reviewZoom;
  return typeof on === 'boolean' ? on : REVIEW_ZOOM_ATTRIBUTE.fromAttribute!(host.getAttribute('review-zoom'));
}

/**
 * Centres the axial view on the outline of `labelId` on the shown slice
 * and, with review zoom on, zooms so that it fills half the view's shorter
 * side (a vertebral disc is ~150 px wide at the default zoom). Nothing
 * happens where there is no outline (e.g. a missed-structure flag).
 */
export function focusRegion(host: HTMLElement, session: AnnotatorSession, labelId: number, slice: number): void {
  const doc = session.document;
  const view = host.shadowRoot?.querySelector<SegmarkViewport>('segmark-viewport[data-plane="axial"]') ?? host.shadowRoot?.querySelector<SegmarkViewport>('segmark-viewport');
  if (!doc || !view || session.slice !== slice) return;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of doc.regionAt(labelId, slice).rings) {
    for (let i = 0; i + 1 < ring.length; i += 2) {
      x0 = Math.min(x0, ring[i]!);
      x1 = Math.max(x1, ring[i]!);
      y0 = Math.min(y0, ring[i + 1]!);
      y1 = Math.max(y1, ring[i + 1]!);
    }
  }
  if (!Number.isFinite(x0)) return;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  if (reviewZoomOn(host)) {
    const a = view.imageToClient(x0, y0);
    const b = view.imageToClient(x1 + 1, y1 + 1);
    const box = view.getBoundingClientRect();
    const size = a && b ? Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) : 0;
    if (size > 0 && box.width > 0 && box.height > 0) {
      const factor = (REVIEW_ZOOM_FILL * Math.min(box.width, box.height)) / size;
      view.zoomBy(Math.min(REVIEW_ZOOM_RANGE[1], Math.max(REVIEW_ZOOM_RANGE[0], factor)));
    }
  }
  view.centreOn(cx, cy);
}

/** The bar's state (the open picker, a notice) and actions; the annotator renders it and forwards keys. */
export class VerifyController {
  #picker: Picker | undefined;
  #notice = '';
  /** Review zoom: the host's choice, else the user's remembered one (restored when the user is set), else on. */
  #zoom = true;
  /** The host set review zoom: the user's remembered choice does not replace it. */
  #zoomByHost = false;

  constructor(
    private readonly host: ReactiveElement,
    private readonly session: AnnotatorSession,
  ) {
    this.#restoreZoom();
    session.subscribe((key) => {
      if (key === 'user') this.#restoreZoom();
    });
  }

  /** Whether going to a region zooms to it (the annotator's `reviewZoom`). */
  get zoom(): boolean {
    return this.#zoom;
  }

  /** The host's setting (the annotator's `reviewZoom` property or `review-zoom` attribute); it reflects the change itself. */
  setZoomByHost(on: boolean): void {
    this.#zoomByHost = true;
    this.#zoom = on;
  }

  /** The user's choice (the Review tab's checkbox): at once, and remembered for this user. */
  chooseZoom(on: boolean): void {
    this.#setZoom(on);
    writePreferences(this.session.user, { reviewZoom: on });
  }

  #restoreZoom(): void {
    if (this.#zoomByHost) return;
    const { reviewZoom } = readPreferences(this.session.user);
    if (typeof reviewZoom === 'boolean') this.#setZoom(reviewZoom);
  }

  #setZoom(on: boolean): void {
    const old = this.#zoom;
    this.#zoom = on;
    // The annotator's property: reflected to `review-zoom` and rendered.
    this.host.requestUpdate('reviewZoom', old);
  }

  /** Whether the reject picker is open. */
  get picking(): boolean {
    return this.#picker !== undefined;
  }


  /** Accepts the visible labels' unverified outlines on this slice; false when there was nothing to do. */
  accept(): boolean {
    const doc = this.session.document;
    if (!doc || !this.session.canAnnotate) return false;
    const visible = doc.labels.filter((l) => l.visible).map((l) => l.id);
    return acceptSlice(doc, this.session.slice, visible) > 0;
  }

  /** Goes to the active label's next unverified slice, else the next label with one. */
  next(): boolean {
    const doc = this.session.document;
    if (!doc) return false;
    const k = nextUnverifiedSlice(doc, this.session.activeLabel, this.session.slice);
    if (k !== undefined) {
      this.session.slice = k;
      this.#focus(this.session.activeLabel, k);
      return true;
    }
    return this.nextLabel();
  }

  /** Makes the next visible label with an unverified slice active and goes to its first one. */
  nextLabel(): boolean {
    const doc = this.session.document;
    if (!doc) return false;
    const found = nextUnverifiedLabel(doc, this.session.activeLabel, (id) => doc.label(id)?.visible === true);
    if (!found) {
      this.#say(verifyStrings(this.session.lang).allVerified);
      return true;
    }
    this.session.activeLabel = found.labelId;
    this.session.slice = found.slice;
    this.#focus(found.labelId, found.slice);
    return true;
  }

  /**
   * Goes to the next open item after the active label on this slice, in label
   * panel order then slice, wrapping (this place itself last): an unverified
   * outline, a rejected one not corrected since, or a missed-structure flag;
   * its label becomes active. Says so when nothing is open.
   */
  nextOpen(): boolean {
    const doc = this.session.document;
    if (!doc) return false;
    const items = openItems(doc, this.session.review.record.missed ?? []);
    const order = new Map(doc.labels.map((l, i) => [l.id, i]));
    const rank = (p: OpenPlace): [number, number] => [order.get(p.labelId) ?? doc.labels.length, p.slice];
    const after = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
    const all = [...items.rejected, ...items.unverified, ...items.missed].sort((a, b) => after(rank(a), rank(b)));
    const here = rank({ labelId: this.session.activeLabel, slice: this.session.slice });
    const next = all.find((p) => after(rank(p), here) > 0) ?? all[0];
    if (!next) {
      this.#say(reviewStrings(this.session.lang).nothingOpen);
      return true;
    }
    this.session.activeLabel = next.labelId;
    this.session.slice = next.slice;
    this.#focus(next.labelId, next.slice);
    return true;
  }

  /** Centres (and zooms, per `review-zoom`) the region once its slice is shown. */
  #focus(labelId: number, slice: number): void {
    void this.host.updateComplete.then(() => requestAnimationFrame(() => focusRegion(this.host, this.session, labelId, slice)));
  }

  /**
   * Opens the reason picker for the active label on this slice: to reject its
   * outline, or where it has none to flag a missed structure; false when the
   * label or document cannot be edited.
   */
  openPicker(): boolean {
    const doc = this.session.document;
    const labelId = this.session.activeLabel;
    const slice = this.session.slice;
    if (!doc || !doc.label(labelId) || !this.session.canAnnotate || !this.session.writable || doc.label(labelId)?.locked) return false;
    if (doc.reviewStateAt(labelId, slice) === undefined) {
      const flag = this.session.review.missedAt(labelId, slice);
      const reason = (REJECT_REASONS as readonly string[]).includes(flag?.reason ?? '') ? (flag!.reason as RejectReason) : 'missed-structure';
      this.#picker = { mode: 'missed', labelId, slice, reason, note: flag?.note ?? '' };
    } else {
      const current = doc.metaAt(labelId, slice)?.review;
      this.#picker = { mode: 'reject', labelId, slice, reason: current?.reason ?? REJECT_REASONS[0], note: current?.note ?? '' };
    }
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      this.host.shadowRoot?.querySelector<HTMLInputElement>('.reject-picker input[type="radio"]:checked')?.focus();
    });
    return true;
  }

  #confirm(): void {
    const p = this.#picker;
    const doc = this.session.document;
    this.#close();
    if (!p || !doc || !this.session.canAnnotate || !this.session.writable || doc.label(p.labelId)?.locked) return;
    const outlined = doc.reviewStateAt(p.labelId, p.slice) !== undefined;
    // The label may have been locked, or an outline drawn or removed, while the picker was open.
    if (p.mode === 'missed' && !outlined) this.session.review.flagMissed(this.session.actor, p.labelId, p.slice, p.reason, p.note);
    else if (p.mode === 'reject' && outlined) doc.setReview(p.labelId, p.slice, { state: 'rejected', reason: p.reason, note: p.note });
  }

  /** Clears the missed-structure flag of the active label on this slice; false when there is none. */
  clearMissed(): boolean {
    if (!this.session.canAnnotate || !this.session.writable) return false;
    return this.session.review.clearMissed(this.session.actor, this.session.activeLabel, this.session.slice);
  }

  #close(): void {
    this.#picker = undefined;
    this.host.requestUpdate();
    // Back to the image, so the review keys work again straight away.
    void this.host.updateComplete.then(() => this.host.shadowRoot?.querySelector<HTMLElement>('segmark-viewport')?.focus());
  }

  #say(text: string): void {
    this.#notice = text;
    this.host.requestUpdate();
  }

  readonly #onPickerKey = (e: KeyboardEvent): void => {
    const p = this.#picker;
    if (!p) return;
    const inNote = (e.composedPath()[0] as HTMLElement | undefined)?.matches?.('input[type="text"]') ?? false;
    const digit = Number(e.key);
    if (e.key === 'Escape') this.#close();
    else if (e.key === 'Enter') this.#confirm();
    else if (!inNote && Number.isInteger(digit) && digit >= 1 && digit <= REJECT_REASONS.length) {
      this.#picker = { ...p, reason: REJECT_REASONS[digit - 1]! };
      this.host.requestUpdate();
      void this.host.updateComplete.then(() => {
        this.host.shadowRoot?.querySelector<HTMLInputElement>('.reject-picker input[type="radio"]:checked')?.focus();
      });
    } else {
      // Typing in the picker is the picker's: no viewer or tool key fires underneath.
      e.stopPropagation();
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  render() {
    const doc = this.session.document;
    if (!doc) return nothing;
    const t = verifyStrings(this.session.lang);
    const rt = reviewStrings(this.session.lang);
    const labelId = this.session.activeLabel;
    const label = doc.label(labelId);
    const slice = this.session.slice;
    const state = label ? doc.reviewStateAt(labelId, slice) : undefined;
    const review = state ? doc.metaAt(labelId, slice)?.review : undefined;
    const progress = label ? labelProgress(doc, labelId) : undefined;
    const edit = this.session.canAnnotate;
    const flag = label && state === undefined ? this.session.review.missedAt(labelId, slice) : undefined;
    const missedCount = label ? (this.session.review.record.missed ?? []).filter((f) => f.labelId === labelId).length : 0;
    // The reviewer's name and note are data, not interface text.
    const who = review?.by ? html`<span translate="no">${formatText(t.by, { user: review.by })}</span>` : nothing;
    let text = html`${t.noRegion}`;
    if (flag) {
      const note = flag.note ? html` — <span translate="no">${flag.note}</span>` : nothing;
      const by = html`<span translate="no">${formatText(t.by, { user: flag.user })}</span>`;
      text = html`${t.missed}: ${t.reasons[flag.reason as RejectReason] ?? flag.reason}${note}${by}`;
    } else if (state === 'verified') text = html`${t.verified}${who}`;
    else if (state === 'rejected') {
      const note = review?.note ? html` — <span translate="no">${review.note}</span>` : nothing;
      text = html`${t.rejected}: ${t.reasons[review?.reason ?? 'other']}${note}${who}`;
    } else if (state === 'unverified') text = html`${t.unverified}`;
    const button = (action: string, name: string, key: string, disabled: boolean, run: () => void, label?: string) =>
      html`<button type="button" data-action=${action} ?disabled=${disabled} aria-keyshortcuts=${key || nothing} aria-label=${label ?? nothing} @click=${() => {
        this.#notice = '';
        run();
      }}>${name}${key ? html`<kbd aria-hidden="true">${key}</kbd>` : nothing}</button>`;
    return html`<section class="verify" part="verify" aria-label=${t.region}>
      <div class="verify-state" data-state=${flag ? 'missed' : (state ?? 'none')} role="status">${label ? `${label.name}: ` : ''}${text}</div>
      ${progress && progress.regions > 0
        ? html`<div class="verify-progress">${formatText(progress.rejected ? t.progressRejected : t.progress, { verified: String(progress.verified), total: String(progress.regions), rejected: String(progress.rejected) })}</div>`
        : nothing}
      ${missedCount ? html`<div class="verify-progress verify-missed">${formatText(t.missedCount, { count: String(missedCount) })}</div>` : nothing}
      <div class="verify-actions">
        ${button('accept', t.accept, 'V', !edit, () => this.accept())}
        ${state === undefined
          ? button('flag-missed', t.flagMissed, 'R', !edit || !label, () => this.openPicker())
          : button('reject', t.reject, 'R', !edit, () => this.openPicker())}
        ${flag ? button('clear-missed', t.unflagMissed, '', !edit, () => this.clearMissed()) : nothing}
        ${button('next', t.next, 'N', false, () => this.next())}
        ${button('next-label', t.nextLabel, 'Shift+N', false, () => this.nextLabel())}
        ${button('next-open', rt.nextOpen, '', false, () => this.nextOpen(), rt.nextOpenLabel)}
      </div>
      <label class="verify-zoom" title=${rt.reviewZoomHint}><input type="checkbox" data-action="review-zoom" .checked=${live(this.#zoom)}
        @change=${(e: Event) => this.chooseZoom((e.target as HTMLInputElement).checked)} />${rt.reviewZoom}</label>
      ${this.#notice ? html`<div class="verify-notice" role="status">${this.#notice}</div>` : nothing}
      ${this.#picker ? this.#renderPicker(doc, this.#picker) : nothing}
    </section>`;
  }

  #renderPicker(doc: AnnotationDocument, p: Picker) {
    const t = verifyStrings(this.session.lang);
    const name = doc.label(p.labelId)?.name ?? String(p.labelId);
    const title = formatText(p.mode === 'missed' ? t.missedPickerTitle : t.pickerTitle, { label: name, slice: String(numbering(this.session.volume)(p.slice)) });
    return html`<div class="reject-picker" part="reject-picker" role="dialog" aria-label=${title} data-mode=${p.mode}
        @keydown=${this.#onPickerKey}>
      <strong>${title}</strong>
      <fieldset>
        <legend>${t.reason}</legend>
        ${REJECT_REASONS.map(
          (r, i) => html`<label><input type="radio" name="reject-reason" .value=${r} .checked=${p.reason === r}
              aria-keyshortcuts=${String(i + 1)}
              @change=${() => {
                this.#picker = { ...p, reason: r };
                this.host.requestUpdate();
              }} /><kbd>${i + 1}</kbd> ${t.reasons[r]}</label>`,
        )}
      </fieldset>
      <label>${t.note} <input type="text" class="reject-note" .value=${p.note} maxlength="500"
        @input=${(e: Event) => {
          if (this.#picker) this.#picker = { ...this.#picker, note: (e.target as HTMLInputElement).value };
        }} /></label>
      <div class="verify-actions">
        <button type="button" data-action="confirm-reject" @click=${() => this.#confirm()}>${p.mode === 'missed' ? t.confirmMissed : t.confirm}</button>
        <button type="button" data-action="cancel-reject" @click=${() => this.#close()}>${t.cancel}</button>
      </div>
    </div>`;
  }
}
