/**
 * Segment nearby slices in the annotator, with the real keyboard and mouse:
 * from an outline of disc L3/L4 on its fullest slice, H shows the disc on the
 * slices above and below on every view; Enter writes them as one undo step
 * of 'assisted' outlines (method 'nearby-slices'); Escape drops them; H on a
 * slice without an outline says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { NearbyTool } from '../../src/tools/index.js';
import { toolStatusMessage } from '../../src/text/tools.js';
import { dice, fullestSlice, groundTruth, maskCentre } from './support/ground-truth.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { frames, sampleFiles } from './support/sample.js';

afterEach(unmountAll);

let files: Promise<File[]> | undefined;

interface Internals {
  annotations: {
    tool(id: 'nearby'): NearbyTool;
    document: { setRegion(labelId: number, slice: number, region: unknown, options: unknown): void };
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(check(), what).toBe(true);
}

/** The sample in the three-plane layout, disc L3/L4's true outline drawn on its fullest slice as label 3. */
async function open() {
  const a = mountAnnotator({ width: 1500, height: 800 });
  a.layout = 'mpr';
  files ??= sampleFiles();
  await a.loadFiles(await files);
  const truth = await groundTruth();
  const { k, mask } = fullestSlice(truth, 3);
  const { column, row } = maskCentre(mask, truth.columns);
  a.slice = k;
  a.activeLabel = 3;
  a.applyPreset('spine');
  a.session.set('crosshair', { column, row });
  const internals = a as unknown as Internals;
  internals.annotations.document.setRegion(3, k, maskToRegion(mask, truth.columns, truth.rows), { kind: 'draw' });
  await a.updateComplete;
  await frames(3);
  const view = (plane: string) => a.shadowRoot!.querySelector<SegmarkViewport>(`segmark-viewport[data-plane=${plane}]`)!;
  const { columns, rows, slices } = truth;
  const dice3d = () => {
    const got = new Uint8Array(columns * rows * slices);
    for (const r of a.getDocument()!.regions.filter((e) => e.labelId === 3)) got.set(rasterizeToMask({ rings: r.rings }, columns, rows), r.slice * columns * rows);
    return dice(got, truth.labels.map((v) => (v === 3 ? 1 : 0)));
  };
  return { a, k, view, dice3d, tool: internals.annotations.tool('nearby') };
}

describe('segment nearby slices', () => {
  it('H carries the outline to the slices above and below, shown on every view; Enter writes assisted outlines, one undo step', async () => {
    const { a, k, view, dice3d, tool } = await open();
    const before = JSON.stringify(a.getDocument()!.regions);
    view('axial').focus();
    await commands.keyPress(['h']);
    await a.updateComplete;
    expect(a.tool).toBe('nearby');
    await until(() => tool.result !== undefined, `a result after H (status ${tool.status})`);
    // Nothing is written before Accept.
    expect(JSON.stringify(a.getDocument()!.regions)).toBe(before);
    // The preview: on the sagittal and coronal views across several slices, and on the axial neighbours.
    for (const plane of ['sagittal', 'coronal']) {
      const context = view(plane).toolContext()!;
      const fill = tool.sharedPreview(context)?.fill;
      expect(fill?.rings.length, plane).toBeGreaterThan(0);
      const ys = fill!.rings.flatMap((ring) => ring.filter((_, i) => i % 2 === 1));
      expect(Math.max(...ys) - Math.min(...ys), `${plane}: the preview spans slices`).toBeGreaterThanOrEqual(3);
    }
    for (const neighbour of [k - 1, k + 1]) {
      a.slice = neighbour;
      await a.updateComplete;
      await frames(1);
      expect(tool.sharedPreview(view('axial').toolContext()!)?.fill, `slice ${neighbour}`).toBeDefined();
      expect(a.getDocument()!.regions.some((r) => r.labelId === 3 && r.slice === neighbour)).toBe(false);
    }
    // Accept from the keyboard, on another slice than the start (the result is 3D).
    view('axial').focus();
    await commands.keyPress(['Enter']);
    await a.updateComplete;
    expect(tool.result).toBeUndefined();
    const written = a.getDocument()!.regions.filter((r) => r.labelId === 3 && r.slice !== k);
    expect(written.length).toBeGreaterThanOrEqual(2);
    for (const r of written) {
      expect(r.origin).toBe('assisted');
      expect(r.verified).toBe(false);
      expect(r.provenance?.algorithm).toBe('nearby-slices');
      expect(r.provenance?.parameters?.startSlice).toBe(k);
    }
    // The start outline is the person's, untouched.
    const start = a.getDocument()!.regions.find((r) => r.labelId === 3 && r.slice === k)!;
    expect(start.origin).not.toBe('assisted');
    const score = dice3d();
    console.log(`nearby slices: disc L3/L4 Dice ${score.toFixed(3)} over ${written.length + 1} slices (${written.map((r) => r.slice).join(', ')} and ${k})`);
    expect(score).toBeGreaterThan(0.88);
    // One undo takes every written slice back.
    expect(a.undo()).toBe(true);
    expect(JSON.stringify(a.getDocument()!.regions)).toBe(before);
  });

  it('Escape drops the preview and writes nothing; H on a slice without an outline says so', async () => {
    const { a, k, view, tool } = await open();
    const before = JSON.stringify(a.getDocument()!.regions);
    view('axial').focus();
    await commands.keyPress(['h']);
    await until(() => tool.result !== undefined, 'a result after H');
    await commands.keyPress(['Escape']);
    await a.updateComplete;
    expect(tool.result).toBeUndefined();
    expect(JSON.stringify(a.getDocument()!.regions)).toBe(before);
    expect(a.getDocument()!.regions.some((r) => r.origin === 'assisted')).toBe(false);

    // Far from the disc there is nothing to carry.
    a.slice = k + 8;
    await a.updateComplete;
    view('axial').focus();
    await commands.keyPress(['h']);
    await until(() => tool.status === 'no-outline', `no-outline (status ${tool.status})`);
    expect(tool.result).toBeUndefined();
    const text = toolStatusMessage('en', 'no-outline')!;
    expect(a.session.notices.some((n) => n.text === text)).toBe(true);
    expect(JSON.stringify(a.getDocument()!.regions)).toBe(before);
  });
});
