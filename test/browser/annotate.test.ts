/**
 * Annotating with real mouse input (Playwright's mouse through Chromium's
 * input pipeline) on the sample series, checked against the generator's
 * ground-truth disc masks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import { dice, fullestSlice, groundTruth } from './support/ground-truth.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { ChangeDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';
import { mountAnnotator, unmountAll } from './support/mount.js';





afterEach(unmountAll);

async function openSample(): Promise<SegmarkAnnotator> {
  const el = mountAnnotator({ width: 1100, height: 760 });
  await el.loadFiles(await sampleFiles());
  await frames(2);
  return el;
}

describe('annotating the sample with real mouse input', () => {
  it('a freehand outline traced along the L3/L4 ground truth gives Dice ≥ 0.98; undo and redo restore exact bytes', async () => {
    const a = await openSample();
    const truth = await groundTruth();
    const { k, mask } = fullestSlice(truth, 3);
    a.slice = k;
    a.activeLabel = 3;
    a.tool = 'freehand';
    a.applyPreset('spine');
    await frames(3);
    const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
    // The outline of the truth, walked along its pixel edges.
    const rings = maskToRegion(mask, truth.columns, truth.rows).rings;
    const outer = rings.reduce((best, r) => (r.length > best.length ? r : best), rings[0]!);
    const points: [number, number][] = [];
    for (let i = 0; i < outer.length; i += 2) {
      const p = viewport.imageToClient(outer[i]!, outer[i + 1]!)!;
      points.push([p.x, p.y]);
    }
    const changes: Pick<ChangeDetail, 'labelId' | 'slice' | 'kind'>[] = [];
    a.addEventListener('segmark-change', ({ detail: { labelId, slice, kind } }) => changes.push({ labelId, slice, kind }));
    await commands.pointerPath([...points, points[0]!], { stepsPerSegment: 2 });
    await frames(2);
    const doc = a.getDocument()!;
    const drawn = doc.regions.filter((r) => r.labelId === 3 && r.slice === k);
    expect(drawn).toHaveLength(1);
    const result = rasterizeToMask({ rings: drawn[0]!.rings }, truth.columns, truth.rows);
    const score = dice(result, mask);
    console.log(`freehand along the L3/L4 disc on slice ${k}: Dice ${score.toFixed(4)}`);
    expect(score).toBeGreaterThanOrEqual(0.98);
    expect(changes).toEqual([{ labelId: 3, slice: k, kind: 'draw' }]);

    // The region document (undo and redo are editing activity, which the review record's time counts).
    const regions = () => JSON.stringify({ ...a.getDocument(), review: undefined, revision: undefined });
    const after = regions();
    expect(a.undo()).toBe(true);
    expect(a.getDocument()!.regions.filter((r) => r.labelId === 3)).toEqual([]);
    expect(a.redo()).toBe(true);
    expect(regions()).toBe(after);
    // Ctrl+Z from the keyboard does the same
    a.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true, composed: true }));
    expect(a.getDocument()!.regions).toEqual([]);
    expect(a.undo()).toBe(false);
  });

  it('the overlay shows the label on the canvas, and hiding it removes it', async () => {
    const a = await openSample();
    const truth = await groundTruth();
    const { k, mask } = fullestSlice(truth, 4);
    a.slice = k;
    a.activeLabel = 4;
    await frames(2);
    const canvas = a.shadowRoot!.querySelector('segmark-viewport')!.shadowRoot!.querySelector('canvas')!;
    const ctx = canvas.getContext('2d')!;
    const snapshot = () => ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const before = snapshot();
    // Draw through the public API route a tool would use: the document behind getDocument().
    const region = maskToRegion(mask, truth.columns, truth.rows);
    const internals = a as unknown as {
      annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void; updateLabel(id: number, patch: unknown): void } };
    };
    internals.annotations.document.setRegion(4, k, region, { kind: 'draw' });
    await frames(3);
    const withLabel = snapshot();
    let changed = 0;
    for (let i = 0; i < before.length; i += 4) if (before[i] !== withLabel[i] || before[i + 1] !== withLabel[i + 1]) changed++;
    expect(changed).toBeGreaterThan(500);
    internals.annotations.document.updateLabel(4, { visible: false });
    await frames(3);
    const hidden = snapshot();
    let differs = 0;
    for (let i = 0; i < before.length; i++) if (before[i] !== hidden[i]) differs++;
    expect(differs).toBe(0);
  });
});

describe('interpolation in the annotator', () => {
  it('Interpolate fills between key slices as unverified; Accept and Accept all verify them', async () => {
    const a = await openSample();
    const truth = await groundTruth();
    const n = truth.columns * truth.rows;
    const discSlices = Array.from({ length: truth.slices }, (_, k) => k).filter((k) =>
      truth.labels.subarray(k * n, (k + 1) * n).some((v) => v === 2),
    );
    const keys = [discSlices[0]!, discSlices.at(-1)!];
    const internals = a as unknown as { annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void } } };
    for (const k of keys) {
      const mask = truth.labels.slice(k * n, (k + 1) * n).map((v) => (v === 2 ? 1 : 0));
      internals.annotations.document.setRegion(2, k, maskToRegion(mask, truth.columns, truth.rows), { kind: 'draw' });
    }
    a.activeLabel = 2;
    await a.updateComplete;
    const kinds: string[] = [];
    a.addEventListener('segmark-change', (e) => kinds.push(e.detail.kind));
    a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-action="interpolate"]')!.click();
    const regions = () => a.getDocument()!.regions.filter((r) => r.labelId === 2) as Array<{ slice: number; origin: string; verified: boolean }>;
    const between = discSlices.slice(1, -1);
    expect(regions().map((r) => r.slice).sort((x, y) => x - y)).toEqual(discSlices);
    expect(regions().filter((r) => r.origin === 'interpolated' && !r.verified).map((r) => r.slice).sort((x, y) => x - y)).toEqual(between);
    expect(kinds.every((k) => k === 'interpolate')).toBe(true);
    expect(kinds.length).toBe(between.length);

    a.slice = between[0]!;
    await a.updateComplete;
    a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-action="accept"]')!.click();
    expect(regions().find((r) => r.slice === between[0])!.verified).toBe(true);
    a.shadowRoot!.querySelector<HTMLButtonElement>('button[data-action="accept-all"]')!.click();
    expect(regions().filter((r) => r.origin === 'interpolated').every((r) => r.verified)).toBe(true);
    // one undo step each: accept-all, accept, interpolate
    a.undo();
    a.undo();
    expect(regions().filter((r) => r.origin === 'interpolated' && !r.verified)).toHaveLength(between.length);
    a.undo();
    expect(regions().map((r) => r.slice).sort((x, y) => x - y)).toEqual(keys);
  });
});
