/**
 * Meshes labels in a worker kept for the life of a 3D view (starting one
 * costs a few hundred ms, which an edit should not pay), or here when
 * workers are refused (e.g. a Content-Security-Policy without
 * `worker-src 'self'`): then the page waits, but the surfaces still come.
 *
 * The mask of each job is handed over, not copied. A worker that crashes
 * rejects the jobs it held with `worker-failed` and is replaced on the next
 * job; one that never started rejects them too (their masks went with the
 * message), and every later job runs here. The caller meshes a rejected
 * label again from the labelmap.
 */
import { SegmarkError } from '../errors.js';
import { WorkerClient, type WorkerPort } from '../util/worker-protocol.js';
import { meshLabel, type LabelSurface, type MeshJob } from './label-surface.js';
import type { SurfaceCalls } from './surface-worker.js';

export interface SurfaceMesherOptions {
  /** false: mesh on this thread (tests, hosts that forbid workers). */
  workers?: boolean;
  /** Makes the worker; tests inject a stand-in. Default: the bundled surface-worker module. */
  createWorker?: () => WorkerPort;
}

function spawn(): WorkerPort {
  return new Worker(new URL('./surface-worker.ts', import.meta.url), { type: 'module', name: 'segmark-surface' });
}

export class SurfaceMesher {
  private client: WorkerClient<SurfaceCalls> | undefined;
  /** Set once a worker failed to start: workers are refused here, so jobs run on this thread. */
  private refused = false;
  private disposed = false;

  constructor(private readonly options: SurfaceMesherOptions = {}) {}

  /** True when jobs run on this thread (asked for, or workers refused). */
  get sameThread(): boolean {
    return this.refused || this.options.workers === false || (!this.options.createWorker && typeof Worker === 'undefined');
  }

  /** The label's surface. `job.mask` is handed over (transferred) when a worker meshes it. */
  async mesh(job: MeshJob): Promise<LabelSurface> {
    if (this.disposed) throw new SegmarkError('aborted', 'the 3D view was closed');
    const client = this.worker();
    if (!client) return meshLabel(job);
    return client.call('mesh', job, { transfer: [job.mask.buffer] });
  }

  /**
   * Starts the worker now, if it is not running, and has it mesh a tiny
   * cube, so the first label waits neither for the worker's start nor for
   * its first, unoptimised run through the meshing code.
   */
  warm(): void {
    const client = this.worker();
    if (!client) return;
    const mask = new Uint8Array(4 * 4 * 4);
    for (const z of [1, 2]) for (const y of [1, 2]) mask.fill(1, (z * 4 + y) * 4 + 1, (z * 4 + y) * 4 + 3);
    const job: MeshJob = {
      labelId: 0,
      mask,
      box: { column: 0, row: 0, slice: 0, columns: 4, rows: 4, slices: 4 },
      spacing: [1, 1],
      rowCosine: [1, 0, 0],
      columnCosine: [0, 1, 0],
      positions: Float64Array.of(0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3),
      smoothing: 2,
    };
    client.call('mesh', job, { transfer: [mask.buffer] }).catch(() => undefined);
  }

  /** Ends the worker; jobs it held are rejected with `aborted`. */
  dispose(): void {
    this.disposed = true;
    this.client?.terminate(new SegmarkError('aborted', 'the 3D view was closed'));
    this.client = undefined;
  }

  private worker(): WorkerClient<SurfaceCalls> | undefined {
    if (this.client && !this.client.closed) return this.client;
    if (this.sameThread) return undefined;
    try {
      const port = (this.options.createWorker ?? spawn)();
      this.client = new WorkerClient<SurfaceCalls>(port, {
        name: 'surface',
        deathCode: 'worker-failed',
        onDeath: (death) => {
          if (!death.started) this.refused = true;
        },
      });
    } catch {
      this.refused = true;
      this.client = undefined;
    }
    return this.client;
  }
}
