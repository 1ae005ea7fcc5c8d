/** The derived labelmap: incremental repaint equals a full rebuild, and only the changed box is repainted. */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { LabelmapSlices } from '../../src/core/annotation/labelmap.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { rasterizeRegion } from '../../src/core/annotation/rasterize.js';
import { REGION_OPS, strokeToRegion } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { mulberry32 as rng } from '../../scripts/sample/random.js';

const C = 96;
const R = 80;

function newDocument(): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1', seriesInstanceUID: '1.1', sopInstanceUIDs: ['a', 'b'], rows: R, columns: C, slices: 2 },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
}

function fullRebuild(doc: AnnotationDocument, k: number): Uint8Array {
  const map = new Uint8Array(C * R);
  for (const id of doc.labelsOnSlice(k)) rasterizeRegion(doc.regionAt(id, k), C, R, map, id);
  return map;
}

describe('LabelmapSlices', () => {
  it('after random paint and erase strokes over several labels, the incremental map equals a full rebuild', () => {
    const doc = newDocument();
    const maps = new LabelmapSlices(doc, C, R, 2);
    doc.subscribe((c) => maps.invalidate(c.slice));
    const random = rng(7);
    for (let step = 0; step < 120; step++) {
      const label = 1 + Math.floor(random() * 4);
      const k = Math.floor(random() * 2);
      const x = random() * C;
      const y = random() * R;
      const stroke = strokeToRegion([x, y, x + (random() - 0.5) * 30, y + (random() - 0.5) * 30], 2 + random() * 6);
      const before = doc.regionAt(label, k);
      const next = random() < 0.7 ? REGION_OPS.union(before, stroke) : REGION_OPS.difference(before, stroke);
      doc.setRegion(label, k, next, { kind: 'draw' });
      if (step % 5 === 0 && random() < 0.3) doc.undo();
      expect(maps.slice(k)).toEqual(fullRebuild(doc, k));
    }
    for (const k of [0, 1]) expect(maps.slice(k)).toEqual(fullRebuild(doc, k));
  });

  it('reports only the box an edit touched as dirty', () => {
    const doc = newDocument();
    const maps = new LabelmapSlices(doc, C, R, 2);
    doc.subscribe((c) => maps.invalidate(c.slice));
    expect(maps.takeDirty(0)).toEqual({ c0: 0, r0: 0, c1: C, r1: R });
    expect(maps.takeDirty(0)).toEqual({ c0: 0, r0: 0, c1: 0, r1: 0 });
    doc.setRegion(1, 0, { rings: [[10, 10, 20, 10, 20, 30, 10, 30]] }, { kind: 'draw' });
    // The box covers the change with at most a small safety margin.
    const near = (box: { c0: number; r0: number; c1: number; r1: number }, want: { c0: number; r0: number; c1: number; r1: number }) => {
      expect(box.c0).toBeLessThanOrEqual(want.c0);
      expect(box.r0).toBeLessThanOrEqual(want.r0);
      expect(box.c1).toBeGreaterThanOrEqual(want.c1);
      expect(box.r1).toBeGreaterThanOrEqual(want.r1);
      expect(want.c0 - box.c0 + box.c1 - want.c1 + want.r0 - box.r0 + box.r1 - want.r1).toBeLessThanOrEqual(8);
    };
    near(maps.takeDirty(0), { c0: 10, r0: 10, c1: 20, r1: 30 });
    doc.setRegion(1, 0, { rings: [[50, 40, 60, 40, 60, 45, 50, 45]] }, { kind: 'draw' });
    // old and new bounds together
    near(maps.takeDirty(0), { c0: 10, r0: 10, c1: 60, r1: 45 });
    expect(maps.takeDirty(1)).toEqual({ c0: 0, r0: 0, c1: C, r1: R });
  });
});
