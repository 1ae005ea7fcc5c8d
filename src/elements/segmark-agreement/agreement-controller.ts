/**
 * The annotator's Compare panel, as a reactive controller: a thin adapter that
 * ties an `AgreementJobs` workflow (`src/session/agreement-job.ts`: finding
 * the other side, running the comparison in a worker, adjudication) to the
 * element's lifecycle. It gives the workflow the store, turns what it tells
 * into `segmark-agreement` / `segmark-adjudicate` events and re-renders, and
 * keeps what only the page has: the panel, the overlay the viewport draws and
 * the CSV download.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { numbering } from '../../core/dicom/view-plane.js';
import type { DocumentSnapshot } from '../../core/annotation/document-data.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { ImportedRegions } from '../../core/formats/import-apply.js';
import type { ChoiceKey, Side } from '../../core/review/adjudicate.js';
import type { AgreementResult } from '../../core/review/agreement.js';
import { agreementCsv } from '../../core/review/agreement-csv.js';
import { agreementFileName } from '../../core/formats/file-names.js';
import { AgreementJobs } from '../../session/agreement-job.js';
import type { SegmarkDb } from '../../store/db.js';
import { listDocuments, loadDocument } from '../../store/documents.js';
import { AgreementOverlay } from '../../viewer/agreement-overlay.js';
import { SEGMARK_ADJUDICATE, SEGMARK_AGREEMENT, emit } from '../events.js';
import { agreementStrings } from '../../text/agreement.js';
import type { CompareCandidate, CompareSource } from './segmark-agreement.js';
import type { AnnotatorSession } from '../../session/annotator-session.js';

/** What the controller needs beyond the annotator's session. */
export interface AgreementHooks {
  /** The store, when storage is on; and the open document's key in it. */
  storedDb(): Promise<SegmarkDb | undefined>;
  documentKey(): string | undefined;
  /** Stores the open document as a version; its id, or undefined when nothing is stored. */
  checkpoint(): Promise<number | undefined>;
  download(file: File): void;
  /** Reads a mask file onto the open series, off the page (`ExportRunner.readMask`). */
  readMask(bytes: Uint8Array, target: Volume, file: string): Promise<ImportedRegions>;
  /** Ends the annotation tool's work in progress (before the document is replaced). */
  cancelTool(): void;
}

export class AgreementController implements ReactiveController {
  /** The panel is shown. */
  open = false;
  /** What the viewport draws, while the overlay is on. */
  overlay: AgreementOverlay | undefined;
  notice = '';
  private readonly jobs: AgreementJobs;

  constructor(
    private readonly element: ReactiveControllerHost & EventTarget,
    private readonly session: AnnotatorSession,
    private readonly host: AgreementHooks,
  ) {
    this.jobs = new AgreementJobs(
      {
        openVolume: () => session.volume,
        openDocument: () => session.document,
        documentKey: () => host.documentKey(),
        storedDocuments: async () => {
          const db = await host.storedDb();
          return db && { list: () => listDocuments(db), load: (id) => loadDocument(db, id) };
        },
        sideA: () => this.sideA,
        editRefusal: () => session.editRefusal(),
        checkpoint: () => host.checkpoint(),
        readMask: (bytes, target, file) => host.readMask(bytes, target, file),
        cancelTool: () => host.cancelTool(),
      },
      {
        onChange: () => element.requestUpdate(),
        onCompared: (detail) => emit(element, SEGMARK_AGREEMENT, detail),
        onAdjudicated: (detail) => {
          emit(element, SEGMARK_ADJUDICATE, detail);
          this.overlay = undefined;
          this.notice = agreementStrings(session.lang).adjudicated;
        },
        onError: (e) => session.reportError(e),
      },
    );
    element.addController(this);
  }

  get candidates(): CompareCandidate[] {
    return this.jobs.candidates;
  }

  get sideB(): string {
    return this.jobs.sideB;
  }

  get result(): AgreementResult | undefined {
    return this.jobs.result;
  }

  get progress(): { done: number; total: number } | undefined {
    return this.jobs.progress;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.jobs.dispose();
  }

  /** Another series was opened: the result and overlay described the previous one. */
  hostUpdate(): void {
    if (this.jobs.seriesChanged()) {
      this.overlay = undefined;
      this.open = false;
    }
  }

  /** Opens the panel and lists the other stored documents of the open series. */
  async show(): Promise<void> {
    this.open = true;
    this.notice = '';
    this.element.requestUpdate();
    await this.jobs.listOthers();
  }

  /** Closes the panel: stops a comparison under way and removes the overlay. */
  hide(): void {
    this.jobs.cancel();
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
  compare(source: CompareSource | { snapshot: DocumentSnapshot; name: string }): Promise<AgreementResult> {
    this.open = true;
    this.notice = '';
    this.overlay = undefined;
    return this.jobs.compare(source);
  }

  /** Stops the comparison under way (it rejects with `aborted`). */
  cancel(): void {
    this.jobs.cancel();
  }

  /** Shows the agreement of `result.labels[index]` on the image, or nothing (null). */
  setOverlay(index: number | null): void {
    const label = index === null ? undefined : this.jobs.result?.labels[index];
    const sides = this.jobs.sides;
    this.overlay = label && sides ? new AgreementOverlay(sides.a, sides.b, label.ids) : undefined;
    this.element.requestUpdate();
  }

  /** The table as a CSV file named after the series and both sides. */
  csvFile(): File | undefined {
    const v = this.session.volume;
    const result = this.jobs.result;
    if (!result || !v) return undefined;
    const name = agreementFileName(v.description || v.seriesInstanceUID, this.sideA, this.sideB);
    return new File([agreementCsv(result)], name, { type: 'text/csv' });
  }

  /**
   * Replaces the open document with A, and B where `choices` say so, as one
   * undo step (see `AgreementJobs.adjudicate`); fires `segmark-adjudicate`.
   * Returns the adjudicated snapshot.
   */
  adjudicate(choices: ReadonlyMap<ChoiceKey, Side>): Promise<DocumentSnapshot> {
    return this.jobs.adjudicate(choices);
  }

  render() {
    if (!this.open) return nothing;
    return html`<segmark-agreement
      .lang=${this.session.lang}
      .sliceNumber=${numbering(this.session.volume)}
      .sideA=${this.sideA}
      .sideB=${this.sideB}
      .candidates=${this.candidates}
      .result=${this.result}
      .progress=${this.progress}
      .readonly=${!this.session.editable}
      .notice=${this.notice}
      @sm-agreement-compare=${(e: HTMLElementEventMap['sm-agreement-compare']) => void this.compare(e.detail).catch(() => undefined)}
      @sm-agreement-cancel=${() => this.cancel()}
      @sm-agreement-goto=${(e: HTMLElementEventMap['sm-agreement-goto']) => {
        this.session.slice = e.detail.slice;
        this.session.activeLabel = e.detail.labelId;
      }}
      @sm-agreement-overlay=${(e: HTMLElementEventMap['sm-agreement-overlay']) => this.setOverlay(e.detail.index)}
      @sm-agreement-adjudicate=${(e: HTMLElementEventMap['sm-agreement-adjudicate']) => void this.adjudicate(e.detail.choices).catch(() => undefined)}
      @sm-agreement-csv=${() => {
        const file = this.csvFile();
        if (file) this.host.download(file);
      }}
      @sm-agreement-close=${() => this.hide()}
    ></segmark-agreement>`;
  }

  private get sideA(): string {
    return this.session.user || agreementStrings(this.session.lang).thisDocument;
  }
}
