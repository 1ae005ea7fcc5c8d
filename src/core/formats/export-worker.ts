/**
 * Web Worker that runs exports for `ExportRunner`, so rasterizing, packing
 * and gzip never block the page; and reads mask files for import (`import`:
 * parsing, unpacking, tracing the outlines), which took the page for most of
 * a second on a 300-frame SEG. Loaded with
 * `new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module' })`
 * (a file next to the page: no blob:, no eval). The runner keeps it for many
 * exports; each export starts with `reset`. CT slices, when a format needs
 * them, arrive first in chunks: kept as they are (`slices`, for PNG), or
 * deflated on arrival (`deflate`, for NIfTI and the dataset), so compressing
 * overlaps the transfer. A second worker may deflate the other part of the CT
 * and hand its `part` over, and write the label image (`labels`); both then
 * come with the `run`. Every `part`, `labels` and `run` is answered with its
 * id; parts and label images are transferred, and the export comes back as
 * a `File`, which crosses to the page without a copy.
 */
import { toSegmarkError, type ErrorCode } from '../errors.js';
import { EXPORT_GZIP_LEVEL, exportFile, exportLabelNifti, runExportPieces, type ExportJob } from './export-job.js';
import { chunkBuffers, PartDeflater, withChunksCrc, type DeflatePart } from './gzip-parts.js';
import type { ImportedRegions } from './import-apply.js';
import type { ImportTarget } from './import-common.js';
import { importMaskOutlines } from './import-file.js';
import { littleEndian } from './nifti.js';

export type ExportRequest =
  | { type: 'reset' }
  | { type: 'slices'; start: number; slices: Int16Array[] }
  | { type: 'deflate'; slices: Int16Array[] }
  | { type: 'seal' }
  | { type: 'part'; id: number }
  | { type: 'labels'; id: number; job: ExportJob }
  | { type: 'run'; id: number; job: ExportJob; tail?: DeflatePart[]; labels?: Uint8Array }
  | { type: 'import'; id: number; bytes: Uint8Array; target: ImportTarget; file: string };

export type ExportResponse =
  | { id: number; ok: true; file: File }
  | { id: number; ok: true; part: DeflatePart }
  | { id: number; ok: true; labels: Uint8Array }
  | { id: number; ok: true; imported: ImportedRegions }
  | { id: number; ok: false; code: ErrorCode; message: string; params: Record<string, string | number>; file?: string };

let slices: Int16Array[] = [];
let deflater: PartDeflater | undefined;
/** This worker's part, finished by `seal` before it is asked for. */
let sealed: DeflatePart | undefined;

/** The part deflated here, finished, with the CRC of its own bytes (for the zip); undefined when nothing was deflated. */
function takePart(): DeflatePart | undefined {
  const part = sealed ?? (deflater ? withChunksCrc(deflater.finish()) : undefined);
  deflater = undefined;
  sealed = undefined;
  return part;
}

self.onmessage = async (event: MessageEvent<ExportRequest>) => {
  const request = event.data;
  switch (request.type) {
    case 'reset':
      slices = [];
      deflater = undefined;
      sealed = undefined;
      return;
    case 'slices':
      request.slices.forEach((s, i) => (slices[request.start + i] = s));
      return;
    case 'deflate':
      deflater ??= new PartDeflater(EXPORT_GZIP_LEVEL);
      for (const s of request.slices) deflater.push(littleEndian(s));
      return;
    case 'seal':
      // The last slices are in: finish the part and its CRC now, while the other worker is still busy.
      sealed = takePart();
      return;
    default:
      break;
  }
  let response: ExportResponse;
  const transfer: Transferable[] = [];
  try {
    if (request.type === 'part') {
      const part = takePart() ?? { chunks: [], crc: 0, length: 0, chunksCrc: 0 };
      response = { id: request.id, ok: true, part };
      transfer.push(...chunkBuffers([part]));
    } else if (request.type === 'import') {
      response = { id: request.id, ok: true, imported: importMaskOutlines(request.bytes, request.target, request.file) };
    } else if (request.type === 'labels') {
      const labels = exportLabelNifti(request.job);
      response = { id: request.id, ok: true, labels };
      transfer.push(labels.buffer);
    } else {
      const own = takePart();
      const parts = own || request.tail ? [...(own ? [own] : []), ...(request.tail ?? [])] : undefined;
      // The File is made here: copying a 90 MB package into it takes a few hundred ms, which the page must not wait out.
      const file = exportFile(await runExportPieces(request.job, (k) => slices[k]!, parts, request.labels));
      response = { id: request.id, ok: true, file };
    }
  } catch (error) {
    const e = toSegmarkError(error, 'internal');
    response = { id: request.id, ok: false, code: e.code, message: e.message, params: e.params, ...(e.file ? { file: e.file } : {}) };
  } finally {
    if (request.type === 'run') slices = [];
  }
  (self as unknown as Worker).postMessage(response, transfer);
};
