/**
 * Gantry-tilted series on the sagittal and coronal views. The labelmap grid
 * is the acquisition grid, so:
 * - the reformats stack the slices as acquired: the anatomy looks sheared by
 *   the tilt, and the view says so ("tilt 15.0°");
 * - an edit on a reformat lands on exactly the voxels under the pointer, the
 *   same rows of each slice however far the tilt has shifted that slice;
 * - the patient coordinates under the cursor are those of the voxel's own
 *   slice plane, i.e. where it really is.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { PlaneDocument } from '../../src/core/annotation/plane-edit.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { assembleSeries } from '../../src/core/dicom/series.js';
import { voxelOnPlane } from '../../src/core/dicom/view-plane.js';
import { allocateVolume } from '../../src/core/dicom/volume.js';
import { overlayContent } from '../../src/elements/segmark-viewport/view-overlay.js';
import { fakeInstance } from './support/fake-instance.js';

const TILT = (15 * Math.PI) / 180;
const SIZE = 16;
const SLICES = 12;
// Slices 2 mm apart along z, each shifted in y by 2·tan(15°): the table moves, the gantry is tilted.
const position = (k: number): [number, number, number] => [-4, 10 + k * 2 * Math.tan(TILT), 30 + k * 2];
const volume = allocateVolume(
  assembleSeries(Array.from({ length: SLICES }, (_, k) => fakeInstance(`t${k}`, { position: position(k), rows: SIZE, columns: SIZE, instanceNumber: SLICES - k })))[0]!,
);

function document(): AnnotationDocument {
  return new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: [...volume.sopInstanceUIDs], rows: SIZE, columns: SIZE, slices: SLICES },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
}

describe('a gantry-tilted series on the reformats', () => {
  it('the series keeps its tilt and its files\' instance numbers; the reformat says it is tilted', () => {
    expect(volume.tiltDeg).toBeCloseTo(15, 6);
    expect(volume.instanceNumbers).toEqual(Array.from({ length: SLICES }, (_, k) => SLICES - k));
    const overlay = overlayContent({
      volume,
      plane: 'sagittal',
      index: 3,
      slice: 5,
      crosshair: { column: 3, row: 8 },
      window: { center: 40, width: 400 },
      cursor: undefined,
      scale: 1,
      dpr: 1,
      width: 600,
      referenceLines: true,
      toCanvas: (x, y) => ({ x, y }),
    });
    expect(overlay.topLeft).toEqual(['SAG', 'tilt 15.0°']);
  });

  it('the patient position under the cursor is the voxel\'s own, on its shifted slice', () => {
    for (const [x, y] of [[5, 2], [11, 9]] as const) {
      const voxel = voxelOnPlane(volume, 'sagittal', 3, x, y);
      const overlay = overlayContent({
        volume,
        plane: 'sagittal',
        index: 3,
        slice: 0,
        crosshair: { column: 3, row: 8 },
        window: { center: 40, width: 400 },
        cursor: { x: x + 0.5, y: y + 0.5 },
        scale: 1,
        dpr: 1,
        width: 600,
        referenceLines: false,
        toCanvas: (px, py) => ({ x: px, y: py }),
      });
      // The fake files have 0.5 mm pixels; the slice's first voxel centre is its ImagePositionPatient.
      const p = position(voxel.slice);
      const expected = [p[0] + 0.5 * voxel.column, p[1] + 0.5 * voxel.row, p[2]];
      expect(overlay.bottomLeft[1]).toBe(`L ${expected[0]!.toFixed(1)}  P ${expected[1]!.toFixed(1)}  S ${expected[2]!.toFixed(1)} mm`);
    }
  });

  it('an edit on the sagittal reformat sets the same rows on every slice it crosses, wherever the tilt moved them', () => {
    const doc = document();
    const plane = new PlaneDocument(doc, { columns: SIZE, rows: SIZE, slices: SLICES }, 'sagittal', 3);
    // Plane pixels x 4..5 (volume rows), y 2..4 (slices 9, 8, 7).
    plane.setRegion(4, 3, { rings: [[4, 2, 6, 2, 6, 5, 4, 5]] }, { kind: 'draw', label: 'Brush' });
    for (let k = 0; k < SLICES; k++) {
      const mask = rasterizeToMask(doc.regionAt(4, k), SIZE, SIZE);
      const set = [...mask.keys()].filter((i) => mask[i]).map((i) => [i % SIZE, Math.floor(i / SIZE)]);
      expect(set, `slice ${k}`).toEqual(k >= 7 && k <= 9 ? [[3, 4], [3, 5]] : []);
    }
  });
});
