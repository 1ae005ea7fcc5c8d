/**
 * Annotate: the annotation work of issue 3 on one 512×512 slice, in the page
 * (real Chromium, the project's modules through vite). Synthetic and seeded,
 * so every run does the same work; the series files are not used.
 *
 * - commit: a 1,000-vertex wavy outline united with the region the slice
 *   already has (REGION_OPS.union, then the document's setRegion with
 *   REGION_OPS), the labelmap slice rebuilt (LabelmapSlices.slice after the
 *   invalidate the document's change announces, as the annotator wires it),
 *   and the overlay drawn (LabelOverlay.draw: RGBA bitmap rebuild + outline)
 *   on a detached 1024×768 2D canvas. Two outlines alternate, and each commit
 *   is undone (untimed), so every commit unites with the same existing region
 *   and changes it. The overlay part (commitDrawMs) includes the canvas flush
 *   (commitDrawFlushMs). One animation frame passes between commits, as
 *   between two strokes in the app.
 * - brush: BrushTool (10 mm at 0.7 mm pixels), per pointer move tool.move +
 *   tool.preview + LabelOverlay.draw with that preview, 200 moves.
 * - livewire: LivewireTool after prepare() and a first anchor click, per
 *   pointer move tool.move + tool.preview, 200 positions along the edge of a
 *   bright disc on a CT-like slice (HU, window 50/350).
 * - interpolate: interpolateKeySlices with two 512² key masks 21 slices
 *   apart (20 slices between), disc-like shapes ~240 and ~340 px across.
 *
 * Canvas work in Chromium is deferred until the canvas is read or shown; every
 * timed draw ends with a 1-pixel getImageData, so the rasterisation a frame
 * would pay is inside the measured time.
 */
import type { AnnotationDocument } from '../../../src/core/annotation/document.js';
import type { LabelmapSlices } from '../../../src/core/annotation/labelmap.js';
import type { Region, Ring } from '../../../src/core/annotation/region.js';
import type { AnnotationTool, ToolContext, ToolPointer } from '../../../src/tools/annotation-tool.js';
import type { LabelOverlay } from '../../../src/viewer/label-overlay.js';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { median, percentile } from '../util';

type Modules = Awaited<ReturnType<typeof importModules>>;
type Matrix = [number, number, number, number, number, number];

const SIZE = 512;
/** L4/L5 disc in the lumbar template (a filled label). */
const LABEL = 4;
const SPACING: [number, number] = [0.7, 0.7];
const WINDOW = { center: 50, width: 350 };
/** A 512² slice fitted into the 1024×768 host: 1.5 canvas px per image px, centred. */
const SCALE = 1.5;
const MATRIX: Matrix = [SCALE, 0, 0, SCALE, (1024 - SIZE * SCALE) / 2, (768 - SIZE * SCALE) / 2];

const OUTLINE_VERTICES = 1000;
const COMMITS = 50;
/**
 * Untimed commits first, as the brush and livewire parts warm up too: Clipper's
 * union only reaches optimised code after some twenty calls (≈ 3× faster than
 * the first ones). In the app, brush frames and earlier edits have warmed it.
 */
const WARM_COMMITS = 20;
const MOVES = 200;
const BRUSH_MM = 10;
const INTERPOLATE_GAP = 21;
const INTERPOLATE_RUNS = 5;

function importModules() {
  return Promise.all([
    import('../../../src/core/annotation/document.js'),
    import('../../../src/core/annotation/labelmap.js'),
    import('../../../src/core/annotation/labels.js'),
    import('../../../src/core/annotation/templates.js'),
    import('../../../src/core/annotation/region-ops.js'),
    import('../../../src/core/annotation/interpolate.js'),
    import('../../../src/viewer/label-overlay.js'),
    import('../../../src/tools/index.js'),
    import('../../../src/viewer/reformat-labels.js'),
    import('../../../src/core/annotation/plane-edit.js'),
  ]).then(([document, labelmap, labels, templates, ops, interpolate, overlay, tools, reformat, planeEdit]) => ({
    AnnotationDocument: document.AnnotationDocument,
    LabelmapSlices: labelmap.LabelmapSlices,
    labelsFromTemplate: labels.labelsFromTemplate,
    LUMBAR_SPINE_TEMPLATE: templates.LUMBAR_SPINE_TEMPLATE,
    REGION_OPS: ops.REGION_OPS,
    normalizeRegion: ops.normalizeRegion,
    interpolateKeySlices: interpolate.interpolateKeySlices,
    LabelOverlay: overlay.LabelOverlay,
    createTool: tools.createTool,
    ReformatLabels: reformat.ReformatLabels,
    PlaneDocument: planeEdit.PlaneDocument,
  }));
}

let modules: Modules | undefined;

// ── synthetic, seeded inputs ─────────────────────────────────────────────

/** A small deterministic PRNG (LCG), 0 ≤ value < 1 (as the unit tests use). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

interface BlobShape {
  cx: number;
  cy: number;
  radius: number;
  /** Radial waves: [amplitude px, frequency, phase]. */
  waves: readonly (readonly [number, number, number])[];
}

function blobRadius(b: BlobShape, angle: number): number {
  let r = b.radius;
  for (const [a, f, p] of b.waves) r += a * Math.sin(f * angle + p);
  return r;
}

/** A closed wavy ring of `n` vertices around a disc-like shape. */
function blobRing(b: BlobShape, n: number): Ring {
  const ring: Ring = [];
  for (let j = 0; j < n; j++) {
    const angle = (2 * Math.PI * j) / n;
    const r = blobRadius(b, angle);
    ring.push(b.cx + r * Math.cos(angle), b.cy + r * Math.sin(angle));
  }
  return ring;
}

/** Mask (pixel-centre rule) of the inside of a blob. */
function blobMask(b: BlobShape): Uint8Array {
  const mask = new Uint8Array(SIZE * SIZE);
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      const dx = c + 0.5 - b.cx;
      const dy = r + 0.5 - b.cy;
      if (Math.hypot(dx, dy) < blobRadius(b, Math.atan2(dy, dx))) mask[r * SIZE + c] = 1;
    }
  }
  return mask;
}

/** The disc the CT-like slice shows, and the livewire follows. */
const CT_DISC = { cx: 250.5, cy: 260.2, radius: 150 };

/**
 * A CT-like slice in HU: air (−1000) around a soft-tissue body ellipse
 * (−40 HU) holding a bright disc (+100 HU) with partial volume at its edge
 * (4×4 samples per pixel), plus noise of σ ≈ 15 HU.
 */
function ctSlice(seed: number): Int16Array {
  const rand = random(seed);
  const hu = new Int16Array(SIZE * SIZE);
  const { cx, cy, radius } = CT_DISC;
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      const body = ((c + 0.5 - 256) / 245) ** 2 + ((r + 0.5 - 256) / 215) ** 2 < 1;
      let value = -1000;
      if (body) {
        let hits = 0;
        for (let k = 0; k < 16; k++) {
          const x = c + ((k % 4) + 0.5) / 4 - cx;
          const y = r + (Math.floor(k / 4) + 0.5) / 4 - cy;
          if (x * x + y * y < radius * radius) hits++;
        }
        value = -40 + (140 * hits) / 16;
      }
      hu[r * SIZE + c] = Math.round(value + (rand() + rand() + rand() - 1.5) * 30);
    }
  }
  return hu;
}

let clock = 10_000;
function pointer(x: number, y: number, fresh = false): ToolPointer {
  if (fresh) clock += 1000; // far apart in time: never a double click
  return { x, y, pressure: 0.5, pointerType: 'mouse', shiftKey: false, altKey: false, ctrlKey: false, time: clock };
}

// ── shared pieces ────────────────────────────────────────────────────────

interface Scene {
  doc: AnnotationDocument;
  labelmap: LabelmapSlices;
  overlay: LabelOverlay;
  /** The canvas the overlay draws on: 1024×768, never attached (no compositing). */
  ctx: CanvasRenderingContext2D;
}

/** A document on a 512² × `slices` series with the lumbar labels, wired like the annotator wires it. */
function scene(m: Modules, slices = 3): Scene {
  const doc = new m.AnnotationDocument({
    series: {
      studyInstanceUID: '1.2.826.0.1.3680043.2.1143.1',
      seriesInstanceUID: '1.2.826.0.1.3680043.2.1143.1.1',
      sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.2.826.0.1.3680043.2.1143.1.1.${k + 1}`),
      rows: SIZE,
      columns: SIZE,
      slices,
    },
    ops: m.REGION_OPS,
    labels: m.labelsFromTemplate(m.LUMBAR_SPINE_TEMPLATE),
  });
  const labelmap = new m.LabelmapSlices(doc, SIZE, SIZE, slices);
  doc.subscribe((change) => labelmap.invalidate(change.slice));
  const overlay = new m.LabelOverlay(doc, labelmap);
  const canvas = document.createElement('canvas');
  canvas.width = 1024;
  canvas.height = 768;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('annotate: no 2D canvas context');
  return { doc, labelmap, overlay, ctx };
}

/** Forces the canvas's deferred drawing to run now (what showing the frame would cost). */
function flush(ctx: CanvasRenderingContext2D): void {
  ctx.getImageData(0, 0, 1, 1);
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

function clear(ctx: CanvasRenderingContext2D): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  flush(ctx);
}

function vertices(region: Region): number {
  return region.rings.reduce((n, r) => n + r.length / 2, 0);
}

// ── the four measurements ────────────────────────────────────────────────

/** The region the slice already has, and the two outlines committed onto it in turn. */
const EXISTING: BlobShape = { cx: 236, cy: 258, radius: 100, waves: [[5, 6, 0.4], [2, 17, 1.1]] };
const OUTLINES: readonly BlobShape[] = [
  { cx: 264, cy: 250, radius: 108, waves: [[6, 7, 0], [3, 19, 0.7], [1.2, 41, 2.1]] },
  { cx: 252, cy: 266, radius: 114, waves: [[5, 9, 1.3], [3, 23, 0.2], [1.5, 37, 2.9]] },
];

async function measureCommit(m: Modules, commits: number): Promise<Metrics> {
  const { doc, labelmap, overlay, ctx } = scene(m);
  const k = 1;
  doc.setRegion(LABEL, k, m.normalizeRegion({ rings: [blobRing(EXISTING, OUTLINE_VERTICES)] }), { kind: 'draw' });
  overlay.draw(ctx, k, MATRIX, LABEL, undefined);
  const outlines = OUTLINES.map((b) => ({ rings: [blobRing(b, OUTLINE_VERTICES)] }));
  let firstMs: number | null = null;
  const existing = doc.regionAt(LABEL, k);
  const total: number[] = [];
  const ops: number[] = [];
  const raster: number[] = [];
  const draw: number[] = [];
  const paint: number[] = [];
  let resultVertices = 0;
  // The first WARM_COMMITS run on cold code (reported apart as commitFirstMs); the rest are measured.
  for (let i = -WARM_COMMITS; i < commits; i++) {
    const outline = outlines[(i + WARM_COMMITS) % outlines.length]!;
    clear(ctx);
    const t0 = performance.now();
    const united = m.REGION_OPS.union(doc.regionAt(LABEL, k), outline);
    doc.setRegion(LABEL, k, united, { kind: 'draw', label: 'Freehand L4/L5 disc' });
    const t1 = performance.now();
    labelmap.slice(k);
    const t2 = performance.now();
    overlay.draw(ctx, k, MATRIX, LABEL, undefined);
    const t3 = performance.now();
    flush(ctx);
    const t4 = performance.now();
    if (i === -WARM_COMMITS) firstMs = t4 - t0;
    if (i >= 0) {
      total.push(t4 - t0);
      ops.push(t1 - t0);
      raster.push(t2 - t1);
      draw.push(t4 - t2);
      paint.push(t4 - t3);
    }
    resultVertices = vertices(doc.regionAt(LABEL, k));
    // Back to the existing region, so the next commit changes the slice again.
    doc.undo();
    if (doc.regionAt(LABEL, k) !== existing) throw new Error('annotate: undo did not restore the existing region');
    // A commit ends a stroke, and a stroke lasts frames: give the page the frame between two
    // commits that the app always has (back to back, one commit's garbage is collected in the next).
    await nextFrame();
  }
  return {
    commitMs: median(total),
    commitP95Ms: percentile(total, 95),
    commitMaxMs: total.length ? Math.max(...total) : null,
    commitOpsMs: median(ops),
    commitRasterMs: median(raster),
    commitDrawMs: median(draw),
    commitDrawFlushMs: median(paint),
    commitFirstMs: firstMs,
    commitCount: total.length,
    commitExistingVertices: vertices(existing),
    commitResultVertices: resultVertices,
  };
}

/** The brush path: left to right across the disc, with a slow vertical wave (as the unit test's). */
function brushPath(i: number): [number, number] {
  return [100 + i * 1.5, 200 + 40 * Math.sin(i / 15)];
}

function measureBrush(m: Modules, values: Int16Array, moves: number): Metrics {
  const { doc, overlay, ctx } = scene(m);
  const k = 2;
  doc.setRegion(LABEL, k, m.normalizeRegion({ rings: [blobRing(EXISTING, OUTLINE_VERTICES)] }), { kind: 'draw' });
  const context: ToolContext = {
    document: doc, labelId: LABEL, slice: k, columns: SIZE, rows: SIZE,
    pixelSpacing: SPACING, values, window: WINDOW, screenScale: SCALE,
  };
  const tool = m.createTool('brush', { size: BRUSH_MM });
  const stroke = (): number[] => {
    const times: number[] = [];
    const [x0, y0] = brushPath(0);
    tool.down(pointer(x0, y0, true), context);
    overlay.draw(ctx, k, MATRIX, LABEL, tool.preview(context));
    for (let i = 1; i <= moves; i++) {
      const [x, y] = brushPath(i);
      clear(ctx);
      const t0 = performance.now();
      tool.move(pointer(x, y), context);
      const preview = tool.preview(context);
      overlay.draw(ctx, k, MATRIX, LABEL, preview);
      flush(ctx);
      times.push(performance.now() - t0);
    }
    return times;
  };
  // The first stroke of the page runs on cold code; the second, identical one is the one reported.
  const cold = stroke();
  tool.cancel(context);
  const times = stroke();
  const [xn, yn] = brushPath(moves);
  const t0 = performance.now();
  tool.up(pointer(xn, yn), context);
  const commit = performance.now() - t0;
  if (tool.status !== 'changed') throw new Error(`annotate: the brush stroke did not change the region (${String(tool.status)})`);
  return {
    brushP95Ms: percentile(times, 95),
    brushP50Ms: percentile(times, 50),
    brushMaxMs: times.length ? Math.max(...times) : null,
    brushColdP95Ms: percentile(cold, 95),
    brushCommitMs: commit,
    brushRadiusPx: BRUSH_MM / 2 / SPACING[1],
  };
}

/** A point near the disc's edge at `angle`, jittered by up to ±1.5 px (a hand following the edge). */
function edgePoint(angle: number, jitter: () => number): [number, number] {
  const { cx, cy, radius } = CT_DISC;
  return [cx + radius * Math.cos(angle) + (jitter() - 0.5) * 3, cy + radius * Math.sin(angle) + (jitter() - 0.5) * 3];
}

function measureLivewire(m: Modules, values: Int16Array, moves: number): Metrics {
  const { doc } = scene(m);
  const context: ToolContext = {
    document: doc, labelId: LABEL, slice: 1, columns: SIZE, rows: SIZE,
    pixelSpacing: SPACING, values, window: WINDOW, screenScale: SCALE,
  };
  const trace = (tool: AnnotationTool, from: number, count: number): number[] => {
    const jitter = random(11);
    const [ax, ay] = edgePoint(from, () => 0.5);
    tool.down(pointer(ax, ay, true), context);
    tool.up(pointer(ax, ay), context);
    const times: number[] = [];
    // Half way round the disc from the anchor, as the mouse would go before the next click.
    for (let i = 1; i <= count; i++) {
      const [x, y] = edgePoint(from + (i / count) * Math.PI, jitter);
      const t0 = performance.now();
      tool.move(pointer(x, y), context);
      const preview = tool.preview(context);
      times.push(performance.now() - t0);
      if (!preview?.path || preview.path.length < 4) throw new Error('annotate: livewire gave no path');
    }
    tool.cancel(context);
    return times;
  };
  // Warm the code on another tool (its own cost images), on the other half of the disc.
  const warm = m.createTool('livewire');
  warm.prepare(context);
  trace(warm, Math.PI, Math.min(moves, 50));
  const tool = m.createTool('livewire');
  const t0 = performance.now();
  tool.prepare(context);
  const prepareMs = performance.now() - t0;
  const times = trace(tool, 0, moves);
  return {
    livewireP95Ms: percentile(times, 95),
    livewireP50Ms: percentile(times, 50),
    livewireMaxMs: times.length ? Math.max(...times) : null,
    livewirePrepareMs: prepareMs,
  };
}

function measureInterpolate(m: Modules, runs: number): Metrics {
  const a = blobMask({ cx: 200, cy: 260, radius: 120, waves: [[4, 5, 0.3], [2, 11, 1.7]] });
  const b = blobMask({ cx: 290, cy: 250, radius: 170, waves: [[6, 4, 2.2], [2.5, 13, 0.5]] });
  const keys = new Map([[0, a], [INTERPOLATE_GAP, b]]);
  const options = { spacing: SPACING };
  let t0 = performance.now();
  const first = m.interpolateKeySlices(keys, SIZE, SIZE, undefined, options);
  const firstMs = performance.now() - t0;
  if (first.regions.size !== INTERPOLATE_GAP - 1) throw new Error(`annotate: interpolation gave ${first.regions.size} slices`);
  const times: number[] = [];
  for (let n = 0; n < runs; n++) {
    t0 = performance.now();
    m.interpolateKeySlices(keys, SIZE, SIZE, undefined, options);
    times.push(performance.now() - t0);
  }
  return {
    interpolateMs: median(times),
    interpolateBestMs: times.length ? Math.min(...times) : null,
    interpolateFirstMs: firstMs,
    interpolateSlices: first.regions.size,
  };
}

/** The reformats' series: 300 slices of 512², five discs of 7 slices each (lumbar labels 3…7). */
const MPR_SLICES = 300;
const MPR_DISCS = [3, 4, 5, 6, 7];
const MPR_CUT = SIZE / 2;

/**
 * mpr: an axial edit shown on the sagittal and coronal reformats. After a
 * committed outline on one disc slice (untimed, as the axial path is measured
 * above), the time to draw the labels on both reformats: the changed slice's
 * row of each cut taken again (its labelmap slice rasterised), the label
 * bitmap repainted, and both drawn onto a 1024×768 canvas and flushed.
 */
function measureReformat(m: Modules, runs: number): Metrics {
  const { doc, ctx } = scene(m, MPR_SLICES);
  const labelmap = new m.LabelmapSlices(doc, SIZE, SIZE, MPR_SLICES);
  doc.subscribe((change) => labelmap.invalidate(change.slice));
  const reformats = new m.ReformatLabels(doc, labelmap);
  const discSlices: [label: number, slice: number][] = [];
  MPR_DISCS.forEach((label, i) => {
    for (let j = 0; j < 7; j++) {
      const slice = 40 + i * 50 + j;
      doc.setRegion(label, slice, { rings: [blobRing({ cx: 256, cy: 240, radius: 90 + 4 * j, waves: [[6, 3, i]] }, 200)] }, { kind: 'draw' });
      discSlices.push([label, slice]);
    }
  });
  // 512 wide (rows or columns) × 300 tall, fitted into the canvas.
  const scale = Math.min(1024 / SIZE, 768 / MPR_SLICES);
  const matrix: Matrix = [scale, 0, 0, scale, 0, 0];
  const draw = (): void => {
    clear(ctx);
    reformats.draw(ctx, 'sagittal', MPR_CUT, matrix);
    reformats.draw(ctx, 'coronal', MPR_CUT, matrix);
    flush(ctx);
  };
  draw(); // the first cut of every slice, as when the series opens
  const times: number[] = [];
  for (let n = 0; n < runs; n++) {
    const [label, slice] = discSlices[(n * 3) % discSlices.length]!;
    doc.setRegion(label, slice, { rings: [blobRing({ cx: 256 + (n % 2 ? 8 : -8), cy: 240, radius: 95, waves: [[5, 4, n]] }, 200)] }, { kind: 'edit' });
    const t0 = performance.now();
    draw();
    times.push(performance.now() - t0);
  }
  return { mprLabelRedrawMs: median(times), mprLabelRedrawP95Ms: percentile(times, 95) };
}

const STROKES = 30;
/** The series' slice spacing in the stroke's plane (mm): a 5 mm brush is 2.5 slices tall. */
const SLICE_MM = 1;

/**
 * mpr.sagittal_stroke_commit: a 5 mm brush stroke on the sagittal plane
 * through the discs, crossing 40 axial slices (four of them holding the
 * L4/L5 disc already). Timed: the brush's release — the stroke's region
 * united with the plane's, the changed voxels written into each axial slice
 * and its outline traced again from the mask (PlaneDocument.setRegion), one
 * undo step — plus the labelmap and both reformats' labels brought up to
 * date and drawn (what the next frame shows). Each stroke is undone,
 * untimed, so every run does the same work.
 */
function measurePlaneStroke(m: Modules, runs: number): Metrics {
  const { doc, ctx } = scene(m, MPR_SLICES);
  const labelmap = new m.LabelmapSlices(doc, SIZE, SIZE, MPR_SLICES);
  doc.subscribe((change) => labelmap.invalidate(change.slice));
  const reformats = new m.ReformatLabels(doc, labelmap);
  MPR_DISCS.forEach((label, i) => {
    for (let j = 0; j < 7; j++) {
      doc.setRegion(label, 40 + i * 50 + j, { rings: [blobRing({ cx: 256, cy: 240, radius: 90 + 4 * j, waves: [[6, 3, i]] }, 200)] }, { kind: 'draw' });
    }
  });
  const grid = { columns: SIZE, rows: SIZE, slices: MPR_SLICES };
  const plane = new m.PlaneDocument(doc, grid, 'sagittal', MPR_CUT);
  const brush = m.createTool('brush');
  const context: ToolContext = {
    document: plane,
    labelId: LABEL,
    slice: MPR_CUT,
    columns: SIZE,
    rows: MPR_SLICES,
    pixelSpacing: [SLICE_MM, SPACING[0]],
    values: new Int16Array(SIZE * MPR_SLICES),
    window: WINDOW,
    screenScale: 1.5,
  };
  const scale = Math.min(1024 / SIZE, 768 / MPR_SLICES);
  const matrix: Matrix = [scale, 0, 0, scale, 0, 0];
  // From slice 60 to slice 99 (plane rows count down from the last slice), across the spine.
  const from = { x: 150, y: MPR_SLICES - 1 - 60 };
  const to = { x: 360, y: MPR_SLICES - 1 - 99 };
  const times: number[] = [];
  const commits: number[] = [];
  for (let n = 0; n < runs + 3; n++) {
    const t = n * 0.37;
    brush.down(pointer(from.x + t, from.y), context);
    for (let i = 1; i <= 40; i++) brush.move(pointer(from.x + t + ((to.x - from.x) * i) / 40, from.y + ((to.y - from.y) * i) / 40), context);
    const t0 = performance.now();
    brush.up(pointer(to.x + t, to.y), context);
    const t1 = performance.now();
    clear(ctx);
    reformats.draw(ctx, 'sagittal', MPR_CUT, matrix);
    reformats.draw(ctx, 'coronal', MPR_CUT, matrix);
    flush(ctx);
    const t2 = performance.now();
    if (brush.status !== 'changed') throw new Error(`annotate: the sagittal stroke came to ${brush.status}`);
    // The first strokes warm Clipper and the tracer up, as earlier edits do in the app.
    if (n >= 3) {
      commits.push(t1 - t0);
      times.push(t2 - t0);
    }
    doc.undo();
  }
  return { planeStrokeCommitMs: median(commits), planeStrokeShownMs: median(times), planeStrokeP95Ms: percentile(commits, 95) };
}

// ── the scenario ─────────────────────────────────────────────────────────

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  try {
    modules = await importModules();
  } catch (error) {
    return { skip: `importing the annotation modules failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!crossOriginIsolated) ctx.note('annotate: the page is not cross-origin isolated: performance.now() steps by ~0.1 ms, so sub-ms timings are coarse');
  return {};
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const m = modules;
  if (!m) throw new Error('annotate: setup() did not run');
  const small = ctx.warmup; // the warm-up only needs every code path to run once
  const t0 = performance.now();
  const values = ctSlice(5);
  const commit = await measureCommit(m, small ? 2 : COMMITS);
  const brush = measureBrush(m, values, small ? 20 : MOVES);
  const livewire = measureLivewire(m, values, small ? 20 : MOVES);
  const interpolate = measureInterpolate(m, small ? 1 : INTERPOLATE_RUNS);
  const mpr = measureReformat(m, small ? 2 : COMMITS);
  const stroke = measurePlaneStroke(m, small ? 2 : STROKES);
  return { ...commit, ...brush, ...livewire, ...interpolate, ...mpr, ...stroke, allMs: performance.now() - t0 };
}

const scenario: PageScenario = { setup, load };
export default scenario;
