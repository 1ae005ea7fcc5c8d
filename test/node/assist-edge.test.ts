/**
 * The partial-volume edge (src/core/assist/partial-volume-edge.ts): a disc
 * between cortical endplates, rendered on thick slices with partial volume,
 * against its voxel-centre truth; and the five discs of the committed sample
 * from one click each, against sample-dicom/ground-truth.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { boxAround, cutBox, type BoxSpacing } from '../../src/core/assist/box.js';
import { oneClickRegion } from '../../src/core/assist/one-click.js';
import { addPartialVolumeEdge } from '../../src/core/assist/partial-volume-edge.js';
import { box, diceOf, random } from './support/assist-phantoms.js';
import { sampleVolume } from './support/sample-volume.js';

const DISC = { min: 50, max: 150 };
/** Half-way from a disc (≈ 90 HU) to fat (≈ −90) and to cortical bone (≈ 1050). */
const DISC_EDGE = { min: 0, max: 570 };

/**
 * A lens-shaped disc (radius 12 mm, 10 mm high at its centre) of 90 HU in fat,
 * under and over 1.5 mm of cortical bone (1050) and then cancellous bone (240),
 * sampled 4 × 4 × 8 per voxel on 0.8 mm pixels and 3 mm slices, with noise.
 */
function lens(): { values: Int16Array; truth: Uint8Array; spacing: BoxSpacing; b: ReturnType<typeof box>; centre: [number, number, number] } {
  const b = box(40, 40, 9);
  const spacing: BoxSpacing = [0.8, 0.8, 3];
  const [cx, cy, cz] = [19.5 * 0.8, 19.5 * 0.8, 4 * 3 + 0.7];
  const tissue = (x: number, y: number, z: number, centreOnly = false): number => {
    const rho2 = ((x - cx) ** 2 + (y - cy) ** 2) / 144;
    if (rho2 >= 1) return centreOnly ? 0 : -90;
    const h = 5 * Math.sqrt(1 - rho2);
    const dz = Math.abs(z - cz);
    if (dz < h) return centreOnly ? 1 : 90;
    if (centreOnly) return 0;
    return dz < h + 1.5 ? 1050 : 240;
  };
  const n = b.columns * b.rows * b.slices;
  const values = new Int16Array(n);
  const truth = new Uint8Array(n);
  const rand = random(7);
  for (let k = 0, i = 0; k < b.slices; k++) {
    for (let r = 0; r < b.rows; r++) {
      for (let c = 0; c < b.columns; c++, i++) {
        let sum = 0;
        for (let sz = 0; sz < 8; sz++) {
          for (let sy = 0; sy < 4; sy++) {
            for (let sx = 0; sx < 4; sx++) {
              sum += tissue((c + (sx + 0.5) / 4 - 0.5) * 0.8, (r + (sy + 0.5) / 4 - 0.5) * 0.8, (k + (sz + 0.5) / 8 - 0.5) * 3);
            }
          }
        }
        values[i] = Math.round(sum / 128 + (rand() - 0.5) * 20);
        truth[i] = tissue(c * 0.8, r * 0.8, k * 3, true);
      }
    }
  }
  return { values, truth, spacing, b, centre: [20, 20, 4] };
}

describe('partial-volume edge', () => {
  it('REQ-ASSIST-EDGE-1: a disc on thick slices: the edge takes the half-filled voxels the range leaves out, and no bone', () => {
    const { values, truth, spacing, b, centre } = lens();
    const { mask } = oneClickRegion(values, b, spacing, { seed: centre, ...DISC, radiusMm: 40 });
    const region = mask.slice();
    const alone = diceOf(mask, 1, truth);
    const added = addPartialVolumeEdge(values, b, spacing, mask, DISC_EDGE);
    const withEdge = diceOf(mask, 1, truth);
    console.log(`assist-edge: lens disc, Dice range alone ${alone.toFixed(3)}, with the edge ${withEdge.toFixed(3)} (+${added} voxels)`);
    expect(added).toBeGreaterThan(0);
    expect(withEdge).toBeGreaterThan(alone + 0.05);
    expect(withEdge).toBeGreaterThanOrEqual(0.95);
    // One layer only: every added voxel touches the region the range found (never the cancellous bone beyond).
    const area = b.columns * b.rows;
    const far = [...mask.keys()].filter((i) => mask[i] && !region[i] && ![1, -1, b.columns, -b.columns, area, -area].some((d) => region[i + d]));
    expect(far).toEqual([]);
  });

  it('REQ-ASSIST-EDGE-2: an empty mask gains nothing; a mask of the wrong size is refused', () => {
    const b = box(4, 4, 2);
    expect(addPartialVolumeEdge(new Int16Array(32), b, [1, 1, 1], new Uint8Array(32), DISC_EDGE)).toBe(0);
    expect(() => addPartialVolumeEdge(new Int16Array(32), b, [1, 1, 1], new Uint8Array(31), DISC_EDGE)).toThrow(RangeError);
  });

  it('REQ-ASSIST-EDGE-3: each sample disc from one click, disc range and edge: Dice ≥ 0.95 against the ground truth', async () => {
    const volume = await sampleVolume();
    const meta = JSON.parse(readFileSync('sample-dicom/ground-truth/discs.json', 'utf8')) as { dims: { columns: number; rows: number; slices: number } };
    const labels = gunzipSync(new Uint8Array(readFileSync('sample-dicom/ground-truth/discs.u8.gz')));
    const { columns, rows, slices } = meta.dims;
    const area = columns * rows;
    const figures: string[] = [];
    for (let disc = 1; disc <= 5; disc++) {
      // The click: the centre of the disc's fullest slice, where a reader would click.
      let k = 0;
      let most = 0;
      for (let s = 0; s < slices; s++) {
        const count = labels.subarray(s * area, (s + 1) * area).reduce((m, v) => m + (v === disc ? 1 : 0), 0);
        if (count > most) [k, most] = [s, count];
      }
      let sc = 0;
      let sr = 0;
      for (let j = 0; j < area; j++) {
        if (labels[k * area + j] !== disc) continue;
        sc += j % columns;
        sr += Math.floor(j / columns);
      }
      const seed = [Math.round(sc / most), Math.round(sr / most), k] as const;
      const b = boxAround([seed], 40, volume);
      const values = cutBox(volume, b);
      const { mask } = oneClickRegion(values, b, volume.spacing, { seed: [seed[0] - b.c0, seed[1] - b.r0, seed[2] - b.k0], ...DISC, radiusMm: 40 });
      const alone = mask.slice();
      addPartialVolumeEdge(values, b, volume.spacing, mask, DISC_EDGE);
      const truth = new Uint8Array(mask.length);
      for (let z = 0, i = 0; z < b.slices; z++) {
        for (let r = 0; r < b.rows; r++) {
          for (let c = 0; c < b.columns; c++, i++) truth[i] = labels[(b.k0 + z) * area + (b.r0 + r) * columns + b.c0 + c] === disc ? 1 : 0;
        }
      }
      const total = labels.reduce((m, v) => m + (v === disc ? 1 : 0), 0);
      expect(truth.reduce((m, v) => m + v, 0), 'the box holds the whole disc').toBe(total);
      const dice = diceOf(mask, 1, truth);
      figures.push(`L${disc}: ${diceOf(alone, 1, truth).toFixed(3)} → ${dice.toFixed(3)}`);
      expect(dice).toBeGreaterThanOrEqual(0.95);
    }
    console.log(`assist-edge: sample discs, one click, Dice range alone → with the edge: ${figures.join(', ')}`);
  });
});
