/**
 * Assist: the assisted 3D tools of issue 15 on synthetic data, in the page
 * (real Chromium, the project's modules through vite), seeded so every run
 * does the same work.
 *
 * - grow_preview: grow from seeds (marker watershed on the gradient) in a
 *   160×160×40 box around a disc-like ellipsoid (90 HU) between bone end
 *   plates (600 HU) in soft tissue (30 HU), with noise; one seed stroke
 *   inside, one around as background. The work a seed stroke asks for:
 *   gradient, flood, counts.
 * - grow_accept: a grown result as tall as the box (an ellipsoid through all
 *   40 slices, as a vertebral body would be) written into a 512×512×60
 *   document as outlines on those 40 slices (applyBoxMask: each slice's mask
 *   changed in the box, traced again, one undo step). Each accept is undone,
 *   untimed.
 * - one_click: the connected region within 50–150 HU around a click in the
 *   disc, limited to 30 mm, with the bridge guard, in the same box.
 * - longest_task: the page's longest task while the annotator's path runs as
 *   it does for a user — grow previews computed in the assist worker
 *   (AssistRunner), then an accept written on the page — watched by a
 *   self-renewing 0 ms timeout (at most 4 ms above the longest task).
 * - pointer_work_ratio: from the efficiency test, run by the Node side
 *   (assist.mjs) before the pages open.
 */
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { median, percentile, taskProbe } from '../util';

type Modules = Awaited<ReturnType<typeof importModules>>;

const BOX = { c0: 176, r0: 160, k0: 10, columns: 160, rows: 160, slices: 40 };
const SPACING: [number, number, number] = [0.7, 0.7, 1.5];
const DISC = 4;
const BACKGROUND = 255;
const RUNS = 7;

function importModules() {
  return Promise.all([
    import('../../../src/core/assist/grow-from-seeds.js'),
    import('../../../src/core/assist/apply-mask.js'),
    import('../../../src/core/annotation/document.js'),
    import('../../../src/core/annotation/labels.js'),
    import('../../../src/core/annotation/templates.js'),
    import('../../../src/core/annotation/region-ops.js'),
    import('../../../src/core/assist/one-click.js'),
    import('../../../src/core/assist/assist-runner.js'),
  ]).then(([grow, apply, document, labels, templates, ops, oneClick, runner]) => ({
    AssistRunner: runner.AssistRunner,
    oneClickRegion: oneClick.oneClickRegion,
    growFromSeeds: grow.growFromSeeds,
    BACKGROUND_SEED: grow.BACKGROUND_SEED,
    applyBoxMask: apply.applyBoxMask,
    AnnotationDocument: document.AnnotationDocument,
    labelsFromTemplate: labels.labelsFromTemplate,
    LUMBAR_SPINE_TEMPLATE: templates.LUMBAR_SPINE_TEMPLATE,
    REGION_OPS: ops.REGION_OPS,
  }));
}

let modules: Modules | undefined;

/** A small deterministic PRNG (LCG), 0 ≤ value < 1. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** The box's HU: soft tissue, a disc (ellipsoid, 50 × 36 mm × 9 mm), bone plates above and below it, noise ±15 HU. */
function boxValues(): Int16Array {
  const { columns, rows, slices } = BOX;
  const out = new Int16Array(columns * rows * slices);
  const rand = random(15);
  const [cx, cy, cz] = [columns / 2, rows / 2, slices / 2];
  for (let k = 0; k < slices; k++) {
    const z = (k + 0.5 - cz) * SPACING[2];
    for (let r = 0; r < rows; r++) {
      const y = (r + 0.5 - cy) * SPACING[1];
      for (let c = 0; c < columns; c++) {
        const x = (c + 0.5 - cx) * SPACING[0];
        const inPlane = (x / 25) ** 2 + (y / 18) ** 2;
        let hu = 30;
        if (inPlane <= 1 && Math.abs(z) <= 4.5) hu = 90;
        else if (inPlane <= 1.1 && Math.abs(z) <= 22) hu = 600;
        out[(k * rows + r) * columns + c] = hu + Math.round((rand() - 0.5) * 30);
      }
    }
  }
  return out;
}

/** One stroke inside the disc (its mid-plane, along x) and a ring of background around it two slices up and down. */
function seedMask(m: Modules): Uint8Array {
  const { columns, rows, slices } = BOX;
  const seeds = new Uint8Array(columns * rows * slices);
  const k = slices >> 1;
  const r = rows >> 1;
  for (let c = columns / 2 - 20; c < columns / 2 + 20; c++) seeds[(k * rows + r) * columns + c] = DISC;
  for (const kk of [k - 9, k + 9]) {
    for (let c = 10; c < columns - 10; c++) seeds[(kk * rows + r) * columns + c] = m.BACKGROUND_SEED;
  }
  for (let c = 2; c < 12; c++) seeds[(k * rows + r) * columns + c] = m.BACKGROUND_SEED;
  return seeds;
}

function measureGrow(m: Modules, runs: number): Metrics {
  const values = boxValues();
  const seeds = seedMask(m);
  const times: number[] = [];
  let voxels = 0;
  for (let n = 0; n < runs + 1; n++) {
    const t0 = performance.now();
    const result = m.growFromSeeds(values, BOX, SPACING, seeds);
    const ms = performance.now() - t0;
    voxels = result.counts[DISC]!;
    // The first run compiles the flood: an editor's second stroke does not pay it.
    if (n > 0) times.push(ms);
  }
  if (voxels === 0 || voxels === BOX.columns * BOX.rows * BOX.slices) throw new Error(`assist: the grown disc has ${voxels} voxels`);
  return { growPreviewMs: median(times), growPreviewP95Ms: percentile(times, 95), growDiscVoxels: voxels };
}

export async function setup(_ctx: BenchContext): Promise<SetupResult> {
  try {
    modules = await importModules();
  } catch (error) {
    return { skip: `importing the assisted tools failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return {};
}

/** An ellipsoid filling the box (semi-axes 70 × 60 voxels in plane, every slice), as the grown mask of a tall structure. */
function tallMask(): Uint8Array {
  const { columns, rows, slices } = BOX;
  const out = new Uint8Array(columns * rows * slices);
  for (let k = 0; k < slices; k++) {
    const z = (k + 0.5 - slices / 2) / (slices / 2 + 0.5);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const x = (c + 0.5 - columns / 2) / 70;
        const y = (r + 0.5 - rows / 2) / 60;
        if (x * x + y * y + z * z <= 1) out[(k * rows + r) * columns + c] = DISC;
      }
    }
  }
  return out;
}

function measureAccept(m: Modules, runs: number): Metrics {
  const grown = tallMask();
  const slices = 60;
  const doc = new m.AnnotationDocument({
    series: {
      studyInstanceUID: '1.2.826.0.1.3680043.2.1143.9',
      seriesInstanceUID: '1.2.826.0.1.3680043.2.1143.9.1',
      sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.2.826.0.1.3680043.2.1143.9.1.${k + 1}`),
      rows: 512,
      columns: 512,
      slices,
    },
    ops: m.REGION_OPS,
    labels: m.labelsFromTemplate(m.LUMBAR_SPINE_TEMPLATE),
  });
  const times: number[] = [];
  let written = 0;
  for (let n = 0; n < runs + 1; n++) {
    const t0 = performance.now();
    written = m.applyBoxMask(doc, BOX, grown, { labelId: DISC, method: 'grow-from-seeds', mode: 'replace' }).slices.length;
    const ms = performance.now() - t0;
    if (n > 0) times.push(ms);
    doc.undo();
  }
  if (written === 0) throw new Error('assist: accepting the grown disc wrote no slice');
  return { growAcceptMs: median(times), growAcceptP95Ms: percentile(times, 95), growAcceptSlices: written };
}

function measureOneClick(m: Modules, runs: number): Metrics {
  const values = boxValues();
  const seed = [BOX.columns >> 1, BOX.rows >> 1, BOX.slices >> 1] as const;
  const times: number[] = [];
  let voxels = 0;
  for (let n = 0; n < runs + 1; n++) {
    const t0 = performance.now();
    voxels = m.oneClickRegion(values, BOX, SPACING, { seed, min: 50, max: 150, radiusMm: 30, label: DISC }).voxels;
    const ms = performance.now() - t0;
    if (n > 0) times.push(ms);
  }
  if (voxels === 0) throw new Error('assist: the click in the disc found no region');
  return { oneClickMs: median(times), oneClickP95Ms: percentile(times, 95), oneClickVoxels: voxels };
}

async function measureLongestTask(m: Modules, runs: number): Promise<Metrics> {
  const runner = new m.AssistRunner();
  const values = boxValues();
  const seeds = seedMask(m);
  // Started and warmed first, as the annotator does when it opens.
  await runner.grow(values, BOX, SPACING, seeds, { keep: true });
  const doc = new m.AnnotationDocument({
    series: {
      studyInstanceUID: '1.2.826.0.1.3680043.2.1143.10',
      seriesInstanceUID: '1.2.826.0.1.3680043.2.1143.10.1',
      sopInstanceUIDs: Array.from({ length: 60 }, (_, k) => `1.2.826.0.1.3680043.2.1143.10.1.${k + 1}`),
      rows: 512,
      columns: 512,
      slices: 60,
    },
    ops: m.REGION_OPS,
    labels: m.labelsFromTemplate(m.LUMBAR_SPINE_TEMPLATE),
  });
  const probe = taskProbe();
  for (let n = 0; n < runs; n++) {
    const grown = await runner.runLatest('grow', () => runner.grow(values, BOX, SPACING, seeds, { keep: true }));
    if (!grown) continue;
    await new Promise((resolve) => setTimeout(resolve, 0));
    m.applyBoxMask(doc, BOX, grown.labels, { labelId: DISC, method: 'grow-from-seeds', mode: 'replace' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    doc.undo();
  }
  const longest = probe.stop();
  runner.dispose();
  return { longestTaskMs: longest };
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const m = modules;
  if (!m) throw new Error('assist: setup() did not run');
  const runs = ctx.warmup ? 1 : RUNS;
  // From the efficiency test the Node side ran (assist.mjs): counted pointer work, not a time.
  const efficiency = ctx.params.efficiency as { pointerWorkRatio?: number } | null | undefined;
  const pointerWorkRatio = typeof efficiency?.pointerWorkRatio === 'number' ? efficiency.pointerWorkRatio : null;
  return { ...measureGrow(m, runs), ...measureAccept(m, runs), ...measureOneClick(m, runs), ...(await measureLongestTask(m, runs)), pointerWorkRatio };
}

const scenario: PageScenario = { setup, load };
export default scenario;
