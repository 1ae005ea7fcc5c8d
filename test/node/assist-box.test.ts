/** The voxel box of the assisted tools (src/core/assist/box.ts): clamping and layout. */
import { describe, expect, it } from 'vitest';
import { boxAround, boxIndex, cutBox } from '../../src/core/assist/box.js';

const volume = {
  columns: 6,
  rows: 5,
  slices: 4,
  spacing: [0.5, 0.5, 2] as const,
  sliceData: Array.from({ length: 4 }, (_, k) => Int16Array.from({ length: 30 }, (_, i) => 100 * k + i)),
};

describe('voxel box', () => {
  it('REQ-ASSIST-BOX-1: holds the points plus a margin in mm per axis, clamped to the volume', () => {
    expect(boxAround([[2, 2, 1]], 1, volume)).toEqual({ c0: 0, r0: 0, k0: 0, columns: 5, rows: 5, slices: 3 });
    expect(boxAround([[3, 1, 2], [4, 2, 2]], 0, volume)).toEqual({ c0: 3, r0: 1, k0: 2, columns: 2, rows: 2, slices: 1 });
    expect(() => boxAround([], 1, volume)).toThrow(RangeError);
  });

  it('REQ-ASSIST-BOX-2: cutBox is x fastest, (k·rows + r)·columns + c, in box coordinates', () => {
    const box = { c0: 1, r0: 2, k0: 1, columns: 3, rows: 2, slices: 2 };
    const cut = cutBox(volume, box);
    expect(cut.length).toBe(12);
    expect(cut[boxIndex(box, [0, 0, 0])]).toBe(100 + 2 * 6 + 1);
    expect(cut[boxIndex(box, [2, 1, 1])]).toBe(200 + 3 * 6 + 3);
    expect(() => boxIndex(box, [3, 0, 0])).toThrow(RangeError);
  });
});
