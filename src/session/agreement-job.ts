/**
 * The annotator's side of a comparison, as a plain module (no DOM, no Lit):
 * finds the other side (another user's stored document of the series, a mask
 * file, or a snapshot), runs the agreement in a worker with progress and
 * cancel (`core/review/agreement-runner.ts`), keeps both sides for the overlay
 * and the adjudication, and applies an adjudication.
 *
 * What it needs comes in as parameters: the open series and document, the
 * stored documents (IndexedDB in the page), the worker factory and the clock.
 * What it tells comes out through a listener.
 *
 * One comparison at a time: a new one (or `cancel`) stops the one before,
 * which then rejects with `aborted` and tells nothing more.
 *
 * Adjudication replaces the open document (A) with the adjudicated one as a
 * single undoable `restore` step, after storing A as a version: the reviewer
 * sees and keeps correcting the result where they work, A stays one Undo (or
 * one version) away, and B — another user's document or a file — is never
 * written.
 */
import type { AnnotationDocument } from '../core/annotation/document.js';
import type { DocumentSnapshot } from '../core/annotation/document-data.js';
import { pixelSpacingOf, type Volume } from '../core/dicom/volume.js';
import { SegmarkError, toSegmarkError } from '../core/errors.js';
import type { ImportedRegions } from '../core/formats/import-apply.js';
import { adjudicate, type ChoiceKey, type Side } from '../core/review/adjudicate.js';
import type { AgreementResult, ReviewGeometry } from '../core/review/agreement.js';
import { runAgreement } from '../core/review/agreement-runner.js';
import { snapshotFromImport } from '../core/review/import-side.js';
import { documentId } from '../store/schema.js';

/** Where the other side (B) comes from: another user's stored document, a segmentation file, or a snapshot. */
export type OtherSide = { user: string } | { file: File } | { snapshot: DocumentSnapshot; name: string };

/** A stored document of the same series that can be the other side. */
export interface OtherDocument {
  /** The user part of its key (`documentId(study, series, user)`). */
  user: string;
  /** (label, slice) regions it holds. */
  regions: number;
  updatedAt: number;
}

/** The stored documents, as the store lists and reads them. */
export interface StoredDocuments {
  list(): Promise<readonly { id: string; regionCount: number; updatedAt: number }[]>;
  load(id: string): Promise<DocumentSnapshot | undefined>;
}

/** What the job reads from the annotator, when it needs it. */
export interface AgreementJobDeps {
  openVolume(): Volume | undefined;
  openDocument(): AnnotationDocument | undefined;
  /** The open document's key in the store, if it is stored. */
  documentKey(): string | undefined;
  /** The store's documents, when storage is on. */
  storedDocuments(): Promise<StoredDocuments | undefined>;
  /** The name of side A (the open document), read when a comparison ends. */
  sideA(): string;
  /** Why the open document may not be edited now (`read-only`, `approved-locked`, `storage-other-tab`), or undefined. */
  editRefusal(): SegmarkError | undefined;
  /** Stores the open document as a version; its id, or undefined when nothing is stored. */
  checkpoint(): Promise<number | undefined>;
  /** Reads a mask file onto the open series, off the page. */
  readMask(bytes: Uint8Array, target: Volume, file: string): Promise<ImportedRegions>;
  /** Ends the annotation tool's work in progress (before the document is replaced). */
  cancelTool(): void;
  /** Makes a comparison's worker (one per comparison). Default: the bundled agreement worker where workers exist. */
  createWorker?: () => Worker;
  /** A monotonic clock in milliseconds. Default: `performance.now`. */
  now?: () => number;
}

/** What a comparison and an adjudication tell the page. */
export interface AgreementJobListener {
  /** `candidates`, `sideB`, `result`, `progress` or the sides changed. */
  onChange?(): void;
  onCompared(outcome: { sideA: string; sideB: string; result: AgreementResult; elapsedMs: number }): void;
  onAdjudicated(outcome: { sideB: string; fromA: number; fromB: number; revision: number | undefined }): void;
  onError(error: SegmarkError): void;
}

/** The review geometry of a loaded volume. */
export function reviewGeometry(v: Volume): ReviewGeometry {
  return {
    columns: v.columns,
    rows: v.rows,
    slices: v.slices,
    pixelSpacing: pixelSpacingOf(v),
    slicePositions: v.locations,
    ...(v.spacing[2] > 0 ? { sliceThicknessMm: v.spacing[2] } : {}),
  };
}

export class AgreementJobs {
  /** Other stored documents of the open series (after `listOthers`). */
  candidates: OtherDocument[] = [];
  /** The name of side B, once chosen. */
  sideB = '';
  result: AgreementResult | undefined;
  /** Labels done and in all while a comparison runs. */
  progress: { done: number; total: number } | undefined;
  private a: DocumentSnapshot | undefined;
  private b: DocumentSnapshot | undefined;
  /** The volume the result belongs to. */
  private volume: Volume | undefined;
  private abort: AbortController | undefined;
  private readonly now: () => number;

  constructor(
    private readonly deps: AgreementJobDeps,
    private readonly listener: AgreementJobListener,
  ) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** Both sides of the last result, while it stands (for the overlay). */
  get sides(): { a: DocumentSnapshot; b: DocumentSnapshot } | undefined {
    return this.result && this.a && this.b ? { a: this.a, b: this.b } : undefined;
  }

  /** Lists the other stored documents of the open series into `candidates`. */
  async listOthers(): Promise<void> {
    const v = this.deps.openVolume();
    const stored = await this.deps.storedDocuments();
    if (!v || !stored) return;
    const prefix = documentId(v.studyInstanceUID, v.seriesInstanceUID, '');
    const own = this.deps.documentKey();
    try {
      const list = await stored.list();
      this.candidates = list
        .filter((d) => d.id.startsWith(prefix) && d.id !== own)
        .map((d) => ({ user: d.id.slice(prefix.length), regions: d.regionCount, updatedAt: d.updatedAt }));
    } catch (error) {
      this.listener.onError(toSegmarkError(error, 'storage-corrupt'));
    }
    this.changed();
  }

  /**
   * Another series may be open: a result describing the previous one is
   * dropped (and a comparison under way stopped). True when something was.
   */
  seriesChanged(): boolean {
    if (!this.volume || this.volume === this.deps.openVolume()) return false;
    this.abort?.abort();
    this.volume = this.a = this.b = this.result = undefined;
    this.candidates = [];
    this.sideB = '';
    return true;
  }

  /**
   * Compares the open document (A) with B and keeps the result. Rejects (and
   * tells `onError`) when B cannot be read, annotates another series
   * (`agreement-other-series`), the worker dies (`worker-failed`), or the
   * comparison is stopped (`aborted`).
   */
  async compare(source: OtherSide): Promise<AgreementResult> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const current = () => this.abort === abort;
    const started = this.now();
    this.result = undefined;
    this.progress = { done: 0, total: 0 };
    this.changed();
    try {
      const v = this.deps.openVolume();
      const document = this.deps.openDocument();
      if (!v || !document) throw new SegmarkError('not-loaded', 'open a series before comparing');
      this.volume = v;
      const a = document.snapshot();
      const { snapshot: b, name } = await this.otherSide(source, v, a);
      if (!current()) throw new SegmarkError('aborted', 'a newer comparison replaced this one');
      this.sideB = name;
      const result = await runAgreement({ a, b, geometry: reviewGeometry(v) }, {
        signal: abort.signal,
        createWorker: this.deps.createWorker,
        onProgress: (done, total) => {
          if (!current()) return;
          this.progress = { done, total };
          this.changed();
        },
      });
      if (!current()) throw new SegmarkError('aborted', 'a newer comparison replaced this one');
      this.a = a;
      this.b = b;
      this.result = result;
      this.listener.onCompared({ sideA: this.deps.sideA(), sideB: name, result, elapsedMs: this.now() - started });
      return result;
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      // A comparison replaced by a newer one ends quietly; a cancelled one says so, as before.
      if (current() || e.code !== 'aborted') this.listener.onError(e);
      throw e;
    } finally {
      if (current()) {
        this.progress = undefined;
        this.abort = undefined;
        this.changed();
      }
    }
  }

  /** Stops the comparison under way (it rejects with `aborted`). */
  cancel(): void {
    this.abort?.abort();
  }

  /**
   * Replaces the open document with A, and B where `choices` say so (see the
   * file comment), as one undo step. Returns the adjudicated snapshot; rejects
   * (and tells `onError`) when nothing was compared or the document cannot be
   * edited here.
   */
  async adjudicate(choices: ReadonlyMap<ChoiceKey, Side>): Promise<DocumentSnapshot> {
    try {
      const document = this.deps.openDocument();
      if (!document) throw new SegmarkError('not-loaded', 'open a series before adjudicating');
      if (!this.a || !this.b) throw new SegmarkError('nothing-compared', 'nothing has been compared to adjudicate');
      const refused = this.deps.editRefusal();
      if (refused) throw refused;
      const snapshot = adjudicate(this.a, this.b, choices, 'a');
      const revision = await this.deps.checkpoint();
      this.deps.cancelTool();
      document.restore(snapshot, `Adjudicate with ${this.sideB}`);
      const fromB = [...choices.values()].filter((s) => s === 'b').length;
      // A has changed: the table described the old one.
      this.result = undefined;
      this.a = undefined;
      this.listener.onAdjudicated({ sideB: this.sideB, fromA: choices.size - fromB, fromB, revision });
      this.changed();
      return snapshot;
    } catch (error) {
      // A RangeError here is, in practice, a choice from the host that names no (label, slice) or side.
      const e =
        error instanceof RangeError
          ? new SegmarkError('bad-argument', error.message, { cause: error, params: { argument: error.message } })
          : toSegmarkError(error, 'internal');
      this.listener.onError(e);
      throw e;
    }
  }

  /** Stops what is under way; for the element's disconnection. */
  dispose(): void {
    this.abort?.abort();
  }

  private changed(): void {
    this.listener.onChange?.();
  }

  private async otherSide(source: OtherSide, v: Volume, a: DocumentSnapshot): Promise<{ snapshot: DocumentSnapshot; name: string }> {
    if ('file' in source) {
      const name = source.file.name || 'segmentation';
      try {
        const imported = await this.deps.readMask(new Uint8Array(await source.file.arrayBuffer()), v, name);
        return { snapshot: snapshotFromImport(a, imported, name), name };
      } catch (error) {
        const e = toSegmarkError(error, 'internal');
        throw e.file ? e : new SegmarkError(e.code, e.message, { file: name, params: e.params, cause: e });
      }
    }
    if ('snapshot' in source) return { snapshot: checkSeries(source.snapshot, v, source.name), name: source.name };
    const stored = await (await this.deps.storedDocuments())?.load(documentId(v.studyInstanceUID, v.seriesInstanceUID, source.user));
    if (!stored) throw new SegmarkError('read-failed', `no stored document of ${source.user} for this series`, { file: source.user });
    return { snapshot: checkSeries(stored, v, source.user), name: source.user };
  }
}

/** The snapshot, when it annotates exactly the open series' images; else an `agreement-other-series` error naming it. */
function checkSeries(snapshot: DocumentSnapshot, v: Volume, name: string): DocumentSnapshot {
  const s = snapshot.series;
  const same =
    s.seriesInstanceUID === v.seriesInstanceUID &&
    s.rows === v.rows &&
    s.columns === v.columns &&
    s.slices === v.slices &&
    s.sopInstanceUIDs.length === v.sopInstanceUIDs.length &&
    s.sopInstanceUIDs.every((uid, i) => uid === v.sopInstanceUIDs[i]);
  if (!same) {
    throw new SegmarkError('agreement-other-series', `${name} annotates another series or image grid`, {
      file: name,
      params: { theirs: `${s.seriesInstanceUID}, ${s.columns}×${s.rows}×${s.slices}`, ours: `${v.seriesInstanceUID}, ${v.columns}×${v.rows}×${v.slices}` },
    });
  }
  return snapshot;
}
