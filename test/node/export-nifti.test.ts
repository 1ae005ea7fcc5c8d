/**
 * NIfTI-1 export, the parts that need no outside tool: the labelmap of the
 * sample's ground truth round-trips through our reader, the label sidecar,
 * and the files our reader and writer refuse. The comparisons with dcm2niix,
 * nibabel and pydicom are in export-nifti.tools.test.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { SegmarkError } from '../../src/core/errors.js';
import { niftiLabelmap, niftiVolume } from '../../src/core/formats/nifti.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { niftiLabelSidecar } from '../../src/core/formats/nifti-sidecar.js';
import type { NiftiGeometry } from '../../src/core/formats/nifti-space.js';
import { sampleVolume } from './support/sample-volume.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = join(root, 'sample-dicom');
const TRUTH = join(SAMPLE, 'ground-truth', 'discs.u8.gz');

let volume: Volume;
let truthSlices: Uint8Array[];

beforeAll(async () => {
  volume = await sampleVolume();
  const truth = gunzipSync(new Uint8Array(readFileSync(TRUTH)));
  const n = volume.rows * volume.columns;
  truthSlices = Array.from({ length: volume.slices }, (_, k) => truth.subarray(k * n, (k + 1) * n));
});

/** Index of the first element that differs (or -1): deep equality on millions of elements is too slow. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('NIfTI export of the ground-truth disc labelmap, against nibabel and pydicom', () => {
  it('our reader round-trips the labelmap byte for byte', () => {
    const image = readNifti(niftiLabelmap(volume, truthSlices));
    expect(image.dims).toEqual([384, 384, 70]);
    expect(image.datatype).toBe(2);
    expect(image.intentCode).toBe(1002);
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect(firstDifference(image.data, gunzipSync(new Uint8Array(readFileSync(TRUTH))))).toBe(-1);
  });

  it('writes a sidecar naming every value present, with colour and coded concepts', () => {
    const labels = labelsFromTemplate(LUMBAR_SPINE_TEMPLATE);
    const sidecar = JSON.parse(JSON.stringify(niftiLabelSidecar(labels, 'discs.nii.gz'))) as ReturnType<typeof niftiLabelSidecar>;
    expect(sidecar).toMatchObject({ format: 'segmark-nifti-labels', version: 1, image: 'discs.nii.gz', background: 0 });
    expect(sidecar.labels.map((l) => l.id)).toEqual(labels.map((l) => l.id));
    const published = JSON.parse(readFileSync(join(SAMPLE, 'ground-truth', 'discs.json'), 'utf8')) as { labels: { id: number; name: string }[] };
    for (const { id, name } of published.labels.filter((l) => l.id > 0)) {
      const entry = sidecar.labels.find((l) => l.id === id)!;
      expect(entry.name).toContain(name);
      expect(entry.color).toHaveLength(3);
      expect(entry.type).toMatchObject({ codingSchemeDesignator: 'SCT', codeMeaning: `${name} disc` });
      expect(entry.category.codeValue).toMatch(/^\d+$/);
    }
  });
});

/** A small stack: `positions` in LPS, cosines u (along a row) and v (down a column). */
function stack(u: Vec3, v: Vec3, positions: Vec3[], spacing: [number, number, number]): NiftiGeometry {
  return { columns: 6, rows: 5, slices: positions.length, spacing, rowCosine: u, columnCosine: v, planes: positions.map((position) => ({ position })) };
}

describe('readNifti: files nibabel writes, and files it must refuse', () => {
  const plain = () => gunzipSync(niftiLabelmap(stack([1, 0, 0], [0, 1, 0], [[0, 0, 0], [0, 0, 1]], [1, 1, 1]), [new Uint8Array(30), new Uint8Array(30)]));
  const refused = (bytes: Uint8Array): SegmarkError => {
    try {
      readNifti(bytes, 'bad.nii');
    } catch (e) {
      expect(e).toBeInstanceOf(SegmarkError);
      expect((e as SegmarkError).file).toBe('bad.nii');
      return e as SegmarkError;
    }
    throw new Error('readNifti accepted a bad file');
  };
  const patched = (write: (view: DataView) => void): Uint8Array => {
    const bytes = plain();
    write(new DataView(bytes.buffer, bytes.byteOffset));
    return bytes;
  };

  it('refuses truncated files (header, voxels, gzip stream) as `truncated`', () => {
    const bytes = plain();
    expect(refused(bytes.subarray(0, 200)).code).toBe('truncated');
    expect(refused(bytes.subarray(0, bytes.length - 1)).code).toBe('truncated');
    const gz = gzipSync(bytes);
    expect(refused(gz.subarray(0, gz.length >> 1)).code).toBe('truncated');
  });

  it('refuses a bad magic, a .hdr of a pair, a wrong sizeof_hdr, impossible dims and bitpix as `nifti-invalid`', () => {
    const cases: [string, (v: DataView) => void][] = [
      ['bad magic', (v) => v.setUint8(344, 'x'.charCodeAt(0))],
      ['pair header', (v) => v.setUint8(345, 'i'.charCodeAt(0))],
      ['sizeof_hdr', (v) => v.setInt32(0, 540, true)],
      ['dim[0]', (v) => v.setInt16(40, 9, true)],
      ['zero dim', (v) => v.setInt16(44, 0, true)],
      ['bitpix', (v) => v.setInt16(72, 16, true)],
      ['vox_offset', (v) => v.setFloat32(108, 100, true)],
    ];
    for (const [name, write] of cases) expect(refused(patched(write)).code, name).toBe('nifti-invalid');
  });

  it('refuses voxel types it does not read (RGB24, complex64) as `unsupported-pixel-format`', () => {
    for (const datatype of [128, 32]) {
      const error = refused(patched((v) => v.setInt16(70, datatype, true)));
      expect(error.code).toBe('unsupported-pixel-format');
      expect(error.params['datatype']).toBe(datatype);
    }
  });

  it('refuses to write a labelmap whose slices do not fit the geometry, or a volume still loading', () => {
    const g = stack([1, 0, 0], [0, 1, 0], [[0, 0, 0], [0, 0, 1]], [1, 1, 1]);
    expect(() => niftiLabelmap(g, [new Uint8Array(30)])).toThrow(RangeError);
    expect(() => niftiLabelmap(g, [new Uint8Array(30), new Uint8Array(29)])).toThrow(RangeError);
    const slices = [new Int16Array(30), new Int16Array(30)];
    expect(() => niftiVolume({ ...g, sliceData: slices, loaded: Uint8Array.of(1, 0) })).toThrow(/slice 1 is not decoded/);
  });
});
