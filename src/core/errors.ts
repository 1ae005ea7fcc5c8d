/**
 * Errors that reach the user. Every one carries a stable `code` that hosts and
 * tests match on, the name of the file concerned where there is one, and the
 * underlying `cause`. Messages shown to people come from the catalogue in
 * `messages.ts`, never from the thrown text of a library.
 */

export const ERROR_CODES = [
  'empty-file',
  'not-dicom',
  'truncated',
  'unsupported-transfer-syntax',
  'unsupported-pixel-format',
  'bad-dimensions',
  'pixel-data-short',
  'no-pixel-data',
  'decode-failed',
  'read-failed',
  'input-too-large',
  // A data set whose sequences nest deeper than any real file does (a parser bomb).
  'nesting-too-deep',
  // Only a localizer (scout) image among the files: no series to show.
  'localizer-only',
  // Only DICOM segmentations among the files: they need the CT they annotate.
  'seg-without-series',
  'fetch-failed',
  'no-images',
  'aborted',
  'not-an-image',
  'internal',
  'storage-quota',
  'storage-unavailable',
  'storage-corrupt',
  'image-cache-cap',
  'storage-other-tab',
  'storage-upgraded',
  'storage-blocked',
  'nifti-invalid',
  'not-a-seg',
  'seg-invalid',
  'seg-unsupported',
  'seg-export-invalid',
  // Blocking checklist findings the caller of export() did not accept.
  'export-blocked',
  'deidentify-invalid',
  'dataset-export-invalid',
  'png-invalid',
  'coco-invalid',
  'import-geometry',
  'import-mismatch',
  'import-not-labelmap',
  'import-sidecar-invalid',
  'pacs-unauthorized',
  'pacs-unreachable',
  'pacs-not-found',
  'pacs-timeout',
  'pacs-bad-response',
  'pacs-store-failed',
  'review-step-refused',
  // Approving while outlines are still rejected, unverified or flagged as missed, without force or a note.
  'review-open-items',
  'agreement-other-series',
  'worker-failed',
  // A host method called at a moment or with a value that does not allow it.
  'not-loaded',
  'still-loading',
  'not-from-pacs',
  'nothing-compared',
  'read-only',
  'approved-locked',
  'bad-argument',
  // A refused annotation edit (labels, regions, history, snapshots).
  'label-limit',
  'label-not-found',
  'label-exists',
  'invalid-label',
  'label-locked',
  'slice-out-of-range',
  'invalid-region',
  'invalid-series',
  'transaction-open',
  'no-transaction',
  'schema-version',
  'bad-snapshot',
  // A document given to openDocument() that does not follow the exchange format; `params.field` names where.
  'document-invalid',
  // A document given to openDocument() that annotates another series or grid; `params.field` names what differs.
  'document-other-series',
  // A document given to openDocument() older than the revision the host says is current (`params.revision`, `params.current`).
  'document-conflict',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SegmarkErrorOptions {
  /** Name (or URL) of the file the problem is in. */
  file?: string;
  cause?: unknown;
  /** Values interpolated into the catalogue message, e.g. the transfer syntax UID. */
  params?: Record<string, string | number>;
}

export class SegmarkError extends Error {
  override readonly name = 'SegmarkError';
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly params: Record<string, string | number>;

  constructor(code: ErrorCode, detail: string, options: SegmarkErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
    this.params = options.params ?? {};
  }

  /** A copy that names `file`, for errors raised below the layer that knows it. */
  withFile(file: string): SegmarkError {
    if (this.file === file) return this;
    return new SegmarkError(this.code, this.message, { file, cause: this.cause, params: this.params });
  }
}

export function isSegmarkError(value: unknown): value is SegmarkError {
  return value instanceof SegmarkError;
}

/** Turns anything thrown (strings included, as dicom-parser throws them) into a SegmarkError. */
export function toSegmarkError(value: unknown, fallback: ErrorCode, file?: string): SegmarkError {
  if (value instanceof SegmarkError) return file ? value.withFile(file) : value;
  if (isAbort(value)) return new SegmarkError('aborted', 'cancelled', { file, cause: value });
  const detail = value instanceof Error ? value.message : String(value);
  return new SegmarkError(fallback, detail, { file, cause: value });
}

export function isAbort(value: unknown): boolean {
  return (
    (value instanceof Error || (typeof DOMException !== 'undefined' && value instanceof DOMException)) &&
    (value as Error).name === 'AbortError'
  );
}

/** Why the open document may not change now, as a host method's refusal: undefined when it may. */
export function editRefusal(state: { readonly: boolean; approved: boolean; otherTab: boolean }): SegmarkError | undefined {
  if (state.readonly) return new SegmarkError('read-only', 'the document is read-only here (the readonly attribute)');
  if (state.approved) return new SegmarkError('approved-locked', 'the document is approved; reopen it to change it');
  if (state.otherTab) return new SegmarkError('storage-other-tab', 'another tab edits this document');
  return undefined;
}

/** Throws the signal's reason as an `aborted` SegmarkError when it has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SegmarkError('aborted', 'cancelled', { cause: signal.reason });
}
