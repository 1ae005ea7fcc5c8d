/**
 * Runs the assisted 3-D tools (grow from seeds, one-click region, nearby
 * slices, islands, smoothing, median, margin) in a worker kept for the
 * runner's life, so the page never waits on a box of ~10⁶ voxels; or here
 * when workers are refused
 * (a Content-Security-Policy without `worker-src 'self'`) or not wanted
 * (`workers: false`): then the page waits, but the results still come.
 *
 * - The payload's arrays (the box's values, the masks) are handed over, not
 *   copied, unless the call says `keep`; the result's arrays come back handed
 *   over too.
 * - `cancel()` ends the worker when it owes answers: those calls reject with
 *   `aborted`, and the next call starts a fresh worker. An idle worker is kept.
 * - A worker that crashes rejects the calls it held with `worker-failed` and
 *   is replaced on the next call; one that never started (refused) rejects
 *   them too (their arrays went with the message), and every later call runs
 *   here.
 * - `runLatest(key, fn)`: for previews asked faster than they come (a grow
 *   after each seed stroke). At most one per key runs and one waits; a newer
 *   ask supersedes the waiting one (never run) and the running one (its
 *   result dropped), and each superseded ask resolves to undefined.
 *
 * Tests: test/node/assist-runner.test.ts (each kind as the direct function,
 * through the real protocol; cancel, a worker that dies, this thread, runLatest).
 */
import { SegmarkError, toSegmarkError } from '../errors.js';
import { WorkerClient, type CallContext, type WorkerPort } from '../util/worker-protocol.js';
import type { BoxSpacing, VoxelBox } from './box.js';
import { ASSIST_HANDLERS, type AssistCalls } from './assist-worker.js';
import type { GrowResult } from './grow-from-seeds.js';
import type { IslandsOptions, SmoothOptions } from './morphology.js';
import type { NearbyOptions, NearbyResult } from './nearby-slices.js';
import type { OneClickOptions, OneClickResult } from './one-click.js';

export interface AssistRunnerOptions {
  /** false: run on this thread (tests, hosts that forbid workers). */
  workers?: boolean;
  /** Makes the worker; tests inject a stand-in. Default: the bundled assist-worker module. */
  createWorker?: () => WorkerPort;
  /** The worker starts owing answers (true) or owes none any more (false): the page shows that work runs, with Cancel. */
  onBusy?: (busy: boolean) => void;
}

export interface AssistCallOptions {
  /**
   * true: the payload's arrays are copied to the worker, not handed over, so
   * the caller keeps them (e.g. the box's values for the next preview).
   */
  keep?: boolean;
}

function spawn(): WorkerPort {
  return new Worker(new URL('./assist-worker.ts', import.meta.url), { type: 'module', name: 'segmark-assist' });
}

/** The call context of a handler run on this thread: nothing crosses, so nothing is transferred. */
const HERE: CallContext<undefined> = { transfer: () => undefined, progress: () => undefined };

/** Each buffer once (a transfer list may not repeat one), and only those that can move. */
function movable(buffers: readonly ArrayBufferLike[]): Transferable[] {
  const out: ArrayBuffer[] = [];
  for (const buffer of buffers) if (buffer instanceof ArrayBuffer && !out.includes(buffer)) out.push(buffer);
  return out;
}

/** A `runLatest` ask waiting for the one running under its key. */
interface Waiting {
  ticket: number;
  run: () => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface LatestSlot {
  /** The ticket of the newest ask. */
  asked: number;
  running: boolean;
  waiting: Waiting | undefined;
}

type Kind = keyof AssistCalls & string;

export class AssistRunner {
  private client: WorkerClient<AssistCalls> | undefined;
  /** Calls the current worker owes. */
  private owed = 0;
  /** Set once a worker failed to start: workers are refused here, so calls run on this thread. */
  private refused = false;
  private disposed = false;
  /** Bumped by `cancel`: calls on this thread that have not started yet are then dropped. */
  private generation = 0;
  private readonly slots = new Map<string, LatestSlot>();

  constructor(private readonly options: AssistRunnerOptions = {}) {}

  /** True when calls run on this thread (asked for, or workers refused). */
  get sameThread(): boolean {
    return this.refused || this.options.workers === false || (!this.options.createWorker && typeof Worker === 'undefined');
  }

  /** Grow from seeds (`growFromSeeds`); `values` and `seeds` are handed over unless `keep`. */
  grow(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, seeds: Uint8Array, options: AssistCallOptions = {}): Promise<GrowResult> {
    return this.call('grow', { values, box, spacing, seeds }, [values.buffer, seeds.buffer], options);
  }

  /** One-click region (`oneClickRegion`); `values` are handed over unless `keep`. */
  oneClick(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, region: OneClickOptions, options: AssistCallOptions = {}): Promise<OneClickResult> {
    return this.call('oneClick', { values, box, spacing, options: region }, [values.buffer], options);
  }

  /** Segment nearby slices (`propagateToNearbySlices`); `values` and `start` are handed over unless `keep`. */
  nearby(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, start: Uint8Array, nearby: NearbyOptions, options: AssistCallOptions = {}): Promise<NearbyResult> {
    return this.call('nearby', { values, box, spacing, start, options: nearby }, [values.buffer, start.buffer], options);
  }

  /** `islands` of a box mask; `mask` is handed over unless `keep`. */
  islands(mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing, which: IslandsOptions, options: AssistCallOptions = {}): Promise<Uint8Array> {
    return this.call('islands', { mask, box, spacing, options: which }, [mask.buffer], options);
  }

  /** Closing or opening (`smooth`); `mask` is handed over unless `keep`. */
  smooth(mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing, how: SmoothOptions, options: AssistCallOptions = {}): Promise<Uint8Array> {
    return this.call('smooth', { mask, box, spacing, options: how }, [mask.buffer], options);
  }

  /** 3×3×3 `median`; `mask` is handed over unless `keep`. */
  median(mask: Uint8Array, box: VoxelBox, options: AssistCallOptions = {}): Promise<Uint8Array> {
    return this.call('median', { mask, box }, [mask.buffer], options);
  }

  /** Grow (mm > 0) or shrink (mm < 0) by `margin`; `mask` is handed over unless `keep`. */
  margin(mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing, mm: number, options: AssistCallOptions = {}): Promise<Uint8Array> {
    return this.call('margin', { mask, box, spacing, mm }, [mask.buffer], options);
  }

  /**
   * Runs `fn` as the latest ask under `key`: when a newer ask comes before
   * it settles, its result (or error) is dropped and it resolves to
   * undefined. While one runs, a newer ask waits, and replaces (resolves to
   * undefined) any ask still waiting, so at most two per key are ever
   * outstanding. `cancel` rejects a waiting ask with `aborted`.
   */
  runLatest<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { asked: 0, running: false, waiting: undefined };
      this.slots.set(key, slot);
    }
    const ticket = ++slot.asked;
    if (!slot.running) return this.startLatest(key, slot, ticket, fn);
    const held = slot;
    held.waiting?.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      held.waiting = { ticket, run: fn, resolve: resolve as (value: unknown) => void, reject };
    });
  }

  /** Starts the worker now, if it is not running, so the first call does not wait for it to load. */
  warm(): void {
    if (!this.disposed) this.worker();
  }

  /**
   * Stops what is asked: a worker owing answers is ended (those calls reject
   * with `aborted`; the next call starts a fresh worker), calls not yet
   * started on this thread and `runLatest` asks still waiting reject with
   * `aborted`.
   */
  cancel(): void {
    this.stop(new SegmarkError('aborted', 'cancelled'), false);
  }

  /** Ends the worker; calls it held, and any later call, reject with `aborted`. */
  dispose(): void {
    this.disposed = true;
    this.stop(new SegmarkError('aborted', 'the assisted tools were closed'), true);
  }

  private stop(reason: SegmarkError, always: boolean): void {
    this.generation++;
    if (this.client && (always || this.owed > 0)) {
      this.client.terminate(reason);
      this.client = undefined;
      this.setOwed(0);
    }
    for (const slot of this.slots.values()) {
      const waiting = slot.waiting;
      slot.waiting = undefined;
      waiting?.reject(reason);
    }
  }

  private async startLatest<T>(key: string, slot: LatestSlot, ticket: number, fn: () => Promise<T>): Promise<T | undefined> {
    slot.running = true;
    try {
      const result = await fn();
      return ticket === slot.asked ? result : undefined;
    } catch (error) {
      if (ticket !== slot.asked) return undefined;
      throw error;
    } finally {
      slot.running = false;
      const next = slot.waiting;
      slot.waiting = undefined;
      if (next) this.startLatest(key, slot, next.ticket, next.run).then(next.resolve, next.reject);
      else if (this.slots.get(key) === slot) this.slots.delete(key);
    }
  }

  private async call<K extends Kind>(kind: K, payload: AssistCalls[K]['payload'], buffers: readonly ArrayBufferLike[], options: AssistCallOptions): Promise<AssistCalls[K]['result']> {
    if (this.disposed) throw new SegmarkError('aborted', 'the assisted tools were closed');
    const client = this.worker();
    if (!client) return this.here(kind, payload);
    this.setOwed(this.owed + 1);
    try {
      return await client.call(kind, payload, { transfer: options.keep ? [] : movable(buffers) });
    } finally {
      if (this.client === client) this.setOwed(this.owed - 1);
    }
  }

  /** Counts the calls the worker owes, telling `onBusy` when the count leaves or reaches 0. */
  private setOwed(n: number): void {
    const was = this.owed > 0;
    this.owed = n;
    if (was !== n > 0) this.options.onBusy?.(n > 0);
  }

  /** Runs a call on this thread, after yielding a task so that a `cancel` in between drops it. */
  private async here<K extends Kind>(kind: K, payload: AssistCalls[K]['payload']): Promise<AssistCalls[K]['result']> {
    const generation = this.generation;
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.disposed) throw new SegmarkError('aborted', 'the assisted tools were closed');
    if (generation !== this.generation) throw new SegmarkError('aborted', 'cancelled');
    const handler = ASSIST_HANDLERS[kind] as (payload: AssistCalls[K]['payload'], call: CallContext<undefined>) => AssistCalls[K]['result'];
    try {
      return handler(payload, HERE);
    } catch (error) {
      throw toSegmarkError(error, 'internal');
    }
  }

  private worker(): WorkerClient<AssistCalls> | undefined {
    if (this.client && !this.client.closed) return this.client;
    this.client = undefined;
    this.setOwed(0);
    if (this.sameThread) return undefined;
    try {
      const port = (this.options.createWorker ?? spawn)();
      this.client = new WorkerClient<AssistCalls>(port, {
        name: 'assist',
        deathCode: 'worker-failed',
        onDeath: (death) => {
          if (!death.started) this.refused = true;
        },
      });
    } catch {
      this.refused = true;
    }
    return this.client;
  }
}
