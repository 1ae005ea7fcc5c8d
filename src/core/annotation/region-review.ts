/**
 * A reviewer's decision on one (label, slice) region: verified, unverified,
 * or rejected with a reason and a note, and what the region's stored entry
 * becomes with it. The annotation document records the result.
 */
import { reviewStateOf, type Entry, type RegionReview, type RejectReason, type ReviewState } from './document-data.js';

/** What a reviewer decides on a (label, slice); a rejection says why. */
export interface ReviewDecision {
  state: ReviewState;
  /** Rejected: from the short list (default 'other'). */
  reason?: RejectReason;
  /** Rejected: free text. */
  note?: string;
}

/**
 * The entry `before` with `decision` on it, the decision's record made by
 * `decide` (who and when); undefined when it is already so decided (same
 * state, reason and note). A rejection without a reason is 'other'; a note
 * only goes with a rejection.
 */
export function decidedEntry(
  before: Entry,
  decision: ReviewDecision,
  decide: (state: 'verified' | 'rejected', reason?: RejectReason, note?: string) => RegionReview,
): Entry | undefined {
  const { state } = decision;
  if (state !== 'verified' && state !== 'unverified' && state !== 'rejected') throw new RangeError(`review state ${String(state)}`);
  const reason = state === 'rejected' ? (decision.reason ?? 'other') : undefined;
  const note = state === 'rejected' ? decision.note?.trim() || undefined : undefined;
  const was = reviewStateOf(before);
  if (was === state && (state !== 'rejected' || (before.review?.reason === reason && before.review?.note === note))) return undefined;
  const { review: _old, ...rest } = before;
  const review = state === 'unverified' ? undefined : decide(state, reason, note);
  return Object.freeze({ ...rest, verified: state === 'verified', ...(review ? { review } : {}) });
}
