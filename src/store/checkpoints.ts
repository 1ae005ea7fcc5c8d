/**
 * Revisions of a document: a checkpoint after every few minutes of editing
 * (taken when a save completes, so a checkpoint is never ahead of the stored
 * document) and on every explicit save. Each carries a short summary of what
 * changed since the previous one, e.g. "14 slices: L4/L5 disc, L5/S1 disc".
 */
import type { AnnotationDocument } from '../core/annotation/document.js';
import type { SegmarkDb } from './db.js';
import { addRevision, DEFAULT_REVISIONS_KEPT } from './documents.js';
import type { DocId } from './schema.js';

/** Editing time between automatic checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 3 * 60_000;

export interface CheckpointOptions {
  /** Revisions kept per document (the oldest go first). Default 50. */
  keep?: number;
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export class Checkpoints {
  private last: number;
  /** Label id → slices changed since the last checkpoint (null: the label as a whole). */
  private changed = new Map<number, Set<number | null>>();
  private readonly unsubscribe: () => void;
  private readonly now: () => number;

  constructor(
    private readonly db: SegmarkDb,
    private readonly docId: DocId,
    private readonly document: AnnotationDocument,
    private readonly options: CheckpointOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.last = this.now();
    this.unsubscribe = document.subscribe((change) => {
      let slices = this.changed.get(change.labelId);
      if (!slices) this.changed.set(change.labelId, (slices = new Set()));
      slices.add(change.slice);
    });
  }

  /** After a save: a checkpoint when there were changes and the interval has passed. Returns its id, if one was made. */
  async saved(): Promise<number | undefined> {
    if (this.changed.size === 0 || this.now() - this.last < (this.options.intervalMs ?? CHECKPOINT_INTERVAL_MS)) return undefined;
    return this.take();
  }

  /** A checkpoint now (an explicit save), with `note` before the summary. */
  async take(note?: string): Promise<number> {
    const summary = [note, this.summary()].filter(Boolean).join(' · ');
    const changed = this.changed;
    this.changed = new Map();
    this.last = this.now();
    try {
      return await addRevision(this.db, this.docId, this.document.snapshot(), summary, this.options.keep ?? DEFAULT_REVISIONS_KEPT, this.last);
    } catch (error) {
      // Not stored: the changes still count towards the next checkpoint.
      for (const [id, slices] of changed) {
        const now = this.changed.get(id) ?? new Set();
        for (const s of slices) now.add(s);
        this.changed.set(id, now);
      }
      throw error;
    }
  }

  dispose(): void {
    this.unsubscribe();
  }

  /** "N slices: name, name" (labels in panel order), or "No changes". */
  private summary(): string {
    if (this.changed.size === 0) return 'No changes';
    let slices = 0;
    for (const s of this.changed.values()) slices += [...s].filter((k) => k !== null).length;
    const names = this.document.labels.filter((l) => this.changed.has(l.id)).map((l) => l.name);
    const gone = this.changed.size - names.length;
    const labels = [...names.slice(0, 3), ...(names.length > 3 ? [`+${names.length - 3}`] : []), ...(gone > 0 ? [`${gone} deleted`] : [])];
    return `${slices} slice${slices === 1 ? '' : 's'}: ${labels.join(', ')}`;
  }
}
