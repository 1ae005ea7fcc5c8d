/**
 * Who inflates a deflated data set: a worker in the page, this thread where
 * there are no workers (Node) or they cannot start (a strict CSP). Both keep
 * the same cap (`inflateDataSet`).
 *
 * The worker inflates one file at a time; a cancelled job ends its worker at
 * once (fflate's loop cannot be interrupted, and a bomb would run on for
 * seconds), which frees its CPU and memory. One idle worker is kept for the
 * next deflated file of the same read; `dispose` ends it.
 */
import { SegmarkError, throwIfAborted, toSegmarkError } from '../errors.js';
import { WorkerClient } from '../util/worker-protocol.js';
import { inflateDataSet, markInflated, type InflateBudget } from './inflate.js';
import type { InflateCalls } from './inflate-worker.js';

export interface DataSetInflater {
  /**
   * `file` with its data set (from `position`) inflated, marked so the parser
   * takes it as it is. Rejects with a SegmarkError naming `fileName`:
   * `input-too-large` past the budget, `truncated`, `not-dicom`, `aborted`.
   */
  inflate(file: Uint8Array, position: number, budget: InflateBudget, fileName: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Ends the workers; jobs under way are rejected with `aborted`. */
  dispose(): void;
}

export class SameThreadInflater implements DataSetInflater {
  async inflate(file: Uint8Array, position: number, budget: InflateBudget, fileName: string, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    return inflateDataSet(file, position, budget, fileName);
  }

  dispose(): void {}
}

export interface WorkerInflaterOptions {
  /** Makes a worker; tests inject one. Default: the bundled inflate-worker module. */
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./inflate-worker.ts', import.meta.url), { type: 'module', name: 'segmark-inflate' });
}

interface Running {
  client: WorkerClient<InflateCalls>;
  /** Set when the worker died on its own: false when its script never ran. */
  started?: boolean;
}

export class WorkerInflater implements DataSetInflater {
  private readonly createWorker: () => Worker;
  private idle: Running | undefined;
  private readonly running = new Set<Running>();
  private fallback: SameThreadInflater | undefined;
  private disposed = false;

  constructor(options: WorkerInflaterOptions = {}) {
    this.createWorker = options.createWorker ?? defaultWorker;
  }

  async inflate(file: Uint8Array, position: number, budget: InflateBudget, fileName: string, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.disposed) throw new SegmarkError('aborted', 'inflater disposed', { file: fileName });
    throwIfAborted(signal);
    if (this.fallback) return this.fallback.inflate(file, position, budget, fileName, signal);
    let worker: Running;
    try {
      worker = this.take();
    } catch {
      // `new Worker` itself refused (a CSP without worker-src 'self'): inflate here from now on.
      this.fallback = new SameThreadInflater();
      return this.fallback.inflate(file, position, budget, fileName, signal);
    }
    // A copy of its own to transfer: the caller's bytes may be a view of a larger buffer, and stay
    // usable should the worker not start.
    const copy = file.slice();
    const onAbort = (): void => worker.client.terminate(new SegmarkError('aborted', 'cancelled', { file: fileName, cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    let ok = false;
    try {
      const full = await worker.client.call('inflate', { file: copy, position, budget, fileName }, { transfer: [copy.buffer] });
      ok = true;
      return markInflated(full);
    } catch (error) {
      if (worker.started === false && !this.disposed && !signal?.aborted) {
        this.fallback = new SameThreadInflater();
        return this.fallback.inflate(file, position, budget, fileName, signal);
      }
      throw toSegmarkError(error, 'worker-failed', fileName);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.release(worker, ok);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const reason = new SegmarkError('aborted', 'inflater disposed');
    for (const worker of [...this.running, ...(this.idle ? [this.idle] : [])]) worker.client.terminate(reason);
    this.running.clear();
    this.idle = undefined;
  }

  private take(): Running {
    let worker = this.idle;
    this.idle = undefined;
    if (!worker) {
      const made: Running = {
        client: new WorkerClient<InflateCalls>(this.createWorker(), {
          name: 'inflate',
          deathCode: 'worker-failed',
          onDeath: (death) => (made.started = death.started),
        }),
      };
      worker = made;
    }
    this.running.add(worker);
    return worker;
  }

  /**
   * Keeps a live worker for the next file (one at most); ends the others, and
   * one whose file was refused (what it inflated up to the cap goes with it).
   */
  private release(worker: Running, ok: boolean): void {
    this.running.delete(worker);
    if (worker.client.closed) return;
    if (ok && !this.idle && !this.disposed) this.idle = worker;
    else worker.client.terminate(new SegmarkError('aborted', 'not needed'));
  }
}

/** The inflater for this environment: workers where they exist, else this thread. */
export function createInflater(options: WorkerInflaterOptions & { workers?: boolean } = {}): DataSetInflater {
  if (options.workers === false || typeof Worker === 'undefined') return new SameThreadInflater();
  return new WorkerInflater(options);
}
