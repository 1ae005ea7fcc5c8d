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

const FILES = 5000;
const SIZE = 16;
const AFTER_MS = 2000;
const ROOT = '1.2.826.0.1.3680043.2.1143.17';

// ── a tiny Part 10 writer (Explicit VR Little Endian) ──────────────────────

type Element = [tag: number, vr: string, value: Uint8Array];
const LONG = new Set(['OB', 'OW', 'UN', 'SQ', 'UT']);
const ascii = new TextEncoder();

function str(tag: number, vr: string, s: string): Element {
  const padded = s.length % 2 ? s + (vr === 'UI' ? '\0' : ' ') : s;
  return [tag, vr, ascii.encode(padded)];
}

function us(tag: number, v: number): Element {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, true);
  return [tag, 'US', b];
}

function ul(tag: number, v: number): Element {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return [tag, 'UL', b];
}

function encode(elements: readonly Element[]): Uint8Array {
  const size = elements.reduce((n, [, vr, v]) => n + (LONG.has(vr) ? 12 : 8) + v.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [tag, vr, value] of elements) {
    view.setUint16(at, tag >>> 16, true);
    view.setUint16(at + 2, tag & 0xffff, true);
    out[at + 4] = vr.charCodeAt(0);
    out[at + 5] = vr.charCodeAt(1);
    if (LONG.has(vr)) {
      view.setUint32(at + 8, value.length, true);
      at += 12;
    } else {
      view.setUint16(at + 6, value.length, true);
      at += 8;
    }
    out.set(value, at);
    at += value.length;
  }
  return out;
}

/** One 16×16 CT image: a ramp plus a disc whose brightness depends on `k`. */
function tinyCt(series: number, k: number, sop: string, z: number): Uint8Array {
  const sopClass = '1.2.840.10008.5.1.4.1.1.2';
  const metaBody = encode([
    str(0x00020001, 'OB', '\0\x01'),
    str(0x00020002, 'UI', sopClass),
    str(0x00020003, 'UI', sop),
    str(0x00020010, 'UI', '1.2.840.10008.1.2.1'),
  ]);
  const meta = encode([ul(0x00020000, metaBody.length)]);
  const pixels = new Uint8Array(SIZE * SIZE * 2);
  const pv = new DataView(pixels.buffer);
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      const disc = (c - 7.5) ** 2 + (r - 7.5) ** 2 < 25 ? 300 + (k % 50) * 10 : 0;
      pv.setInt16((r * SIZE + c) * 2, 1000 + r * 10 + disc, true);
    }
  }
  const body = encode([
    str(0x00080016, 'UI', sopClass),
    str(0x00080018, 'UI', sop),
    str(0x00080060, 'CS', 'CT'),
    str(0x0008103e, 'LO', `tiny ${series}`),
    str(0x00100010, 'PN', 'Bench^Small'),
    str(0x00100020, 'LO', 'SMALL17'),
    str(0x0020000d, 'UI', `${ROOT}.1`),
    str(0x0020000e, 'UI', `${ROOT}.2.${series}`),
    str(0x00200011, 'IS', String(series)),
    str(0x00200013, 'IS', String(k + 1)),
    str(0x00200032, 'DS', `-8\\-8\\${z}`),
    str(0x00200037, 'DS', '1\\0\\0\\0\\1\\0'),
    str(0x00200052, 'UI', `${ROOT}.3`),
    us(0x00280002, 1),
    str(0x00280004, 'CS', 'MONOCHROME2'),
    us(0x00280010, SIZE),
    us(0x00280011, SIZE),
    str(0x00280030, 'DS', '1\\1'),
    us(0x00280100, 16),
    us(0x00280101, 16),
    us(0x00280102, 15),
    us(0x00280103, 1),
    str(0x00281052, 'DS', '-1024'),
    str(0x00281053, 'DS', '1'),
    [0x7fe00010, 'OW', pixels],
  ]);
  const file = new Uint8Array(132 + meta.length + metaBody.length + body.length);
  file.set(ascii.encode('DICM'), 128);
  file.set(meta, 132);
  file.set(metaBody, 132 + meta.length);
  file.set(body, 132 + meta.length + metaBody.length);
  return file;
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
