/**
 * The annotator's side of the document exchange format (issue 18):
 * `getDocument()` writes the open document with its review record and
 * revision (`core/annotation/exchange-format.ts`); `openDocument()` checks a
 * document against the format and the open series and makes it the work as
 * one undoable step, the review record included; review-record changes
 * (status, comments, missed flags) count as revisions and reach the host as
 * `segmark-change` kind 'review'.
 */
import type { AnnotationDocument } from '../../core/annotation/document.js';
import { checkRevision, checkSeries, readExchange, toExchange, type ExchangeDocument } from '../../core/annotation/exchange-format.js';
import { SegmarkError, toSegmarkError } from '../../core/errors.js';
import type { ReviewRecord } from '../../core/review/record.js';
import type { AnnotatorBase } from './annotator-base.js';

/** What `openDocument` takes besides the document. */
export interface OpenDocumentOptions {
  /**
   * The revision the host holds as current (e.g. its server's). A document
   * based on an older one (its `baseRevision`, else its `revision`) is refused
   * with `segmark-conflict` and `document-conflict`; nothing changes.
   */
  currentRevision?: number;
}

export class DocumentExchange {
  /** Documents whose record replacements (open, and its undo and redo) this annotator follows. */
  readonly #following = new WeakSet<AnnotationDocument>();

  constructor(private readonly host: AnnotatorBase) {
    host.session.review.subscribe((kind) => {
      // Status steps, comments, missed-structure flags and exports (their audit entry) change the document as
      // exchanged: a revision of their own, so a host that saves on change keeps what getDocument() gives.
      // Other audit entries come with another change (counted there); active time is no change.
      if (kind !== 'status' && kind !== 'comment' && kind !== 'missed' && kind !== 'export') return;
      const document = host.session.document;
      if (!document) return;
      const revision = document.noteRecordChange();
      host.session.emit('segmark-change', { labelId: 0, slice: null, kind: 'review', revision, changed: [] });
    });
  }

  /** The open document in the exchange form, or undefined before a series is open. */
  get(): ExchangeDocument | undefined {
    const document = this.host.session.document;
    if (!document) return undefined;
    return toExchange(document.snapshot(), this.host.session.review.snapshot(), document.revision);
  }

  /** Checks `value` and opens it as the work (see `SegmarkAnnotator.openDocument`); returns the revision now. */
  open(value: unknown, options: OpenDocumentOptions = {}): number {
    const session = this.host.session;
    try {
      const document = session.requireOpen();
      // Until the stored work is looked up, what is opened could be replaced by it.
      if (!session.ready) throw new SegmarkError('still-loading', 'the stored work of this series is still being read');
      // Approved or read-only here does not stop it (the host asked for this document); another tab writing does.
      if (!session.writable) throw new SegmarkError('storage-other-tab', 'another tab edits this document');
      const read = readExchange(value);
      checkSeries(read.snapshot, document.series);
      try {
        checkRevision(read, options.currentRevision);
      } catch (error) {
        if (error instanceof SegmarkError && error.code === 'document-conflict') {
          session.emit('segmark-conflict', { revision: Number(error.params.revision), current: Number(error.params.current) });
        }
        throw error;
      }
      this.#follow(document);
      this.host.cancelTools();
      const before = this.host.review.record() ?? session.review.snapshot();
      try {
        document.restore(read.snapshot, 'Open document', { record: { before, after: read.review }, revision: read.revision });
      } catch (error) {
        // Checks only labels can fail here (names, codes, ids), before anything changed.
        if (!(error instanceof SegmarkError) || error.code === 'internal') throw error;
        const field = typeof error.params.field === 'string' ? `labels.${error.params.field}` : 'labels';
        throw new SegmarkError('document-invalid', `document: ${error.message}`, { cause: error, params: { field } });
      }
      return document.revision;
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      session.reportError(e);
      throw e;
    }
  }

  /** Puts the review record of an open (or of its undo or redo) in place, and stores it with the document. */
  #follow(document: AnnotationDocument): void {
    if (this.#following.has(document)) return;
    this.#following.add(document);
    document.subscribeRecord((record) => {
      if (this.host.session.document !== document) return;
      this.host.review.loaded(structuredClone(record) as ReviewRecord);
      this.host.annotations.touchRecord();
      this.host.requestUpdate();
    });
  }
}
