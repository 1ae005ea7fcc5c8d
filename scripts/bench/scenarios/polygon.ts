/**
 * Polygon: the polygon tool of <segmark-annotator> with a 10,000-vertex
 * outline (issue 17, availability), driven through the element as a user
 * drives it: pointer events on the axial view's canvas, then Enter. The
 * annotator holds the first four files of the bench series (512², loaded in
 * setup, untimed), keeps autosave on, and shows its default layout.
 *
 * The outline is a star clicked from the image centre: 10,000 vertices
 * alternating between 60 and 230 px from the centre over 350°, so no click
 * lands near the first vertex or the last one (which would close the
 * outline). Its area is ½·r₁·r₂·sin(Δθ) per spike.
 *
 * - click_10k_vertices_p95: the clicks that add vertices 9,901…10,000, one
 *   per frame. Each click is a pointermove, pointerdown and pointerup in one
 *   task; its time is that task with its microtasks (up to the next task),
 *   plus the drawn frame that shows it (the `segmark:render` measures that
 *   start after it: image, labels and the tool's preview). Idle time waiting
 *   for the frame is not counted. The first 9,900 vertices are clicked 50
 *   per task, a frame drawn between two tasks.
 * - commit_10k_longest_task: the longest the main thread was busy in one go
 *   (`taskProbe`) from Enter until the annotator is idle again (the region
 *   committed, drawn, autosaved): watched for 1.5 s after Enter, or longer
 *   while the stall lasts.
 */
import type { SegmarkAnnotator } from '../../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../../src/elements/segmark-viewport/segmark-viewport.js';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { delay, median, nextFrame, percentile, taskProbe, withTimeout } from '../util';

const VERTICES = 10_000;
/** Clicks measured one by one at the end (the rest are placed in batches). */
const MEASURED = 100;
const BATCH = 50;
const CENTRE = 256;
const R_IN = 60;
const R_OUT = 230;
const SPAN = (350 / 360) * 2 * Math.PI;
const LABEL = 3;
const RENDER = 'segmark:render';

let annotator: SegmarkAnnotator | undefined;

/** Image point of vertex `i` of the star (vertex 0 is the centre). */
function vertex(i: number, n: number): [number, number] {
  if (i === 0) return [CENTRE + 0.5, CENTRE + 0.5];
  const angle = (SPAN * (i - 1)) / (n - 2);
  const r = i % 2 ? R_OUT : R_IN;
  return [CENTRE + 0.5 + r * Math.cos(angle), CENTRE + 0.5 + r * Math.sin(angle)];
}

/** Area of the star with `n` vertices: the triangles centre–vertex–next vertex. */
export function starArea(n: number): number {
  return 0.5 * R_IN * R_OUT * Math.sin(SPAN / (n - 2)) * (n - 2);
}

function axialView(a: SegmarkAnnotator): { viewport: SegmarkViewport; canvas: HTMLElement } {
  const viewport = a.shadowRoot?.querySelector('segmark-viewport');
  const canvas = viewport?.shadowRoot?.querySelector<HTMLElement>('.canvas-host');
  if (!viewport || !canvas) throw new Error('polygon: the annotator shows no view');
  return { viewport, canvas };
}

let clock = 0;
function click(canvas: HTMLElement, x: number, y: number): void {
  const init = { bubbles: true, composed: true, cancelable: true, clientX: x, clientY: y, pointerId: 1, pointerType: 'mouse', isPrimary: true };
  canvas.dispatchEvent(new PointerEvent('pointermove', { ...init, buttons: 0 }));
  canvas.dispatchEvent(new PointerEvent('pointerdown', { ...init, button: 0, buttons: 1 }));
  canvas.dispatchEvent(new PointerEvent('pointerup', { ...init, button: 0, buttons: 0 }));
  clock++;
}

/** Runs `work` as one task of its own; resolves with that task's time plus its microtasks' (to the start of the next task). */
function timedTask(work: () => void): Promise<{ start: number; end: number }> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const start = performance.now();
      work();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve({ start, end: performance.now() });
      };
      channel.port2.postMessage(0);
    }, 0);
  });
}

/**
 * Main-thread time of the next frame: from the first `segmark:render` it
 * draws (the views' image, labels and tool preview) to the first task after
 * it, so the frame's own work after the scripts (style, layout, paint, and
 * the canvas's deferred drawing) counts too; 0 when no view drew.
 */
function nextFrameWork(): Promise<number> {
  return new Promise((resolve) => {
    const from = performance.now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        const end = performance.now();
        const starts = performance.getEntriesByName(RENDER, 'measure').filter((e) => e.startTime >= from).map((e) => e.startTime);
        resolve(starts.length ? end - Math.min(...starts) : 0);
      };
      channel.port2.postMessage(0);
    });
  });
}

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  try {
    await import('../../../src/index.js');
  } catch (error) {
    return { skip: `importing the annotator failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const a = document.createElement('segmark-annotator');
  a.style.cssText = 'display:grid;width:100%;height:100%';
  ctx.host.replaceChildren(a);
  await a.loadFiles(ctx.files.slice(0, 4));
  a.slice = 1;
  a.activeLabel = LABEL;
  a.tool = 'polygon';
  await a.updateComplete;
  for (let i = 0; i < 3; i++) await nextFrame();
  annotator = a;
  return {};
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const a = annotator;
  if (!a) throw new Error('polygon: setup() did not run');
  const n = ctx.warmup ? 400 : typeof ctx.params.vertices === 'number' ? ctx.params.vertices : VERTICES;
  const measured = Math.min(MEASURED, n / 2);
  const { viewport, canvas } = axialView(a);
  const client = (i: number): [number, number] => {
    const [x, y] = vertex(i, n);
    const p = viewport.imageToClient(x, y);
    if (!p) throw new Error('polygon: no image on the view');
    return [p.x, p.y];
  };
  const t0 = performance.now();
  const batched = n - measured;
  for (let i = 0; i < batched; i += BATCH) {
    const end = Math.min(batched, i + BATCH);
    await timedTask(() => {
      for (let j = i; j < end; j++) click(canvas, ...client(j));
    });
    await nextFrame();
  }
  const buildMs = performance.now() - t0;
  const clicks: number[] = [];
  for (let i = batched; i < n; i++) {
    const task = await timedTask(() => click(canvas, ...client(i)));
    // The frame that shows the click, and the one after (a view may draw again once the element has updated).
    const frames = (await nextFrameWork()) + (await nextFrameWork());
    clicks.push(task.end - task.start + frames);
  }
  const internals = a as unknown as { annotations: { tool(id: 'polygon'): { vertices: readonly number[] } } };
  const placed = internals.annotations.tool('polygon').vertices.length / 2;
  if (placed !== n) throw new Error(`polygon: ${placed} vertices placed, not ${n}`);

  const probe = taskProbe();
  const tEnter = performance.now();
  const enter = await timedTask(() => {
    canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
  });
  await nextFrame();
  await nextFrame();
  const commitShownMs = performance.now() - tEnter;
  await withTimeout(a.updateComplete, 60_000, 'the annotator update after Enter');
  await delay(1500);
  const commitLongestTaskMs = probe.stop();
  const region = a.getDocument()?.regions.find((r) => r.labelId === LABEL && r.slice === 1);
  if (!region) throw new Error('polygon: Enter committed no region');
  ctx.note(`polygon: ${n} vertices placed in ${(buildMs / 1000).toFixed(1)} s; Enter's own task ${(enter.end - enter.start).toFixed(0)} ms`);
  return {
    clickP95Ms: percentile(clicks, 95),
    clickP50Ms: median(clicks),
    clickMaxMs: Math.max(...clicks),
    commitLongestTaskMs,
    commitShownMs,
    commitTaskMs: enter.end - enter.start,
    buildMs,
  };
}

const scenario: PageScenario = { setup, load };
export default scenario;
