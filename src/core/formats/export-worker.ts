/**
 * Web Worker that runs exports for `ExportRunner`, so rasterizing, packing
 * and gzip never block the page. Loaded with
 * `new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module' })`
 * (a file next to the page: no blob:, no eval). The CT slices, when a format
 * needs them, arrive first in chunks; then the job; the answer carries the
 * file's bytes, transferred.
 */
import { toSegmarkError, type ErrorCode } from '../errors.js';
import { runExport, type ExportJob, type ExportResult } from './export-job.js';

export type ExportRequest =
  | { type: 'slices'; start: number; slices: Int16Array[] }
  | { type: 'run'; job: ExportJob };

export type ExportResponse =
  | { ok: true; result: ExportResult }
  | { ok: false; code: ErrorCode; message: string; params: Record<string, string | number> };

const slices: Int16Array[] = [];

self.onmessage = async (event: MessageEvent<ExportRequest>) => {
  const request = event.data;
  if (request.type === 'slices') {
    request.slices.forEach((s, i) => (slices[request.start + i] = s));
    return;
  }
  let response: ExportResponse;
  const transfer: Transferable[] = [];
  try {
    const result = await runExport(request.job, (k) => slices[k]!);
    response = { ok: true, result };
    transfer.push(result.bytes.buffer);
  } catch (error) {
    const e = toSegmarkError(error, 'internal');
    response = { ok: false, code: e.code, message: e.message, params: e.params };
  }
  (self as unknown as Worker).postMessage(response, transfer);
};
