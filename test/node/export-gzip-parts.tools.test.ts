/**
 * gzip built from parts (`gzip-parts.ts`), as the exports write their NIfTI,
 * read by outside tools: Python's zlib (one member, nothing left over) and
 * nibabel (/usr/bin/python3), beside Node's zlib and our own reader. The
 * checks that need no outside tool are in export-gzip-parts.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync as nodeGunzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { gunzip } from '../../src/core/formats/bytes.js';
import { runLengthPart } from '../../src/core/formats/deflate-runs.js';
import { GzipBuilder } from '../../src/core/formats/gzip-parts.js';
import { niftiLabelmap, niftiVolume, niftiVolumeOfParts, volumePart } from '../../src/core/formats/nifti.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { random } from './support/annotation-geometry.js';
import { geometry, runs, sha256 } from './support/gzip-parts-data.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'segmark-gzip-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Python's zlib on the file: one gzip member that ends the file, its inflated length and SHA-256. */
async function pythonInflate(path: string): Promise<{ members: number; length: number; sha256: string }> {
  const script = [
    'import hashlib, sys, zlib',
    'data = open(sys.argv[1], "rb").read()',
    'd = zlib.decompressobj(31)',
    'out = d.decompress(data) + d.flush()',
    'assert d.eof, "stream not finished"',
    'print(1 + (len(d.unused_data) > 0), len(out), hashlib.sha256(out).hexdigest())',
  ].join('\n');
  const { stdout } = await run(PYTHON, ['-c', script, path]);
  const [members, length, digest] = stdout.trim().split(' ');
  return { members: Number(members), length: Number(length), sha256: digest! };
}

/** nibabel's view of a NIfTI: shape, dtype, and the SHA-256 of its voxels in file order (i fastest). */
async function nibabelVoxels(path: string): Promise<{ shape: number[]; dtype: string; sha256: string }> {
  const script = [
    'import hashlib, json, sys',
    'import nibabel as nib, numpy as np',
    'img = nib.load(sys.argv[1])',
    'a = np.asanyarray(img.dataobj)',
    'print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "sha256": hashlib.sha256(a.astype(a.dtype.newbyteorder("<")).tobytes(order="F")).hexdigest()}))',
  ].join('\n');
  const { stdout } = await run(PYTHON, ['-c', script, path]);
  return JSON.parse(stdout) as { shape: number[]; dtype: string; sha256: string };
}

describe('gzip from parts', () => {
  it('data, zero runs of every size and sparse pushes make one member that Python, Node and our reader inflate exactly', async () => {
    const rand = random(5);
    const expected: Uint8Array[] = [];
    const gz = new GzipBuilder(1);
    const data = (n: number, density: number) => {
      const bytes = Uint8Array.from({ length: n }, () => (rand() < density ? 1 + Math.floor(rand() * 5) : 0));
      expected.push(bytes);
      return bytes;
    };
    const zeros = (n: number) => {
      expected.push(new Uint8Array(n));
      gz.zeros(n);
    };
    gz.push(data(352, 0.5));
    zeros(2000);
    gz.push(data(777, 0.9));
    zeros(1 << 18);
    zeros(3 * (1 << 18) + 1024 + 3);
    gz.pushSparse(data(300_000, 0.001));
    gz.pushSparse(data(1025, 0));
    gz.pushSparse(data(4096, 0.2));
    // Long zero runs inside a pushed buffer (as above and below a disc on a 512² slice), one at its end.
    const slice = new Uint8Array(200_000);
    slice.set(data(5000, 0.5), 0);
    expected.push(new Uint8Array(70_000));
    slice.set(data(3000, 0.5), 75_000);
    expected.push(new Uint8Array(200_000 - 78_000));
    gz.pushSparse(slice);
    zeros(1);
    zeros(0);
    const dense = new Uint8Array(expected.reduce((sum, c) => sum + c.length, 0));
    expected.reduce((at, c) => (dense.set(c, at), at + c.length), 0);
    const file = join(dir, 'parts.gz');
    const bytes = gz.finish();
    writeFileSync(file, bytes);

    expect(await pythonInflate(file)).toEqual({ members: 1, length: dense.length, sha256: sha256(dense) });
    expect(sha256(nodeGunzip(bytes))).toBe(sha256(dense));
    expect(sha256(gunzip(bytes, 'nifti-invalid'))).toBe(sha256(dense));
    // The zero runs cost almost nothing: far less than a byte per kilobyte of zeros.
    expect(bytes.length).toBeLessThan(40_000);
  });
});

describe('run-length parts (labelmap rows)', () => {
  it('sparse pushes through run-length parts make one gzip member that Python and Node inflate exactly', async () => {
    const gz = new GzipBuilder(1);
    const expected: Uint8Array[] = [];
    const add = (bytes: Uint8Array) => {
      gz.pushSparse(bytes, runLengthPart);
      expected.push(bytes);
    };
    // A 512² label slice: a disc of rows in the middle, zeros around.
    const slice = new Uint8Array(512 * 512);
    for (let r = 200; r < 290; r++) slice.fill(3, r * 512 + 180 + (r % 7), r * 512 + 330 - (r % 5));
    add(slice);
    add(runs(99, 300_000));
    add(new Uint8Array(100_000));
    const bytes = gz.finish();
    const whole = Buffer.concat(expected);
    expect(sha256(nodeGunzip(bytes))).toBe(sha256(whole));
    const path = join(dir, 'runs.gz');
    writeFileSync(path, bytes);
    expect(await pythonInflate(path)).toEqual({ members: 1, length: whole.length, sha256: sha256(whole) });
  });
});

describe('NIfTI written through parts', () => {
  it('a labelmap with empty slices left undefined reads in nibabel and our reader as the dense labelmap', async () => {
    const n = geometry.columns * geometry.rows;
    const dense = new Uint8Array(n * geometry.slices);
    const sparse = Array.from({ length: geometry.slices }, (_, k) => {
      if (k % 3 !== 1) return undefined;
      const slice = new Uint8Array(n);
      // A block of label k / 3 + 1 in rows 10..19, columns 20..39.
      for (let r = 10; r < 20; r++) for (let c = 20; c < 40; c++) slice[r * geometry.columns + c] = (k - 1) / 3 + 1;
      dense.set(slice, k * n);
      return slice;
    });
    const file = join(dir, 'labels.nii.gz');
    const bytes = niftiLabelmap(geometry, sparse, { level: 1 });
    writeFileSync(file, bytes);
    expect(await nibabelVoxels(file)).toEqual({ shape: [64, 48, 12], dtype: 'uint8', sha256: sha256(dense) });
    const image = readNifti(bytes);
    expect(image.calMax).toBe(4);
    expect(sha256(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength))).toBe(sha256(dense));
  });

  it('a CT deflated in two halves (as two workers do) is the same file content as one written from the slices', async () => {
    const rand = random(9);
    const n = geometry.columns * geometry.rows;
    const sliceData = Array.from({ length: geometry.slices }, () => Int16Array.from({ length: n }, () => Math.round(-1000 + rand() * 2400)));
    const volume = { ...geometry, sliceData, defaultWindow: { center: 40, width: 400 } };
    const half = 5;
    const parts = [volumePart(sliceData.slice(0, half), 1), volumePart(sliceData.slice(half), 1)];
    const file = join(dir, 'ct.nii.gz');
    const bytes = niftiVolumeOfParts(volume, parts, 1);
    writeFileSync(file, bytes);
    const plain = niftiVolume(volume, { compress: false });
    expect(sha256(nodeGunzip(bytes))).toBe(sha256(plain));
    const voxels = new Uint8Array(n * 2 * geometry.slices);
    sliceData.forEach((s, k) => voxels.set(new Uint8Array(s.buffer), k * n * 2));
    expect(await nibabelVoxels(file)).toEqual({ shape: [64, 48, 12], dtype: 'int16', sha256: sha256(voxels) });
    expect(() => niftiVolumeOfParts(volume, parts.slice(0, 1), 1)).toThrow(RangeError);
  });
});
