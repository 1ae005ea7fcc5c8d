/**
 * Small files: 5,000 tiny DICOM files dropped on <segmark-annotator> at once
 * (issue 17, availability). Each file is one 16×16 CT image (Explicit VR
 * Little Endian, ≈ 0.9 kB), written here in setup (untimed) as in-memory
 * File objects; the bench series is not used. Two drops, each on a fresh
 * annotator (autosave on, as a user has it):
 *
 * - many_series: every file its own series (5,000 one-image series), the
 *   hostile case for the series list and its thumbnails;
 * - one_series: all 5,000 files one series (5,000 slices of 16×16).
 *
 * For each: `loadFiles` until it resolves (read, parsed, assembled, the
 * largest series loaded and shown), then 2 s more for what follows a load
 * (thumbnails of the other series, the list drawn). longest_task: the
 * longest the main thread was busy in one go over all of that (`taskProbe`,
 * a self-renewing 0 ms timeout, at most 4 ms above the longest task).
 * The drop is checked: every file read, the series as expected.
 */
import type { SegmarkAnnotator } from '../../../src/elements/segmark-annotator/segmark-annotator.js';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { delay, nextFrame, taskProbe, withTimeout } from '../util';
import { ctSlice } from '../../../test/node/support/ct-slice.js';
import { text } from '../../../test/node/support/dicom-bytes.js';

const FILES = 5000;
const SIZE = 16;
const AFTER_MS = 2000;
const ROOT = '1.2.826.0.1.3680043.2.1143.17';

/** One 16×16 CT image (Explicit VR Little Endian): a ramp plus a disc whose brightness depends on `k`. */
function tinyCt(series: number, k: number, sop: string, z: number): Uint8Array {
  const stored = new Int16Array(SIZE * SIZE);
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      const disc = (c - 7.5) ** 2 + (r - 7.5) ** 2 < 25 ? 300 + (k % 50) * 10 : 0;
      stored[r * SIZE + c] = 1000 + r * 10 + disc;
    }
  }
  return ctSlice({
    studyInstanceUID: `${ROOT}.1`,
    seriesInstanceUID: `${ROOT}.2.${series}`,
    sopInstanceUID: sop,
    seriesNumber: series,
    instanceNumber: k + 1,
    position: [-8, -8, z],
    rows: SIZE,
    columns: SIZE,
    stored,
    more: [
      text(0x0008103e, 'LO', `tiny ${series}`),
      text(0x00100010, 'PN', 'Bench^Small'),
      text(0x00100020, 'LO', 'SMALL17'),
      text(0x00200052, 'UI', `${ROOT}.3`),
    ],
  });
}

/** The drop: `n` files, each its own series or all one series. */
function drop(n: number, manySeries: boolean): File[] {
  return Array.from({ length: n }, (_, k) => {
    const series = manySeries ? k + 1 : 1;
    const bytes = tinyCt(series, k, `${ROOT}.4.${manySeries ? 1 : 2}.${k + 1}`, manySeries ? 0 : k);
    return new File([bytes as Uint8Array<ArrayBuffer>], `small/${String(k + 1).padStart(5, '0')}.dcm`, { type: 'application/dicom' });
  });
}

// ── the scenario ─────────────────────────────────────────────────────────

let drops: { many: File[]; one: File[] } | undefined;

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  try {
    await import('../../../src/index.js');
  } catch (error) {
    return { skip: `importing the annotator failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const n = ctx.warmup ? 100 : typeof ctx.params.files === 'number' ? ctx.params.files : FILES;
  drops = { many: drop(n, true), one: drop(n, false) };
  return {};
}

interface Annotator extends SegmarkAnnotator {
  loadFiles(files: File[]): Promise<void>;
}

async function measure(ctx: BenchContext, files: File[], expectSeries: number): Promise<{ longest: number; allMs: number; series: number }> {
  const a = document.createElement('segmark-annotator') as Annotator;
  a.style.cssText = 'display:grid;width:100%;height:100%';
  ctx.host.replaceChildren(a);
  await a.updateComplete;
  await nextFrame();
  const probe = taskProbe();
  const t0 = performance.now();
  await withTimeout(a.loadFiles(files), 300_000, 'loadFiles');
  const allMs = performance.now() - t0;
  await delay(AFTER_MS);
  const longest = probe.stop();
  const loader = (a as unknown as { loader: { items: unknown[]; candidates: { slices: unknown[] }[] } }).loader;
  const series = loader.items.length;
  const images = loader.candidates.reduce((n, c) => n + c.slices.length, 0);
  if (series !== expectSeries) throw new Error(`smallfiles: ${series} series listed, not ${expectSeries}`);
  if (images !== files.length) throw new Error(`smallfiles: ${images} images in the series, not ${files.length}`);
  return { longest, allMs, series };
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  if (!drops) throw new Error('smallfiles: setup() did not run');
  const many = await measure(ctx, drops.many, drops.many.length);
  ctx.host.replaceChildren();
  await delay(500);
  const one = await measure(ctx, drops.one, 1);
  ctx.host.replaceChildren();
  return {
    longestTaskMs: many.longest,
    allMs: many.allMs,
    oneSeriesLongestTaskMs: one.longest,
    oneSeriesAllMs: one.allMs,
    seriesListed: many.series,
  };
}

const scenario: PageScenario = { setup, load };
export default scenario;
