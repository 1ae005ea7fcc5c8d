/**
 * 16-bit native slices are turned into real-world values as each file is
 * read (issue 19): in place, in the file's own memory, which then becomes the
 * volume's slice. Files whose frames need a copy (bits to mask) are left for
 * the volume, as before.
 */
import { describe, expect, it } from 'vitest';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, readInstances } from '../../src/core/dicom/loader.js';
import type { NamedBlob } from '../../src/core/dicom/sources.js';
import { ctSlice } from './support/ct-slice.js';

const SIDE = 4;

interface SliceOptions {
  bitsStored?: number;
  signed?: boolean;
  intercept: number;
}

/** A 4×4 CT slice, k-th of its series, with the given stored values. */
function slice(k: number, stored: Int16Array | Uint16Array, o: SliceOptions): NamedBlob {
  const bytes = ctSlice({
    studyInstanceUID: '1.2.826.0.1.3680043.19.5',
    seriesInstanceUID: '1.2.826.0.1.3680043.19.5.0',
    sopInstanceUID: `1.2.826.0.1.3680043.19.5.${k + 1}`,
    position: [0, 0, k * 2],
    pixelSpacing: [0.5, 0.5],
    rows: SIDE,
    columns: SIDE,
    stored,
    ...o,
  });
  return { name: `slice-${k}.dcm`, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) };
}

/** Stored values of slice k: a ramp, with one bright voxel at index 5 of the middle slice. */
function storedOf(k: number): Int16Array {
  const values = Int16Array.from({ length: SIDE * SIDE }, (_, i) => 10 * k + i);
  if (k === 1) values[5] = 3000;
  return values;
}

describe('16-bit slices converted as they are read', () => {
  it('holds every frame in HU in the file memory once read, and the volume takes that memory as its slice', async () => {
    const sources = [0, 1, 2].map((k) => slice(k, storedOf(k), { intercept: -1024 }));
    const read = await readInstances(sources);
    expect(read.instances).toHaveLength(3);
    for (const instance of read.instances) {
      const k = Number(instance.fileName.match(/slice-(\d)/)![1]);
      const frame = instance.realWorld?.[0];
      expect(frame, instance.fileName).toBeDefined();
      expect(Array.from(frame!.values)).toEqual(Array.from(storedOf(k), (v) => v - 1024));
      // In place: the values are a view of the file's bytes, not a copy.
      expect(frame!.values.buffer).toBe(instance.bytes.buffer);
    }
    const frames = new Map(read.instances.map((i) => [i.fileName, i.realWorld![0]!.values]));
    const [series] = assembleSeries(read.instances);
    const { volume, warnings } = await loadVolume(series!, new SameThreadDecoder());
    expect(warnings).toEqual([]);
    volume.fileNames.forEach((name, k) => expect(volume.sliceData[k]).toBe(frames.get(name)));
    // The range is exact: the one bright voxel counts.
    expect(volume.range).toEqual({ min: 0 - 1024, max: 3000 - 1024 });
  });

  it('leaves a 12-bit slice whose unused high bits hold junk to the volume, which masks them; its file bytes are untouched', async () => {
    const stored = Uint16Array.from({ length: SIDE * SIDE }, (_, i) => 0xf000 | (100 + i));
    const source = slice(0, stored, { bitsStored: 12, signed: false, intercept: -1024 });
    const read = await readInstances([source]);
    const [instance] = read.instances;
    expect(instance!.realWorld).toBeUndefined();
    const original = new Uint8Array(await source.blob.arrayBuffer());
    expect(Array.from(instance!.bytes)).toEqual(Array.from(original));
    const { volume } = await loadVolume(assembleSeries(read.instances)[0]!, new SameThreadDecoder());
    expect(Array.from(volume.sliceData[0]!)).toEqual(Array.from(stored, (v) => (v & 0x0fff) - 1024));
  });

  it('counts values past Int16 when converting early, as the volume did: value-clamped with the count', async () => {
    const stored = Int16Array.from({ length: SIDE * SIDE }, (_, i) => (i < 3 ? 32000 : i));
    const read = await readInstances([slice(0, stored, { intercept: 1000 })]);
    expect(read.instances[0]!.realWorld?.[0]?.clamped).toBe(3);
    const { volume, warnings } = await loadVolume(assembleSeries(read.instances)[0]!, new SameThreadDecoder());
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'value-clamped', params: { count: 3 } }));
    expect(Array.from(volume.sliceData[0]!.subarray(0, 4))).toEqual([32767, 32767, 32767, 1003]);
  });
});
