/**
 * The resampled NIfTI export (issue 16) read by outside tools: tilted (±18.5°)
 * and unevenly spaced series made by the sample generator, and the real
 * Philips phantom series (regular: resampled ≈ acquired). nibabel reads our
 * files (sform = qform, where every voxel centre lies), pydicom gives the
 * source for an independent linear interpolation, the generator's analytic
 * phantom the truth, and dcm2niix's own tilt correction and equidistant
 * conversion of the same DICOM are compared with ours.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRREGULAR_BODY_RADIUS, IRREGULAR_PHANTOM, irregularBodyHU, irregularDiscLevel, irregularSeries, type IrregularOptions, type IrregularSeries, type Point, type Vec3 } from '../../scripts/sample/irregular.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, readInstances } from '../../src/core/dicom/loader.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { exportSeries, runExport, type ExportOptions } from '../../src/core/formats/export-job.js';
import { resampleGrid } from '../../src/core/formats/resample.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PYTHON = '/usr/bin/python3';
const DCM2NIIX = '/usr/bin/dcm2niix';
const HELPER = join(root, 'test/node/support/resample_check.py');
const PHILIPS = resolve(root, '../shared/dicom/ct-series-dcm_qa_ct-philips-phantom-notilt/dicom');
if (!existsSync(PHILIPS)) throw new Error(`${PHILIPS} is missing: the test reads the real Philips series from ../shared/dicom`);

type Matrix44 = number[][];
interface Facts {
  shape: number[];
  sform: Matrix44;
  qform: Matrix44;
  sform_code: number;
  qform_code: number;
  zooms: number[];
  dtype: string;
}

async function py<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(PYTHON, [HELPER, ...args], { maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as T;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'segmark-resample-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function loadFolder(folder: string): Promise<Volume> {
  const sources = readdirSync(folder)
    .sort()
    .map((name) => ({ name, blob: new Blob([readFileSync(join(folder, name))]) }));
  const [series] = assembleSeries((await readInstances(sources)).instances);
  if (!series) throw new Error(`${folder}: no series`);
  return (await loadVolume(series, new SameThreadDecoder())).volume;
}

const LABELS = labelsFromTemplate(LUMBAR_SPINE_TEMPLATE);
const LABEL = LABELS[0]!.id;

/** A document with one label drawn on every slice where `inside` says, traced from the pixel mask. */
function documentOf(volume: Volume, inside: (k: number, c: number, r: number) => boolean): { doc: AnnotationDocument; counts: number[] } {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: volume.studyInstanceUID, seriesInstanceUID: volume.seriesInstanceUID, sopInstanceUIDs: [...volume.sopInstanceUIDs], rows: volume.rows, columns: volume.columns, slices: volume.slices },
    ops: REGION_OPS,
    labels: LABELS,
  });
  const counts: number[] = [];
  for (let k = 0; k < volume.slices; k++) {
    const mask = new Uint8Array(volume.columns * volume.rows);
    for (let r = 0; r < volume.rows; r++) for (let c = 0; c < volume.columns; c++) if (inside(k, c, r)) mask[r * volume.columns + c] = 1;
    counts.push(mask.reduce((n, x) => n + x, 0));
    if (counts[k]) doc.setRegion(LABEL, k, maskToRegion(mask, volume.columns, volume.rows), { kind: 'draw' });
  }
  return { doc, counts };
}

/** LPS centre of pixel (c, r) of slice k. */
function pixelWorld(volume: Volume, k: number, c: number, r: number): Vec3 {
  const p = volume.planes[k]!.position;
  return [0, 1, 2].map((a) => p[a]! + c * volume.spacing[0] * volume.rowCosine[a]! + r * volume.spacing[1] * volume.columnCosine[a]!) as Vec3;
}

/** Exports the NIfTI bundle with the CT and writes its files to `dir`; returns their paths and labels.json. */
async function exportTo(dir: string, volume: Volume, doc: AnnotationDocument, options: ExportOptions) {
  mkdirSync(dir, { recursive: true });
  const result = await runExport(
    { format: 'nifti', options: { image: true, labels: [LABEL], name: 'case', ...options }, series: exportSeries(volume), snapshot: doc.snapshot(), user: 'test' },
    (k) => volume.sliceData[k]!,
  );
  const files = unzipSync(result.bytes);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return {
    image: join(dir, 'case_image.nii.gz'),
    labels: join(dir, 'case_labels.nii.gz'),
    sidecar: JSON.parse(new TextDecoder().decode(files['case_labels.json']!)) as { grid: string; imagePadding: number | null },
  };
}

const apply = (m: Matrix44, ijk: readonly number[]): Vec3 => [0, 1, 2].map((r) => m[r]![0]! * ijk[0]! + m[r]![1]! * ijk[1]! + m[r]![2]! * ijk[2]! + m[r]![3]!) as Vec3;
const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const ras = (p: Point): Vec3 => [-p[0], -p[1], p[2]];

/** Largest distance between where two affines put the corner voxels of a volume. */
function cornerDistance(a: Matrix44, b: Matrix44, shape: number[]): number {
  let worst = 0;
  for (const i of [0, shape[0]! - 1]) for (const j of [0, shape[1]! - 1]) for (const k of [0, shape[2]! - 1]) worst = Math.max(worst, dist(apply(a, [i, j, k]), apply(b, [i, j, k])));
  return worst;
}

/** Solves M·x = y for the 3×3 part of an affine. */
function toIndex(m: Matrix44, world: Vec3): Vec3 {
  const a = [0, 1, 2].map((r) => [m[r]![0]!, m[r]![1]!, m[r]![2]!]);
  const y = [0, 1, 2].map((r) => world[r]! - m[r]![3]!);
  const det = (x: number[][]) => x[0]![0]! * (x[1]![1]! * x[2]![2]! - x[1]![2]! * x[2]![1]!) - x[0]![1]! * (x[1]![0]! * x[2]![2]! - x[1]![2]! * x[2]![0]!) + x[0]![2]! * (x[1]![0]! * x[2]![1]! - x[1]![1]! * x[2]![0]!);
  const d = det(a);
  return [0, 1, 2].map((c) => det(a.map((row, r) => row.map((x, cc) => (cc === c ? y[r]! : x)))) / d) as Vec3;
}

const VARIANTS: [string, IrregularOptions, string, string][] = [
  ['tilt +18.5°', { kind: 'tilt', tiltDeg: 18.5 }, 'Tilt_1', 'tilt-plus'],
  ['tilt −18.5°', { kind: 'tilt', tiltDeg: -18.5 }, 'Tilt_1', 'tilt-minus'],
  ['uneven 4 mm then 7 mm', { kind: 'uneven' }, 'Eq_1', 'uneven'],
];

describe.each(VARIANTS)('resampled NIfTI of a generated series: %s', (name, options, dcm2niixSuffix, slug) => {
  let series: IrregularSeries;
  let volume: Volume;
  let counts: number[];
  let out: Awaited<ReturnType<typeof exportTo>>;
  let facts: Facts;
  let dicom: string;

  beforeAll(async () => {
    series = await irregularSeries(options);
    dicom = join(tmp, slug, 'dicom');
    mkdirSync(dicom, { recursive: true });
    for (const f of series.files) writeFileSync(join(dicom, f.name), f.bytes);
    volume = await loadFolder(dicom);
    const drawn = documentOf(volume, (k, c, r) => series.label(pixelWorld(volume, k, c, r)) === 1);
    counts = drawn.counts;
    out = await exportTo(join(tmp, slug, 'resampled'), volume, drawn.doc, { grid: 'resampled' });
    facts = await py<Facts>('facts', out.image);
  });

  it('sform and qform are the same transform, to 0.01 mm at every corner, for the CT and the labels', async () => {
    const labels = await py<Facts>('facts', out.labels);
    for (const f of [facts, labels]) {
      expect([f.sform_code, f.qform_code]).toEqual([1, 1]);
      const d = cornerDistance(f.sform, f.qform, f.shape);
      console.log(`export-resample: ${name}: sform − qform at the corners ${d.toExponential(2)} mm (${f.shape.join('×')})`);
      expect(d).toBeLessThan(0.01);
    }
    expect(labels.shape).toEqual(facts.shape);
    expect(cornerDistance(labels.sform, facts.sform, facts.shape)).toBe(0);
  });

  it('puts every voxel centre on the regular grid: in-plane axes of the series, slices along the normal, covering every acquired pixel', () => {
    const grid = resampleGrid(volume);
    const [dCol, dRow] = volume.spacing;
    const u = ras(volume.rowCosine);
    const v = ras(volume.columnCosine);
    const n = ras([0, 1, 2].map((a) => volume.rowCosine[(a + 1) % 3]! * volume.columnCosine[(a + 2) % 3]! - volume.rowCosine[(a + 2) % 3]! * volume.columnCosine[(a + 1) % 3]!) as Vec3);
    const m = facts.sform;
    for (let r = 0; r < 3; r++) {
      expect(m[r]![0]).toBeCloseTo(u[r]! * dCol, 5);
      expect(m[r]![1]).toBeCloseTo(v[r]! * dRow, 5);
      expect(m[r]![2]).toBeCloseTo(n[r]! * grid.step, 5);
    }
    // Every voxel centre: the affine's point is the grid's own plane position plus the in-plane steps.
    for (let k = 0; k < facts.shape[2]!; k++) {
      for (const [i, j] of [[0, 0], [facts.shape[0]! - 1, 0], [0, facts.shape[1]! - 1], [17, 23]] as const) {
        const p = grid.geometry.planes[k]!.position;
        const expected = ras([0, 1, 2].map((a) => p[a]! + i * dCol * volume.rowCosine[a]! + j * dRow * volume.columnCosine[a]!) as Vec3);
        expect(dist(apply(m, [i, j, k]), expected)).toBeLessThan(1e-3);
      }
    }
    // Every acquired pixel centre falls inside the grid, slice 0 in the first acquired plane.
    const last = facts.shape.map((s) => s - 1 + 0.5);
    for (let k = 0; k < volume.slices; k++) {
      for (const [c, r] of [[0, 0], [volume.columns - 1, 0], [0, volume.rows - 1], [volume.columns - 1, volume.rows - 1]] as const) {
        const ijk = toIndex(m, ras(pixelWorld(volume, k, c, r)));
        for (let a = 0; a < 3; a++) {
          expect(ijk[a]!, `slice ${k} pixel ${c},${r} axis ${a}`).toBeGreaterThanOrEqual(-0.5 - 1e-6);
          expect(ijk[a]!, `slice ${k} pixel ${c},${r} axis ${a}`).toBeLessThanOrEqual(last[a]! + 1e-6);
        }
        if (k === 0) expect(ijk[2]).toBeCloseTo(0, 5);
      }
    }
  });

  it('holds the CT as linear interpolation of the DICOM slices (pydicom) and as the phantom, and keeps the −1500 HU padding', async () => {
    const r = await py<{ points: { ijk: number[]; lps: Vec3; ours: number; ref: number }[]; dtype: string; min: number }>('ct', out.image, dicom, '600');
    expect(r.dtype).toBe('int16');
    expect(r.points.length).toBeGreaterThan(300);
    let worstRef = 0;
    let worstTruth = 0;
    let truthChecked = 0;
    for (const p of r.points) {
      worstRef = Math.max(worstRef, Math.abs(p.ours - p.ref));
      // The phantom is linear inside the body, away from the disc's surface (3 mm either side) and the skin.
      const inBody = Math.hypot(p.lps[0], p.lps[1]) < IRREGULAR_BODY_RADIUS - 3;
      const level = irregularDiscLevel(p.lps);
      if (inBody && (level < 0.5 || level > 1.7)) {
        worstTruth = Math.max(worstTruth, Math.abs(p.ours - (irregularBodyHU(p.lps) + (level <= 1 ? 80 : 0))));
        truthChecked++;
      }
    }
    console.log(`export-resample: ${name}: CT at ${r.points.length} voxels, largest difference ${worstRef.toFixed(2)} HU from pydicom's linear interpolation; ${worstTruth.toFixed(2)} HU from the phantom at ${truthChecked}`);
    expect(worstRef).toBeLessThanOrEqual(1);
    expect(truthChecked).toBeGreaterThan(50);
    expect(worstTruth).toBeLessThanOrEqual(2);
    expect(r.min).toBe(-1500);
    expect(out.sidecar).toMatchObject({ grid: 'resampled', imagePadding: -1500 });
  });

  it('keeps the label volume within a few per cent and every labelled slice', async () => {
    const r = await py<{ perSlice: number[]; voxelVolume: number; acquiredAt: number[] }>('labels', out.labels, dicom);
    const along = volume.planes.map((p) => p.position).map((p, k, all) => (k === 0 ? 0 : dist(p, all[0]!) * Math.cos((Math.abs(options.tiltDeg ?? 0) * Math.PI) / 180)));
    // The acquired labels' volume: each slice's pixels times the slab half-way to its neighbours.
    const slab = along.map((t, k) => ((along[Math.min(k + 1, along.length - 1)]! - along[Math.max(k - 1, 0)]!) / (k === 0 || k === along.length - 1 ? 1 : 2)));
    const acquired = counts.reduce((sum, c, k) => sum + c * volume.spacing[0] * volume.spacing[1] * slab[k]!, 0);
    const resampled = r.perSlice.reduce((a, b) => a + b, 0) * r.voxelVolume;
    console.log(
      `export-resample: ${name}: label volume ${resampled.toFixed(0)} mm³ resampled, ${acquired.toFixed(0)} acquired, ${series.labelVolume.toFixed(0)} phantom; ` +
        `${r.perSlice.filter((x) => x > 0).length} of ${r.perSlice.length} slices labelled (${counts.filter((x) => x > 0).length} of ${counts.length} acquired)`,
    );
    expect(Math.abs(resampled / acquired - 1)).toBeLessThan(0.05);
    expect(Math.abs(resampled / series.labelVolume - 1)).toBeLessThan(0.1);
    // No labelled slice lost: the target slice nearest each labelled acquired plane has the label.
    counts.forEach((c, k) => {
      if (c > 0) expect(r.perSlice[Math.round(r.acquiredAt[k]!)], `acquired slice ${k}`).toBeGreaterThan(0);
    });
  });

  it(`matches dcm2niix's ${dcm2niixSuffix} conversion of the same DICOM in grid size and spacing; where they differ, ours is where the phantom is`, async () => {
    const refDir = join(tmp, slug, 'dcm2niix');
    mkdirSync(refDir, { recursive: true });
    await run(DCM2NIIX, ['-z', 'y', '-f', 'ref', '-o', refDir, dicom]);
    const ref = join(refDir, `ref_${dcm2niixSuffix}.nii.gz`);
    const c = await py<{
      shapes: number[][];
      zooms: number[][];
      affines: Matrix44[];
      qformSformRef: number;
      bounds: [number[], number[]][];
      compared: number;
      medianDiff: number;
      p95Diff: number;
    }>('dcm2niix', out.image, ref);
    type PhantomError = { compared: number; median: number; p95: number };
    const phantom = JSON.stringify(IRREGULAR_PHANTOM);
    const [ours, theirs] = await Promise.all([py<PhantomError>('phantom', out.image, phantom), py<PhantomError>('phantom', ref, phantom)]);
    const boundsDiff = Math.max(...[0, 1].flatMap((e) => [0, 1, 2].map((a) => Math.abs(c.bounds[0]![e]![a]! - c.bounds[1]![e]![a]!))));
    console.log(
      `export-resample: ${name}: ours ${c.shapes[0]!.join('×')} at ${c.zooms[0]!.map((z) => z.toFixed(4)).join('×')} mm, dcm2niix ${c.shapes[1]!.join('×')} at ${c.zooms[1]!.map((z) => z.toFixed(4)).join('×')} mm; ` +
        `voxel-centre bounds differ by up to ${boundsDiff.toFixed(3)} mm (ours ${c.bounds[0]!.map((b) => b.map((x) => x.toFixed(1)).join(',')).join(' … ')}, dcm2niix ${c.bounds[1]!.map((b) => b.map((x) => x.toFixed(1)).join(',')).join(' … ')}); ` +
        `CT at ${c.compared} of dcm2niix's voxels: median ${c.medianDiff.toFixed(2)} HU, 95th percentile ${c.p95Diff.toFixed(2)} HU apart; ` +
        `against the phantom (|HU error| median / 95th percentile): ours ${ours.median.toFixed(2)} / ${ours.p95.toFixed(2)}, dcm2niix ${theirs.median.toFixed(2)} / ${theirs.p95.toFixed(2)}; dcm2niix qform − sform ${c.qformSformRef.toExponential(1)}`,
    );
    expect(c.zooms[0]!.map((z) => Number(z.toFixed(3)))).toEqual(c.zooms[1]!.map((z) => Number(z.toFixed(3))));
    // Same in-plane size (dcm2niix too grows the rows by the tilt's shift); its equidistant series stops a step short of the last acquired plane, ours reaches it.
    expect(c.shapes[0]!.slice(0, 2)).toEqual(c.shapes[1]!.slice(0, 2));
    expect(Math.abs(c.shapes[0]![2]! - c.shapes[1]![2]!)).toBeLessThanOrEqual(1);
    // Ours is where the phantom says, throughout (dcm2niix v1.0.20220720 places some of these conversions elsewhere: see the log line).
    expect(ours.compared).toBeGreaterThan(1000);
    expect(ours.p95).toBeLessThanOrEqual(2);
    expect(ours.median).toBeLessThanOrEqual(Math.max(1, theirs.median));
  });

  it('on the acquired grid, keeps the −1500 HU padding as stored too', async () => {
    const { doc } = documentOf(volume, () => false);
    const acquired = await exportTo(join(tmp, slug, 'acquired'), volume, doc, { labels: [] });
    const r = await py<{ min: number }>('ct', acquired.image, dicom, '1');
    expect(r.min).toBe(-1500);
    expect(acquired.sidecar).toMatchObject({ grid: 'acquired', imagePadding: -1500 });
  });
});

describe('the real Philips phantom series (regular, 28 × 512²): resampled = acquired', () => {
  it('same shape, affine within 0.01 mm, the same CT voxels and labels', async () => {
    const volume = await loadFolder(PHILIPS);
    // A disc of 40 mm radius about the image centre on slices 10–17.
    const { doc } = documentOf(volume, (k, c, r) => k >= 10 && k <= 17 && Math.hypot(c - 256, r - 256) * volume.spacing[0] < 40);
    const a = await exportTo(join(tmp, 'philips', 'acquired'), volume, doc, { grid: 'acquired' });
    const b = await exportTo(join(tmp, 'philips', 'resampled'), volume, doc, { grid: 'resampled' });
    const [fa, fb] = await Promise.all([py<Facts>('facts', a.image), py<Facts>('facts', b.image)]);
    expect(fb.shape).toEqual(fa.shape);
    const d = cornerDistance(fa.sform, fb.sform, fa.shape);
    console.log(`export-resample: Philips: resampled and acquired affines differ by ${d.toExponential(2)} mm at the corners; resampled sform − qform ${cornerDistance(fb.sform, fb.qform, fb.shape).toExponential(2)} mm`);
    expect(d).toBeLessThan(0.01);
    expect(cornerDistance(fb.sform, fb.qform, fb.shape)).toBeLessThan(0.01);
    // The voxels: the .nii.gz differ only in their headers' affine rounding, if at all.
    const { gunzipSync } = await import('fflate');
    for (const [x, y] of [[a.image, b.image], [a.labels, b.labels]] as const) {
      const [bx, by] = [gunzipSync(new Uint8Array(readFileSync(x))), gunzipSync(new Uint8Array(readFileSync(y)))];
      expect(Buffer.compare(bx.subarray(352), by.subarray(352)), x).toBe(0);
    }
    // Regular series need no resampling: it changes nothing but the optional note.
    expect(b.sidecar.grid).toBe('resampled');
  });
});
