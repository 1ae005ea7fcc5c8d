/**
 * Issue 15's efficiency test: the five sample discs segmented with the
 * assisted tools as a user would — with the real mouse and keyboard — against
 * tracing every disc slice by slice with freehand.
 *
 * The assisted way, per disc: '.' steps to the disc's label, the
 * reader goes to the disc's fullest slice (the keyboard's slice keys; set
 * directly here, and not counted for either way, since both ways need it),
 * one click with the one-click region (U) in the disc's middle, Enter. The
 * disc preset's range and partial-volume edge are the annotator's defaults.
 *
 * The freehand way is worked out from the ground truth at the same zoom: one
 * stroke per disc slice, along the true outline. Its length is the outline's
 * staircase length × π/4 (the mean ratio of a smooth closed curve's length to
 * its pixel staircase's), in screen pixels; the travel between strokes is
 * left out, which only favours freehand. The assisted way's pointer path is
 * everything the pointer moves: from the view's centre to the first click,
 * then from click to click.
 *
 * Each disc must reach Dice ≥ 0.95, and both the path and the pointer actions
 * must be ≤ 25 % of freehand's. The figures go to the console and to
 * test-results/assist-efficiency.json (read by the bench's assist scenario for
 * `assist.pointer_work_ratio`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { OneClickTool } from '../../src/tools/index.js';
import { dice, groundTruth, maskCentre, type Truth } from './support/ground-truth.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { frames, sampleFiles } from './support/sample.js';

type Point = [number, number];

afterEach(unmountAll);

const DISCS = [1, 2, 3, 4, 5] as const;

/** The mask of `label` on slice k. */
function sliceMask(t: Truth, label: number, k: number): Uint8Array {
  const n = t.columns * t.rows;
  return t.labels.subarray(k * n, (k + 1) * n).map((v) => (v === label ? 1 : 0));
}

/** Length of a region's outline (its pixel staircase) in image pixels. */
function staircaseLength(mask: Uint8Array, t: Truth): number {
  let length = 0;
  for (const ring of maskToRegion(mask, t.columns, t.rows, (v) => v !== 0).rings) {
    for (let j = 0; j < ring.length; j += 2) {
      const next = (j + 2) % ring.length;
      length += Math.hypot(ring[next]! - ring[j]!, ring[next + 1]! - ring[j + 1]!);
    }
  }
  return length;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(check(), what).toBe(true);
}

describe('assisted segmentation of the five sample discs against freehand tracing', () => {
  it('REQ-ASSIST-EFFICIENCY-1: every disc at Dice ≥ 0.95 with ≤ 25 % of freehand\'s pointer path and pointer actions', async () => {
    const a = mountAnnotator({ width: 1400, height: 900 });
    a.layout = 'axial';
    await a.loadFiles(await sampleFiles());
    const truth = await groundTruth();
    a.applyPreset('spine');
    await a.updateComplete;
    await frames(3);
    const view = a.shadowRoot!.querySelector<SegmarkViewport>('segmark-viewport')!;
    const client = (x: number, y: number): Point => {
      const p = view.imageToClient(x, y)!;
      return [p.x, p.y];
    };
    const tool = (a as unknown as { annotations: { tool(id: string): OneClickTool } }).annotations.tool('one-click');
    const area = truth.columns * truth.rows;

    // Freehand, from the ground truth at this zoom: one stroke per disc slice.
    const scale = Math.hypot(...(([x0, y0], [x1, y1]) => [x1 - x0, y1 - y0])(client(0, 0), client(1, 0)));
    let freehandStrokes = 0;
    let freehandPath = 0;
    for (const d of DISCS) {
      for (let k = 0; k < truth.slices; k++) {
        const mask = sliceMask(truth, d, k);
        if (!mask.includes(1)) continue;
        freehandStrokes++;
        freehandPath += staircaseLength(mask, truth) * (Math.PI / 4) * scale;
      }
    }

    // Assisted: the one-click region, one click per disc.
    view.focus();
    await commands.keyPress(['u']);
    await a.updateComplete;
    expect(a.tool).toBe('one-click');
    const box = view.getBoundingClientRect();
    let pointer: Point = [box.left + box.width / 2, box.top + box.height / 2];
    let path = 0;
    let actions = 0;
    const figures: string[] = [];
    for (const d of DISCS) {
      let k = 0;
      let most = 0;
      for (let s = 0; s < truth.slices; s++) {
        const count = sliceMask(truth, d, s).reduce((m, v) => m + v, 0);
        if (count > most) [k, most] = [s, count];
      }
      // '.' moves to the next label (the spine template's labels are the discs in order).
      if (d > 1) await commands.keyPress(['.']);
      await a.updateComplete;
      expect(a.activeLabel, `disc ${d}'s label is active`).toBe(d);
      a.slice = k;
      await a.updateComplete;
      await frames(1);
      const { column, row } = maskCentre(sliceMask(truth, d, k), truth.columns);
      const at = client(column + 0.5, row + 0.5);
      path += Math.hypot(at[0] - pointer[0], at[1] - pointer[1]);
      pointer = at;
      await commands.pointerClicks([at]);
      actions++;
      await until(() => tool.result !== undefined, `a one-click result for disc ${d} (status ${tool.status})`);
      await commands.keyPress(['Enter']);
      await a.updateComplete;

      const got = new Uint8Array(area * truth.slices);
      for (const r of a.getDocument()!.regions.filter((e) => e.labelId === d)) {
        expect(r.origin).toBe('assisted');
        got.set(rasterizeToMask({ rings: r.rings }, truth.columns, truth.rows), r.slice * area);
      }
      const score = dice(got, truth.labels.map((v) => (v === d ? 1 : 0)));
      figures.push(`disc ${d}: Dice ${score.toFixed(3)}`);
      expect(score, `disc ${d}`).toBeGreaterThanOrEqual(0.95);
    }

    const pathRatio = path / freehandPath;
    const actionRatio = actions / freehandStrokes;
    const result = {
      freehand: { strokes: freehandStrokes, pathPx: Math.round(freehandPath) },
      assisted: { clicks: actions, strokes: 0, pathPx: Math.round(path) },
      pathRatio,
      actionRatio,
      pointerWorkRatio: Math.max(pathRatio, actionRatio),
    };
    console.log(
      `assist efficiency: ${figures.join(', ')}; freehand ${freehandStrokes} strokes, ${result.freehand.pathPx} px; ` +
        `assisted ${actions} clicks, ${result.assisted.pathPx} px of pointer travel; path ${(pathRatio * 100).toFixed(1)} %, actions ${(actionRatio * 100).toFixed(1)} % of freehand`,
    );
    await commands.saveFigures('assist-efficiency', result);
    expect(pathRatio).toBeLessThanOrEqual(0.25);
    expect(actionRatio).toBeLessThanOrEqual(0.25);
  });
});
