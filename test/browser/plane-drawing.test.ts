/**
 * Drawing on the sagittal and coronal views of the `mpr` layout with the
 * real mouse: the edit lands on every axial slice it crosses, exactly where
 * an independent rasterisation of the gesture in the test puts it, and the
 * whole gesture is one undo step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { ChangeDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { dice, fullestSlice, groundTruth, maskCentre } from './support/ground-truth.js';
import { frames, sampleFiles } from './support/sample.js';

type Point = [number, number];

let el: SegmarkAnnotator | undefined;
let filesCache: Promise<File[]> | undefined;
afterEach(() => {
  el?.remove();
  el = undefined;
});

interface Opened {
  a: SegmarkAnnotator;
  /** The disc's centre voxel. */
  column: number;
  row: number;
  k: number;
  view(plane: 'axial' | 'sagittal' | 'coronal'): SegmarkViewport;
  changes: ChangeDetail[];
  json(): string;
  /** Label 3's mask on axial slice k now. */
  axialMask(k: number): Uint8Array;
}

async function openMpr(): Promise<Opened> {
  const a = document.createElement('segmark-annotator');
  a.noAutosave = true;
  a.layout = 'mpr';
  el = a;
  a.style.cssText = 'width:1500px;height:800px';
  document.body.append(a);
  filesCache ??= sampleFiles();
  await a.loadFiles(await filesCache);
  const truth = await groundTruth();
  const { k, mask } = fullestSlice(truth, 3);
  const { column, row } = maskCentre(mask, truth.columns);
  a.slice = k;
  a.activeLabel = 3;
  a.applyPreset('spine');
  await a.updateComplete;
  await frames(3);
  const view = (plane: string) => a.shadowRoot!.querySelector<SegmarkViewport>(`segmark-viewport[data-plane=${plane}]`)!;
  // Shift+click on the axial view puts the sagittal and coronal planes through the disc's centre.
  const p = view('axial').imageToClient(column + 0.5, row + 0.5)!;
  await commands.pointerPath([[p.x, p.y]], { modifier: 'Shift' });
  await a.updateComplete;
  await frames(2);
  expect([view('sagittal').index, view('coronal').index]).toEqual([column, row]);
  const changes: ChangeDetail[] = [];
  a.addEventListener('segmark-change', (e) => changes.push(e.detail));
  const { columns, rows } = truth;
  return {
    a,
    column,
    row,
    k,
    view,
    changes,
    // The revision counts every change, undo included: compare the content.
    json: () => JSON.stringify({ ...a.getDocument(), review: undefined, revision: undefined, baseRevision: undefined }),
    axialMask(slice) {
      const r = a.getDocument()!.regions.find((e) => e.labelId === 3 && e.slice === slice);
      return rasterizeToMask({ rings: r ? r.rings : [] }, columns, rows);
    },
  };
}

/** Records the image points the view's tool receives (the pointer, mapped by the view) during a gesture. */
function recordSamples(view: SegmarkViewport): { samples: Point[]; stop(): void } {
  const samples: Point[] = [];
  const host = view.shadowRoot!.querySelector<HTMLElement>('.canvas-host')!;
  const on = (e: PointerEvent) => {
    if (e.type === 'pointermove' && e.buttons === 0) return;
    for (const s of e.getCoalescedEvents?.().length ? e.getCoalescedEvents() : [e]) {
      const p = view.clientToImage(s.clientX, s.clientY)!;
      samples.push([p.x, p.y]);
    }
  };
  host.addEventListener('pointerdown', on);
  host.addEventListener('pointermove', on);
  host.addEventListener('pointerup', on);
  return {
    samples,
    stop() {
      host.removeEventListener('pointerdown', on);
      host.removeEventListener('pointermove', on);
      host.removeEventListener('pointerup', on);
    },
  };
}

/** Client points along a straight line between two image points of a view. */
function clientLine(view: SegmarkViewport, from: Point, to: Point, n: number): Point[] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const p = view.imageToClient(from[0] + ((to[0] - from[0]) * i) / n, from[1] + ((to[1] - from[1]) * i) / n)!;
    return [p.x, p.y];
  });
}

/**
 * The test's own rasterisation of a brush stroke: pixel centres within the
 * ellipse radii (rx, ry) of the polyline through the samples. Returns 1
 * inside, 0 outside and 2 for centres within `band` of the edge (the tool's
 * polygon approximates the round ends there; either answer is right).
 */
function strokePixels(samples: Point[], rx: number, ry: number, columns: number, rows: number, band = 0.04): Uint8Array {
  const out = new Uint8Array(columns * rows);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const px = (x + 0.5) / rx;
      const py = (y + 0.5) / ry;
      let best = Infinity;
      for (let i = 0; i < samples.length; i++) {
        const [ax, ay] = [samples[i]![0] / rx, samples[i]![1] / ry];
        const [bx, by] = i + 1 < samples.length ? [samples[i + 1]![0] / rx, samples[i + 1]![1] / ry] : [ax, ay];
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
        best = Math.min(best, Math.hypot(ax + t * dx - px, ay + t * dy - py));
      }
      out[y * columns + x] = Math.abs(best - 1) < band ? 2 : best < 1 ? 1 : 0;
    }
  }
  return out;
}

/** Pixel centres inside a polygon (even–odd), 2 within `band` image pixels of an edge. */
function polygonPixels(ring: Point[], columns: number, rows: number, band = 0.05): Uint8Array {
  const out = new Uint8Array(columns * rows);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const [px, py] = [x + 0.5, y + 0.5];
      let inside = false;
      let near = Infinity;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
        const dx = xj - xi;
        const dy = yj - yi;
        const t = Math.max(0, Math.min(1, ((px - xi) * dx + (py - yi) * dy) / (dx * dx + dy * dy)));
        near = Math.min(near, Math.hypot(xi + t * dx - px, yi + t * dy - py));
      }
      out[y * columns + x] = near < band ? 2 : inside ? 1 : 0;
    }
  }
  return out;
}

/**
 * Compares every axial slice with the plane mask: on the plane's column (or
 * row) each voxel is as the plane mask says (2 = either), and every other
 * voxel is as it was before. Returns the slices the gesture reached.
 */
function expectPlaneOnAxial(
  s: Opened,
  plane: 'sagittal' | 'coronal',
  index: number,
  expected: Uint8Array,
  before: Map<number, Uint8Array>,
  columns: number,
  rows: number,
  slices: number,
): number[] {
  const across = plane === 'sagittal' ? rows : columns;
  const touched: number[] = [];
  let checked = 0;
  for (let k = 0; k < slices; k++) {
    const now = s.axialMask(k);
    const was = before.get(k)!;
    const y = slices - 1 - k;
    let any = false;
    for (let i = 0; i < columns * rows; i++) {
      const c = i % columns;
      const r = Math.floor(i / columns);
      const onPlane = plane === 'sagittal' ? c === index : r === index;
      if (!onPlane) {
        if (now[i] !== was[i]) expect.fail(`slice ${k}: voxel (${c}, ${r}) off the plane changed`);
        continue;
      }
      const want = expected[y * across + (plane === 'sagittal' ? r : c)]!;
      if (want === 1) any = true;
      if (want === 2) continue;
      checked++;
      if (now[i] !== want) expect.fail(`slice ${k}: voxel (${c}, ${r}) is ${now[i]}, the gesture says ${want}`);
    }
    if (any) touched.push(k);
  }
  expect(checked).toBeGreaterThan(1000);
  return touched;
}

describe('drawing on the sagittal and coronal views', () => {
  it('a brush stroke on sagittal across ten axial slices lands voxel for voxel on each; one undo restores the document', async () => {
    const s = await openMpr();
    const { a, column, row, k } = s;
    const v = a.getDocument()!.series;
    const volume = (a as unknown as { session: { volume: { columns: number; rows: number; slices: number; spacing: number[] } } }).session.volume;
    const { columns, rows, slices } = volume;
    expect(v.seriesInstanceUID).toBeTruthy();
    a.tool = 'brush';
    await a.updateComplete;
    const view = s.view('sagittal');
    const before = new Map(Array.from({ length: slices }, (_, j) => [j, s.axialMask(j)] as const));
    const j0 = s.json();
    // Across the disc, five slices above to five below its fullest slice.
    const y = slices - 1 - k;
    const from: Point = [row - 20.3, y - 5.2];
    const to: Point = [row + 20.6, y + 5.1];
    await commands.pointerMove(clientLine(view, from, from, 0)[0]!);
    const recording = recordSamples(view);
    await commands.pointerPath(clientLine(view, from, to, 24), { stepsPerSegment: 1 });
    recording.stop();
    await frames(2);
    // The brush is 5 mm across: radii in this plane's pixels (columns are rows of the volume, rows are slices).
    const rx = 2.5 / volume.spacing[1]!;
    const ry = 2.5 / volume.spacing[2]!;
    const expected = strokePixels(recording.samples, rx, ry, rows, slices);
    const touched = expectPlaneOnAxial(s, 'sagittal', column, expected, before, columns, rows, slices);
    expect(touched.length).toBeGreaterThanOrEqual(10);
    // One undo step for the whole stroke, announced per axial slice it changed.
    expect(new Set(s.changes.map((c) => c.kind))).toEqual(new Set(['draw']));
    expect(s.changes.map((c) => c.slice).sort((p, q) => p! - q!)).toEqual(touched);
    // Each touched (label, slice) says a person drew it.
    for (const slice of touched) {
      const entry = a.getDocument()!.regions.find((e) => e.labelId === 3 && e.slice === slice)!;
      expect(entry.origin).toBe('drawn');
    }
    const j1 = s.json();
    expect(a.undo()).toBe(true);
    expect(s.json()).toBe(j0);
    expect(a.undo()).toBe(false);
    expect(a.redo()).toBe(true);
    expect(s.json()).toBe(j1);
  });

  it('freehand on coronal: the traced outline fills every axial slice it crosses, exactly', async () => {
    const s = await openMpr();
    const { a, row, k } = s;
    const volume = (a as unknown as { session: { volume: { columns: number; rows: number; slices: number } } }).session.volume;
    const { columns, rows, slices } = volume;
    a.tool = 'freehand';
    await a.updateComplete;
    const view = s.view('coronal');
    const before = new Map(Array.from({ length: slices }, (_, j) => [j, s.axialMask(j)] as const));
    const j0 = s.json();
    const y = slices - 1 - k;
    // A triangle around the disc's level, traced along its edges and closed on its first corner.
    const corners: Point[] = [
      [s.column - 30.2, y + 4.3],
      [s.column + 28.7, y + 5.4],
      [s.column + 1.1, y - 6.6],
    ];
    const path = [
      ...clientLine(view, corners[0]!, corners[1]!, 20),
      ...clientLine(view, corners[1]!, corners[2]!, 20).slice(1),
      ...clientLine(view, corners[2]!, corners[0]!, 20).slice(1),
    ];
    const recording = recordSamples(view);
    await commands.pointerPath(path, { stepsPerSegment: 1 });
    recording.stop();
    await frames(2);
    // The outline the tool received: the pointer samples, closed (corners as the pointer reached them).
    const cornersSeen = [0, 20, 40].map((i) => recording.samples[Math.min(i, recording.samples.length - 1)]!);
    const expected = polygonPixels(cornersSeen, columns, slices, 0.35);
    const touched = expectPlaneOnAxial(s, 'coronal', row, expected, before, columns, rows, slices);
    expect(touched.length).toBeGreaterThanOrEqual(10);
    const j1 = s.json();
    expect(a.undo()).toBe(true);
    expect(s.json()).toBe(j0);
    expect(a.redo()).toBe(true);
    expect(s.json()).toBe(j1);
  });

  it('a locked label is not changed from sagittal, and a read-only annotator draws nothing there', async () => {
    const s = await openMpr();
    const { a, k } = s;
    const volume = (a as unknown as { session: { volume: { slices: number } } }).session.volume;
    a.tool = 'brush';
    const document = a.getDocument()!;
    const label = document.labels.find((l) => l.id === 3)!;
    (a as unknown as { session: { document: { updateLabel(id: number, p: object): void } } }).session.document.updateLabel(label.id, { locked: true });
    await a.updateComplete;
    const view = s.view('sagittal');
    const y = volume.slices - 1 - k;
    const j0 = s.json();
    await commands.pointerPath(clientLine(view, [s.row - 10, y - 3], [s.row + 10, y + 3], 10));
    await frames(2);
    expect(s.json()).toBe(j0);
    (a as unknown as { session: { document: { updateLabel(id: number, p: object): void } } }).session.document.updateLabel(label.id, { locked: false });
    a.readonly = true;
    await a.updateComplete;
    const j1 = s.json();
    await commands.pointerPath(clientLine(view, [s.row - 10, y - 3], [s.row + 10, y + 3], 10));
    await frames(2);
    expect(s.json()).toBe(j1);
    expect(s.changes.filter((c) => c.kind === 'draw')).toEqual([]);
  });

  it('outlines traced on sagittal and coronal are key shapes: Interpolate fills the disc between them', async () => {
    const s = await openMpr();
    const { a, column, row } = s;
    const truth = await groundTruth();
    const { columns, rows, slices } = truth;
    const n = columns * rows;
    a.tool = 'freehand';
    await a.updateComplete;
    // The disc's outline on each plane, from the ground truth, traced with the real mouse.
    for (const plane of ['sagittal', 'coronal'] as const) {
      const across = plane === 'sagittal' ? rows : columns;
      const cut = new Uint8Array(across * slices);
      for (let k = 0; k < slices; k++) {
        for (let x = 0; x < across; x++) {
          const i = k * n + (plane === 'sagittal' ? x * columns + column : row * columns + x);
          cut[(slices - 1 - k) * across + x] = truth.labels[i] === 3 ? 1 : 0;
        }
      }
      const ring = maskToRegion(cut, across, slices).rings.sort((p, q) => q.length - p.length)[0]!;
      const view = s.view(plane);
      const path: Point[] = [];
      for (let i = 0; i <= ring.length; i += 2) {
        const p = view.imageToClient(ring[i % ring.length]!, ring[(i + 1) % ring.length]!)!;
        path.push([p.x, p.y]);
      }
      await commands.pointerPath(path, { stepsPerSegment: 1 });
      await frames(2);
    }
    const drawnSlices = new Set(a.getDocument()!.regions.filter((e) => e.labelId === 3).map((e) => e.slice));
    expect(drawnSlices.size).toBeGreaterThanOrEqual(4);
    const filled = a.interpolate(3);
    // Every slice both outlines cross gets a shape (a slice only one of them reaches keeps its line).
    expect(filled.length).toBeGreaterThanOrEqual(4);
    for (const k of filled) expect(drawnSlices.has(k)).toBe(true);
    // Each filled slice against the disc's true cross-section there.
    const scores = filled.map((k) => {
      const mask = s.axialMask(k);
      const want = truth.labels.subarray(k * n, (k + 1) * n).map((v) => (v === 3 ? 1 : 0));
      return dice(mask, want);
    });
    const mean = scores.reduce((x, y) => x + y, 0) / scores.length;
    console.log(`two plane outlines → ${filled.length} slices, Dice mean ${mean.toFixed(3)}, min ${Math.min(...scores).toFixed(3)}`);
    expect(mean).toBeGreaterThan(0.8);
    // Interpolated outlines await acceptance, as ever.
    for (const k of filled) expect(a.getDocument()!.regions.find((e) => e.labelId === 3 && e.slice === k)!.verified).toBe(false);
  });
});
