/**
 * The annotation tools driven by the real mouse and keyboard (Playwright's
 * input through Chromium's pipeline) on the sample series, checked against
 * the generator's ground-truth disc masks: livewire, polygon, brush, eraser,
 * freehand cut-away, the tool keys, undo steps and `segmark-change`.
 */
import { gunzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { Region } from '../../src/core/annotation/region.js';
import type { ChangeDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import type { AnnotationTool, AnnotationToolId, BrushTool } from '../../src/tools/index.js';
import { frames, sampleFiles } from './support/sample.js';

type Point = [number, number];

interface Truth {
  columns: number;
  rows: number;
  slices: number;
  labels: Uint8Array;
}

let truthCache: Promise<Truth> | undefined;
function groundTruth(): Promise<Truth> {
  truthCache ??= (async () => {
    const meta = (await (await fetch('/sample-dicom/ground-truth/discs.json')).json()) as { dims: { columns: number; rows: number; slices: number } };
    const raw = new Uint8Array(await (await fetch('/sample-dicom/ground-truth/discs.u8.gz')).arrayBuffer());
    // The dev server may send .gz files with Content-Encoding: gzip, so the browser has already inflated them.
    const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    return { ...meta.dims, labels: bytes };
  })();
  return truthCache;
}

let filesCache: Promise<File[]> | undefined;

/** The slice where disc `label` covers the most pixels, and its mask there. */
function fullestSlice(t: Truth, label: number): { k: number; mask: Uint8Array } {
  const n = t.columns * t.rows;
  let best = 0;
  let bestCount = -1;
  for (let k = 0; k < t.slices; k++) {
    let count = 0;
    for (let i = k * n; i < (k + 1) * n; i++) if (t.labels[i] === label) count++;
    if (count > bestCount) [best, bestCount] = [k, count];
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = t.labels[best * n + i] === label ? 1 : 0;
  return { k: best, mask };
}

function dice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    both += x & y;
    sa += x;
    sb += y;
  }
  return (2 * both) / (sa + sb);
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v ? 1 : 0;
  return n;
}

/** Shoelace area of a region's rings (outer rings positive, holes negative, as the document stores them). */
function polygonArea(region: Region): number {
  let sum = 0;
  for (const ring of region.rings) {
    for (let i = 0; i < ring.length; i += 2) {
      const j = (i + 2) % ring.length;
      sum += ring[i]! * ring[j + 1]! - ring[j]! * ring[i + 1]!;
    }
  }
  return sum / 2;
}

/** The longest ring of the mask's pixel-edge outline (the outer boundary of one blob). */
function outerRing(mask: Uint8Array, t: Truth): number[] {
  const rings = maskToRegion(mask, t.columns, t.rows).rings;
  return rings.reduce((best, r) => (r.length > best.length ? r : best), rings[0]!);
}

/**
 * `n` points evenly spaced by arc length along a closed ring, each with the
 * unit normal pointing into the foreground (maskToRegion puts it on the right
 * of the walking direction, y down).
 */
function evenlySpaced(ring: number[], n: number): Array<{ x: number; y: number; nx: number; ny: number }> {
  const m = ring.length / 2;
  const lengths: number[] = [];
  let total = 0;
  for (let i = 0; i < m; i++) {
    const j = (i + 1) % m;
    const len = Math.hypot(ring[2 * j]! - ring[2 * i]!, ring[2 * j + 1]! - ring[2 * i + 1]!);
    lengths.push(len);
    total += len;
  }
  const out: Array<{ x: number; y: number; nx: number; ny: number }> = [];
  let i = 0;
  let start = 0;
  for (let s = 0; s < n; s++) {
    const at = (s * total) / n;
    while (start + lengths[i]! < at) start += lengths[i++]!;
    const j = (i + 1) % m;
    const [ax, ay, bx, by] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!];
    const f = lengths[i]! > 0 ? (at - start) / lengths[i]! : 0;
    const dx = (bx - ax) / lengths[i]!;
    const dy = (by - ay) / lengths[i]!;
    out.push({ x: ax + f * (bx - ax), y: ay + f * (by - ay), nx: -dy, ny: dx });
  }
  return out;
}

/** Bounding box and centroid of a mask. */
function extent(mask: Uint8Array, t: Truth): { c0: number; c1: number; r0: number; r1: number; cx: number; cy: number } {
  let [c0, c1, r0, r1, sx, sy, n] = [Infinity, -Infinity, Infinity, -Infinity, 0, 0, 0];
  for (let r = 0; r < t.rows; r++) {
    for (let c = 0; c < t.columns; c++) {
      if (!mask[r * t.columns + c]) continue;
      c0 = Math.min(c0, c);
      c1 = Math.max(c1, c + 1);
      r0 = Math.min(r0, r);
      r1 = Math.max(r1, r + 1);
      sx += c + 0.5;
      sy += r + 0.5;
      n++;
    }
  }
  return { c0, c1, r0, r1, cx: sx / n, cy: sy / n };
}

let el: SegmarkAnnotator | undefined;
afterEach(() => {
  el?.remove();
  el = undefined;
});

interface Session {
  a: SegmarkAnnotator;
  truth: Truth;
  k: number;
  mask: Uint8Array;
  viewport: SegmarkViewport;
  changes: ChangeDetail[];
  /** Client coordinates of an image point. */
  client(x: number, y: number): Point;
  /** The label-3 region on slice k in the document now. */
  region(): Region;
  json(): string;
  tool<T extends AnnotationTool = AnnotationTool>(id: AnnotationToolId): T;
}

/** Opens the sample on the slice where L3/L4 (label 3) is fullest, with the spine window and label 3 active. */
async function openOnDisc(tool: SegmarkAnnotator['tool']): Promise<Session> {
  const a = document.createElement('segmark-annotator');
  el = a;
  a.style.cssText = 'display:grid;width:1100px;height:760px';
  document.body.append(a);
  filesCache ??= sampleFiles();
  await a.loadFiles(await filesCache);
  const truth = await groundTruth();
  const { k, mask } = fullestSlice(truth, 3);
  a.slice = k;
  a.activeLabel = 3;
  a.tool = tool;
  a.applyPreset('spine');
  await a.updateComplete;
  await frames(3);
  const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
  const changes: ChangeDetail[] = [];
  a.addEventListener('segmark-change', (e) => changes.push(e.detail));
  const internals = a as unknown as { annotations: { tool(id: AnnotationToolId): AnnotationTool } };
  return {
    a,
    truth,
    k,
    mask,
    viewport,
    changes,
    client(x, y) {
      const p = viewport.imageToClient(x, y)!;
      return [p.x, p.y];
    },
    region() {
      const r = a.getDocument()!.regions.find((e) => e.labelId === 3 && e.slice === k);
      return { rings: r ? r.rings : [] };
    },
    json: () => JSON.stringify(a.getDocument()),
    tool: <T extends AnnotationTool>(id: AnnotationToolId) => internals.annotations.tool(id) as T,
  };
}

function resultMask(s: Session): Uint8Array {
  return rasterizeToMask(s.region(), s.truth.columns, s.truth.rows);
}

/** Where the viewport's focus is: the annotator hears keys from the element in it that has focus. */
function focused(s: Session): Element | null {
  return s.a.shadowRoot!.activeElement;
}

describe('probe', () => {
  it('polygon with the real keyboard', async () => {
    const s = await openOnDisc('polygon');
    const ring = outerRing(s.mask, s.truth);
    const pts = evenlySpaced(ring, 20).map((p) => s.client(p.x, p.y));
    console.log('focus before', focused(s)?.tagName, document.activeElement?.tagName);
    await commands.pointerClicks(pts);
    console.log('focus after', focused(s)?.tagName, document.activeElement?.tagName);
    await commands.keyPress(['Enter']);
    await frames(2);
    console.log('dice', dice(resultMask(s), s.mask), JSON.stringify(s.changes));
  });
  it('focus probe', async () => {
    const s = await openOnDisc('window');
    const b = document.createElement('button');
    b.textContent = 'x';
    b.style.cssText = 'position:fixed;left:0;top:0;width:50px;height:30px';
    document.body.append(b);
    await commands.pointerClicks([[20, 15]]);
    console.log('after button click', document.activeElement?.tagName, document.hasFocus());
    b.remove();
    s.a.tool = 'polygon';
    await s.a.updateComplete;
    s.viewport.focus();
    console.log('after focus()', focused(s)?.tagName, document.activeElement?.tagName, document.hasFocus());
    const ring = outerRing(s.mask, s.truth);
    const pts = evenlySpaced(ring, 20).map((p) => s.client(p.x, p.y));
    await commands.pointerClicks(pts);
    console.log('after clicks', focused(s)?.tagName, document.activeElement?.tagName, document.hasFocus());
    window.addEventListener('keydown', (e) => console.log('keydown', e.key, (e.composedPath()[0] as Element).tagName), true);
    await commands.keyPress(['Enter']);
    await frames(2);
    console.log('dice', dice(resultMask(s), s.mask), JSON.stringify(s.changes));
  });
});
