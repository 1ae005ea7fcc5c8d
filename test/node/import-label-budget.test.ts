/**
 * An import is atomic about labels (issue 17): one that would need more new
 * labels than the document has values left is refused with `label-limit`,
 * naming the file and the numbers, before anything changes; one that fits
 * exactly goes through.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate, MAX_LABEL_ID } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Region } from '../../src/core/annotation/region.js';
import { applyImport, type ImportedRegions } from '../../src/core/formats/import-apply.js';
import { expectSegmarkError } from './support/expect-error.js';

function documentOf(): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: ['1', '2'], rows: 32, columns: 32, slices: 2 },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
}

/** `count` segments named "Segment n", each a small square on slice 0 (and, for the last, another with the first's name). */
function segments(count: number, repeatFirst = false): ImportedRegions {
  const square: Region = { rings: [[2, 2, 6, 2, 6, 6, 2, 6]] };
  const labels = Array.from({ length: count }, (_, i) => ({ value: i + 1, name: `Segment ${i + 1}` }));
  if (repeatFirst) labels.push({ value: count + 1, name: 'segment 1' });
  return { source: 'dicom-seg', labels, warnings: [], regions: new Map(labels.map((l) => [l.value, new Map([[0, square]])])) };
}

describe('imported labels within the label budget', () => {
  it('REQ-IMPORT-BUDGET-1: 300 segments onto a document of the spine template labels: label-limit naming the file, and nothing changes', () => {
    const doc = documentOf();
    const before = JSON.stringify(doc.snapshot());
    const free = MAX_LABEL_ID - doc.labels.length;
    const error = expectSegmarkError(() => applyImport(doc, segments(300), { historyLabel: 'Import', file: 'many.dcm' }), 'label-limit');
    expect(error.params).toEqual({ needed: 300, free, max: MAX_LABEL_ID });
    expect(error.file).toBe('many.dcm');
    expect(JSON.stringify(doc.snapshot())).toBe(before);
    expect(doc.canUndo).toBe(false);
  });

  it('REQ-IMPORT-BUDGET-2: exactly as many new labels as values are free goes through; a repeated name is one label', () => {
    const doc = documentOf();
    const free = MAX_LABEL_ID - doc.labels.length;
    const summary = applyImport(doc, segments(free, true), { historyLabel: 'Import', file: 'full.dcm' });
    expect(doc.labels).toHaveLength(MAX_LABEL_ID);
    expect(summary.labels.filter((l) => l.created)).toHaveLength(free);
  });
});
