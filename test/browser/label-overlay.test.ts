/**
 * The label overlay's outlines (src/viewer/label-overlay.ts) in a real canvas:
 * what an assisted tool wrote is dashed in the label's colour until someone
 * verifies it; drawn and verified outlines are solid.
 */
import { describe, expect, it, vi } from 'vitest';
import { applyBoxMask } from '../../src/core/assist/apply-mask.js';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { LabelmapSlices } from '../../src/core/annotation/labelmap.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { LabelOverlay } from '../../src/viewer/label-overlay.js';

const SIZE = 32;
const IDENTITY: [number, number, number, number, number, number] = [1, 0, 0, 1, 0, 0];

function setup() {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: ['1.2.3.1', '1.2.3.2'], rows: SIZE, columns: SIZE, slices: 2 },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
  const overlay = new LabelOverlay(doc, new LabelmapSlices(doc, SIZE, SIZE, 2));
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = SIZE;
  const ctx = canvas.getContext('2d')!;
  const dashes = vi.spyOn(ctx, 'setLineDash');
  const draw = (slice: number) => {
    dashes.mockClear();
    overlay.draw(ctx, slice, IDENTITY, 1, undefined);
    return dashes.mock.calls.map(([d]) => [...d].join(','));
  };
  return { doc, draw };
}

describe('label outlines', () => {
  it('REQ-ASSIST-DASHED-1: an assisted, unverified outline is dashed on every label until verified; a drawn one is solid', () => {
    const { doc, draw } = setup();
    const box = { c0: 4, r0: 4, k0: 0, columns: 8, rows: 8, slices: 1 };
    applyBoxMask(doc, box, new Uint8Array(64).fill(1), { labelId: 3, method: 'one-click-region', parameters: {}, mode: 'add' });
    doc.setRegion(2, 1, { rings: [[4, 4, 12, 4, 12, 12, 4, 12]] }, { kind: 'draw' });
    // Label 3 is not the active label (1) and is filled: still its assisted outline shows, dashed.
    expect(draw(0)).toContain('4,3');
    expect(draw(1)).not.toContain('4,3');
    doc.setVerified(3, 0, true);
    expect(draw(0)).not.toContain('4,3');
  });
});
