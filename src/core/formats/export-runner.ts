/**
 * Runs exports, and the reading of mask files for import (`readMask`), in
 * workers kept for the life of an annotator (starting one costs a few
 * hundred ms, which an export of a labelmap should not pay each time), or
 * here when workers are refused (e.g. a Content-Security-Policy without
 * `worker-src 'self'`) — then the page waits, but the work gets done.
 *
 * Jobs run one at a time. CT slices are copied to the workers in small
 * chunks with a yield to the page between them, so no single step holds the
 * page for long; for the NIfTI image and the dataset package two workers
 * deflate a share each as the slices arrive (`gzip-parts.ts`), the second
 * then writes the label image, and the first puts it all together and makes
 * the File. A worker that fails is ended and replaced by the next job; one
 * whose export failed is kept.
 */
import { SegmarkError } from '../errors.js';
import { WorkerClient } from '../util/worker-protocol.js';
import { yieldToEventLoop } from '../util/concurrency.js';
import { exportFile, needsImage, needsRawSlices, runExportPieces, type ExportJob } from './export-job.js';
import type { ExportCalls } from './export-worker.js';
import { chunkBuffers, type DeflatePart } from './gzip-parts.js';
import type { ImportedRegions } from './import-apply.js';
import { importTarget, type ImportTarget } from './import-common.js';
import { importMaskOutlines } from './import-file.js';

/**
 * Slices per message: 2 slices of 512² int16 are 1 MB. Cloning a message is
 * a task of its own on the page; measured on a loaded machine, 8 MB messages
 * took up to 450 ms, so they stay small.
 */
const CHUNK = 2;

/**
 * The first worker's share of the CT when a second one helps. The second
 * also writes the label image and the first seals its part while it waits;
 * half each is where both were measured to finish together (at 0.55 the
 * first still deflated for a second after the second was done, the page
 * posting to it taking its share of the two cores).
 */
const MAIN_SHARE = 0.5;

/** One export worker: a failed one (crashed, or a note that failed in it) is closed and replaced by the next job. */
type ExportWorker = WorkerClient<ExportCalls>;

function spawn(): ExportWorker {
  const worker = new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module', name: 'segmark-export' });
  return new WorkerClient<ExportCalls>(worker, { name: 'export', deathCode: 'worker-failed' });
}

/**
 * Lets the page run (input, rendering, garbage collection) between two
 * chunks. A timer, not a message: yielding through a MessageChannel (no
 * 4 ms clamp) posted the chunks nearly back to back, and the bench's longest
 * task grew to 150–230 ms (67–94 ms with the timer); the workers compress
 * while the chunks trickle in anyway. In a hidden page, a message: browsers
 * hold a hidden page's timers to about one a second (or a minute), which
 * would stretch a 150-chunk export to minutes, and nothing is drawn there.
 */
function yieldToPage(): Promise<void> {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return yieldToEventLoop();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface ExportRunnerOptions {
  /** false: run every export on this thread (tests, hosts that forbid workers). */
  workers?: boolean;
}

/** The export workers of one annotator: started on first use, kept until `dispose()`. */
export class ExportRunner {
  private readonly slots: (ExportWorker | undefined)[] = [undefined, undefined];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ExportRunnerOptions = {}) {}

  /** The export's file; `ct` is the series' slices (sent only when the format needs them). */
  run(job: ExportJob, ct: readonly Int16Array[]): Promise<File> {
    const turn = this.queue.then(() => this.runNow(job, ct));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Reads a mask file onto the series and traces its outlines, in the first
   * worker (in turn with exports), or here without workers. `bytes` is
   * handed over (transferred). Errors name `file`.
   */
  readMask(bytes: Uint8Array, target: ImportTarget, file: string): Promise<ImportedRegions> {
    const turn = this.queue.then(async () => {
      const main = this.worker(0);
      if (!main) return importMaskOutlines(bytes, target, file);
      return main.call('import', { bytes, target: importTarget(target), file }, { transfer: [bytes.buffer] });
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Starts the workers now, if they are not running, so that the next export
   * does not wait for them (about half a second): e.g. when the export dialog
   * opens, while the user reads its checklist.
   */
  warm(): void {
    this.worker(0);
    this.worker(1);
  }

  /** Ends the workers (the annotator left the page); a later export starts new ones. */
  dispose(): void {
    this.slots.forEach((slot, i) => {
      slot?.terminate(new SegmarkError('aborted', 'the export was stopped: the annotator left the page'));
      this.slots[i] = undefined;
    });
  }

  private worker(i: number): ExportWorker | undefined {
    const slot = this.slots[i];
    if (slot && !slot.closed) return slot;
    if (this.options.workers === false || typeof Worker === 'undefined') return undefined;
    try {
      this.slots[i] = spawn();
    } catch {
      this.slots[i] = undefined;
    }
    return this.slots[i];
  }

  private async runNow(job: ExportJob, ct: readonly Int16Array[]): Promise<File> {
    const main = this.worker(0);
    if (!main) return exportFile(await runExportPieces(job, (k) => ct[k]!));
    main.tell('reset', null);
    let tail: DeflatePart[] | undefined;
    let labels: Uint8Array | undefined;
    if (needsImage(job)) {
      // PNG and a resampled image want the slices themselves; the NIfTI image and the dataset on the acquired grid their deflated voxels.
      const deflated = !needsRawSlices(job);
      const helper = deflated ? this.worker(1) : undefined;
      helper?.tell('reset', null);
      const half = helper ? Math.ceil(ct.length * MAIN_SHARE) : ct.length;
      // Chunks of the two shares by turns, so both workers start at once.
      const chunks: [ExportWorker, number, number][] = [];
      for (let a = 0, b = half; a < half || b < ct.length; a += CHUNK, b += CHUNK) {
        if (a < half) chunks.push([main, a, Math.min(a + CHUNK, half)]);
        if (b < ct.length) chunks.push([helper!, b, Math.min(b + CHUNK, ct.length)]);
      }
      for (const [to, start, end] of chunks) {
        // Copied here and handed over, so the worker does not copy them again on arrival.
        const slices = ct.slice(start, end).map((s) => s.slice());
        const buffers = slices.map((s) => s.buffer);
        if (deflated) to.tell('deflate', { slices }, buffers);
        else to.tell('slices', { start, slices }, buffers);
        await yieldToPage();
      }
      // The first worker finishes its part while the second still works.
      if (deflated) main.tell('seal', null);
      if (helper) {
        const [written, part] = await Promise.all([helper.call('labels', { job }), helper.call('part', null)]);
        labels = written;
        tail = [part];
      }
    }
    const transfer = [...(tail ? chunkBuffers(tail) : []), ...(labels ? [labels.buffer] : [])];
    return main.call('run', { job, ...(tail ? { tail } : {}), ...(labels ? { labels } : {}) }, { transfer });
  }
}
