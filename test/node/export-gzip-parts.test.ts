/**
 * gzip built from parts (`gzip-parts.ts`), as the exports write their NIfTI:
 * zero runs from precompressed parts, a CT deflated in two halves. Checked
 * here with Node's zlib; with Python's zlib (one member, nothing left over),
 * nibabel and our own reader in export-gzip-parts.tools.test.ts. Expected
 * bytes are built densely, without the code under test.
 */
import { crc32 as nodeCrc32, gunzipSync as nodeGunzip, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runLengthPart } from '../../src/core/formats/deflate-runs.js';
import { crc32, crc32Combine, crc32Zeros } from '../../src/core/formats/crc32.js';
import { withChunksCrc } from '../../src/core/formats/gzip-parts.js';
import { niftiVolume, niftiVolumePieces, volumePart } from '../../src/core/formats/nifti.js';
import { random } from './support/annotation-geometry.js';
import { geometry, runs, sha256 } from './support/gzip-parts-data.js';

describe('gzip from parts', () => {
  it('CRC-32 and its combination agree with zlib', () => {
    const rand = random(11);
    const a = Uint8Array.from({ length: 5000 }, () => Math.floor(rand() * 256));
    const b = Uint8Array.from({ length: 70_001 }, () => Math.floor(rand() * 4));
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    expect(crc32(a)).toBe(nodeCrc32(a));
    expect(crc32(b, crc32(a))).toBe(nodeCrc32(both));
    expect(crc32Combine(nodeCrc32(a), nodeCrc32(b), b.length)).toBe(nodeCrc32(both));
    expect(crc32Combine(0, nodeCrc32(b), b.length)).toBe(nodeCrc32(b));
  });
});

describe('run-length parts (labelmap rows)', () => {
  it('inflate with zlib to the input, with the CRC zlib computes, for every run length around the copy limits', () => {
    // Fixed codes end the raw stream here: a final fixed block holding only end-of-block (BFINAL 1, BTYPE 01, code 256).
    const inflate = (part: Uint8Array) => new Uint8Array(inflateRawSync(Buffer.concat([part, Buffer.from([0x03, 0x00])])));
    const cases: Uint8Array[] = [];
    for (const n of [1, 2, 3, 4, 5, 257, 258, 259, 260, 261, 262, 1023, 1024, 1025, 70_000]) {
      cases.push(new Uint8Array(n), new Uint8Array(n).fill(255), Uint8Array.from([7, ...new Uint8Array(n).fill(200), 9]));
    }
    for (let seed = 1; seed <= 40; seed++) cases.push(runs(seed, 1 + Math.floor(random(seed)() * 20_000)));
    for (const input of cases) {
      const part = runLengthPart(input);
      expect(part.length).toBe(input.length);
      expect(sha256(inflate(Buffer.concat(part.chunks)))).toBe(sha256(input));
      expect(part.crc).toBe(nodeCrc32(input) >>> 0);
    }
    expect(crc32Zeros(crc32(Uint8Array.from([1, 2, 3])), 5000)).toBe(nodeCrc32(Buffer.concat([Buffer.from([1, 2, 3]), Buffer.alloc(5000)])) >>> 0);
  });
});

describe('NIfTI written through parts', () => {
  it("a .nii.gz in pieces: the file's CRC combined from the parts' own CRCs is zlib's CRC of the whole file", () => {
    const rand = random(11);
    const n = geometry.columns * geometry.rows;
    const sliceData = Array.from({ length: geometry.slices }, () => Int16Array.from({ length: n }, () => Math.round(-1000 + rand() * 2400)));
    const volume = { ...geometry, sliceData };
    // One part with its CRC worked out by its maker (as a worker does), one without.
    const parts = [withChunksCrc(volumePart(sliceData.slice(0, 4), 1)), volumePart(sliceData.slice(4), 1)];
    expect(parts[0]!.chunksCrc).toBe(nodeCrc32(Buffer.concat(parts[0]!.chunks)));
    const gz = niftiVolumePieces(volume, parts, 1);
    const whole = Buffer.concat(gz.pieces);
    expect(gz.crc()).toBe(nodeCrc32(whole));
    expect(sha256(nodeGunzip(whole))).toBe(sha256(niftiVolume(volume, { compress: false })));
  });
});
