/**
 * Runs an agreement job in a worker of its own (ended with the job, or at
 * once when the signal fires), or here when workers are refused (e.g. a
 * Content-Security-Policy without `worker-src 'self'`) — then label by label,
 * yielding to the page between labels, so it still never freezes for long.
 */
import { SegmarkError, throwIfAborted } from '../errors.js';
import type { AgreementResult } from './agreement.js';
import { runAgreementJob, type AgreementJob } from './agreement-job.js';
import type { AgreementResponse } from './agreement-worker.js';

export interface AgreementRunOptions {
  /** Stops the job; the promise then rejects with an `aborted` SegmarkError. */
  signal?: AbortSignal;
  /** Labels done out of all, after each label. */
  onProgress?: (done: number, total: number) => void;
  /** False: run on the page (tests, or a host that wants no workers). */
  workers?: boolean;
  /** Makes the job's worker; tests inject one. Default: the bundled agreement-worker module. */
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./agreement-worker.ts', import.meta.url), { type: 'module', name: 'segmark-agreement' });
}

function spawn(create: () => Worker): Worker | undefined {
  try {
    return create();
  } catch {
    return undefined;
  }
}

export async function runAgreement(job: AgreementJob, options: AgreementRunOptions = {}): Promise<AgreementResult> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const create = options.createWorker ?? (typeof Worker !== 'undefined' ? defaultWorker : undefined);
  const worker = options.workers !== false && create ? spawn(create) : undefined;
  if (!worker) {
    return runAgreementJob(job, (done, total) => onProgress?.(done, total), async () => {
      await new Promise((r) => setTimeout(r, 0));
      throwIfAborted(signal);
    });
  }
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<AgreementResult>((resolve, reject) => {
      onAbort = () => reject(new SegmarkError('aborted', 'agreement cancelled', { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.onmessage = (e: MessageEvent<AgreementResponse>) => {
        const r = e.data;
        if (r.type === 'progress') onProgress?.(r.done, r.total);
        else if (r.type === 'done') resolve(r.result);
        else reject(new SegmarkError(r.code, r.message, { params: r.params }));
      };
      // A worker that dies (out of memory, killed) is not a bug of ours: the job fails with a code of its own.
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new SegmarkError('worker-failed', `the agreement worker failed: ${e.message || 'unknown error'}`));
      };
      worker.onmessageerror = () => reject(new SegmarkError('worker-failed', 'the agreement worker sent an unreadable message'));
      worker.postMessage(job);
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    worker.terminate();
  }
}
