/**
 * Runs an export in a worker of its own (one per export, ended with it), or
 * here when workers are refused (e.g. a Content-Security-Policy without
 * `worker-src 'self'`) — then the page waits, but the export still works.
 * CT slices are copied to the worker in chunks, with a pause between them,
 * so no single step holds the page for long.
 */
import { SegmarkError } from '../errors.js';
import { needsImage, runExport, type ExportJob, type ExportResult } from './export-job.js';
import type { ExportRequest, ExportResponse } from './export-worker.js';

/**
 * Slices per message: 2 slices of 512² int16 are 1 MB. Cloning a message is
 * a task of its own on the page; measured on a loaded machine, 8 MB messages
 * took up to 450 ms, so they stay small.
 */
const CHUNK = 2;

function spawn(): Worker {
  return new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module', name: 'segmark-export' });
}

export async function runExportJob(job: ExportJob, ct: readonly Int16Array[], options: { workers?: boolean } = {}): Promise<ExportResult> {
  let worker: Worker | undefined;
  if (options.workers !== false && typeof Worker !== 'undefined') {
    try {
      worker = spawn();
    } catch {
      worker = undefined;
    }
  }
  if (!worker) return runExport(job, (k) => ct[k]!);
  try {
    const answer = new Promise<ExportResult>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<ExportResponse>) => {
        const r = e.data;
        if (r.ok) resolve(r.result);
        else reject(new SegmarkError(r.code, r.message, { params: r.params }));
      };
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new SegmarkError('internal', `the export worker failed: ${e.message || 'unknown error'}`));
      };
    });
    if (needsImage(job)) {
      for (let start = 0; start < ct.length; start += CHUNK) {
        const request: ExportRequest = { type: 'slices', start, slices: ct.slice(start, start + CHUNK) as Int16Array[] };
        worker.postMessage(request);
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    const run: ExportRequest = { type: 'run', job };
    worker.postMessage(run);
    return await answer;
  } finally {
    worker.terminate();
  }
}
