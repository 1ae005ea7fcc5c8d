/**
 * Restoring an earlier version of a document: the result equals that version
 * exactly (labels, order, fields, regions, flags), it is one undo step, and
 * undo brings back exactly what was there before.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument, type AnnotationChange } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import type { Region } from '../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { square, testSeries } from './support/test-series.js';

const SERIES = testSeries(4, 64);


/** A square with a square hole. */
function frame(x: number, y: number): Region {
  return { rings: [[x, y, x + 20, y, x + 20, y + 20, x, y + 20], [x + 5, y + 5, x + 5, y + 15, x + 15, y + 15, x + 15, y + 5]] };
}

function documentWithWork(): AnnotationDocument {
  const doc = new AnnotationDocument({ series: SERIES, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE) });
  doc.setRegion(4, 1, square(10, 10, 12), { kind: 'draw' });
  doc.setRegion(4, 2, frame(30, 30), { kind: 'draw' });
  doc.setRegion(5, 2, square(2, 2, 6), { kind: 'interpolate' });
  doc.setVerified(4, 1, true);
  return doc;
}

describe('AnnotationDocument.restore', () => {
  it('turns a document back into an earlier version exactly, as one undo step that undo reverses exactly', () => {
    const doc = documentWithWork();
    const version = doc.snapshot();

    // Later work of every kind: regions changed, added and removed, flags, label fields, order, labels added and deleted.
    doc.setRegion(4, 1, square(12, 12, 20), { kind: 'draw' });
    doc.setRegion(4, 3, square(40, 40, 8), { kind: 'draw' });
    doc.setRegion(5, 2, { rings: [] }, { kind: 'erase' });
    doc.updateLabel(4, { name: 'L4-5', color: [1, 2, 3], opacity: 0.2, visible: false });
    doc.moveLabel(11, 0);
    const added = doc.addLabel({ name: 'Osteophyte' });
    doc.setRegion(added.id, 0, square(50, 50, 5), { kind: 'draw' });
    doc.updateLabel(3, { locked: true });
    doc.deleteLabel(2);
    const later = doc.snapshot();
    expect(later).not.toEqual(version);

    const changes: AnnotationChange[] = [];
    doc.subscribe((c) => changes.push(c));
    doc.restore(version);
    expect(doc.snapshot()).toEqual(version);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.kind === 'restore')).toBe(true);
    expect(doc.undoLabel).toBe('Restore version');

    expect(doc.undo()).toBe(true);
    expect(doc.snapshot()).toEqual(later);
    expect(doc.redo()).toBe(true);
    expect(doc.snapshot()).toEqual(version);
  });

  it('restoring the current state changes nothing and announces nothing', () => {
    const doc = documentWithWork();
    const changes: AnnotationChange[] = [];
    doc.subscribe((c) => changes.push(c));
    doc.restore(doc.snapshot());
    expect(changes).toEqual([]);
  });

  it('refuses a version of another series and leaves the document as it was', () => {
    const doc = documentWithWork();
    const before = doc.snapshot();
    const other = { ...before, series: { ...before.series, seriesInstanceUID: '9.9.9' } };
    expect(() => doc.restore(other)).toThrow(/another series/);
    expect(doc.snapshot()).toEqual(before);
  });
});
