/**
 * Reviewing a document slice by slice: accept a slice, find the next slice
 * (or label) still waiting for a decision, and per-label progress. Decisions
 * go through `AnnotationDocument.setReview`, so each is an undo step
 * announced as 'verify'.
 *
 * "Waiting" means unverified: a rejected region has its decision; it comes
 * back into the queue when someone corrects it, since an edit clears the
 * decision (`setRegion`).
 */
import type { AnnotationDocument } from './document.js';

/** Verified, rejected and total (label, slice) regions of one label. */
export interface LabelProgress {
  regions: number;
  verified: number;
  rejected: number;
}

export function labelProgress(document: AnnotationDocument, labelId: number): LabelProgress {
  return document.regionCounts(labelId);
}

/**
 * Verifies the unverified regions of `labelIds` on `slice` (locked labels and
 * rejected regions are left as they are), as one undo step; returns how many.
 */
export function acceptSlice(document: AnnotationDocument, slice: number, labelIds: readonly number[]): number {
  const pending = labelIds.filter((id) => !document.label(id)?.locked && document.reviewStateAt(id, slice) === 'unverified');
  if (pending.length === 0) return 0;
  document.beginStroke(pending.length === 1 ? 'Mark verified' : `Accept slice ${slice + 1}`);
  try {
    for (const id of pending) document.setReview(id, slice, { state: 'verified' });
    document.commitStroke();
  } catch (error) {
    document.cancelStroke();
    throw error;
  }
  return pending.length;
}

/** The label's next unverified slice after `from` in `direction`, wrapping around (`from` itself last); undefined when none. */
export function nextUnverifiedSlice(document: AnnotationDocument, labelId: number, from: number, direction: 1 | -1 = 1): number | undefined {
  const waiting = document.slicesOf(labelId).filter((k) => document.reviewStateAt(labelId, k) === 'unverified');
  if (waiting.length === 0) return undefined;
  if (direction === 1) return waiting.find((k) => k > from) ?? waiting[0];
  return [...waiting].reverse().find((k) => k < from) ?? waiting[waiting.length - 1];
}

/**
 * The next label after `fromLabelId` in panel order (wrapping, the label
 * itself last) with an unverified slice, and its first such slice; only
 * labels `eligible` accepts (e.g. the visible ones). Undefined when none.
 */
export function nextUnverifiedLabel(
  document: AnnotationDocument,
  fromLabelId: number,
  eligible: (labelId: number) => boolean = () => true,
): { labelId: number; slice: number } | undefined {
  const labels = document.labels;
  const at = labels.findIndex((l) => l.id === fromLabelId);
  for (let step = 1; step <= labels.length; step++) {
    const label = labels[(at + step + labels.length) % labels.length]!;
    if (!eligible(label.id)) continue;
    const slice = nextUnverifiedSlice(document, label.id, -1);
    if (slice !== undefined) return { labelId: label.id, slice };
  }
  return undefined;
}
