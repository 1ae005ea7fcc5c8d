/**
 * A reviewer's queue: documents submitted for review, from this browser's
 * store and from the host page, in one list, oldest submission first (the
 * document that has waited longest is reviewed first, as in a reading list).
 */

/** A document waiting for review, as the Work panel lists it. */
export interface QueueItem {
  /** A stored document's id (`study|series|user`), or the host's own id for its items. */
  id: string;
  /** What the list names it by (the series description, or the host's title). */
  title: string;
  /** Who submitted it. */
  annotator: string | undefined;
  /** When it was submitted (ms since 1970), when known. */
  submittedAt: number | undefined;
  /** Labels with at least one outline. */
  labels: number | undefined;
  /** (label, slice) outlines. */
  outlines: number | undefined;
  /** Verified outlines ÷ all of them, when known. */
  verifiedShare: number | undefined;
  /** Where it comes from: the browser's store, or the host page (which opens it). */
  source: 'store' | 'host';
}

/**
 * The stored and the host's items in one list, oldest submission first;
 * items without a time come last, in the order given. A host item with the
 * id of a stored one replaces it (the host knows how to open it).
 */
export function mergeQueue(stored: readonly QueueItem[], host: readonly QueueItem[]): QueueItem[] {
  const hostIds = new Set(host.map((i) => i.id));
  const all = [...stored.filter((i) => !hostIds.has(i.id)), ...host];
  return all
    .map((item, order) => ({ item, order }))
    .sort((a, b) => {
      const ta = a.item.submittedAt;
      const tb = b.item.submittedAt;
      if (ta === undefined || tb === undefined) return ta === tb ? a.order - b.order : ta === undefined ? 1 : -1;
      return ta - tb || a.order - b.order;
    })
    .map(({ item }) => item);
}

/** The item to open after the open one: the first of the queue that is neither open nor in `done`. */
export function nextInQueue(queue: readonly QueueItem[], open: string | undefined, done: ReadonlySet<string>): QueueItem | undefined {
  return queue.find((i) => i.id !== open && !done.has(i.id));
}
