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
import { exportFile, needsImage, runExportPieces, type ExportJob } from './export-job.js';
import { chunkBuffers, type DeflatePart } from './gzip-parts.js';
import type { ImportedRegions } from './import-apply.js';
import { importTarget, type ImportTarget } from './import-common.js';
import { importMaskOutlines } from './import-file.js';
import type { ExportRequest, ExportResponse } from './export-worker.js';

/**
 * Slices per message: 2 slices of 512² int16 are 1 MB. Cloning a message is
 * a task of its own on the page; measured on a loaded machine, 8 MB messages
 * took up to 450 ms, so they stay small.
 */
const CHUNK = 2;

type Answer = { file: File } | { part: DeflatePart } | { labels: Uint8Array } | { imported: ImportedRegions };

/**
 * The first worker's share of the CT when a second one helps. The second
 * also writes the label image and the first seals its part while it waits;
 * half each is where both were measured to finish together (at 0.55 the
 * first still deflated for a second after the second was done, the page
 * posting to it taking its share of the two cores).
 */
const MAIN_SHARE = 0.5;

interface Pending {
  resolve(answer: Answer): void;
  reject(error: Error): void;
}

/** One export worker and the answers it owes. */
class ExportWorker {
  readonly pending = new Map<number, Pending>();
  failed = false;

  constructor(readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<ExportResponse>) => {
      const r = e.data;
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (!p) return;
      if (!r.ok) p.reject(new SegmarkError(r.code, r.message, { params: r.params, ...(r.file ? { file: r.file } : {}) }));
      else p.resolve('file' in r ? { file: r.file } : 'part' in r ? { part: r.part } : 'imported' in r ? { imported: r.imported } : { labels: r.labels });
    };
    worker.onerror = (e) => {
      e.preventDefault();
      this.fail(new SegmarkError('internal', `the export worker failed: ${e.message || 'unknown error'}`));
    };
  }

  post(request: ExportRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(request, transfer);
  }

  ask(request: Extract<ExportRequest, { id: number }>, transfer: Transferable[] = []): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.post(request, transfer);
    });
  }

  /** Ends the worker; what it owed is rejected with `error`. */
  fail(error: Error): void {
    this.failed = true;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

function spawn(): Worker {
  return new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module', name: 'segmark-export' });
}

/**
 * Lets the page run (input, rendering, garbage collection) between two
 * chunks. A timer, not a message: yielding through a MessageChannel (no
 * 4 ms clamp) posted the chunks nearly back to back, and the bench's longest
 * task grew to 150–230 ms (67–94 ms with the timer); the workers compress
 * while the chunks trickle in anyway.
 */
function yieldToPage(): Promise<void> {
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
  private nextId = 1;

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
      const answer = await main.ask({ type: 'import', id: this.nextId++, bytes, target: importTarget(target), file }, [bytes.buffer]);
      if (!('imported' in answer)) throw new SegmarkError('internal', 'the export worker answered an import with something else');
      return answer.imported;
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
      slot?.fail(new SegmarkError('aborted', 'the export was stopped: the annotator left the page'));
      this.slots[i] = undefined;
    });
  }

  private worker(i: number): ExportWorker | undefined {
    const slot = this.slots[i];
    if (slot && !slot.failed) return slot;
    if (this.options.workers === false || typeof Worker === 'undefined') return undefined;
    try {
      this.slots[i] = new ExportWorker(spawn());
    } catch {
      this.slots[i] = undefined;
    }
    return this.slots[i];
  }

  private async runNow(job: ExportJob, ct: readonly Int16Array[]): Promise<File> {
    const main = this.worker(0);
    if (!main) return exportFile(await runExportPieces(job, (k) => ct[k]!));
    main.post({ type: 'reset' });
    let tail: DeflatePart[] | undefined;
    let labels: Uint8Array | undefined;
    if (needsImage(job)) {
      // PNG wants the slices themselves; the NIfTI image and the dataset their deflated voxels.
      const deflated = job.format !== 'png-zip';
      const helper = deflated ? this.worker(1) : undefined;
      helper?.post({ type: 'reset' });
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
        to.post(deflated ? { type: 'deflate', slices } : { type: 'slices', start, slices }, slices.map((s) => s.buffer));
        await yieldToPage();
      }
      // The first worker finishes its part while the second still works.
      if (deflated) main.post({ type: 'seal' });
      if (helper) {
        const [written, answer] = await Promise.all([
          helper.ask({ type: 'labels', id: this.nextId++, job }),
          helper.ask({ type: 'part', id: this.nextId++ }),
        ]);
        if ('labels' in written) labels = written.labels;
        if ('part' in answer) tail = [answer.part];
      }
    }
    const transfer = [...(tail ? chunkBuffers(tail) : []), ...(labels ? [labels.buffer] : [])];
    const answer = await main.ask({ type: 'run', id: this.nextId++, job, ...(tail ? { tail } : {}), ...(labels ? { labels } : {}) }, transfer);
    if (!('file' in answer)) throw new SegmarkError('internal', 'the export worker answered a run with a part');
    return answer.file;
  }
}
