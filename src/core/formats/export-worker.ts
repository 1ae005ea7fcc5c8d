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
 * come with the `run`. The CT chunks, `reset` and `seal` are notes; every
 * other call is answered (`worker-protocol.ts`); parts and label images are
 * transferred, and the export comes back as a `File`, which crosses to the
 * page without a copy.
 */
import { serve } from '../util/worker-protocol.js';
import { EXPORT_GZIP_LEVEL, exportFile, exportLabelNifti, runExportPieces, type ExportJob } from './export-job.js';
import { chunkBuffers, PartDeflater, withChunksCrc, type DeflatePart } from './gzip-parts.js';
import type { ImportedRegions } from './import-apply.js';
import type { ImportTarget } from './import-common.js';
import { importMaskOutlines } from './import-file.js';
import { littleEndian } from './nifti.js';

/** The calls the export worker serves; `reset`, `slices`, `deflate` and `seal` are sent as notes. */
export type ExportCalls = {
  reset: { payload: null; result: void };
  slices: { payload: { start: number; slices: Int16Array[] }; result: void };
  deflate: { payload: { slices: Int16Array[] }; result: void };
  seal: { payload: null; result: void };
  part: { payload: null; result: DeflatePart };
  labels: { payload: { job: ExportJob }; result: Uint8Array };
  run: { payload: { job: ExportJob; tail?: DeflatePart[]; labels?: Uint8Array }; result: File };
  import: { payload: { bytes: Uint8Array; target: ImportTarget; file: string }; result: ImportedRegions };
};

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

serve<ExportCalls>(
  {
    reset() {
      slices = [];
      deflater = undefined;
      sealed = undefined;
    },
    slices({ start, slices: chunk }) {
      chunk.forEach((s, i) => (slices[start + i] = s));
    },
    deflate({ slices: chunk }) {
      deflater ??= new PartDeflater(EXPORT_GZIP_LEVEL);
      for (const s of chunk) deflater.push(littleEndian(s));
    },
    seal() {
      // The last slices are in: finish the part and its CRC now, while the other worker is still busy.
      sealed = takePart();
    },
    part(_, call) {
      const part = takePart() ?? { chunks: [], crc: 0, length: 0, chunksCrc: 0 };
      call.transfer(...chunkBuffers([part]));
      return part;
    },
    import({ bytes, target, file }) {
      return importMaskOutlines(bytes, target, file);
    },
    labels({ job }, call) {
      const labels = exportLabelNifti(job);
      call.transfer(labels.buffer);
      return labels;
    },
    async run({ job, tail, labels }) {
      try {
        const own = takePart();
        const parts = own || tail ? [...(own ? [own] : []), ...(tail ?? [])] : undefined;
        // The File is made here: copying a 90 MB package into it takes a few hundred ms, which the page must not wait out.
        return exportFile(await runExportPieces(job, (k) => slices[k]!, parts, labels));
      } finally {
        slices = [];
      }
    },
  },
  { fallback: 'internal' },
);
