/**
 * The annotation document's announcements and revision count. Changes are
 * queued while an edit runs and announced once the state is whole, each
 * (label, slice, kind) once, after being counted as one new revision; a
 * replayed 'record' delta hands the record beside the regions to its owner
 * the same way. Split from `document.ts`, which makes the changes.
 */
import type { AnnotationChange } from './document-data.js';

/** A (label, slice) that changed; slice null when the label as a whole changed. */
export interface ChangedPair {
  readonly labelId: number;
  readonly slice: number | null;
}

export class ChangeFeed {
  readonly #listeners = new Set<(change: AnnotationChange) => void>();
  readonly #recordListeners = new Set<(record: unknown) => void>();
  #pending: AnnotationChange[] = [];
  /** The record beside the regions as a replayed 'record' delta left it, until announced. */
  #pendingRecord: { value: unknown } | undefined;
  #revision = 0;
  /** What the latest revision changed: (label, slice) pairs, slice null for a label as a whole. */
  #lastChanged: readonly ChangedPair[] = Object.freeze([]);
  /** The next revision is at least this (opening a document adopts its count when it is higher). */
  floor = 0;

  /** How many revisions there have been; set only when a document is read back with its count. */
  get revision(): number { return this.#revision; }
  set revision(count: number) { this.#revision = count; }
  get lastChanged(): readonly ChangedPair[] { return this.#lastChanged; }

  /** Queues a change, announced at the next `flush`. */
  push(change: AnnotationChange): void { this.#pending.push(change); }
  /** Queues the record a replayed 'record' delta leaves in place. */
  pushRecord(value: unknown): void { this.#pendingRecord = { value }; }

  /** A new revision that changed no (label, slice): the record beside them did. Returns it. */
  noteRecordChange(): number {
    this.#revision++;
    this.#lastChanged = Object.freeze([]);
    return this.#revision;
  }

  subscribe(listener: (change: AnnotationChange) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  subscribeRecord(listener: (record: unknown) => void): () => void {
    this.#recordListeners.add(listener);
    return () => void this.#recordListeners.delete(listener);
  }

  /**
   * Announces queued changes, each (label, slice, kind) once, after counting
   * them as one new revision (`counts` false: a view change, no revision).
   */
  flush(counts = true): void {
    const pending = this.#pending;
    const record = this.#pendingRecord;
    this.#pending = [];
    this.#pendingRecord = undefined;
    if (counts && (pending.length > 0 || record || this.floor > this.#revision)) {
      this.#revision = Math.max(this.#revision + 1, this.floor);
      const pairs = new Map<string, ChangedPair>();
      for (const c of pending) pairs.set(`${c.labelId}:${String(c.slice)}`, Object.freeze({ labelId: c.labelId, slice: c.slice }));
      this.#lastChanged = Object.freeze([...pairs.values()]);
    }
    const seen = new Set<string>();
    for (const change of pending) {
      const key = `${change.labelId}:${String(change.slice)}:${change.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const listener of [...this.#listeners]) {
        try {
          listener(Object.freeze(change));
        } catch (error) {
          // A failing view must not leave the others unannounced; report it the way EventTarget does.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    if (record) for (const listener of [...this.#recordListeners]) listener(record.value);
  }
}
