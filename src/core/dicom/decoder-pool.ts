/**
 * A small pool of decode workers behind `FrameDecoder`, and the factory that
 * picks it or the same-thread decoder.
 *
 * - Lazy: a worker starts when a job needs one, up to `threads`
 *   (navigator.hardwareConcurrency, at most 4).
 * - Transfers both ways: the frame is copied once into a buffer of its own
 *   (the caller's bytes are usually a view of the whole file, which must not be
 *   detached) and that copy is transferred; the pixels come back transferred.
 * - Cancellable: an aborted job leaves the queue at once; one already running
 *   is rejected at once. A small running frame is left to finish and its
 *   result dropped (WASM decoding cannot be interrupted, and a restart would
 *   cost more than the tens of milliseconds left); a large one ends its
 *   worker, so a hostile frame stops taking CPU and memory, and a new worker
 *   starts on demand.
 * - A crashed worker rejects only its own job, with 'decode-failed' naming the
 *   file; it is replaced on demand. A worker that never starts (blocked by a
 *   CSP, missing file) fails no job: the job is queued again, and after a few
 *   such starts the pool decodes on this thread instead.
 */
import { SegmarkError, toSegmarkError } from '../errors.js';
import { WorkerClient, type WorkerDeath } from '../util/worker-protocol.js';
import type { DecodeCalls } from './decode-worker.js';
import { SameThreadDecoder, type FrameDecoder } from './pixels/decoder.js';
import { copyBytes } from './pixels/native.js';
import type { PixelDescriptor, StoredPixels } from './types.js';

export type { FrameDecoder } from './pixels/decoder.js';
export { SameThreadDecoder } from './pixels/decoder.js';

export interface PoolOptions {
  /** Number of workers; default from navigator.hardwareConcurrency, 1…4. */
  size?: number;
  /** Makes a worker; tests inject one. Default: the bundled decode-worker module. */
  createWorker?: () => Worker;
}

interface Job {
  desc: PixelDescriptor;
  bytes: Uint8Array;
  fileName: string;
  resolve: (pixels: StoredPixels) => void;
  reject: (error: SegmarkError) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

interface Slot {
  client: WorkerClient<DecodeCalls>;
  job: Job | undefined;
}

/** Workers that failed to start, with none ever answering, after which workers are taken to be unavailable. */
const STARTUP_FAILURES = 3;
/**
 * Samples of a frame above which cancelling it while it decodes ends its
 * worker: past 1024² a decode takes longer than starting a worker again.
 */
export const STOP_RUNNING_ABOVE = 1024 * 1024;

function defaultWorker(): Worker {
  return new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module', name: 'segmark-decode' });
}

export function defaultPoolSize(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return Math.min(4, Math.max(1, cores ?? 2));
}

export class WorkerPoolDecoder implements FrameDecoder {
  readonly threads: number;
  private readonly createWorker: () => Worker;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private disposed = false;
  private answered = false;
  private startFailures = 0;
  private fallback: SameThreadDecoder | undefined;

  constructor(options: PoolOptions = {}) {
    this.threads = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.createWorker = options.createWorker ?? defaultWorker;
  }

  decode(desc: PixelDescriptor, bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<StoredPixels> {
    if (this.disposed) return Promise.reject(new SegmarkError('aborted', 'decoder disposed', { file: fileName }));
    if (signal?.aborted) return Promise.reject(new SegmarkError('aborted', 'cancelled', { file: fileName, cause: signal.reason }));
    if (this.fallback) return this.fallback.decode(desc, bytes, fileName, signal);
    return new Promise<StoredPixels>((resolve, reject) => {
      const job: Job = { desc, bytes, fileName, resolve, reject, signal, onAbort: undefined, settled: false };
      if (signal) {
        job.onAbort = () => this.cancel(job, new SegmarkError('aborted', 'cancelled', { file: fileName, cause: signal.reason }));
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  warm(): void {
    if (this.disposed || this.fallback || this.slots.length > 0) return;
    try {
      this.spawn();
    } catch {
      // `new Worker` refused: the first decode finds out again and decodes here.
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const slot of this.slots) slot.client.terminate(new SegmarkError('aborted', 'decoder disposed'));
    const pending = [...this.queue, ...this.slots.flatMap((s) => (s.job ? [s.job] : []))];
    this.queue.length = 0;
    this.slots.length = 0;
    for (const job of pending) this.settle(job, new SegmarkError('aborted', 'decoder disposed', { file: job.fileName }));
    this.fallback?.dispose();
  }

  /** Hands queued jobs to idle workers, starting workers while under the limit. */
  private pump(): void {
    while (this.queue.length > 0 && !this.disposed) {
      const job = this.queue[0]!;
      if (job.settled) {
        this.queue.shift();
        continue;
      }
      if (this.fallback) {
        this.queue.shift();
        this.fallback.decode(job.desc, job.bytes, job.fileName, job.signal).then(
          (pixels) => this.settle(job, pixels),
          (error: unknown) => this.settle(job, toSegmarkError(error, 'decode-failed', job.fileName)),
        );
        continue;
      }
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.threads) {
        try {
          slot = this.spawn();
        } catch {
          // `new Worker` itself refused (e.g. a CSP without worker-src 'self'): decode here from now on.
          this.fallback = new SameThreadDecoder();
          continue;
        }
      }
      if (!slot) return;
      this.queue.shift();
      slot.job = job;
      const copy = copyBytes(job.bytes);
      const client = slot.client;
      client.call('decode', { desc: job.desc, bytes: copy }, { transfer: [copy.buffer] }).then(
        (pixels) => this.onAnswer(slot, job, pixels),
        (error: unknown) => {
          // A worker that died or was ended is dealt with by onDeath (or dispose), not here.
          if (!client.closed) this.onAnswer(slot, job, toSegmarkError(error, 'decode-failed', job.fileName));
        },
      );
    }
  }

  /** A cancelled job: out of the queue, or, when it is large and running, its worker ended. */
  private cancel(job: Job, reason: SegmarkError): void {
    const slot = this.slots.find((s) => s.job === job);
    if (slot && job.desc.rows * job.desc.columns * job.desc.samplesPerPixel > STOP_RUNNING_ABOVE) {
      this.drop(slot);
      slot.client.terminate(reason);
      this.settle(job, reason);
      this.pump();
      return;
    }
    this.settle(job, reason);
  }

  private spawn(): Slot {
    // A worker script that never loaded (404, CSP) is not its job's fault; an uncaught error inside one is.
    const onDeath = (death: WorkerDeath) => (death.started ? this.onCrash(slot, death.error) : this.onStartFailure(slot));
    const slot: Slot = { client: new WorkerClient<DecodeCalls>(this.createWorker(), { name: 'decode', deathCode: 'decode-failed', onDeath }), job: undefined };
    this.slots.push(slot);
    return slot;
  }

  private onAnswer(slot: Slot, job: Job, outcome: StoredPixels | SegmarkError): void {
    this.answered = true;
    if (slot.job === job) slot.job = undefined;
    this.settle(job, outcome);
    this.pump();
  }

  private onCrash(slot: Slot, error: SegmarkError): void {
    const job = this.drop(slot);
    if (job) this.settle(job, error.withFile(job.fileName));
    this.pump();
  }

  /** A worker that could not start: its job goes back to the queue; after a few such failures, decode here. */
  private onStartFailure(slot: Slot): void {
    const job = this.drop(slot);
    if (job && !job.settled) this.queue.unshift(job);
    if (!this.answered && ++this.startFailures >= STARTUP_FAILURES && !this.disposed) {
      for (const s of this.slots) {
        s.client.terminate(new SegmarkError('aborted', 'decoding moved to this thread'));
        if (s.job && !s.job.settled) this.queue.unshift(s.job);
      }
      this.slots.length = 0;
      this.fallback = new SameThreadDecoder();
    }
    this.pump();
  }

  /** Forgets a dead worker's slot and returns the job it held. */
  private drop(slot: Slot): Job | undefined {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const job = slot.job;
    slot.job = undefined;
    return job;
  }

  private settle(job: Job, outcome: StoredPixels | SegmarkError): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (outcome instanceof SegmarkError) job.reject(outcome);
    else job.resolve(outcome);
  }
}

/** The decoder for this environment: a worker pool where Workers exist, else same-thread. */
export function createFrameDecoder(options: PoolOptions & { workers?: boolean } = {}): FrameDecoder {
  if (options.workers === false || typeof Worker === 'undefined') return new SameThreadDecoder();
  return new WorkerPoolDecoder(options);
}
