/**
 * Autosave: every committed change of a document is written to IndexedDB
 * within a second — only the (label, slice) regions that changed, in one
 * atomic transaction per batch. When a write fails (quota, storage gone) the
 * work stays in memory, the failure is reported once, and saving is retried
 * with back-off; nothing already stored is touched by a failed write.
 */
import type { AnnotationDocument } from '../core/annotation/document.js';
import type { AnnotationChange } from '../core/annotation/document-data.js';
import { SegmarkError, toSegmarkError } from '../core/errors.js';
import { systemClock, type Clock } from './clock.js';
import { isClosed, type SegmarkDb } from './db.js';
import { changedFilter, saveDocument, type ChangedRegion, type SaveOptions } from './documents.js';
import type { DocId, ReviewFields } from './schema.js';

export type SaveState = 'saved' | 'saving' | 'error';

export interface AutosaveEvents {
  onState(state: SaveState, lastSaved: number | undefined, error: SegmarkError | undefined): void;
  /** After each successful write (other tabs are told from here). */
  onSaved?(): void;
  /** False while another tab holds the document: writes wait (nothing is overwritten). Default: always true. */
  canWrite?(): boolean;
  /** The review record to store with the document record (`touch` asks for a write when only it changed). */
  review?(): ReviewFields | undefined;
}

/**
 * An edit is written this soon (the changes of one commit arrive together),
 * and writes start at least MIN_GAP_MS apart, so fast editing is batched
 * instead of queuing a transaction per change. Durable within 1 s either way.
 */
const BATCH_MS = 20;
const MIN_GAP_MS = 200;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class Autosaver {
  state: SaveState = 'saved';
  lastSaved: number | undefined;
  private pending = new Map<string, ChangedRegion>();
  private all = false;
  /** The document record (e.g. its review) changed without any region. */
  private recordDirty = false;
  private timer: unknown;
  private writing: Promise<void> | undefined;
  private failures = 0;
  private lastWrite = -Infinity;
  /** Disposed: a write still running settles quietly, and nothing is scheduled again. */
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: SegmarkDb,
    private readonly docId: DocId,
    private readonly document: AnnotationDocument,
    private readonly options: SaveOptions,
    private readonly events: AutosaveEvents,
    private readonly clock: Clock = systemClock,
  ) {
    this.unsubscribe = document.subscribe((change) => this.changed(change));
  }

  /** Writes everything now (e.g. the first save of a new document, or before closing). */
  saveAll(): Promise<void> {
    this.all = true;
    return this.flush();
  }

  /** Writes the document record soon (its review changed; regions untouched). */
  touch(): void {
    this.recordDirty = true;
    this.schedule(Math.max(BATCH_MS, this.lastWrite + MIN_GAP_MS - this.clock.now()));
  }

  /** True when changes are waiting to be written (or being written). */
  get dirty(): boolean {
    return this.all || this.recordDirty || this.pending.size > 0 || this.writing !== undefined;
  }

  /** Writes what is pending now and resolves when it is stored (or failed). */
  async flush(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    if (!this.all && !this.recordDirty && this.pending.size === 0) return;
    if (this.events.canWrite?.() === false) {
      this.setState('error', new SegmarkError('storage-other-tab', 'another tab holds the document; changes here are not written'));
      return;
    }
    this.writing = this.write();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.clock.clearTimeout(this.timer);
  }

  private changed(change: AnnotationChange): void {
    // A label-wide change (its fields, or its deletion) rewrites that label's regions only.
    this.pending.set(`${change.labelId}:${change.slice}`, { labelId: change.labelId, slice: change.slice });
    this.schedule(Math.max(BATCH_MS, this.lastWrite + MIN_GAP_MS - this.clock.now()));
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined || this.disposed) return;
    this.setState(this.state === 'error' ? 'error' : 'saving');
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private async write(): Promise<void> {
    const changed = this.all ? undefined : [...this.pending.values()];
    const all = this.all;
    this.pending = new Map();
    this.all = false;
    this.recordDirty = false;
    this.setState('saving');
    this.lastWrite = this.clock.now();
    try {
      // The document record (labels, settings) is always written; regions only where they changed,
      // and only those are copied out of the document.
      const snapshot = this.document.snapshot(changed ? changedFilter(changed) : undefined);
      const counts = this.document.regionCounts();
      await saveDocument(this.db, this.docId, snapshot, changed, { now: this.clock.now(), ...this.options, counts, review: this.events.review?.(), revision: this.document.revision });
      this.failures = 0;
      this.lastSaved = this.clock.now();
      this.setState(this.pending.size || this.all || this.recordDirty ? 'saving' : 'saved');
      this.events.onSaved?.();
    } catch (error) {
      // Nothing was stored by the failed transaction: keep what it should have written for the retry.
      if (all) this.all = true;
      this.recordDirty = true;
      for (const c of changed ?? []) this.pending.set(`${c.labelId}:${c.slice}`, c);
      // The connection was closed under it (an erase moved the store, or another tab upgrades it): the
      // session takes the pending work to the next connection, so this is no failure to show or retry.
      if (isClosed(this.db)) return;
      const e = toSegmarkError(error, 'storage-unavailable');
      this.setState('error', e);
      const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)]!;
      this.failures++;
      this.schedule(delay);
    }
  }

  private setState(state: SaveState, error?: SegmarkError): void {
    if (this.disposed) return;
    const changed = state !== this.state || error !== undefined;
    this.state = state;
    if (changed) this.events.onState(state, this.lastSaved, error);
  }
}
