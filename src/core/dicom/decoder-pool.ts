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
 *   is rejected at once and its result dropped (WASM decoding cannot be
 *   interrupted, and a restart would cost more than the tens of milliseconds
 *   left).
 * - A crashed worker rejects only its own job, with 'decode-failed' naming the
 *   file; it is replaced on demand. A worker that never starts (blocked by a
 *   CSP, missing file) fails no job: the job is queued again, and after a few
 *   such starts the pool decodes on this thread instead.
 */
import { SegmarkError, toSegmarkError } from '../errors.js';
import type { DecodeRequest, DecodeResponse } from './decode-worker.js';
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
  id: number;
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
  worker: Worker;
  job: Job | undefined;
}

/** Workers that failed to start, with none ever answering, after which workers are taken to be unavailable. */
const STARTUP_FAILURES = 3;

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
  private nextId = 1;
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
      const job: Job = { id: this.nextId++, desc, bytes, fileName, resolve, reject, signal, onAbort: undefined, settled: false };
      if (signal) {
        job.onAbort = () => this.settle(job, new SegmarkError('aborted', 'cancelled', { file: fileName, cause: signal.reason }));
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const slot of this.slots) slot.worker.terminate();
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
      const request: DecodeRequest = { id: job.id, desc: job.desc, bytes: copy };
      slot.worker.postMessage(request, [copy.buffer]);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: this.createWorker(), job: undefined };
    slot.worker.onmessage = (event: MessageEvent<DecodeResponse>) => this.onAnswer(slot, event.data);
    slot.worker.onerror = (event: Event) => {
      event.preventDefault();
      // An uncaught error inside the worker is an ErrorEvent with a message; a worker script
      // that never loaded (404, CSP) fires a bare Event, and its job is not to blame.
      const message = event instanceof ErrorEvent ? event.message : '';
      if (message) this.onCrash(slot, message);
      else this.onStartFailure(slot);
    };
    slot.worker.onmessageerror = () => this.onCrash(slot, 'the decode worker sent an unreadable message');
    this.slots.push(slot);
    return slot;
  }

  private onAnswer(slot: Slot, response: DecodeResponse): void {
    this.answered = true;
    const job = slot.job;
    slot.job = undefined;
    if (job && job.id === response.id) {
      if (response.ok) this.settle(job, response.pixels);
      else this.settle(job, new SegmarkError(response.code, response.message, { file: job.fileName, params: response.params }));
    }
    this.pump();
  }

  private onCrash(slot: Slot, message: string): void {
    const job = this.drop(slot);
    if (job) this.settle(job, new SegmarkError('decode-failed', `decode worker crashed: ${message}`, { file: job.fileName }));
    this.pump();
  }

  /** A worker that could not start: its job goes back to the queue; after a few such failures, decode here. */
  private onStartFailure(slot: Slot): void {
    const job = this.drop(slot);
    if (job && !job.settled) this.queue.unshift(job);
    if (!this.answered && ++this.startFailures >= STARTUP_FAILURES && !this.disposed) {
      for (const s of this.slots) {
        s.worker.terminate();
        if (s.job && !s.job.settled) this.queue.unshift(s.job);
      }
      this.slots.length = 0;
      this.fallback = new SameThreadDecoder();
    }
    this.pump();
  }

  /** Terminates a worker, forgets its slot, and returns the job it held. */
  private drop(slot: Slot): Job | undefined {
    slot.worker.terminate();
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
