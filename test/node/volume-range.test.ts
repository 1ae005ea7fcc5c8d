/**
 * The value range a reformat is drawn with comes from the volume, not from a
 * scan of the cut (issue 19): the range of the slices decoded so far, widened
 * to the placeholder of the slices still to come, which a reformat crosses too.
 */
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../src/core/dicom/volume.js';
import { reformat } from '../../src/core/dicom/reformat.js';
import { valueRange, volumeRange } from '../../src/viewer/slice-images.js';

const columns = 6;
const rows = 4;
const slices = 5;
const PLACEHOLDER = -1024;

/** A small volume in the loader's shape: decoded slices hold their own values, the others share one placeholder. */
function partlyLoaded(decoded: Record<number, number[]>): Volume {
  const placeholder = new Int16Array(rows * columns).fill(PLACEHOLDER);
  const sliceData = Array.from({ length: slices }, (_, k) => {
    const values = decoded[k];
    return values ? Int16Array.from({ length: rows * columns }, (_, i) => values[i % values.length]!) : placeholder;
  });
  const loaded = Uint8Array.from({ length: slices }, (_, k) => (decoded[k] ? 1 : 0));
  let min = Infinity;
  let max = -Infinity;
  for (const values of Object.values(decoded)) for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return {
    columns, rows, slices, sliceData, loaded, range: { min, max },
    spacing: [1, 1, 2], normal: [0, 0, 1], rowCosine: [1, 0, 0], columnCosine: [0, 1, 0],
  } as unknown as Volume;
}

describe('volumeRange', () => {
  it('holds every value of any reformat of a partly decoded volume, placeholders included', () => {
    const volume = partlyLoaded({ 1: [-900, 40, 1200], 3: [-50, 3000] });
    const range = volumeRange(volume)!;
    expect(range).toEqual({ min: PLACEHOLDER, max: 3000 });
    for (const plane of ['sagittal', 'coronal'] as const) {
      for (let index = 0; index < (plane === 'sagittal' ? columns : rows); index++) {
        const cut = valueRange(reformat(volume, plane, index).pixels);
        expect(cut.min).toBeGreaterThanOrEqual(range.min);
        expect(cut.max).toBeLessThanOrEqual(range.max);
      }
    }
  });

  it('is the decoded range once every slice is decoded, and unknown before any is', () => {
    const all = partlyLoaded({ 0: [-100], 1: [5], 2: [7], 3: [-3], 4: [250] });
    expect(volumeRange(all)).toEqual({ min: -100, max: 250 });
    expect(volumeRange(partlyLoaded({}))).toBeUndefined();
  });
});
