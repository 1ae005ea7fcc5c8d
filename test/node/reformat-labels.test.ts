/**
 * Labels on the sagittal and coronal reformats: the cut of the labelmap along
 * the reformat's plane equals the labelmap resliced here pixel by pixel
 * (row `slices − 1 − k` is slice k), follows edits on only the slices they
 * touched, never rasterises a slice without regions, and keeps one cut per
 * plane (the two views drawing in turn do not cut again).
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { LabelmapSlices } from '../../src/core/annotation/labelmap.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { ReformatPlane } from '../../src/core/dicom/reformat.js';
import { ReformatLabels } from '../../src/viewer/reformat-labels.js';

const columns = 40;
const rows = 30;
const slices = 12;

function newDocument(): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.2.3.${k}`), rows, columns, slices },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
}

const box = (x0: number, y0: number, x1: number, y1: number) => ({ rings: [[x0, y0, x1, y0, x1, y1, x0, y1]] });

/** The labelmap cut along the plane, written out by hand: a pixel (c, r) of slice k is inside a box when its centre is. */
function expectedCut(doc: AnnotationDocument, plane: ReformatPlane, index: number): Uint8Array {
  const across = plane === 'sagittal' ? rows : columns;
  const out = new Uint8Array(across * slices);
  const regions = doc.snapshot().regions;
  for (let k = 0; k < slices; k++) {
    for (let a = 0; a < across; a++) {
      const [c, r] = plane === 'sagittal' ? [index, a] : [a, index];
      for (const region of regions.filter((g) => g.slice === k)) {
        const [x0, y0, x1] = region.rings[0]!;
        const y1 = region.rings[0]![5]!;
        if (c + 0.5 > x0! && c + 0.5 < x1! && r + 0.5 > y0! && r + 0.5 < y1) out[(slices - 1 - k) * across + a] = region.labelId;
      }
    }
  }
  return out;
}

/** A labelmap that counts which slices it was asked to rasterise. */
function countingLabelmap(doc: AnnotationDocument): { labelmap: LabelmapSlices; asked: Set<number> } {
  const labelmap = new LabelmapSlices(doc, columns, rows, slices);
  const asked = new Set<number>();
  const slice = labelmap.slice.bind(labelmap);
  labelmap.slice = (k: number) => {
    asked.add(k);
    return slice(k);
  };
  return { labelmap, asked };
}

describe('labels on reformats', () => {
  it('cut the labelmap exactly along sagittal and coronal planes, rows from the last slice to the first', () => {
    const doc = newDocument();
    doc.setRegion(4, 2, box(5, 6, 20, 18), { kind: 'draw' });
    doc.setRegion(4, 3, box(8, 4, 25, 12), { kind: 'draw' });
    doc.setRegion(7, 9, box(12, 10, 30, 29), { kind: 'draw' });
    const { labelmap } = countingLabelmap(doc);
    const labels = new ReformatLabels(doc, labelmap);
    for (const [plane, index] of [['sagittal', 14], ['sagittal', 0], ['coronal', 11], ['coronal', 29]] as const) {
      const cut = labels.labels(plane, index);
      expect(Array.from(cut), `${plane} ${index}`).toEqual(Array.from(expectedCut(doc, plane, index)));
    }
    expect(labels.labels('sagittal', 14).some((v) => v === 4)).toBe(true);
  });

  it('follow an edit on the slices it touched only, and never rasterise an empty slice', () => {
    const doc = newDocument();
    doc.setRegion(4, 5, box(5, 5, 30, 20), { kind: 'draw' });
    const { labelmap, asked } = countingLabelmap(doc);
    doc.subscribe((change) => labelmap.invalidate(change.slice));
    const labels = new ReformatLabels(doc, labelmap);
    labels.labels('coronal', 10);
    expect([...asked]).toEqual([5]);

    asked.clear();
    doc.setRegion(5, 7, box(0, 0, 40, 30), { kind: 'draw' });
    const after = labels.labels('coronal', 10);
    expect([...asked]).toEqual([7]);
    expect(Array.from(after)).toEqual(Array.from(expectedCut(doc, 'coronal', 10)));

    asked.clear();
    expect(doc.undo()).toBe(true);
    expect(Array.from(labels.labels('coronal', 10))).toEqual(Array.from(expectedCut(doc, 'coronal', 10)));
    expect(labels.labels('coronal', 10).includes(5)).toBe(false);
  });

  it('keep a cut per plane: the sagittal and coronal views drawing in turn cut nothing again until an edit', () => {
    const doc = newDocument();
    doc.setRegion(4, 2, box(5, 6, 20, 18), { kind: 'draw' });
    doc.setRegion(7, 9, box(12, 10, 30, 29), { kind: 'draw' });
    const { labelmap, asked } = countingLabelmap(doc);
    doc.subscribe((change) => labelmap.invalidate(change.slice));
    const labels = new ReformatLabels(doc, labelmap);
    labels.labels('sagittal', 14);
    labels.labels('coronal', 11);
    asked.clear();
    for (let frame = 0; frame < 3; frame++) {
      expect(Array.from(labels.labels('sagittal', 14))).toEqual(Array.from(expectedCut(doc, 'sagittal', 14)));
      expect(Array.from(labels.labels('coronal', 11))).toEqual(Array.from(expectedCut(doc, 'coronal', 11)));
    }
    expect([...asked]).toEqual([]);

    // An edit is cut again on both planes, for its slice only.
    doc.setRegion(5, 4, box(0, 0, 40, 30), { kind: 'draw' });
    expect(Array.from(labels.labels('sagittal', 14))).toEqual(Array.from(expectedCut(doc, 'sagittal', 14)));
    expect(Array.from(labels.labels('coronal', 11))).toEqual(Array.from(expectedCut(doc, 'coronal', 11)));
    expect([...asked]).toEqual([4]);
  });
});
