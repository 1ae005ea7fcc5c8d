import { beforeAll, describe, expect, it } from 'vitest';
import { reformat } from '../../src/core/dicom/reformat.js';
import { nextSliceIndex, numbering, planeFrame, sliceNumber, sliceOfNumber, voxelOnPlane, voxelToPlane } from '../../src/core/dicom/view-plane.js';
import { voxelAt, type Volume } from '../../src/core/dicom/volume.js';
import { sampleVolume } from './support/sample-volume.js';

let volume: Volume;
beforeAll(async () => {
  volume = await sampleVolume(12);
});

describe('the three planes of a volume', () => {
  it('a plane pixel maps to the voxel the reformat shows there, and back', () => {
    for (const plane of ['sagittal', 'coronal'] as const) {
      const index = plane === 'sagittal' ? 201 : 233;
      const image = reformat(volume, plane, index);
      const frame = planeFrame(volume, plane);
      expect([frame.columns, frame.rows]).toEqual([image.columns, image.rows]);
      expect([frame.columnSpacing, frame.rowSpacing]).toEqual([image.columnSpacing, image.rowSpacing]);
      for (const [x, y] of [[0, 0], [17, 3], [frame.columns - 1, frame.rows - 1], [250, 7]] as const) {
        const voxel = voxelOnPlane(volume, plane, index, x, y);
        expect(voxelAt(volume, voxel.slice, voxel.column, voxel.row)).toBe(image.pixels[y * image.columns + x]);
        expect(voxelToPlane(volume, plane, voxel)).toEqual({ x, y, index });
      }
    }
  });

  it('the axial plane is the slice itself; the reformats point the normal up', () => {
    const axial = planeFrame(volume, 'axial');
    expect([axial.columns, axial.rows, axial.positions]).toEqual([volume.columns, volume.rows, volume.slices]);
    expect(voxelOnPlane(volume, 'axial', 4, 10, 20)).toEqual({ column: 10, row: 20, slice: 4 });
    const sagittal = planeFrame(volume, 'sagittal');
    expect(sagittal.downDirection.map((d) => -d)).toEqual([...volume.normal]);
    expect(sagittal.rightDirection).toEqual(volume.columnCosine);
    expect(sagittal.positions).toBe(volume.columns);
    expect(planeFrame(volume, 'coronal').positions).toBe(volume.rows);
  });
});

describe('image numbers as radiologists read them', () => {
  it('image 1 is the most superior slice of an axial series; the next image is inferior', () => {
    // Slices are stored ascending along the normal, which points to the head on the sample.
    expect(volume.normal[2]).toBeGreaterThan(0.9);
    const top = volume.locations.indexOf(Math.max(...volume.locations));
    expect(sliceNumber(volume, top)).toBe(1);
    expect(sliceNumber(volume, 0)).toBe(volume.slices);
    for (let k = 0; k < volume.slices; k++) expect(sliceOfNumber(volume, sliceNumber(volume, k))).toBe(k);
    expect(volume.locations[nextSliceIndex(volume, 5)]!).toBeLessThan(volume.locations[5]!);
    expect(nextSliceIndex(volume, 0)).toBe(0);
    expect(nextSliceIndex(volume, 0, -100)).toBe(volume.slices - 1);
  });

  it('a series stored feet first, or not axial, is numbered in stored order', () => {
    const feetFirst = { slices: 10, normal: [0, 0, -1] as const };
    expect(sliceNumber(feetFirst, 0)).toBe(1);
    expect(nextSliceIndex(feetFirst, 3)).toBe(4);
    const sagittalSeries = { slices: 10, normal: [1, 0, 0.2] as const };
    expect(numbering(sagittalSeries)(9)).toBe(10);
    expect(numbering(undefined)(0)).toBe(1);
  });

  it('the file\'s InstanceNumber is kept per slice', () => {
    expect(volume.instanceNumbers).toHaveLength(volume.slices);
    expect(volume.instanceNumbers!.every((n) => Number.isInteger(n))).toBe(true);
    expect(new Set(volume.instanceNumbers).size).toBe(volume.slices);
  });
});
