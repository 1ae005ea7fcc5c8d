/**
 * Interpolation applied to a document, on the sample's ground-truth L3/L4
 * disc: key slices in, interpolated unverified slices out, one undo step,
 * and acceptance.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { acceptInterpolation, interpolateLabel, isPendingInterpolation, keySlices } from '../../src/core/annotation/interpolate-label.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';

const meta = JSON.parse(readFileSync('sample-dicom/ground-truth/discs.json', 'utf8')) as { dims: { columns: number; rows: number; slices: number } };
const { columns, rows, slices } = meta.dims;
const truth = gunzipSync(readFileSync('sample-dicom/ground-truth/discs.u8.gz'));
const n = columns * rows;
const DISC = 3;

function truthMask(k: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = truth[k * n + i] === DISC ? 1 : 0;
  return m;
}

function newDocument(): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.2.3.${k}`), rows, columns, slices },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
}

const discSlices = Array.from({ length: slices }, (_, k) => k).filter((k) => truthMask(k).some((v) => v));
const keys = discSlices.filter((_, i) => i % 2 === 0 || i === discSlices.length - 1);
const geometry = { columns, rows, positions: Array.from({ length: slices }, (_, k) => k * 3), pixelSpacing: [0.78125, 0.78125] as const };

describe('interpolating a label in a document', () => {
  it('fills the slices between outlined keys as interpolated, unverified, in one undo step', () => {
    const doc = newDocument();
    for (const k of keys) doc.setRegion(DISC, k, maskToRegion(truthMask(k), columns, rows), { kind: 'draw' });
    const undoBefore = doc.undoLabel;
    const result = interpolateLabel(doc, DISC, geometry);
    expect(result.keys).toEqual(keys);
    const between = discSlices.filter((k) => !keys.includes(k));
    expect(result.filled).toEqual(between);
    for (const k of between) expect(isPendingInterpolation(doc, DISC, k)).toBe(true);
    for (const k of keys) expect(isPendingInterpolation(doc, DISC, k)).toBe(false);

    let both = 0;
    let sum = 0;
    for (const k of between) {
      const got = rasterizeToMask(doc.regionAt(DISC, k), columns, rows);
      const want = truthMask(k);
      for (let i = 0; i < n; i++) {
        both += got[i]! & want[i]!;
        sum += got[i]! + want[i]!;
      }
    }
    const dice = (2 * both) / sum;
    console.log(`interpolated L3/L4 from ${keys.length} of ${discSlices.length} slices: Dice ${dice.toFixed(4)} on the ${between.length} filled`);
    expect(dice).toBeGreaterThanOrEqual(0.85);

    expect(doc.undo()).toBe(true);
    expect(doc.slicesOf(DISC)).toEqual(keys);
    expect(doc.undoLabel).toBe(undoBefore);
    expect(doc.redo()).toBe(true);
    expect(doc.slicesOf(DISC)).toEqual(discSlices);
  });

  it('accepted slices become keys; accepting is one undo step', () => {
    const doc = newDocument();
    for (const k of keys) doc.setRegion(DISC, k, maskToRegion(truthMask(k), columns, rows), { kind: 'draw' });
    const { filled } = interpolateLabel(doc, DISC, geometry);
    expect(acceptInterpolation(doc, DISC, [filled[0]!])).toBe(1);
    expect(keySlices(doc, DISC)).toContain(filled[0]);
    expect(acceptInterpolation(doc, DISC)).toBe(filled.length - 1);
    expect(filled.every((k) => !isPendingInterpolation(doc, DISC, k))).toBe(true);
    expect(interpolateLabel(doc, DISC, geometry).filled).toEqual([]);
    doc.undo();
    expect(filled.slice(1).every((k) => isPendingInterpolation(doc, DISC, k))).toBe(true);
  });

  it('does nothing with fewer than two key slices', () => {
    const doc = newDocument();
    doc.setRegion(DISC, keys[0]!, maskToRegion(truthMask(keys[0]!), columns, rows), { kind: 'draw' });
    const canUndo = doc.canUndo;
    expect(interpolateLabel(doc, DISC, geometry).filled).toEqual([]);
    expect(doc.canUndo).toBe(canUndo);
    expect(doc.slicesOf(DISC)).toEqual([keys[0]]);
  });
});
