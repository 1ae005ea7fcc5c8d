/**
 * Who reads a batch of local files: a worker in the page (`read-worker.ts`),
 * this thread where there are no workers (Node) or they cannot start (a
 * strict Content-Security-Policy). Either way a batch is read in runs of
 * concatenated Blobs (`read-runs.ts`) and comes back as named views of them.
 *
 * Two workers serve the batches of a read in turn, each reading its batches
 * one after another: a Blob read waits on the browser process as much as it
 * copies, and a second reader fills those waits (on the bench's 300 files the
 * read ends about 15 % sooner than with one). The loader ends them
 * (`dispose`) when the read is over.
 */
import { SegmarkError, throwIfAborted, toSegmarkError } from '../errors.js';
import { WorkerClient } from '../util/worker-protocol.js';
import { readRuns, type ReadRun } from './read-runs.js';
import type { ReadCalls } from './read-worker.js';
import { sourceName, type LoadSource, type SourceBytes } from './sources.js';

export interface BlobReader {
  /** The bytes of each file of `batch` (blobs only), in order. Rejects (`read-failed`, `aborted`) when any of them cannot be read. */
  read(batch: readonly LoadSource[], signal?: AbortSignal): Promise<SourceBytes[]>;
  /** Starts what reads (the workers) ahead of the first batch; nothing for a reader on this thread. */
  warm?(): void;
  /** Ends the workers; reads under way are rejected with `aborted`. */
  dispose(): void;
}

function blobsOf(batch: readonly LoadSource[]): Blob[] {
  return batch.map((source) => {
    if ('url' in source) throw new TypeError('a BlobReader reads blobs only');
    return 'blob' in source ? source.blob : source;
  });
}

/** Each file of the batch as a view of its run. */
function namedViews(batch: readonly LoadSource[], runs: readonly ReadRun[]): SourceBytes[] {
  const out: SourceBytes[] = [];
  for (const run of runs) {
    let offset = 0;
    for (const size of run.sizes) {
      out.push({ name: sourceName(batch[out.length]!), bytes: new Uint8Array(run.buffer, offset, size) });
      offset += size;
    }
  }
  if (out.length !== batch.length) throw new SegmarkError('internal', `${out.length} files read of ${batch.length}`);
  return out;
}

export class SameThreadBlobReader implements BlobReader {
  async read(batch: readonly LoadSource[], signal?: AbortSignal): Promise<SourceBytes[]> {
    throwIfAborted(signal);
    return namedViews(batch, await readRuns(blobsOf(batch)));
  }

  dispose(): void {}
}

export interface WorkerBlobReaderOptions {
  /** Makes a worker; tests inject one. Default: the bundled read-worker module. */
  createWorker?: () => Worker;
  /** Workers that take batches in turn (default 2). */
  threads?: number;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./read-worker.ts', import.meta.url), { type: 'module', name: 'segmark-read' });
}

export class WorkerBlobReader implements BlobReader {
  private readonly createWorker: () => Worker;
  private readonly clients: (WorkerClient<ReadCalls> | undefined)[];
  /** Which worker takes the next batch. */
  private turn = 0;
  /** Set when the worker died on its own: false when its script never ran. */
  private started: boolean | undefined;
  private fallback: SameThreadBlobReader | undefined;
  private disposed = false;

  constructor(options: WorkerBlobReaderOptions = {}) {
    this.createWorker = options.createWorker ?? defaultWorker;
    this.clients = new Array<undefined>(Math.max(1, options.threads ?? 2)).fill(undefined);
  }

  /** Starts the workers now, so that their script has loaded by the time the first batch is read. */
  warm(): void {
    if (!this.fallback) for (let i = 0; i < this.clients.length; i++) this.worker(i);
  }

  async read(batch: readonly LoadSource[], signal?: AbortSignal): Promise<SourceBytes[]> {
    if (this.disposed) throw new SegmarkError('aborted', 'reader disposed');
    throwIfAborted(signal);
    const blobs = blobsOf(batch);
    const client = this.fallback ? undefined : this.worker(this.turn++ % this.clients.length);
    if (!client) return this.fallback!.read(batch, signal);
    try {
      return namedViews(batch, await client.call('read', { blobs }, { ...(signal ? { signal } : {}) }));
    } catch (error) {
      if (this.started === false && !this.disposed && !signal?.aborted) {
        // The worker's script never ran (a CSP without worker-src 'self'): read here from now on.
        this.fallback = new SameThreadBlobReader();
        return this.fallback.read(batch, signal);
      }
      throw toSegmarkError(error, 'read-failed', sourceName(batch[0]!));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.clients) c?.terminate(new SegmarkError('aborted', 'reader disposed'));
  }

  /** Worker i, made when it is not alive; undefined (and reading falls back to this thread) when `new Worker` is refused. */
  private worker(i: number): WorkerClient<ReadCalls> | undefined {
    const live = this.clients[i];
    if (live && !live.closed) return live;
    try {
      const made = new WorkerClient<ReadCalls>(this.createWorker(), {
        name: 'read',
        deathCode: 'read-failed',
        onDeath: (death) => (this.started = death.started),
      });
      this.clients[i] = made;
      return made;
    } catch {
      this.fallback = new SameThreadBlobReader();
      return undefined;
    }
  }
}

/** The reader for this environment: a worker where there are workers, else this thread. */
export function createBlobReader(options: WorkerBlobReaderOptions & { workers?: boolean } = {}): BlobReader {
  if (options.workers === false || typeof Worker === 'undefined') return new SameThreadBlobReader();
  return new WorkerBlobReader(options);
}
