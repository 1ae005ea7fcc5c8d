/**
 * Runs an agreement job in a worker of its own (ended with the job, or at
 * once when the signal fires), or here when workers are refused (e.g. a
 * Content-Security-Policy without `worker-src 'self'`) — then label by label,
 * yielding to the page between labels, so it still never freezes for long.
 */
import { SegmarkError, throwIfAborted } from '../errors.js';
import { WorkerClient } from '../util/worker-protocol.js';
import type { AgreementResult } from './agreement.js';
import { runAgreementJob, type AgreementJob } from './agreement-job.js';
import type { AgreementCalls } from './agreement-worker.js';

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
  const client = new WorkerClient<AgreementCalls>(worker, { name: 'agreement', deathCode: 'worker-failed' });
  try {
    return await client.call('agree', job, { signal, onProgress: ({ done, total }) => onProgress?.(done, total) });
  } finally {
    client.terminate(new SegmarkError('aborted', 'agreement ended'));
  }
}
