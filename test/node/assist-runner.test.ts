/**
 * The assist runner (src/core/assist/assist-runner.ts) with a stand-in worker
 * serving the real handlers of assist-worker.ts through the real worker
 * protocol: each kind gives what the direct function gives, arrays handed
 * over both ways; cancel ends a busy worker and the next call starts a fresh
 * one; a worker that dies fails its calls with worker-failed and is
 * replaced; this thread when workers are off or refused; runLatest drops
 * superseded previews without running them all.
 */
import { describe, expect, it } from 'vitest';
import { AssistRunner } from '../../src/core/assist/assist-runner.js';
import { ASSIST_HANDLERS, type AssistCalls } from '../../src/core/assist/assist-worker.js';
import type { BoxSpacing } from '../../src/core/assist/box.js';
import { BACKGROUND_SEED, growFromSeeds } from '../../src/core/assist/grow-from-seeds.js';
import { islands, margin, median, smooth } from '../../src/core/assist/morphology.js';
import { oneClickRegion, type OneClickOptions } from '../../src/core/assist/one-click.js';
import { SegmarkError } from '../../src/core/errors.js';
import type { CallMessage } from '../../src/core/util/worker-protocol.js';
import { FakeWorker, servingWorker } from './support/fake-worker.js';
import { box, phantom, voxelAt, type Ball } from './support/assist-phantoms.js';

const spacing: BoxSpacing = [0.8, 0.8, 1.5];
const b = box(40, 32, 16);
const balls: Ball[] = [
  { centre: [10, 12, 12], radiusMm: 7, hu: 200 },
  { centre: [22, 12, 12], radiusMm: 6, hu: 70 },
];
const values = phantom(b, spacing, balls, -50, 10, 3);

function seedsOf(): Uint8Array {
  const seeds = new Uint8Array(values.length);
  const mark = (at: readonly [number, number, number], label: number) => {
    const [c, r, k] = voxelAt(spacing, at);
    for (let d = -2; d <= 2; d++) seeds[(k * b.rows + r) * b.columns + c + d] = label;
  };
  mark([10, 12, 12], 1);
  mark([22, 12, 12], 2);
  mark([4, 22, 3], BACKGROUND_SEED);
  return seeds;
}

const click: OneClickOptions = { seed: voxelAt(spacing, [10, 12, 12]), min: 150, max: 300, radiusMm: 20, label: 3 };
/** Ball one, its label 3, and a stray voxel far from it (an island). */
const mask = (() => {
  const out = oneClickRegion(values, b, spacing, click).mask;
  out[(2 * b.rows + 28) * b.columns + 36] = 3;
  return out;
})();

/** A runner whose workers serve the real handlers; `made` counts them, `calls` the calls they received. */
function served(hooks: { call?: (message: CallMessage, worker: FakeWorker) => boolean; onBusy?: (busy: boolean) => void } = {}) {
  const made: FakeWorker[] = [];
  const calls: CallMessage[] = [];
  const runner = new AssistRunner({
    ...(hooks.onBusy ? { onBusy: hooks.onBusy } : {}),
    createWorker: () => {
      const worker = servingWorker<AssistCalls>(ASSIST_HANDLERS, 'internal', {
        call: (message, self) => {
          calls.push(message);
          return hooks.call?.(message, self) ?? true;
        },
      });
      made.push(worker);
      return worker.asWorker();
    },
  });
  return { runner, made, calls };
}

/** Every kind through `runner`, each checked against the direct function on copies. */
async function everyKind(runner: AssistRunner, handedOver: boolean): Promise<void> {
  const v = values.slice();
  const seeds = seedsOf();
  const grown = await runner.grow(v, b, spacing, seeds);
  const expected = growFromSeeds(values, b, spacing, seedsOf());
  expect(grown.labels).toEqual(expected.labels);
  expect(grown.counts).toEqual(expected.counts);
  expect(grown.counts[1]).toBeGreaterThan(100);
  expect(v.byteLength === 0 && seeds.byteLength === 0).toBe(handedOver);

  const region = await runner.oneClick(values.slice(), b, spacing, click);
  const direct = oneClickRegion(values, b, spacing, click);
  expect(region.voxels).toBe(direct.voxels);
  expect(region.voxels).toBeGreaterThan(100);
  expect(region.mask).toEqual(direct.mask);

  expect(await runner.islands(mask.slice(), b, spacing, { mode: 'keep-largest' })).toEqual(islands(mask, b, spacing, { mode: 'keep-largest' }));
  const clicked = { mode: 'keep-clicked', voxel: [36, 28, 2] } as const;
  const stray = await runner.islands(mask.slice(), b, spacing, clicked);
  expect(stray).toEqual(islands(mask, b, spacing, clicked));
  expect(stray.filter((x) => x !== 0)).toHaveLength(1);
  const closing = { kind: 'closing', radiusMm: 2 } as const;
  expect(await runner.smooth(mask.slice(), b, spacing, closing)).toEqual(smooth(mask, b, spacing, closing));
  expect(await runner.median(mask.slice(), b)).toEqual(median(mask, b));
  expect(await runner.margin(mask.slice(), b, spacing, 2.5)).toEqual(margin(mask, b, spacing, 2.5));
  expect(await runner.margin(mask.slice(), b, spacing, -1.6)).toEqual(margin(mask, b, spacing, -1.6));

  // keep: the caller's arrays are copied, not handed over.
  const kept = values.slice();
  const again = await runner.oneClick(kept, b, spacing, click, { keep: true });
  expect(kept).toEqual(values);
  expect(again.mask).toEqual(direct.mask);
}

describe('the assist runner', () => {
  it('runs each kind in its worker through the worker protocol, as the direct function, arrays handed over', async () => {
    const { runner, made, calls } = served();
    expect(runner.sameThread).toBe(false);
    await everyKind(runner, true);
    expect(made).toHaveLength(1); // one worker for the runner's life
    expect(calls.map((c) => c.kind)).toEqual(['grow', 'oneClick', 'islands', 'islands', 'smooth', 'median', 'margin', 'margin', 'oneClick']);
    runner.dispose();
    expect(made[0]!.terminated).toBe(true);
    await expect(runner.median(mask.slice(), b)).rejects.toMatchObject({ code: 'aborted' });
  });

  it('an error in the worker keeps its code; the worker serves on', async () => {
    const { runner, made } = served();
    const wrong = await runner.grow(values.slice(0, 10), b, spacing, seedsOf()).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(SegmarkError);
    expect(wrong).toMatchObject({ code: 'internal' });
    expect(await runner.median(mask.slice(), b)).toEqual(median(mask, b));
    expect(made).toHaveLength(1);
    runner.dispose();
  });

  it('cancel ends a busy worker: its calls reject with aborted, and the next call starts a fresh one; onBusy tells each change', async () => {
    // The first worker never answers, as one stuck in a long grow.
    const busy: boolean[] = [];
    const { runner, made } = served({ call: (_, worker) => made.indexOf(worker) !== 0, onBusy: (b) => busy.push(b) });
    const first = runner.grow(values.slice(), b, spacing, seedsOf());
    const second = runner.median(mask.slice(), b);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(busy).toEqual([true]);
    runner.cancel();
    expect(busy).toEqual([true, false]);
    await expect(first).rejects.toMatchObject({ code: 'aborted' });
    await expect(second).rejects.toMatchObject({ code: 'aborted' });
    expect(made[0]!.terminated).toBe(true);
    const grown = await runner.grow(values.slice(), b, spacing, seedsOf());
    expect(grown.labels).toEqual(growFromSeeds(values, b, spacing, seedsOf()).labels);
    expect(made).toHaveLength(2);
    expect(busy).toEqual([true, false, true, false]);
    // An idle worker is kept.
    runner.cancel();
    expect(made[1]!.terminated).toBe(false);
    expect(await runner.median(mask.slice(), b)).toEqual(median(mask, b));
    expect(made).toHaveLength(2);
    runner.dispose();
  });

  it('a worker that dies fails its calls with worker-failed; the next call gets a fresh worker', async () => {
    const { runner, made } = served({ call: (_, worker) => (made.indexOf(worker) === 0 ? (worker.crash('out of memory'), false) : true) });
    await expect(runner.grow(values.slice(), b, spacing, seedsOf())).rejects.toMatchObject({ code: 'worker-failed' });
    expect(runner.sameThread).toBe(false);
    const region = await runner.oneClick(values.slice(), b, spacing, click);
    expect(region.mask).toEqual(oneClickRegion(values, b, spacing, click).mask);
    expect(made).toHaveLength(2);
    runner.dispose();
  });

  it('runs on this thread with workers: false, the arrays left with the caller; cancel drops a call not yet started', async () => {
    const runner = new AssistRunner({ workers: false });
    expect(runner.sameThread).toBe(true);
    await everyKind(runner, false);
    const dropped = runner.median(mask.slice(), b);
    runner.cancel();
    await expect(dropped).rejects.toMatchObject({ code: 'aborted' });
    expect(await runner.median(mask.slice(), b)).toEqual(median(mask, b));
    await expect(runner.grow(values.slice(0, 10), b, spacing, seedsOf())).rejects.toMatchObject({ code: 'internal' });
    runner.dispose();
    await expect(runner.median(mask.slice(), b)).rejects.toMatchObject({ code: 'aborted' });
  });

  it('a worker that never starts (refused by a CSP, say) fails its call; later calls run on this thread', async () => {
    let made = 0;
    const runner = new AssistRunner({
      createWorker: () => {
        made++;
        const worker = new FakeWorker(() => undefined);
        setTimeout(() => worker.onerror?.(new Event('error')), 0);
        return worker.asWorker();
      },
    });
    await expect(runner.median(mask.slice(), b)).rejects.toMatchObject({ code: 'worker-failed' });
    expect(runner.sameThread).toBe(true);
    expect(await runner.median(mask.slice(), b)).toEqual(median(mask, b));
    expect(made).toBe(1);
  });

  it('runLatest: previews asked while one runs do not pile up; only the newest result is given', async () => {
    const { runner, calls } = served();
    const preview = (label: number) => {
      const seeds = seedsOf();
      seeds[0] = label; // tells the previews apart
      return runner.runLatest('grow', () => runner.grow(values.slice(), b, spacing, seeds));
    };
    const settled: string[] = [];
    const asks = [1, 2, 3, 4].map((label) => {
      const ask = preview(label);
      void ask.then(() => settled.push(`preview ${label}`));
      return ask;
    });
    const [first, second, third, fourth] = await Promise.all(asks);
    expect(first).toBeUndefined(); // superseded while it ran: dropped
    expect(second).toBeUndefined(); // superseded while waiting: never run
    expect(third).toBeUndefined();
    expect(fourth!.labels).toEqual(growFromSeeds(values, b, spacing, Object.assign(seedsOf(), { 0: 4 })).labels);
    expect(settled.slice(0, 2)).toEqual(['preview 2', 'preview 3']); // dropped at once, not after a run
    expect(calls.map((c) => (c.payload as AssistCalls['grow']['payload']).seeds[0])).toEqual([1, 4]);

    // Alone, an ask gets its result; a superseded one that fails is dropped too.
    expect((await runner.runLatest('grow', () => runner.median(mask.slice(), b)))!).toEqual(median(mask, b));
    const failing = runner.runLatest('grow', () => Promise.reject(new SegmarkError('internal', 'bad box')));
    const newer = runner.runLatest('grow', () => runner.median(mask.slice(), b));
    expect(await failing).toBeUndefined();
    expect(await newer).toEqual(median(mask, b));
    await expect(runner.runLatest('other', () => Promise.reject(new SegmarkError('internal', 'bad box')))).rejects.toMatchObject({ code: 'internal' });

    // cancel: a running ask alone rejects with aborted; a waiting one too, never run (the one it superseded is dropped).
    const before = calls.length;
    const alone = runner.runLatest('grow', () => runner.grow(values.slice(), b, spacing, seedsOf()));
    runner.cancel();
    await expect(alone).rejects.toMatchObject({ code: 'aborted' });
    const running = runner.runLatest('grow', () => runner.grow(values.slice(), b, spacing, seedsOf()));
    const waiting = runner.runLatest('grow', () => runner.grow(values.slice(), b, spacing, seedsOf()));
    runner.cancel();
    expect(await running).toBeUndefined();
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
    expect(calls.length).toBe(before);
    expect(await runner.runLatest('grow', () => runner.median(mask.slice(), b))).toEqual(median(mask, b));
    runner.dispose();
  });
});
