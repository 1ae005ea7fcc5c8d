/**
 * What is still open in a review: outlines rejected and not corrected since
 * (an edit clears a rejection, so a rejected region is an uncorrected one),
 * outlines nobody has verified yet, and (label, slice) places flagged as a
 * missed structure. Approval asks about these before it goes through.
 */
import type { AnnotationDocument } from '../annotation/document.js';
import type { MissedFlag, OpenCounts } from './record.js';

export interface OpenPlace {
  labelId: number;
  slice: number;
}

export interface OpenItems {
  rejected: OpenPlace[];
  unverified: OpenPlace[];
  missed: OpenPlace[];
}

/** The open items of `document` and the record's missed flags, each in label (panel) order, then slice. */
export function openItems(document: AnnotationDocument | undefined, missed: readonly MissedFlag[] = []): OpenItems {
  const out: OpenItems = { rejected: [], unverified: [], missed: [] };
  const order = new Map((document?.labels ?? []).map((l, i) => [l.id, i]));
  for (const l of document?.labels ?? []) {
    for (const slice of document!.slicesOf(l.id)) {
      const state = document!.reviewStateAt(l.id, slice);
      if (state === 'rejected') out.rejected.push({ labelId: l.id, slice });
      else if (state === 'unverified') out.unverified.push({ labelId: l.id, slice });
    }
  }
  out.missed = missed
    .map((f) => ({ labelId: f.labelId, slice: f.slice }))
    .sort((a, b) => (order.get(a.labelId) ?? Infinity) - (order.get(b.labelId) ?? Infinity) || a.labelId - b.labelId || a.slice - b.slice);
  return out;
}

export function openCounts(items: OpenItems): OpenCounts {
  return { rejected: items.rejected.length, unverified: items.unverified.length, missed: items.missed.length };
}

export function hasOpenItems(items: OpenItems): boolean {
  return items.rejected.length + items.unverified.length + items.missed.length > 0;
}
