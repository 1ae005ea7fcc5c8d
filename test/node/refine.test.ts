/**
 * Issue 15, Islands / Smoothing / Margin on a label in 3-D (session/refine.ts):
 * on a synthetic document with anisotropic spacing, keep-largest removes a
 * separate blob on other slices, remove-small goes by mm³, closing fills a
 * one-slice gap, a margin grows and shrinks by what a brute-force Euclidean
 * distance says; one undo restores the document; what is written is
 * 'assisted', unverified, with the method and its parameters; a locked label
 * and a document that may not be edited are refused; the commands read the
 * session's Refine numbers and report refusals.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument, type AnnotationChange } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { SegmarkError } from '../../src/core/errors.js';
import type { PublicEventName } from '../../src/elements/events.js';
import { AnnotatorSession } from '../../src/session/annotator-session.js';
import { runCommand, type CommandContext } from '../../src/session/commands.js';
import { islands, margin, median, smooth } from '../../src/core/assist/morphology.js';
import { labelBox, labelMask, refineLabel, runRefineOperation, workerRefineRunner, type RefineOperation, type RefineRunner } from '../../src/session/refine.js';

const W = 40;
const H = 36;
const SLICES = 12;
/** [Δcol, Δrow, Δslice] mm: 2 mm reaches two voxels in the plane and none across slices. */
const SPACING = [0.8, 0.8, 2.5] as const;
const VOXEL_MM3 = SPACING[0] * SPACING[1] * SPACING[2];
const LABEL = 1;
const OTHER = 2;

function newDocument(): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.9', sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `1.2.9.${k}`), rows: H, columns: W, slices: SLICES },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
    user: 'annotator-a',
  });
}

const target = (document: AnnotationDocument) => ({ document, volume: { spacing: SPACING } });

/** A pixel-edged rectangle: columns c0 ≤ c < c1, rows r0 ≤ r < r1. */
function rect(c0: number, r0: number, c1: number, r1: number): number[] {
  return [c0, r0, c1, r0, c1, r1, c0, r1];
}

/** Sets the label's region on slices k0..k1 to the rectangles (one ring each). */
function draw(doc: AnnotationDocument, labelId: number, k0: number, k1: number, ...rings: number[][]): void {
  for (let k = k0; k <= k1; k++) doc.setRegion(labelId, k, { rings: rings.map((r) => [...r]) }, { kind: 'draw' });
}

/** The label's pixels on every slice: a volume mask, index (k·H + r)·W + c. */
function volumeMask(doc: AnnotationDocument, labelId: number): Uint8Array {
  const out = new Uint8Array(W * H * SLICES);
  for (let k = 0; k < SLICES; k++) out.set(rasterizeToMask(doc.regionAt(labelId, k), W, H), k * W * H);
  return out;
}

const count = (m: Uint8Array) => m.reduce((n, v) => n + (v ? 1 : 0), 0);

/** Grow by brute force: every voxel whose centre lies within `mm` of a voxel of the mask. */
function bruteGrow(mask: Uint8Array, mm: number): Uint8Array {
  const set: [number, number, number][] = [];
  for (let k = 0, i = 0; k < SLICES; k++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++, i++) if (mask[i]) set.push([c, r, k]);
  const out = new Uint8Array(mask.length);
  for (let k = 0, i = 0; k < SLICES; k++) {
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++, i++) {
        out[i] = set.some(([c2, r2, k2]) => ((c - c2) * SPACING[0]) ** 2 + ((r - r2) * SPACING[1]) ** 2 + ((k - k2) * SPACING[2]) ** 2 <= mm * mm + 1e-9) ? 1 : 0;
      }
    }
  }
  return out;
}

describe('refineLabel: islands', () => {
  it('REQ-ASSIST-ISLANDS-1: keep-largest removes a small separate blob on other slices and leaves the large one pixel for pixel', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(8, 8, 20, 18));
    draw(doc, LABEL, 8, 9, rect(28, 26, 32, 30));
    const before = volumeMask(doc, LABEL);
    const slices = await refineLabel(target(doc), LABEL, { op: 'keep-largest' });
    expect(slices).toEqual([8, 9]);
    expect(doc.slicesOf(LABEL)).toEqual([2, 3, 4, 5, 6]);
    const after = volumeMask(doc, LABEL);
    expect(count(after)).toBe(12 * 10 * 5);
    for (let i = 0; i < after.length; i++) if (after[i]) expect(before[i]).toBe(1);
  });

  it('REQ-ASSIST-ISLANDS-2: remove-small removes the islands under a volume in mm³ (a voxel is 0.8 × 0.8 × 2.5 mm) and keeps those at or over it', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 3, rect(4, 4, 14, 14), rect(20, 4, 25, 9)); // the 5 × 5 × 2 one: 50 voxels = 80 mm³
    draw(doc, LABEL, 4, 6, rect(4, 4, 14, 14)); // 500 voxels with slices 2–3
    draw(doc, LABEL, 8, 9, rect(30, 28, 33, 31)); // 18 voxels = 28.8 mm³
    expect(await refineLabel(target(doc), LABEL, { op: 'remove-small', minMm3: 18 * VOXEL_MM3 })).toEqual([]);
    expect(await refineLabel(target(doc), LABEL, { op: 'remove-small', minMm3: 50 })).toEqual([8, 9]);
    expect(count(volumeMask(doc, LABEL))).toBe(550);
    expect(await refineLabel(target(doc), LABEL, { op: 'remove-small', minMm3: 81 })).toEqual([2, 3]);
    expect(count(volumeMask(doc, LABEL))).toBe(500);
    expect(doc.metaAt(LABEL, 2)?.provenance).toMatchObject({ algorithm: 'islands', parameters: { mode: 'remove-smaller', minMm3: 81 } });
  });

  it('REQ-ASSIST-ISLANDS-3: keep-clicked keeps the island holding the voxel (volume coordinates)', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(4, 4, 14, 14));
    draw(doc, LABEL, 8, 9, rect(30, 28, 33, 31));
    expect(await refineLabel(target(doc), LABEL, { op: 'keep-clicked', voxel: [31, 29, 8] })).toEqual([2, 3, 4, 5, 6]);
    expect(doc.slicesOf(LABEL)).toEqual([8, 9]);
  });
});

describe('refineLabel: smoothing and margin', () => {
  it('REQ-ASSIST-SMOOTH-1: closing by 3 mm fills a one-slice gap (2.5 mm) within the outline of its neighbours and leaves the rest as it was', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 4, rect(10, 8, 22, 20));
    draw(doc, LABEL, 6, 8, rect(10, 8, 22, 20));
    const before = volumeMask(doc, LABEL);
    expect(await refineLabel(target(doc), LABEL, { op: 'closing', radiusMm: 3 })).toEqual([5]);
    const after = volumeMask(doc, LABEL);
    const slice = (m: Uint8Array, k: number) => m.subarray(k * W * H, (k + 1) * W * H);
    // The ball's cut 2.5 mm off its centre is narrower than its middle: the gap fills all but a rim of the neighbours' outline.
    const filled = slice(after, 5);
    const inner = rasterizeToMask({ rings: [rect(13, 11, 19, 17)] }, W, H);
    for (let i = 0; i < filled.length; i++) {
      if (filled[i]) expect(before[4 * W * H + i]).toBe(1);
      if (inner[i]) expect(filled[i]).toBe(1);
    }
    for (const k of [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]) expect(slice(after, k), `slice ${k}`).toEqual(slice(before, k));
  });

  it('REQ-ASSIST-SMOOTH-2: opening removes a one-voxel spur; median removes a lone voxel', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(10, 8, 22, 20), rect(22, 13, 26, 14));
    // 1.2 mm holds the in-plane diagonal (1.13 mm): a 3 × 3 square, which gives a rectangle back as it was.
    await refineLabel(target(doc), LABEL, { op: 'opening', radiusMm: 1.2 });
    expect(count(volumeMask(doc, LABEL))).toBe(12 * 12 * 5);
    draw(doc, OTHER, 9, 9, rect(30, 30, 31, 31));
    draw(doc, OTHER, 2, 4, rect(2, 2, 6, 6));
    expect(await refineLabel(target(doc), OTHER, { op: 'median' })).toContain(9);
    expect(doc.slicesOf(OTHER)).not.toContain(9);
  });

  it('REQ-ASSIST-MARGIN-1: grow by 2 mm on 0.8 × 0.8 × 2.5 mm voxels is what a brute-force Euclidean distance gives (two voxels in the plane, none across slices)', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 3, 5, rect(10, 10, 20, 14), rect(10, 14, 14, 22));
    draw(doc, LABEL, 7, 7, rect(25, 25, 27, 26));
    const before = volumeMask(doc, LABEL);
    const expected = bruteGrow(before, 2);
    const slices = await refineLabel(target(doc), LABEL, { op: 'margin', mm: 2 });
    expect(slices).toEqual([3, 4, 5, 7]);
    const after = volumeMask(doc, LABEL);
    expect(count(after)).toBe(count(expected));
    expect(after).toEqual(expected);
    // Independently: the 2 × 1 blob on slice 7 grows by the offsets with (0.8·dc)² + (0.8·dr)² ≤ 4 (a 5 × 5 square less its corners).
    expect(count(after.subarray(7 * W * H, 8 * W * H))).toBe(6 * 5 - 4);
    expect(doc.slicesOf(LABEL)).toEqual([3, 4, 5, 7]);
  });

  it('REQ-ASSIST-MARGIN-2: shrink by 1 mm takes one voxel off each side in the plane (0.8 mm) and none across slices (2.5 mm)', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(10, 8, 20, 18));
    expect(await refineLabel(target(doc), LABEL, { op: 'margin', mm: -1 })).toEqual([2, 3, 4, 5, 6]);
    expect(count(volumeMask(doc, LABEL))).toBe(8 * 8 * 5);
    expect(doc.boundsAt(LABEL, 4)).toBeDefined();
  });

  it('REQ-ASSIST-MARGIN-3: the box holds the operation’s reach plus a voxel, clamped to the series', () => {
    const doc = newDocument();
    draw(doc, LABEL, 1, 3, rect(10, 8, 20, 18));
    const box = labelBox(doc, LABEL, SPACING, 2)!;
    expect(box.k0).toBe(0);
    expect(box.k0 + box.slices).toBe(3 + 1 + 2);
    expect(box.c0).toBeLessThanOrEqual(10 - 4);
    expect(box.c0 + box.columns).toBeGreaterThanOrEqual(20 + 4);
    expect(labelBox(doc, OTHER, SPACING, 2)).toBeUndefined();
  });
});

describe('refineLabel: history, provenance, refusals', () => {
  it('REQ-ASSIST-REFINE-1: one undo step restores the document; the regions written are assisted, unverified, with the method and parameters; changes say assist', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(8, 8, 20, 18));
    draw(doc, LABEL, 8, 9, rect(28, 26, 32, 30));
    doc.setVerified(LABEL, 4, true);
    const snapshot = doc.snapshot();
    const changes: AnnotationChange[] = [];
    doc.subscribe((c) => changes.push(c));
    const slices = await refineLabel(target(doc), LABEL, { op: 'margin', mm: 1.5 });
    expect(slices).toEqual([2, 3, 4, 5, 6, 8, 9]);
    expect(new Set(changes.map((c) => c.kind))).toEqual(new Set(['assist']));
    for (const k of slices) {
      expect(doc.flagsAt(LABEL, k)).toEqual({ origin: 'assisted', verified: false });
      expect(doc.metaAt(LABEL, k)?.provenance).toMatchObject({ algorithm: 'margin', parameters: { mm: 1.5 } });
    }
    expect(await refineLabel(target(doc), LABEL, { op: 'remove-small', minMm3: 400 })).toEqual([8, 9]);
    expect(await refineLabel(target(doc), LABEL, { op: 'margin', mm: -0.8 })).toEqual([2, 3, 4, 5, 6]);
    // Three operations, three undo steps, and the document is as it was.
    expect(doc.undo()).toBe(true);
    expect(doc.undo()).toBe(true);
    expect(doc.undo()).toBe(true);
    expect(doc.snapshot()).toEqual(snapshot);
  });

  it('REQ-ASSIST-REFINE-2: a locked label, an unknown label and a bad number are refused and nothing changes', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(8, 8, 20, 18));
    doc.updateLabel(LABEL, { locked: true });
    const snapshot = doc.snapshot();
    await expect(refineLabel(target(doc), LABEL, { op: 'keep-largest' })).rejects.toMatchObject({ code: 'label-locked' });
    await expect(refineLabel(target(doc), 250, { op: 'keep-largest' })).rejects.toMatchObject({ code: 'label-not-found' });
    doc.updateLabel(LABEL, { locked: false });
    await expect(refineLabel(target(doc), LABEL, { op: 'margin', mm: Number.NaN })).rejects.toMatchObject({ code: 'bad-argument' });
    await expect(refineLabel(target(doc), LABEL, { op: 'closing', radiusMm: -1 })).rejects.toMatchObject({ code: 'bad-argument' });
    doc.updateLabel(LABEL, { locked: true });
    expect(doc.snapshot()).toEqual(snapshot);
  });

  it('REQ-ASSIST-REFINE-3: the operation runs where `run` says; an edit of the label meanwhile stops it (aborted) and nothing is written', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(8, 8, 20, 18));
    const calls: string[] = [];
    const run: RefineRunner = async (op, mask, box, spacing) => {
      calls.push(`${op.op} ${box.columns}×${box.rows}×${box.slices} ${spacing.join(',')}`);
      return runRefineOperation(op, mask, box, spacing);
    };
    expect(await refineLabel(target(doc), LABEL, { op: 'margin', mm: 1 }, { run })).toEqual([2, 3, 4, 5, 6]);
    expect(calls).toHaveLength(1);
    const history = doc.undoLabel;
    const meddling: RefineRunner = async (op, mask, box, spacing) => {
      draw(doc, LABEL, 7, 7, rect(8, 8, 10, 10));
      return runRefineOperation(op, mask, box, spacing);
    };
    await expect(refineLabel(target(doc), LABEL, { op: 'margin', mm: 1 }, { run: meddling })).rejects.toMatchObject({ code: 'aborted' });
    expect(doc.undoLabel).not.toBe(history);
    expect(doc.metaAt(LABEL, 7)?.provenance?.algorithm).toBeUndefined();
  });
});

describe('the worker runner adapter', () => {
  it('REQ-ASSIST-REFINE-6: workerRefineRunner sends each operation to the runner’s morphology call (box coordinates for a click) and gives what this thread gives', async () => {
    const doc = newDocument();
    draw(doc, LABEL, 2, 6, rect(8, 8, 20, 18), rect(24, 8, 26, 10));
    draw(doc, LABEL, 9, 9, rect(30, 28, 33, 31));
    const calls: string[] = [];
    const fake = {
      islands: async (...a: Parameters<typeof islands>) => (calls.push(`islands ${JSON.stringify(a[3])}`), islands(...a)),
      smooth: async (...a: Parameters<typeof smooth>) => (calls.push(`smooth ${a[3].kind}`), smooth(...a)),
      median: async (...a: Parameters<typeof median>) => (calls.push('median'), median(...a)),
      margin: async (...a: Parameters<typeof margin>) => (calls.push(`margin ${a[3]}`), margin(...a)),
    };
    const run = workerRefineRunner(fake);
    const box = labelBox(doc, LABEL, SPACING, 2)!;
    const ops: RefineOperation[] = [
      { op: 'keep-largest' },
      { op: 'remove-small', minMm3: 20 },
      { op: 'keep-clicked', voxel: [31, 29, 9] },
      { op: 'keep-clicked', voxel: [0, 0, 0] },
      { op: 'closing', radiusMm: 1.5 },
      { op: 'opening', radiusMm: 1 },
      { op: 'median' },
      { op: 'margin', mm: -0.8 },
    ];
    for (const op of ops) {
      const mask = labelMask(doc, LABEL, box);
      expect(await run(op, mask.slice(), box, SPACING), op.op).toEqual(runRefineOperation(op, mask, box, SPACING));
    }
    expect(calls).toEqual([
      'islands {"mode":"keep-largest"}',
      'islands {"mode":"remove-smaller","minMm3":20}',
      `islands {"mode":"keep-clicked","voxel":[${31 - box.c0},${29 - box.r0},${9 - box.k0}]}`,
      'smooth closing',
      'smooth opening',
      'median',
      'margin -0.8',
    ]);
  });
});

describe('the refine commands', () => {
  function harness(options: { readonly?: boolean; open?: boolean } = {}) {
    const events: { type: PublicEventName; detail: unknown }[] = [];
    const session = new AnnotatorSession({ emit: (type, detail) => events.push({ type, detail }) });
    const doc = newDocument();
    session.attachDocuments({ document: options.open === false ? undefined : doc, writable: true, ready: true });
    if (options.open !== false) session.set('volume', { columns: W, rows: H, slices: SLICES, spacing: SPACING } as unknown as Volume);
    if (options.readonly) session.setSetting('readonly', true);
    const context = { session, view: () => undefined, ui: {} } as unknown as CommandContext;
    return { session, doc, events, context };
  }

  it('REQ-ASSIST-REFINE-4: grow and shrink act on the active label by the session’s margin; enabled only while annotating', async () => {
    const { session, doc, context } = harness();
    draw(doc, OTHER, 2, 4, rect(10, 8, 20, 18));
    session.activeLabel = OTHER;
    session.set('refine', { ...session.get('refine'), marginMm: 0.8 });
    expect(await runCommand(context, 'refine.grow')).toEqual([2, 3, 4]);
    expect(count(volumeMask(doc, OTHER))).toBe((12 * 12 - 4) * 3); // 0.8 mm: the four sides, not the diagonal (1.13 mm)
    expect(doc.metaAt(OTHER, 3)?.provenance).toMatchObject({ algorithm: 'margin', parameters: { mm: 0.8 } });
    expect(await runCommand(context, 'refine.shrink')).toEqual([2, 3, 4]);
    expect(count(volumeMask(doc, OTHER))).toBe(10 * 10 * 3);
    // Bad numbers are not taken: the last good ones stay.
    session.set('refine', { ...session.get('refine'), radiusMm: -2, minIslandMm3: Number.NaN });
    expect(session.get('refine')).toEqual({ minIslandMm3: 100, radiusMm: 1, marginMm: 0.8 });

    const ro = harness({ readonly: true });
    expect(runCommand(ro.context, 'refine.keep-largest')).toBeUndefined();
    await expect(refineLabel(ro.session, LABEL, { op: 'keep-largest' })).rejects.toMatchObject({ code: 'read-only' });
    await expect(refineLabel(harness({ open: false }).session, LABEL, { op: 'keep-largest' })).rejects.toBeInstanceOf(SegmarkError);
  });

  it('REQ-ASSIST-REFINE-5: a locked active label is reported (segmark-error label-locked and a notice), not thrown', async () => {
    const { session, doc, events, context } = harness();
    draw(doc, LABEL, 2, 4, rect(10, 8, 20, 18));
    doc.updateLabel(LABEL, { locked: true });
    session.activeLabel = LABEL;
    expect(await runCommand(context, 'refine.closing')).toEqual([]);
    expect(events.filter((e) => e.type === 'segmark-error').map((e) => (e.detail as { code: string }).code)).toEqual(['label-locked']);
    expect(session.notices).toHaveLength(1);
  });
});
