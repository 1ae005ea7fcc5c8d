import { describe, expect, it } from 'vitest';
import { orientationLetters, pixelToWorld, planeNormal, worldToPixel, type PlaneGeometry } from '../../src/core/dicom/geometry.js';

const axial: PlaneGeometry = {
  position: [-100, -50, 30],
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  pixelSpacing: [0.8, 0.5], // Δrow 0.8, Δcol 0.5
};

describe('pixel ↔ patient coordinates (ARCHITECTURE "Coordinates")', () => {
  it('puts the centre of the first pixel at ImagePositionPatient', () => {
    expect(pixelToWorld(axial, 0.5, 0.5)).toEqual([-100, -50, 30]);
  });

  it('steps Δcol along the row cosine and Δrow along the column cosine (hand-computed)', () => {
    // pixel (c=10, r=4) centre (10.5, 4.5): x = -100 + 10·0.5, y = -50 + 4·0.8
    const p = pixelToWorld(axial, 10.5, 4.5);
    expect(p[0]).toBeCloseTo(-95, 12);
    expect(p[1]).toBeCloseTo(-46.8, 12);
    expect(p[2]).toBe(30);
    // the corner of the image, half a pixel before the first centre
    const corner = pixelToWorld(axial, 0, 0);
    expect(corner[0]).toBeCloseTo(-100.25, 12);
    expect(corner[1]).toBeCloseTo(-50.4, 12);
  });

  it('handles an oblique sagittal plane (hand-computed)', () => {
    const s = Math.SQRT1_2;
    const plane: PlaneGeometry = {
      position: [10, 20, 30],
      rowCosine: [0, s, -s],
      columnCosine: [0, s, s],
      pixelSpacing: [2, 1],
    };
    // (x, y) = (3.5, 1.5): 3 columns × 1 mm along u, 1 row × 2 mm along v
    const p = pixelToWorld(plane, 3.5, 1.5);
    expect(p[0]).toBeCloseTo(10, 12);
    expect(p[1]).toBeCloseTo(20 + 3 * s + 2 * s, 12);
    expect(p[2]).toBeCloseTo(30 - 3 * s + 2 * s, 12);
    const n = planeNormal(plane);
    expect(n[0]).toBeCloseTo(1, 12);
  });

  it('worldToPixel inverts pixelToWorld and measures distance from the plane', () => {
    for (const [x, y] of [[0, 0], [0.5, 0.5], [123.25, 7.75], [511.5, 511.5]] as const) {
      const w = pixelToWorld(axial, x, y);
      const back = worldToPixel(axial, [w[0], w[1], w[2] + 2.5]);
      expect(back.x).toBeCloseTo(x, 10);
      expect(back.y).toBeCloseTo(y, 10);
      expect(back.distance).toBeCloseTo(2.5, 10);
    }
  });
});

describe('orientation letters', () => {
  it('names LPS directions', () => {
    expect(orientationLetters([1, 0, 0])).toBe('L');
    expect(orientationLetters([-1, 0, 0])).toBe('R');
    expect(orientationLetters([0, -1, 0])).toBe('A');
    expect(orientationLetters([0, 1, 0])).toBe('P');
    expect(orientationLetters([0, 0, 1])).toBe('S');
    expect(orientationLetters([0, 0, -1])).toBe('I');
  });
  it('orders oblique letters by weight', () => {
    expect(orientationLetters([0.9, -0.43, 0])).toBe('LA');
    expect(orientationLetters([0.1, 0, -0.99])).toBe('I');
  });
});
