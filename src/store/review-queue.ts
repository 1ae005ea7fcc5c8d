/**
 * The stored documents waiting for review: those whose status is submitted,
 * with who submitted them and when (the last submit in the audit trail), how
 * many labels have outlines, how many outlines, and the verified share.
 * Read-only over `documents` and the keys of `regions` (the outlines' bytes
 * are not read).
 */
import { parseReview } from '../core/review/record.js';
import type { QueueItem } from '../core/review/queue.js';
import type { SegmarkDb } from './db.js';
import type { DocumentRecord, RegionKey } from './schema.js';
import { run } from './transaction.js';

/** Every stored document whose review status is submitted, as a queue item (in store order; `mergeQueue` sorts). */
export async function listSubmitted(db: SegmarkDb): Promise<QueueItem[]> {
  return run(db, ['documents', 'regions'], 'readonly', async (tx) => {
    const records = await tx.objectStore('documents').getAll();
    const submitted = records.filter((r) => parseReview(r.review).status === 'submitted');
    const keys = await Promise.all(submitted.map((r) => tx.objectStore('regions').getAllKeys(docRange(r.id))));
    return submitted.map((r, k) => queueItem(r, keys[k]!));
  });
}

function queueItem(r: DocumentRecord, regionKeys: readonly RegionKey[]): QueueItem {
  const review = parseReview(r.review);
  const submit = [...review.audit].reverse().find((e) => e.action === 'status' && e.to === 'submitted');
  const at = submit ? Date.parse(submit.at) : NaN;
  // The id is `${study}|${series}|${user}`; UIDs hold no `|`, the user may.
  const owner = r.id.split('|').slice(2).join('|');
  return {
    id: r.id,
    title: r.series.description ?? '',
    annotator: submit?.user ?? (owner || undefined),
    submittedAt: Number.isFinite(at) ? at : r.updatedAt,
    labels: new Set(regionKeys.map((key) => key[1])).size,
    outlines: r.regionCount,
    verifiedShare: r.verifiedCount === undefined || r.regionCount === 0 ? undefined : r.verifiedCount / r.regionCount,
    source: 'store',
  };
}

function docRange(docId: string): IDBKeyRange {
  return IDBKeyRange.bound([docId, -Infinity, -Infinity] satisfies RegionKey, [docId, Infinity, Infinity] satisfies RegionKey);
}
