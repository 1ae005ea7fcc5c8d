/**
 * The annotator's side of a comparison: finds the other side (another user's
 * stored document of the series, a mask file, or a snapshot), runs the
 * agreement in a worker with progress and cancel, keeps the overlay the
 * viewport draws, writes the CSV, and applies an adjudication.
 *
 * Adjudication replaces the open document (A) with the adjudicated one as a
 * single undoable `restore` step, after storing A as a version: the reviewer
 * sees and keeps correcting the result where they work, A stays one Undo (or
 * one version) away, and B — another user's document or a file — is never
 * written.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { AnnotationDocument } from '../../core/annotation/document.js';
import type { DocumentSnapshot } from '../../core/annotation/document-data.js';
import type { Volume } from '../../core/dicom/volume.js';
import { SegmarkError, toSegmarkError } from '../../core/errors.js';
import type { ImportedRegions } from '../../core/formats/import-apply.js';
import { adjudicate, type ChoiceKey, type Side } from '../../core/review/adjudicate.js';
import type { AgreementResult, ReviewGeometry } from '../../core/review/agreement.js';
import { agreementCsv } from '../../core/review/agreement-csv.js';
import { runAgreement } from '../../core/review/agreement-runner.js';
import { snapshotFromImport } from '../../core/review/import-side.js';
import type { SegmarkDb } from '../../store/db.js';
import { listDocuments, loadDocument } from '../../store/documents.js';
import { documentId } from '../../store/schema.js';
import { AgreementOverlay } from '../../viewer/agreement-overlay.js';
import { SEGMARK_ADJUDICATE, SEGMARK_AGREEMENT, segmarkEvent, type AdjudicateDetail } from '../events.js';
import { agreementStrings } from '../text/agreement.js';
import {
  AGREEMENT_ADJUDICATE,
  AGREEMENT_CANCEL,
  AGREEMENT_CLOSE,
  AGREEMENT_COMPARE,
  AGREEMENT_CSV,
  AGREEMENT_GOTO,
  AGREEMENT_OVERLAY,
  type CompareCandidate,
  type CompareSource,
} from './segmark-agreement.js';

/** What the controller needs from the annotator. */
export interface AgreementHooks {
  lang(): string;
  user(): string;
  editable(): boolean;
  /** Why nothing may be edited now (`read-only`, `approved-locked`, `storage-other-tab`), or undefined. */
  editRefusal(): SegmarkError | undefined;
  openVolume(): Volume | undefined;
  openDocument(): AnnotationDocument | undefined;
  /** The store, when storage is on; and the open document's key in it. */
  storedDb(): Promise<SegmarkDb | undefined>;
  documentKey(): string | undefined;
  /** Stores the open document as a version; its id, or undefined when nothing is stored. */
  checkpoint(): Promise<number | undefined>;
  showSlice(slice: number, labelId: number): void;
  download(file: File): void;
  /** Reads a mask file onto the open series, off the page (`ExportRunner.readMask`). */
  readMask(bytes: Uint8Array, target: Volume, file: string): Promise<ImportedRegions>;
  reportError(error: SegmarkError): void;
  /** Ends the annotation tool's work in progress (before the document is replaced). */
  cancelTool(): void;
}

/** The review geometry of a loaded volume. */
export function reviewGeometry(v: Volume): ReviewGeometry {
  return {
    columns: v.columns,
    rows: v.rows,
    slices: v.slices,
    pixelSpacing: [v.spacing[1], v.spacing[0]],
    slicePositions: v.locations,
    ...(v.spacing[2] > 0 ? { sliceThicknessMm: v.spacing[2] } : {}),
  };
}

export class AgreementController implements ReactiveController {
  /** The panel is shown. */
  open = false;
  candidates: CompareCandidate[] = [];
  sideB = '';
  result: AgreementResult | undefined;
  progress: { done: number; total: number } | undefined;
  /** What the viewport draws, while the overlay is on. */
  overlay: AgreementOverlay | undefined;
  notice = '';
  private a: DocumentSnapshot | undefined;
  private b: DocumentSnapshot | undefined;
  /** The volume the result belongs to. */
  private volume: Volume | undefined;
  private abort: AbortController | undefined;

  constructor(
    private readonly element: ReactiveControllerHost & EventTarget,
    private readonly host: AgreementHooks,
  ) {
    element.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.abort?.abort();
  }

  /** Another series was opened: the result and overlay described the previous one. */
  hostUpdate(): void {
    if (this.volume && this.volume !== this.host.openVolume()) {
      this.abort?.abort();
      this.volume = this.a = this.b = this.result = this.overlay = undefined;
      this.candidates = [];
      this.sideB = '';
      this.open = false;
    }
  }

  /** Opens the panel and lists the other stored documents of the open series. */
  async show(): Promise<void> {
    this.open = true;
    this.notice = '';
    this.element.requestUpdate();
    const v = this.host.openVolume();
    const db = await this.host.storedDb();
    if (!v || !db) return;
    const prefix = documentId(v.studyInstanceUID, v.seriesInstanceUID, '');
    const own = this.host.documentKey();
    try {
      const stored = await listDocuments(db);
      this.candidates = stored
        .filter((d) => d.id.startsWith(prefix) && d.id !== own)
        .map((d) => ({ user: d.id.slice(prefix.length), regions: d.regionCount, updatedAt: d.updatedAt }));
    } catch (error) {
      this.host.reportError(toSegmarkError(error, 'storage-corrupt'));
    }
    this.element.requestUpdate();
  }

  /** Closes the panel: stops a comparison under way and removes the overlay. */
  hide(): void {
    this.abort?.abort();
    this.open = false;
    this.overlay = undefined;
    this.element.requestUpdate();
    // Back to the annotator, so its keys work again.
    (this.element as unknown as HTMLElement).focus?.();
  }

  /**
   * Compares the open document (A) with B and shows the result; fires
   * `segmark-agreement`. B is another user's stored document of this series
   * (`{ user }`), a segmentation file (`{ file }`), or a snapshot. Rejects
   * (and fires `segmark-error`) when B cannot be read or is of another series.
   */
  async compare(source: CompareSource | { snapshot: DocumentSnapshot; name: string }): Promise<AgreementResult> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const started = performance.now();
    this.open = true;
    this.notice = '';
    this.result = undefined;
    this.overlay = undefined;
    this.progress = { done: 0, total: 0 };
    this.element.requestUpdate();
    try {
      const v = this.host.openVolume();
      const document = this.host.openDocument();
      if (!v || !document) throw new SegmarkError('not-loaded', 'open a series before comparing');
      this.volume = v;
      const a = document.snapshot();
      const { snapshot: b, name } = await this.otherSide(source, v, a);
      this.sideB = name;
      const result = await runAgreement({ a, b, geometry: reviewGeometry(v) }, {
        signal: abort.signal,
        onProgress: (done, total) => {
          if (this.abort !== abort) return;
          this.progress = { done, total };
          this.element.requestUpdate();
        },
      });
      if (this.abort !== abort) throw new SegmarkError('aborted', 'a newer comparison replaced this one');
      this.a = a;
      this.b = b;
      this.result = result;
      this.element.dispatchEvent(segmarkEvent(SEGMARK_AGREEMENT, { sideA: this.sideA, sideB: name, result, elapsedMs: performance.now() - started }));
      return result;
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.host.reportError(e);
      throw e;
    } finally {
      if (this.abort === abort) {
        this.progress = undefined;
        this.abort = undefined;
      }
      this.element.requestUpdate();
    }
  }

  /** Stops the comparison under way (it rejects with `aborted`). */
  cancel(): void {
    this.abort?.abort();
  }

  /** Shows the agreement of `result.labels[index]` on the image, or nothing (null). */
  setOverlay(index: number | null): void {
    const label = index === null ? undefined : this.result?.labels[index];
    this.overlay = label && this.a && this.b ? new AgreementOverlay(this.a, this.b, label.ids) : undefined;
    this.element.requestUpdate();
  }

  /** The table as a CSV file named after the series and both sides. */
  csvFile(): File | undefined {
    const v = this.host.openVolume();
    if (!this.result || !v) return undefined;
    const safe = (s: string) => s.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '') || 'x';
    const name = `${safe(v.description || v.seriesInstanceUID)}_${safe(this.sideA)}_vs_${safe(this.sideB)}_agreement.csv`;
    return new File([agreementCsv(this.result)], name, { type: 'text/csv' });
  }

  /**
   * Replaces the open document with A, and B where `choices` say so (see the
   * file comment), as one undo step; fires `segmark-adjudicate`. Returns the
   * adjudicated snapshot.
   */
  async adjudicate(choices: ReadonlyMap<ChoiceKey, Side>): Promise<DocumentSnapshot> {
    try {
      const document = this.host.openDocument();
      if (!document) throw new SegmarkError('not-loaded', 'open a series before adjudicating');
      if (!this.a || !this.b) throw new SegmarkError('nothing-compared', 'nothing has been compared to adjudicate');
      const refused = this.host.editRefusal();
      if (refused) throw refused;
      const snapshot = adjudicate(this.a, this.b, choices, 'a');
      const revision = await this.host.checkpoint();
      this.host.cancelTool();
      document.restore(snapshot, `Adjudicate with ${this.sideB}`);
      const fromB = [...choices.values()].filter((s) => s === 'b').length;
      const detail: AdjudicateDetail = { sideB: this.sideB, fromA: choices.size - fromB, fromB, revision };
      this.element.dispatchEvent(segmarkEvent(SEGMARK_ADJUDICATE, detail));
      // A has changed: the table described the old one.
      this.result = undefined;
      this.overlay = undefined;
      this.a = undefined;
      this.notice = agreementStrings(this.host.lang()).adjudicated;
      this.element.requestUpdate();
      return snapshot;
    } catch (error) {
      // A RangeError here is, in practice, a choice from the host that names no (label, slice) or side.
      const e = error instanceof RangeError
        ? new SegmarkError('bad-argument', error.message, { cause: error, params: { argument: error.message } })
        : toSegmarkError(error, 'internal');
      this.host.reportError(e);
      throw e;
    }
  }

  render() {
    if (!this.open) return nothing;
    return html`<segmark-agreement
      .lang=${this.host.lang()}
      .sideA=${this.sideA}
      .sideB=${this.sideB}
      .candidates=${this.candidates}
      .result=${this.result}
      .progress=${this.progress}
      .readonly=${!this.host.editable()}
      .notice=${this.notice}
      @sm-agreement-compare=${(e: CustomEvent<CompareSource>) => void this.compare(e.detail).catch(() => undefined)}
      @sm-agreement-cancel=${() => this.cancel()}
      @sm-agreement-goto=${(e: CustomEvent<{ slice: number; labelId: number }>) => this.host.showSlice(e.detail.slice, e.detail.labelId)}
      @sm-agreement-overlay=${(e: CustomEvent<{ index: number | null }>) => this.setOverlay(e.detail.index)}
      @sm-agreement-adjudicate=${(e: CustomEvent<{ choices: Map<ChoiceKey, Side> }>) => void this.adjudicate(e.detail.choices).catch(() => undefined)}
      @sm-agreement-csv=${() => {
        const file = this.csvFile();
        if (file) this.host.download(file);
      }}
      @sm-agreement-close=${() => this.hide()}
    ></segmark-agreement>`;
  }

  private get sideA(): string {
    return this.host.user() || agreementStrings(this.host.lang()).thisDocument;
  }

  private async otherSide(
    source: CompareSource | { snapshot: DocumentSnapshot; name: string },
    v: Volume,
    a: DocumentSnapshot,
  ): Promise<{ snapshot: DocumentSnapshot; name: string }> {
    if ('file' in source) {
      const name = source.file.name || 'segmentation';
      try {
        const imported = await this.host.readMask(new Uint8Array(await source.file.arrayBuffer()), v, name);
        return { snapshot: snapshotFromImport(a, imported, name), name };
      } catch (error) {
        const e = toSegmarkError(error, 'internal');
        throw e.file ? e : new SegmarkError(e.code, e.message, { file: name, params: e.params, cause: e });
      }
    }
    if ('snapshot' in source) return { snapshot: checkSeries(source.snapshot, v, source.name), name: source.name };
    const db = await this.host.storedDb();
    const stored = db ? await loadDocument(db, documentId(v.studyInstanceUID, v.seriesInstanceUID, source.user)) : undefined;
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
