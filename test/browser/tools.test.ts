/**
 * The annotation tools driven by the real mouse and keyboard (Playwright's
 * input through Chromium's pipeline) on the sample series, checked against
 * the generator's ground-truth disc masks: livewire, polygon, brush, eraser,
 * freehand cut-away, the tool keys, undo steps and `segmark-change`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import { dice, fullestSlice, groundTruth, type Truth } from './support/ground-truth.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { Region } from '../../src/core/annotation/region.js';
import type { ChangeDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import type { AnnotationTool, AnnotationToolId, BrushTool, LivewireTool, PolygonTool } from '../../src/tools/index.js';
import { frames, sampleFiles } from './support/sample.js';

type Point = [number, number];



let filesCache: Promise<File[]> | undefined;



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
  changes: Pick<ChangeDetail, 'labelId' | 'slice' | 'kind'>[];
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
  // Annotation storage is tested on its own (autosave.test.ts); here every test starts clean.
  a.noAutosave = true;
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
  const changes: Pick<ChangeDetail, 'labelId' | 'slice' | 'kind'>[] = [];
  a.addEventListener('segmark-change', ({ detail: { labelId, slice, kind } }) => changes.push({ labelId, slice, kind }));
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
    // The region document: presses and edits count as activity in the review record's time, which is not under test here.
    json: () => JSON.stringify({ ...a.getDocument(), review: undefined, revision: undefined }),
    tool: <T extends AnnotationTool>(id: AnnotationToolId) => internals.annotations.tool(id) as T,
  };
}

function resultMask(s: Session): Uint8Array {
  return rasterizeToMask(s.region(), s.truth.columns, s.truth.rows);
}

/** Clicks a toolbar button with the real mouse (this also puts the keyboard focus inside the annotator). */
async function clickButton(s: Session, selector: string): Promise<void> {
  const button = s.a.shadowRoot!.querySelector<HTMLButtonElement>(selector)!;
  const r = button.getBoundingClientRect();
  await commands.pointerClicks([[r.left + r.width / 2, r.top + r.height / 2]]);
  await s.a.updateComplete;
}

/** Picks a tool the way a reader does: its toolbar button. */
async function pickTool(s: Session, id: AnnotationToolId): Promise<void> {
  await clickButton(s, `button[data-tool="${id}"]`);
  expect(s.a.tool).toBe(id);
}

/** The canvas's RGBA bytes at client points. */
function canvasPixels(s: Session, points: Point[]): number[][] {
  const canvas = s.viewport.shadowRoot!.querySelector('canvas')!;
  const ctx = canvas.getContext('2d')!;
  const rect = canvas.getBoundingClientRect();
  return points.map(([x, y]) => {
    const px = Math.floor(((x - rect.left) * canvas.width) / rect.width);
    const py = Math.floor(((y - rect.top) * canvas.height) / rect.height);
    return [...ctx.getImageData(px, py, 1, 1).data];
  });
}

/** A straight stroke in image pixels, as client points every `step` image pixels (the real mouse moves through each). */
function line(s: Session, from: Point, to: Point, step = 4): Point[] {
  const n = Math.max(1, Math.ceil(Math.hypot(to[0] - from[0], to[1] - from[1]) / step));
  return Array.from({ length: n + 1 }, (_, i) => s.client(from[0] + ((to[0] - from[0]) * i) / n, from[1] + ((to[1] - from[1]) * i) / n));
}

/** Brush radius in image pixels for a diameter in mm (the sample's pixels are square). */
function radiusPx(s: Session, mm: number): number {
  return mm / 2 / s.a.series!.spacing[0];
}

function capsuleArea(r: number, length: number): number {
  return 2 * r * length + Math.PI * r * r;
}

describe('livewire with the real mouse', () => {
  it('six anchors on the L3/L4 boundary, closed by clicking the first anchor, give Dice ≥ 0.95; Enter closes too', async () => {
    const s = await openOnDisc('window');
    await pickTool(s, 'livewire');
    const anchors = evenlySpaced(outerRing(s.mask, s.truth), 6).map((p) => s.client(p.x, p.y));
    const before = s.json();
    await commands.pointerClicks([...anchors, anchors[0]!]);
    await frames(2);
    const livewire = s.tool<LivewireTool>('livewire');
    expect(livewire.active).toBe(false);
    expect(livewire.status).toBe('changed');
    const score = dice(resultMask(s), s.mask);
    console.log(`livewire, 6 anchors on L3/L4, slice ${s.k}, closed on the first anchor: Dice ${score.toFixed(4)}`);
    expect(score).toBeGreaterThanOrEqual(0.95);
    expect(s.changes).toEqual([{ labelId: 3, slice: s.k, kind: 'draw' }]);

    // One undo step; then the same anchors closed with Enter from the keyboard.
    expect(s.a.undo()).toBe(true);
    expect(s.json()).toBe(before);
    await commands.pointerClicks(anchors);
    expect(livewire.anchors.length).toBe(12);
    await commands.keyPress(['Enter']);
    await frames(2);
    expect(livewire.active).toBe(false);
    const enterScore = dice(resultMask(s), s.mask);
    console.log(`livewire, 6 anchors on L3/L4, closed with Enter: Dice ${enterScore.toFixed(4)}`);
    expect(enterScore).toBeGreaterThanOrEqual(0.95);
    expect(s.changes).toEqual([
      { labelId: 3, slice: s.k, kind: 'draw' },
      { labelId: 3, slice: s.k, kind: 'undo' },
      { labelId: 3, slice: s.k, kind: 'draw' },
    ]);
  });
});

describe('polygon with the real mouse and keyboard', () => {
  it('20 clicks on the L3/L4 boundary and Enter give Dice ≥ 0.9', async () => {
    const s = await openOnDisc('window');
    await pickTool(s, 'polygon');
    const corners = evenlySpaced(outerRing(s.mask, s.truth), 20).map((p) => s.client(p.x, p.y));
    await commands.pointerClicks(corners);
    const polygon = s.tool<PolygonTool>('polygon');
    expect(polygon.vertices.length).toBe(40);
    expect(s.changes).toEqual([]);
    await commands.keyPress(['Enter']);
    await frames(2);
    expect(polygon.active).toBe(false);
    const score = dice(resultMask(s), s.mask);
    console.log(`polygon, 20 corners on L3/L4, slice ${s.k}, Enter: Dice ${score.toFixed(4)}`);
    expect(score).toBeGreaterThanOrEqual(0.9);
    expect(s.changes).toEqual([{ labelId: 3, slice: s.k, kind: 'draw' }]);
  });

  it('Backspace removes the last corner before closing: a stray click leaves no trace', async () => {
    const s = await openOnDisc('window');
    await pickTool(s, 'polygon');
    const points = evenlySpaced(outerRing(s.mask, s.truth), 20);
    const corners = points.map((p) => s.client(p.x, p.y));
    // Without the stray corner, as a reference.
    await commands.pointerClicks(corners);
    await commands.keyPress(['Enter']);
    const reference = s.region();
    expect(s.a.undo()).toBe(true);
    s.changes.length = 0;

    // A stray corner 25 px outside the disc, between the last corner and the first.
    const last = points.at(-1)!;
    const stray: Point = [last.x - 25 * last.nx, last.y - 25 * last.ny];
    await commands.pointerClicks([...corners, s.client(...stray)]);
    const polygon = s.tool<PolygonTool>('polygon');
    expect(polygon.vertices.length).toBe(42);
    await commands.keyPress(['Backspace']);
    expect(polygon.vertices.length).toBe(40);
    expect(s.changes).toEqual([]);
    await commands.keyPress(['Enter']);
    await frames(2);
    const result = resultMask(s);
    // Inside the spur the stray corner would have added (the triangle last corner, stray, first corner).
    const first = points[0]!;
    const spur = [Math.floor((last.x + stray[0] + first.x) / 3), Math.floor((last.y + stray[1] + first.y) / 3)] as const;
    expect(s.mask[spur[1] * s.truth.columns + spur[0]], 'the spur lies outside the disc').toBe(0);
    expect(result[spur[1] * s.truth.columns + spur[0]]).toBe(0);
    expect(s.region()).toEqual(reference);
    expect(dice(result, s.mask)).toBeGreaterThanOrEqual(0.9);
    expect(s.changes).toEqual([{ labelId: 3, slice: s.k, kind: 'draw' }]);
  });

  it('Escape abandons the outline: the document is unchanged and nothing is announced', async () => {
    const s = await openOnDisc('window');
    await pickTool(s, 'polygon');
    const before = s.json();
    const corners = evenlySpaced(outerRing(s.mask, s.truth), 8).map((p) => s.client(p.x, p.y));
    await commands.pointerClicks(corners);
    const polygon = s.tool<PolygonTool>('polygon');
    expect(polygon.active).toBe(true);
    await commands.keyPress(['Escape']);
    expect(polygon.active).toBe(false);
    expect(polygon.status).toBe('cancelled');
    // Enter afterwards closes nothing.
    await commands.keyPress(['Enter']);
    await frames(2);
    expect(s.json()).toBe(before);
    expect(s.a.getDocument()!.regions).toEqual([]);
    expect(s.changes).toEqual([]);
    expect(s.a.undo()).toBe(false);
  });
});

describe('brush and eraser with the real mouse', () => {
  it('a stroke adds the swept capsule, shown within two frames; an eraser stroke cuts it; each stroke is one undo step', async () => {
    const s = await openOnDisc('window');
    await pickTool(s, 'brush');
    const r = radiusPx(s, 5);
    expect(r).toBeCloseTo(3.2, 6);
    const { c0, c1, cy } = extent(s.mask, s.truth);
    const from: Point = [c0 - 3, cy];
    const to: Point = [c1 + 3, cy];
    const length = to[0] - from[0];
    const stroke = line(s, from, to);
    // Canvas pixels under the middle of the stroke, away from the footprint the preview draws at the pointer.
    const probes = Array.from({ length: 9 }, (_, i) => s.client(from[0] + (length * (i + 3)) / 14, cy));
    await commands.pointerMove(s.client(20, 20));
    await frames(2);
    const shown = canvasPixels(s, probes);
    const j0 = s.json();

    await commands.pointerPath(stroke, { stepsPerSegment: 2 });
    await frames(2);
    const after = canvasPixels(s, probes);
    const unchanged = probes.filter((_, i) => after[i]!.every((v, c) => v === shown[i]![c]));
    expect(unchanged, 'canvas pixels under the stroke still as before, two frames after the release').toEqual([]);

    const painted = s.region();
    const expected = capsuleArea(r, length);
    const area = polygonArea(painted);
    const pixels = count(resultMask(s));
    console.log(`brush 5 mm (r ${r.toFixed(2)} px), L ${length.toFixed(1)} px: polygon area ${area.toFixed(1)}, ${pixels} pixels, capsule ${expected.toFixed(1)}`);
    expect(Math.abs(area - expected) / expected).toBeLessThan(0.1);
    expect(Math.abs(pixels - expected) / expected).toBeLessThan(0.1);
    expect(s.changes).toEqual([{ labelId: 3, slice: s.k, kind: 'draw' }]);
    const j1 = s.json();

    // The eraser across the middle of the capsule: a 2r × 2r square goes, the capsule splits in two.
    await pickTool(s, 'eraser');
    const cx = (from[0] + to[0]) / 2;
    await commands.pointerPath(line(s, [cx, cy - 12], [cx, cy + 12]), { stepsPerSegment: 2 });
    await frames(2);
    const erased = s.region();
    const erasedArea = polygonArea(erased);
    console.log(`eraser 5 mm across it: polygon area ${erasedArea.toFixed(1)} (removed ${(area - erasedArea).toFixed(1)}, 4r² = ${(4 * r * r).toFixed(1)})`);
    expect(erasedArea).toBeLessThan(area);
    expect(Math.abs(area - erasedArea - 4 * r * r) / (4 * r * r)).toBeLessThan(0.1);
    expect(erased.rings).toHaveLength(2);
    expect(resultMask(s)[Math.floor(cy) * s.truth.columns + Math.floor(cx)]).toBe(0);
    expect(s.changes.at(-1)).toEqual({ labelId: 3, slice: s.k, kind: 'erase' });
    const j2 = s.json();

    // One undo step per stroke, restoring the exact documents; Ctrl+Z from the real keyboard too.
    expect(s.a.undo()).toBe(true);
    expect(s.json()).toBe(j1);
    await commands.keyPress(['Control+z']);
    expect(s.json()).toBe(j0);
    expect(s.a.undo()).toBe(false);
    expect(s.a.redo()).toBe(true);
    expect(s.json()).toBe(j1);
    expect(s.a.redo()).toBe(true);
    expect(s.json()).toBe(j2);
    expect(s.changes).toEqual(
      (['draw', 'erase', 'undo', 'undo', 'redo', 'redo'] as const).map((kind) => ({ labelId: 3, slice: s.k, kind })),
    );
  });
});

describe('freehand with Alt held', () => {
  it('cuts the traced loop away from the label', async () => {
    const s = await openOnDisc('window');
    await pickTool(s, 'freehand');
    const ring = outerRing(s.mask, s.truth);
    const outline: Point[] = [];
    for (let i = 0; i < ring.length; i += 2) outline.push(s.client(ring[i]!, ring[i + 1]!));
    await commands.pointerPath([...outline, outline[0]!], { stepsPerSegment: 2 });
    const drawn = resultMask(s);
    expect(dice(drawn, s.mask)).toBeGreaterThanOrEqual(0.98);

    // A rectangle over the left part of the disc, well beyond it above, below and to the left.
    const { c0, r0, r1, cx } = extent(s.mask, s.truth);
    const [x0, x1, y0, y1] = [c0 - 10, cx - 5, r0 - 10, r1 + 10];
    const corners: Point[] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
    const loop = corners.slice(1).flatMap((p, i) => line(s, corners[i]!, p, 2).slice(i === 0 ? 0 : 1));
    await commands.pointerPath(loop, { modifier: 'Alt' });
    await frames(2);
    const cut = resultMask(s);
    const rect = rasterizeToMask({ rings: [[x0, y0, x1, y0, x1, y1, x0, y1]] }, s.truth.columns, s.truth.rows);
    const expected = drawn.map((v, i) => (v && !rect[i] ? 1 : 0));
    let inside = 0;
    for (let y = Math.ceil(y0 + 1); y < y1 - 1; y++) for (let x = Math.ceil(x0 + 1); x < x1 - 1; x++) inside += cut[y * s.truth.columns + x]!;
    const score = dice(cut, expected);
    console.log(`freehand with Alt: ${count(drawn)} → ${count(cut)} pixels (expected ${count(expected)}), Dice ${score.toFixed(4)}`);
    expect(inside).toBe(0);
    expect(count(cut)).toBeLessThan(count(drawn));
    expect(score).toBeGreaterThanOrEqual(0.98);
    expect(s.changes).toEqual([
      { labelId: 3, slice: s.k, kind: 'draw' },
      { labelId: 3, slice: s.k, kind: 'erase' },
    ]);
  });
});

describe('tool keys from the real keyboard', () => {
  it("'b' picks the brush; '[' and ']' step its size: the footprint and the next stroke follow", async () => {
    const s = await openOnDisc('window');
    // Focus inside the annotator the way a reader gets it there: a click on one of its buttons.
    await clickButton(s, 'button[data-command="tool.window"]');
    expect(s.a.tool).toBe('window');
    await commands.keyPress(['b']);
    await s.a.updateComplete;
    expect(s.a.tool).toBe('brush');
    const brush = s.tool<BrushTool>('brush');
    const footprint = () => brush.preview(s.viewport.toolContext()!)!.circle!;
    const { c0, c1, cy } = extent(s.mask, s.truth);
    await commands.pointerMove(s.client(c0 - 20, cy - 20));
    expect(brush.size.mm).toBe(5);
    expect(footprint().rx).toBeCloseTo(radiusPx(s, 5), 6);

    await commands.keyPress([']']);
    expect(brush.size.mm).toBe(6);
    expect(footprint().rx).toBeCloseTo(radiusPx(s, 6), 6);
    await commands.keyPress(['[', '[']);
    expect(brush.size.mm).toBe(4);
    expect(footprint().rx).toBeCloseTo(radiusPx(s, 4), 6);
    expect(footprint().ry).toBeCloseTo(radiusPx(s, 4), 6);

    // A stroke at 4 mm, then ']' ×3 → 8 mm and a second stroke well apart: each adds its own capsule.
    const length = c1 - c0;
    await commands.pointerPath(line(s, [c0, cy - 8], [c1, cy - 8]), { stepsPerSegment: 2 });
    const first = polygonArea(s.region());
    await commands.keyPress([']', ']', ']']);
    expect(brush.size.mm).toBe(8);
    const r8 = radiusPx(s, 8);
    expect(footprint().rx).toBeCloseTo(r8, 6);
    await commands.pointerPath(line(s, [c0, cy + 8], [c1, cy + 8]), { stepsPerSegment: 2 });
    await frames(2);
    const second = polygonArea(s.region()) - first;
    console.log(`brush 4 mm stroke: ${first.toFixed(1)} px² (capsule ${capsuleArea(radiusPx(s, 4), length).toFixed(1)}); 8 mm: ${second.toFixed(1)} px² (capsule ${capsuleArea(r8, length).toFixed(1)})`);
    expect(Math.abs(first - capsuleArea(radiusPx(s, 4), length)) / capsuleArea(radiusPx(s, 4), length)).toBeLessThan(0.1);
    expect(Math.abs(second - capsuleArea(r8, length)) / capsuleArea(r8, length)).toBeLessThan(0.1);
    expect(s.a.getDocument()!.regions.filter((e) => e.labelId === 3)[0]!.rings).toHaveLength(2);
    expect(s.changes).toEqual([
      { labelId: 3, slice: s.k, kind: 'draw' },
      { labelId: 3, slice: s.k, kind: 'draw' },
    ]);
  });
});

describe('focus and tool changes (host-driven)', () => {
  it('clicking the image takes keyboard focus, so Enter closes a polygon even when a host input had focus', async () => {
    const host = document.createElement('input');
    host.value = 'hello';
    document.body.append(host);
    try {
      const a = document.createElement('segmark-annotator');
      // Annotation storage is tested on its own (autosave.test.ts); here every test starts clean.
      a.noAutosave = true;
      a.setAttribute('no-toolbar', '');
      a.style.cssText = 'display:grid;width:1000px;height:700px';
      document.body.append(a);
      await a.loadFiles(await sampleFiles());
      await frames(2);
      a.tool = 'polygon';
      a.activeLabel = 3;
      await frames(2);
      host.focus();
      const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
      const corners = [[150, 150], [230, 150], [230, 220], [150, 220]].map(([x, y]) => {
        const p = viewport.imageToClient(x!, y!)!;
        return [p.x, p.y] as [number, number];
      });
      await commands.pointerClicks(corners);
      await commands.keyPress(['Backspace', 'Enter']);
      expect(host.value).toBe('hello');
      const drawn = a.getDocument()!.regions.filter((r) => r.labelId === 3);
      expect(drawn).toHaveLength(1);
      a.remove();
    } finally {
      host.remove();
    }
  });

  it('setting the tool property abandons a half-done polygon', async () => {
    const a = document.createElement('segmark-annotator');
    // Annotation storage is tested on its own (autosave.test.ts); here every test starts clean.
    a.noAutosave = true;
    a.style.cssText = 'display:grid;width:1000px;height:700px';
    document.body.append(a);
    try {
      await a.loadFiles(await sampleFiles());
      await frames(2);
      a.tool = 'polygon';
      a.activeLabel = 3;
      await frames(2);
      const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
      const first = [[150, 150], [230, 150], [230, 220]].map(([x, y]) => {
        const p = viewport.imageToClient(x!, y!)!;
        return [p.x, p.y] as [number, number];
      });
      await commands.pointerClicks(first);
      a.tool = 'brush';
      await a.updateComplete;
      a.tool = 'polygon';
      await a.updateComplete;
      const internals = a as unknown as { annotations: { tool(id: string): { active?: boolean } } };
      expect(internals.annotations.tool('polygon').active).toBe(false);
      expect(a.getDocument()!.regions).toEqual([]);
    } finally {
      a.remove();
    }
  });
});

describe('pen and touch', () => {
  it('pen pressure scales the brush, and a touch stroke paints too', async () => {
    const a = document.createElement('segmark-annotator');
    // Annotation storage is tested on its own (autosave.test.ts); here every test starts clean.
    a.noAutosave = true;
    a.style.cssText = 'display:grid;width:1000px;height:700px';
    document.body.append(a);
    try {
      await a.loadFiles(await sampleFiles(10));
      await frames(2);
      a.tool = 'brush';
      a.activeLabel = 3;
      await frames(2);
      const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
      const host = viewport.shadowRoot!.querySelector<HTMLElement>('.canvas-host')!;
      const stroke = (y: number, pointerType: string, pressure: number, pointerId: number) => {
        const from = viewport.imageToClient(100, y)!;
        const to = viewport.imageToClient(200, y)!;
        const base = { bubbles: true, pointerType, pressure, pointerId, isPrimary: true, button: 0, buttons: 1 };
        host.dispatchEvent(new PointerEvent('pointerdown', { ...base, clientX: from.x, clientY: from.y }));
        for (let i = 1; i <= 10; i++) {
          const x = from.x + ((to.x - from.x) * i) / 10;
          host.dispatchEvent(new PointerEvent('pointermove', { ...base, clientX: x, clientY: from.y }));
        }
        host.dispatchEvent(new PointerEvent('pointerup', { ...base, buttons: 0, clientX: to.x, clientY: to.y }));
      };
      const area = () => {
        const r = a.getDocument()!.regions.find((x) => x.labelId === 3)!;
        return rasterizeToMask({ rings: r.rings }, 384, 384).reduce((s, v) => s + v, 0);
      };
      stroke(100, 'pen', 1, 11);
      const heavy = area();
      a.undo();
      stroke(100, 'pen', 0.2, 12);
      const light = area();
      expect(light).toBeGreaterThan(0);
      expect(heavy).toBeGreaterThan(light * 1.5);
      a.undo();
      stroke(200, 'touch', 0, 13);
      expect(area()).toBeGreaterThan(0);
    } finally {
      a.remove();
    }
  });
});
