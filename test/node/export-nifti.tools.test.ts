/**
 * NIfTI-1 export checked against outside tools: the CT against dcm2niix's
 * conversion of the same files (read by nibabel), the labelmap against the
 * sample's ground truth with centroids from pydicom, sheared and uneven
 * synthetic stacks against the positions their geometry states, and our
 * reader against files nibabel writes. What needs no outside tool is in
 * export-nifti.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../src/core/dicom/types.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { niftiLabelmap, niftiVolume } from '../../src/core/formats/nifti.js';
import { readNifti, type NiftiImage } from '../../src/core/formats/nifti-read.js';
import { niftiFindings, type Matrix34, type NiftiGeometry } from '../../src/core/formats/nifti-space.js';
import { sampleVolume } from './support/sample-volume.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = join(root, 'sample-dicom');
const TRUTH = join(SAMPLE, 'ground-truth', 'discs.u8.gz');
const PYTHON = '/usr/bin/python3';
const DCM2NIIX = '/usr/bin/dcm2niix';
const HELPER = join(root, 'test/node/support/nifti_check.py');

type Matrix44 = number[][];
interface HeaderFacts {
  shape: number[];
  dtype: string;
  endianness: string;
  sizeof_hdr: number;
  magic: string;
  vox_offset: number;
  dim: number[];
  pixdim: number[];
  intent_code: number;
  datatype: number;
  bitpix: number;
  scl_slope: number;
  scl_inter: number;
  cal_min: number;
  cal_max: number;
  spatial_unit: string;
  descrip: string;
  sform_code: number;
  qform_code: number;
  sform: Matrix44;
  qform: Matrix44;
  affine: Matrix44;
  zooms: number[];
  array_dtype?: string;
  data?: number[];
}

/** Runs the nibabel/pydicom helper; a missing Python or module fails the test. */
async function py<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(PYTHON, [HELPER, ...args], { maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as T;
}

let tmp: string;
let volume: Volume;
let truthSlices: Uint8Array[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'segmark-nifti-'));
  volume = await sampleVolume();
  const truth = gunzipSync(new Uint8Array(readFileSync(TRUTH)));
  const n = volume.rows * volume.columns;
  truthSlices = Array.from({ length: volume.slices }, (_, k) => truth.subarray(k * n, (k + 1) * n));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Largest absolute difference between our 3×4 matrix and the top of a 4×4 one. */
function maxDiff(ours: Matrix34, theirs: Matrix44): number {
  let worst = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(ours[r]![c]! - theirs[r]![c]!));
  return worst;
}

function apply(m: Matrix44, ijk: Vec3): Vec3 {
  const [a, b, c] = [0, 1, 2].map((r) => m[r]![0]! * ijk[0] + m[r]![1]! * ijk[1] + m[r]![2]! * ijk[2] + m[r]![3]!);
  return [a!, b!, c!];
}

/** Index of the first element that differs (or -1): deep equality on millions of elements is too slow. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

describe('NIfTI export of the sample CT, against dcm2niix and nibabel', () => {
  let ours: string;
  let facts: HeaderFacts;

  beforeAll(async () => {
    ours = join(tmp, 'ct.nii.gz');
    writeFileSync(ours, niftiVolume(volume));
    await run(DCM2NIIX, ['-z', 'y', '-f', 'ref', '-o', tmp, SAMPLE]);
  });

  it('has the same world geometry and voxel-for-voxel the same HU as dcm2niix', async () => {
    const r = await py<{
      ours: HeaderFacts;
      ref: HeaderFacts;
      ourArrayDtype: string;
      canonicalShapes: number[][];
      canonicalAffineMaxDiff: number;
      dataEqual: boolean;
      voxels: number;
      world: { ours: number[]; refIndex: number[]; valuesEqual: boolean }[];
    }>('compare-ct', ours, join(tmp, 'ref.nii.gz'));
    facts = r.ours;
    // Our reader on dcm2niix's file agrees with nibabel (a file we did not write).
    const ref = readNifti(new Uint8Array(readFileSync(join(tmp, 'ref.nii.gz'))), 'ref.nii.gz');
    expect(ref.dims).toEqual(r.ref.shape);
    expect(maxDiff(ref.sform.matrix, r.ref.sform)).toBeLessThan(1e-6);
    expect(maxDiff(ref.qform.matrix, r.ref.qform)).toBeLessThan(1e-5);
    expect(r.ourArrayDtype).toBe('int16');
    expect(r.ours.shape).toEqual([volume.columns, volume.rows, volume.slices]);
    expect(r.canonicalShapes[0]).toEqual(r.canonicalShapes[1]);
    expect(r.canonicalAffineMaxDiff).toBeLessThan(1e-3);
    expect(r.voxels).toBe(384 * 384 * 70);
    expect(r.dataEqual).toBe(true);
    for (const w of r.world) {
      for (const x of w.refIndex) expect(Math.abs(x - Math.round(x)), `voxel ${w.ours} lands on a ref voxel`).toBeLessThan(1e-3);
      expect(w.valuesEqual, `value at ${w.ours}`).toBe(true);
    }
  });

  it('writes the header fields the brief promises (codes, units, pixdim, scaling, display range)', () => {
    expect(facts.sizeof_hdr).toBe(348);
    expect(facts.magic).toBe('n+1\0');
    expect(facts.vox_offset).toBe(352);
    expect(facts.endianness).toBe('<');
    expect([facts.datatype, facts.bitpix, facts.intent_code]).toEqual([4, 16, 0]);
    expect([facts.scl_slope, facts.scl_inter]).toEqual([1, 0]);
    expect([facts.sform_code, facts.qform_code]).toEqual([1, 1]);
    expect(facts.spatial_unit).toBe('mm');
    expect(facts.descrip).toMatch(/^Segmark/);
    expect(facts.pixdim.slice(0, 4)).toEqual([1, 0.78125, 0.78125, 3]);
    // The series' stored window 40/400.
    expect([facts.cal_min, facts.cal_max]).toEqual([-160, 240]);
    // An even, untilted stack: the qform says exactly what the sform says.
    expect(maxDiff(facts.qform as unknown as Matrix34, facts.sform)).toBeLessThan(1e-4);
    expect(niftiFindings(volume)).toEqual([]);
  });

  it('our reader returns what nibabel reads: shape, type, affines, every voxel', () => {
    const image = readNifti(new Uint8Array(readFileSync(ours)), 'ct.nii.gz');
    expect(image.dims).toEqual([384, 384, 70]);
    expect(image.datatype).toBe(4);
    expect(maxDiff(image.sform.matrix, facts.sform)).toBeLessThan(1e-6);
    expect(maxDiff(image.qform.matrix, facts.qform)).toBeLessThan(1e-5);
    const n = volume.rows * volume.columns;
    const data = image.data as Int16Array;
    expect(data).toBeInstanceOf(Int16Array);
    for (let k = 0; k < volume.slices; k++) expect(firstDifference(data.subarray(k * n, (k + 1) * n), volume.sliceData[k]!), `slice ${k}`).toBe(-1);
  });
});

describe('NIfTI export of the ground-truth disc labelmap, against nibabel and pydicom', () => {
  it('keeps every label id and count, and puts each disc centroid where the DICOM positions say (0.01 mm)', async () => {
    const path = join(tmp, 'discs.nii.gz');
    writeFileSync(path, niftiLabelmap(volume, truthSlices));
    const r = await py<{
      header: HeaderFacts;
      arrayDtype: string;
      equalToTruth: boolean;
      oursCounts: Record<string, number>;
      truthCounts: Record<string, number>;
      centroids: Record<string, { nibabel: Vec3; pydicom: Vec3 }>;
    }>('labels', path, TRUTH, SAMPLE);
    expect(r.arrayDtype).toBe('uint8');
    expect(r.header.shape).toEqual([384, 384, 70]);
    expect([r.header.datatype, r.header.bitpix, r.header.intent_code]).toEqual([2, 8, 1002]);
    expect([r.header.cal_min, r.header.cal_max]).toEqual([0, 5]);
    expect([r.header.sform_code, r.header.qform_code]).toEqual([1, 1]);
    expect(r.equalToTruth).toBe(true);
    expect(r.oursCounts).toEqual(r.truthCounts);
    const published = JSON.parse(readFileSync(join(SAMPLE, 'ground-truth', 'discs.json'), 'utf8')) as { voxelCounts: Record<string, number> };
    for (const [id, count] of Object.entries(published.voxelCounts)) expect(r.oursCounts[id]).toBe(count);
    expect(Object.keys(r.centroids)).toEqual(['1', '2', '3', '4', '5']);
    for (const [id, c] of Object.entries(r.centroids)) {
      for (let a = 0; a < 3; a++) expect(Math.abs(c.nibabel[a]! - c.pydicom[a]!), `disc ${id} axis ${a}`).toBeLessThan(0.01);
    }
  });
});

/** A small stack: `positions` in LPS, cosines u (along a row) and v (down a column). */
function stack(u: Vec3, v: Vec3, positions: Vec3[], spacing: [number, number, number]): NiftiGeometry {
  return { columns: 6, rows: 5, slices: positions.length, spacing, rowCosine: u, columnCosine: v, planes: positions.map((position) => ({ position })) };
}

/** Where the geometry says voxel (i, j, k) is, in RAS: straight from the DICOM formula, not from our code. */
function trueRas(g: NiftiGeometry, [i, j, k]: Vec3): Vec3 {
  const p = g.planes[k]!.position;
  const lps = [0, 1, 2].map((a) => p[a]! + i * g.spacing[0] * g.rowCosine[a]! + j * g.spacing[1] * g.columnCosine[a]!);
  return [-lps[0]!, -lps[1]!, lps[2]!];
}

/** Distinct labels per voxel so nibabel's data order can be checked: value = (i + 6 j + 30 k) mod 256. */
function patterned(g: NiftiGeometry): Uint8Array[] {
  return Array.from({ length: g.slices }, (_, k) =>
    Uint8Array.from({ length: g.rows * g.columns }, (_, idx) => (idx % g.columns + 6 * Math.floor(idx / g.columns) + 30 * k) % 256),
  );
}

function voxelsOf(g: NiftiGeometry): Vec3[] {
  const out: Vec3[] = [];
  for (let k = 0; k < g.slices; k++) for (let j = 0; j < g.rows; j++) for (let i = 0; i < g.columns; i++) out.push([i, j, k]);
  return out;
}

async function exportAndRead(g: NiftiGeometry, name: string): Promise<HeaderFacts> {
  const path = join(tmp, `${name}.nii.gz`);
  writeFileSync(path, niftiLabelmap(g, patterned(g)));
  const facts = await py<HeaderFacts>('header', path);
  expect(facts.data).toEqual(patterned(g).flatMap((s) => Array.from(s)));
  return facts;
}

const deg = Math.PI / 180;
const TILT = 20 * deg;

describe('NIfTI geometry of synthetic stacks, read back by nibabel', () => {
  // Gantry tilt: the image plane is tilted by 20°, the table moves along z.
  const tilted = stack([1, 0, 0], [0, Math.cos(TILT), -Math.sin(TILT)], [0, 1, 2, 3].map((k) => [-10.5, 20.25, 30 + 2.5 * k] as Vec3), [0.7, 0.9, 2.5 * Math.cos(TILT)]);
  // Axial, uneven steps 2, 2, 3, 2 mm.
  const uneven = stack([1, 0, 0], [0, 1, 0], [0, 2, 4, 7, 9].map((z) => [5, -8, z] as Vec3), [0.5, 0.5, 2]);

  it('a 20° gantry tilt: the sform puts every voxel centre where the geometry says', async () => {
    const facts = await exportAndRead(tilted, 'tilted');
    expect([facts.sform_code, facts.qform_code]).toEqual([1, 1]);
    for (const ijk of voxelsOf(tilted)) expect(distance(apply(facts.affine, ijk), trueRas(tilted, ijk))).toBeLessThan(1e-4);
  });

  it('a 20° gantry tilt: the qform stacks the slices unsheared, and the findings say so with the shift nibabel sees', async () => {
    const facts = await exportAndRead(tilted, 'tilted');
    // Unsheared: slice k at k × (2.5 cos 20°) along the normal u × v = (0, sin 20°, cos 20°) LPS.
    const normalRas: Vec3 = [0, -Math.sin(TILT), Math.cos(TILT)];
    for (const ijk of voxelsOf(tilted)) {
      const [i, j, k] = ijk;
      const base = trueRas(tilted, [i, j, 0]);
      const expected = [0, 1, 2].map((a) => base[a]! + k * 2.5 * Math.cos(TILT) * normalRas[a]!) as unknown as Vec3;
      expect(distance(apply(facts.qform, ijk), expected)).toBeLessThan(1e-4);
    }
    expect(facts.pixdim.slice(0, 4).map((x) => Number(x.toFixed(5)))).toEqual([1, 0.7, 0.9, Number((2.5 * Math.cos(TILT)).toFixed(5))]);
    const findings = niftiFindings(tilted);
    expect(findings.map((f) => [f.code, f.handling])).toEqual([['gantry-tilt', 'shear-in-sform-only']]);
    expect(findings[0]!.params['tiltDeg']).toBeCloseTo(20, 6);
    const last: Vec3 = [0, 0, 3];
    expect(findings[0]!.params['qformShiftMm']).toBeCloseTo(distance(apply(facts.qform, last), apply(facts.sform, last)), 4);
  });

  it('uneven spacing: first and last slices exact, the error in between reported by the findings', async () => {
    const facts = await exportAndRead(uneven, 'uneven');
    const worst = Math.max(...voxelsOf(uneven).map((ijk) => distance(apply(facts.affine, ijk), trueRas(uneven, ijk))));
    for (const k of [0, 4]) expect(distance(apply(facts.affine, [3, 2, k]), trueRas(uneven, [3, 2, k]))).toBeLessThan(1e-5);
    expect(worst).toBeCloseTo(0.5, 5); // slice 2 is at 4 mm, the even step puts it at 4.5
    expect(facts.zooms).toEqual([0.5, 0.5, 2.25]);
    const findings = niftiFindings(uneven);
    expect(findings.map((f) => [f.code, f.handling])).toEqual([['non-uniform-spacing', 'even-step-first-to-last']]);
    expect(findings[0]!.params).toMatchObject({ minStep: 2, maxStep: 3, meanStep: 2.25, worstSlice: 2 });
    expect(findings[0]!.params['maxErrorMm']).toBeCloseTo(worst, 5);
  });

  it('an oblique stack, and one whose slices run against u × v (qfac −1): qform equals sform, both exact', async () => {
    // Rotation of the axial frame by 30° about (1, 2, 2)/3: every quaternion component non-zero.
    const axis: Vec3 = [1 / 3, 2 / 3, 2 / 3];
    const rotate = (x: Vec3): Vec3 => {
      const [c, s] = [Math.cos(30 * deg), Math.sin(30 * deg)];
      const d = axis[0] * x[0] + axis[1] * x[1] + axis[2] * x[2];
      const cr: Vec3 = [axis[1] * x[2] - axis[2] * x[1], axis[2] * x[0] - axis[0] * x[2], axis[0] * x[1] - axis[1] * x[0]];
      return [0, 1, 2].map((a) => x[a]! * c + cr[a]! * s + axis[a]! * d * (1 - c)) as unknown as Vec3;
    };
    const [u, v, n] = [rotate([1, 0, 0]), rotate([0, 1, 0]), rotate([0, 0, 1])];
    const along = (sign: number) => [0, 1, 2].map((k) => [0, 1, 2].map((a) => 12 + a + sign * 1.25 * k * n[a]!) as unknown as Vec3);
    for (const [name, g, qfac] of [
      ['oblique', stack(u, v, along(1), [0.6, 0.8, 1.25]), 1],
      ['reversed', stack(u, v, along(-1), [0.6, 0.8, 1.25]), -1],
    ] as const) {
      const facts = await exportAndRead(g, name);
      expect(facts.pixdim[0], name).toBe(qfac);
      for (const ijk of voxelsOf(g)) {
        expect(distance(apply(facts.sform, ijk), trueRas(g, ijk)), name).toBeLessThan(1e-4);
        expect(distance(apply(facts.qform, ijk), trueRas(g, ijk)), name).toBeLessThan(1e-4);
      }
      expect(niftiFindings(g), name).toEqual([]);
    }
  });

  it('an axial stack rotated 0.021° in plane: the sform is exact, and the findings give the qform rounding nibabel sees', async () => {
    const t = 0.021 * deg;
    const g: NiftiGeometry = {
      ...stack([Math.cos(t), Math.sin(t), 0], [-Math.sin(t), Math.cos(t), 0], [[-180, -175, 10], [-180, -175, 12]], [0.7, 0.7, 2]),
      columns: 512,
      rows: 512,
    };
    const path = join(tmp, 'rotated.nii.gz');
    writeFileSync(path, niftiLabelmap(g, [new Uint8Array(512 * 512), new Uint8Array(512 * 512)]));
    const facts = await py<HeaderFacts>('header', path);
    const corners: Vec3[] = [0, 511].flatMap((i) => [0, 511].flatMap((j) => [0, 1].map((k) => [i, j, k] as Vec3)));
    for (const c of corners) expect(distance(apply(facts.sform, c), trueRas(g, c))).toBeLessThan(1e-3);
    const seen = Math.max(...corners.map((c) => distance(apply(facts.qform, c), trueRas(g, c))));
    const findings = niftiFindings(g);
    expect(findings.map((f) => [f.code, f.handling])).toEqual([['qform-precision', 'qform-nearest-float32']]);
    expect(seen).toBeGreaterThan(0.05);
    expect(findings[0]!.params['maxErrorMm']).toBeCloseTo(seen, 3);
  });

  it('one slice: the slice step comes from the series spacing, and the findings say it was assumed', async () => {
    const single = stack([1, 0, 0], [0, 1, 0], [[1, 2, 3]], [0.5, 0.5, 4]);
    const facts = await exportAndRead(single, 'single');
    expect(facts.zooms).toEqual([0.5, 0.5, 4]);
    expect(niftiFindings(single).map((f) => [f.code, f.params])).toEqual([['single-slice', { sliceStep: 4 }]]);
  });
});

describe('readNifti: files nibabel writes, and files it must refuse', () => {
  const DTYPES = { uint8: 2, int8: 256, int16: 4, uint16: 512, int32: 8, uint32: 768, float32: 16, float64: 64 } as const;

  it('reads every supported type in both byte orders, gzipped or not, as nibabel does', async () => {
    const written = await py<Record<string, HeaderFacts>>('write-all', tmp);
    expect(Object.keys(written)).toHaveLength(2 * Object.keys(DTYPES).length);
    for (const [dtype, code] of Object.entries(DTYPES)) {
      for (const endian of ['<', '>']) {
        const name = `nib-${dtype}-${endian === '<' ? 'le' : 'be'}.nii`;
        const facts = written[name]!;
        expect(facts.endianness, name).toBe(endian);
        const raw = new Uint8Array(readFileSync(join(tmp, name)));
        for (const bytes of [raw, gzipSync(raw)]) {
          const image: NiftiImage = readNifti(bytes, name);
          const what = `${dtype} ${endian} ${bytes === raw ? 'nii' : 'nii.gz'}`;
          expect(image.littleEndian, what).toBe(endian === '<');
          expect(image.datatype, what).toBe(code);
          expect(image.dims, what).toEqual([5, 4, 3]);
          expect(Array.from(image.data as ArrayLike<number>), what).toEqual(facts.data);
          expect(maxDiff(image.sform.matrix, facts.sform), what).toBeLessThan(1e-6);
          expect(maxDiff(image.qform.matrix, facts.qform), what).toBeLessThan(1e-5);
        }
      }
    }
  });
});
