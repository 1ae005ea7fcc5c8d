/**
 * Reading a document's review record from the store. It is written with the
 * document record itself (`saveDocument`'s `review` option, which autosave
 * passes), in the same atomic transaction as the regions.
 */
import { parseReview, type ReviewRecord } from '../core/review/record.js';
import type { SegmarkDb } from './db.js';
import type { DocId } from './schema.js';
import { run } from './transaction.js';

/** The stored review of a document (draft for records written before reviews existed), or undefined when there is no record. */
export async function loadReview(db: SegmarkDb, docId: DocId): Promise<ReviewRecord | undefined> {
  const record = await run(db, ['documents'], 'readonly', (tx) => tx.objectStore('documents').get(docId));
  return record ? parseReview(record.review) : undefined;
}
