/**
 * Mask import (NIfTI labelmaps and DICOM SEG) onto an open series, checked
 * against outside references: nibabel's voxel counts and affine, pydicom's
 * reading of the DICOM geometry and of SEG frames, the CT values under the
 * imported liver, and copies of the files rewritten by nibabel and pydicom
 * (reoriented, shifted, cropped, references stripped). Missing tools fail
 * the tests; the shared DICOM folder is skipped outside CI only, like the
 * loader tests.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameConcept } from '../../src/core/annotation/codes.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import { pixelToWorld } from '../../src/core/dicom/geometry.js';
import { assembleSeries, loadVolume, readInstances } from '../../src/core/dicom/loader.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import { allocateVolume, type Volume } from '../../src/core/dicom/volume.js';
import { SegmarkError } from '../../src/core/errors.js';
import { formatMessage } from '../../src/core/messages.js';
import { importNifti, importSeg, IMPORT_WARNING_CODES, type ImportedMasks, type ImportTarget } from '../../src/core/formats/import-mask.js';
import { niftiLabelmap } from '../../src/core/formats/nifti.js';
import { niftiLabelSidecar } from '../../src/core/formats/nifti-sidecar.js';
import { writeSeg, type SegWriteInput } from '../../src/core/formats/seg.js';
import { dot, sub } from '../../src/core/math/vec3.js';
import { SAMPLE_DIR, sampleSeg, type SampleSeg } from './support/seg-sample.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SUPPORT = 'test/node/support';
const SHARED = '../shared/dicom';
const haveShared = existsSync(SHARED);
if (!haveShared && process.env.CI === 'true') throw new Error('../shared/dicom is missing in CI');

const TOTALSEG = join(SHARED, 'ct-series-totalsegmentator-siemens-abdomen');
const DCMQI = join(SHARED, 'seg-dcmqi-liver-on-ct3slice');
const HIGHDICOM = join(SHARED, 'seg-highdicom-ct');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'segmark-import-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function python(script: string, ...args: string[]): Promise<string> {
  expect(existsSync(PYTHON), `${PYTHON} is required`).toBe(true);
  const { stdout } = await run(PYTHON, [join(SUPPORT, script), ...args], { maxBuffer: 1 << 26 });
  return stdout;
}

/** A DICOM folder as the annotator opens it; decoded only when the test needs the CT values. */
async function openSeries(dir: string, options: { decode?: boolean; filter?: (name: string) => boolean } = {}): Promise<Volume> {
  const { decode = false, filter = (n: string) => n.endsWith('.dcm') } = options;
  const sources = readdirSync(dir)
    .filter(filter)
    .sort()
    .map((name) => ({ name, blob: new Blob([readFileSync(join(dir, name))]) }));
  const read = await readInstances(sources);
  const [series, ...others] = assembleSeries(read.instances);
  expect(others).toEqual([]);
  return decode ? (await loadVolume(series!, new SameThreadDecoder())).volume : allocateVolume(series!);
}

function bytesOf(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** The import painted back into a labelmap, checking on the way that masks are non-empty and do not overlap. */
function paint(result: ImportedMasks, g: { rows: number; columns: number; slices: number }): Uint8Array {
  const n = g.rows * g.columns;
  const out = new Uint8Array(n * g.slices);
  const problems: string[] = [];
  for (const [value, slices] of result.masks) {
    for (const [k, mask] of slices) {
      if (mask.length !== n) problems.push(`value ${value}, slice ${k}: ${mask.length} pixels`);
      let count = 0;
      let overlaps = 0;
      for (let p = 0; p < n; p++) {
        if (!mask[p]) continue;
        if (out[k * n + p]) overlaps++;
        out[k * n + p] = value;
        count++;
      }
      if (count === 0) problems.push(`value ${value}, slice ${k}: empty mask`);
      if (overlaps > 0) problems.push(`value ${value}, slice ${k}: ${overlaps} pixels overlap`);
    }
  }
  expect(problems).toEqual([]);
  return out;
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v;
  return n;
}

function expectSegmarkError(action: () => unknown, code: string, params: Record<string, string> = {}): SegmarkError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe(code);
    expect((error as SegmarkError).params).toMatchObject(params);
    return error as SegmarkError;
  }
  return expect.fail(`expected a SegmarkError ${code}`);
}

/** A deterministic labelmap: boxes of the given values on most slices, and isolated voxels to catch any off-by-one. */
function randomLabelmap(g: { rows: number; columns: number; slices: number }, values: readonly number[], seed: number): Uint8Array {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (n: number) => Math.floor(random() * n);
  const n = g.rows * g.columns;
  const out = new Uint8Array(n * g.slices);
  for (let k = 0; k < g.slices; k++) {
    if (k % 7 === 3) continue; // some empty slices
    for (let b = 0; b < 4; b++) {
      const value = values[pick(values.length)]!;
      const [c0, r0] = [pick(g.columns), pick(g.rows)];
      const [c1, r1] = [Math.min(g.columns, c0 + 1 + pick(g.columns / 3)), Math.min(g.rows, r0 + 1 + pick(g.rows / 3))];
      for (let r = r0; r < r1; r++) out.fill(value, k * n + r * g.columns + c0, k * n + r * g.columns + c1);
    }
    for (let s = 0; s < 50; s++) out[k * n + pick(n)] = values[pick(values.length)]!;
  }
  return out;
}

function slicesOf(labelmap: Uint8Array, g: { rows: number; columns: number; slices: number }): Uint8Array[] {
  const n = g.rows * g.columns;
  return Array.from({ length: g.slices }, (_, k) => labelmap.subarray(k * n, (k + 1) * n));
}

describe('catalogue', () => {
  it('has an English and a Chinese message for every import error and warning code', () => {
    const codes = ['import-geometry', 'import-mismatch', 'import-not-labelmap', 'import-sidecar-invalid', ...IMPORT_WARNING_CODES] as const;
    for (const code of codes) {
      for (const locale of ['en', 'zh-CN'] as const) {
        const text = formatMessage(code, { file: 'x.nii.gz' }, locale);
        expect(text, `${code} ${locale}`).not.toBe(code);
      }
    }
    expect(formatMessage('import-geometry', { file: 'a.nii', aspect: 'size', theirs: '1 × 2 × 3', ours: '1 × 2 × 4' }, 'zh-CN')).toContain('1 × 2 × 4');
  });
});

describe.skipIf(!haveShared)("TotalSegmentator's NIfTI of a Siemens abdomen onto its own DICOM series", () => {
  const NIFTI = join(TOTALSEG, 'reference', 'example_seg_dicom.nii.gz');
  const CHECKED = [5, 32, 33, 79];
  let volume: Volume;
  let result: ImportedMasks;
  let reference: Record<string, { count: number; lps: Vec3; dicomIndex: Vec3 }>;

  beforeAll(async () => {
    volume = await openSeries(join(TOTALSEG, 'dicom'), { decode: true, filter: (n) => n.startsWith('CT.') });
    result = importNifti(bytesOf(NIFTI), volume, 'example_seg_dicom.nii.gz');
    reference = JSON.parse(await python('import-nifti.py', 'reference', NIFTI, join(TOTALSEG, 'dicom'), ...CHECKED.map(String)));
  });

  it('imports with no warning (its rows run the other way: the file j axis goes from posterior to anterior)', () => {
    expect(result.source).toBe('nifti');
    expect(result.warnings).toEqual([]);
    expect(result.labels.map((l) => l.value)).toEqual(expect.arrayContaining(CHECKED));
    expect(result.labels.every((l) => l.name === undefined)).toBe(true);
  });

  it.each(CHECKED)('value %i: as many voxels as nibabel counts, centroid on the same DICOM pixel and world position', (value) => {
    const ref = reference[String(value)]!;
    const slices = result.masks.get(value)!;
    let total = 0;
    const sums: [number, number, number] = [0, 0, 0];
    const world: [number, number, number] = [0, 0, 0];
    for (const [k, mask] of slices) {
      let n = 0;
      let sc = 0;
      let sr = 0;
      for (let p = 0; p < mask.length; p++) {
        if (!mask[p]) continue;
        n++;
        sc += p % volume.columns;
        sr += Math.floor(p / volume.columns);
      }
      total += n;
      sums[0] += sc;
      sums[1] += sr;
      sums[2] += n * k;
      // world() is affine within a slice, so the slice's centroid maps to the mean of its pixels' centres.
      const centre = pixelToWorld(volume.planes[k]!, sc / n + 0.5, sr / n + 0.5);
      for (const a of [0, 1, 2] as const) world[a] += n * centre[a];
    }
    expect(total).toBe(ref.count);
    const index = sums.map((s) => s / total);
    for (let a = 0; a < 3; a++) expect(Math.abs(index[a]! - ref.dicomIndex[a]!), `index axis ${a}`).toBeLessThan(0.5);
    const offset = sub(world.map((s) => s / total) as unknown as Vec3, ref.lps);
    const [dCol, dRow, dSlice] = volume.spacing;
    expect(Math.abs(dot(offset, volume.rowCosine))).toBeLessThan(dCol / 2);
    expect(Math.abs(dot(offset, volume.columnCosine))).toBeLessThan(dRow / 2);
    expect(Math.abs(dot(offset, volume.normal))).toBeLessThan(dSlice / 2);
  });

  /** Mean HU under the mask of `value`, optionally read with rows flipped. */
  function meanHu(value: number, flipRows = false): number {
    let sum = 0;
    let n = 0;
    for (const [k, mask] of result.masks.get(value)!) {
      const hu = volume.sliceData[k]!;
      for (let p = 0; p < mask.length; p++) {
        if (!mask[p]) continue;
        const c = p % volume.columns;
        const r = Math.floor(p / volume.columns);
        sum += hu[(flipRows ? volume.rows - 1 - r : r) * volume.columns + c]!;
        n++;
      }
    }
    return sum / n;
  }

  it('the liver mask covers liver-like CT values, bone-like under T12; read with rows flipped they would not be', () => {
    expect(volume.loaded.every((x) => x === 1)).toBe(true);
    // Contrast-enhanced liver parenchyma: roughly 50–130 HU (this scan: ~89).
    const liver = meanHu(5);
    expect(liver).toBeGreaterThan(50);
    expect(liver).toBeLessThan(130);
    expect(meanHu(32)).toBeGreaterThan(150);
    expect(Math.abs(meanHu(5, true) - liver)).toBeGreaterThan(40);
  });
});

describe('NIfTI labelmaps on the sample series: our export, rewritten by nibabel', () => {
  const labels = labelsFromTemplate(LUMBAR_SPINE_TEMPLATE);
  const VALUES = labels.slice(0, 4).map((l) => l.id);
  let volume: Volume;
  let labelmap: Uint8Array;
  let exported: string;
  const sidecar = () => JSON.parse(JSON.stringify(niftiLabelSidecar(labels, 'labels.nii.gz'))) as unknown;

  beforeAll(async () => {
    volume = await openSeries(SAMPLE_DIR);
    labelmap = randomLabelmap(volume, VALUES, 7);
    exported = join(work, 'labels.nii.gz');
    writeFileSync(exported, niftiLabelmap(volume, slicesOf(labelmap, volume), { level: 1 }));
  });

  async function rewritten(mode: string): Promise<Uint8Array> {
    const out = join(work, `${mode}.nii.gz`);
    await python('import-nifti.py', 'rewrite', exported, out, mode);
    return bytesOf(out);
  }

  /** Copies the tests below refuse, written once. */
  const refused: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    for (const mode of ['shift', 'crop', 'fraction']) refused[mode] = await rewritten(mode);
  });

  it('our own export round-trips exactly, named, coded and coloured by its sidecar', () => {
    const result = importNifti(bytesOf(exported), volume, 'labels.nii.gz', { sidecar: sidecar() });
    expect(firstDifference(paint(result, volume), labelmap)).toBe(-1);
    expect(result.warnings).toEqual([]);
    // every sidecar label is listed, the unused ones with no slices
    expect(result.labels.map((l) => l.value)).toEqual(labels.map((l) => l.id).sort((a, b) => a - b));
    for (const label of labels) {
      const imported = result.labels.find((l) => l.value === label.id)!;
      expect(imported.name).toBe(label.name);
      expect(imported.color).toEqual([...label.color]);
      expect(sameConcept(imported.code!.type, label.code.type)).toBe(true);
      expect(result.masks.get(label.id)!.size > 0).toBe(VALUES.includes(label.id));
    }
  });

  it.each(['canonical', 'permute', 'float', 'qform'])('a copy rewritten by nibabel (%s) imports to the same masks', async (mode) => {
    const result = importNifti(await rewritten(mode), volume, `${mode}.nii.gz`);
    expect(firstDifference(paint(result, volume), labelmap)).toBe(-1);
    expect(result.warnings).toEqual([]);
  });

  it('a copy moved by 5 mm is refused, naming the position', () => {
    const error = expectSegmarkError(() => importNifti(refused['shift']!, volume, 'shift.nii.gz'), 'import-geometry', { aspect: 'position' });
    expect(error.message).toContain('5 mm');
  });

  it('a copy one slice short is refused, naming both sizes', () => {
    expectSegmarkError(() => importNifti(refused['crop']!, volume, 'crop.nii.gz'), 'import-geometry', {
      aspect: 'size',
      theirs: `${volume.columns} × ${volume.rows} × ${volume.slices - 1}`,
      ours: `${volume.columns} × ${volume.rows} × ${volume.slices}`,
    });
  });

  it('a float copy holding 0.5 somewhere is not a labelmap', () => {
    expectSegmarkError(() => importNifti(refused['fraction']!, volume, 'fraction.nii.gz'), 'import-not-labelmap', { value: '0.5' });
  });

  it('a sidecar that leaves a value out gives a warning naming it; a broken one is refused', () => {
    const partial = sidecar() as { labels: { id: number }[] };
    partial.labels = partial.labels.filter((l) => l.id !== VALUES[1]);
    const result = importNifti(bytesOf(exported), volume, 'labels.nii.gz', { sidecar: partial });
    expect(result.warnings.map((w) => [w.code, w.params])).toEqual([['import-label-undescribed', { values: String(VALUES[1]) }]]);
    expect(result.labels.find((l) => l.value === VALUES[1])!.name).toBeUndefined();

    const broken = sidecar() as { labels: { color: unknown }[] };
    broken.labels[2]!.color = [0, 0];
    expectSegmarkError(() => importNifti(bytesOf(exported), volume, 'labels.nii.gz', { sidecar: broken }), 'import-sidecar-invalid', { field: 'labels[2].color' });
    expectSegmarkError(() => importNifti(bytesOf(exported), volume, 'labels.nii.gz', { sidecar: { labels: [] } }), 'import-sidecar-invalid', { field: 'format' });
  });

  it('an empty labelmap imports with the import-empty warning', () => {
    const empty = niftiLabelmap(volume, slicesOf(new Uint8Array(labelmap.length), volume), { level: 1 });
    const result = importNifti(empty, volume, 'empty.nii.gz');
    expect(result.labels).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['import-empty']);
  });
});

describe('NIfTI on an oblique synthetic stack (no DICOM): axis reorders accepted, a turn or a stretch refused', () => {
  const deg = (d: number) => (d * Math.PI) / 180;
  /** 12 × 9 × 5 voxels, turned 30° about z and 20° about x. */
  function stack(turnDeg = 0, spacingScale = 1): ImportTarget {
    const [a, b] = [deg(30 + turnDeg), deg(20)];
    const u: Vec3 = [Math.cos(a), Math.sin(a), 0];
    const v0: Vec3 = [-Math.sin(a), Math.cos(a), 0];
    const v: Vec3 = [v0[0], v0[1] * Math.cos(b), Math.sin(b)];
    const n: Vec3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    const origin: Vec3 = [12.5, -40.25, 7];
    return {
      columns: 12,
      rows: 9,
      slices: 5,
      spacing: [0.8 * spacingScale, 0.7, 2.5],
      rowCosine: u,
      columnCosine: v,
      planes: Array.from({ length: 5 }, (_, k) => ({ position: [0, 1, 2].map((i) => origin[i]! + 2.5 * k * n[i]!) as unknown as Vec3 })),
      seriesInstanceUID: '2.25.1',
      sopInstanceUIDs: ['2.25.2', '2.25.3', '2.25.4', '2.25.5', '2.25.6'],
    };
  }
  const g = stack();
  const labelmap = randomLabelmap(g, [1, 2, 9], 3);
  const file = niftiLabelmap(g, slicesOf(labelmap, g), { level: 1 });

  it('a copy with axes permuted and reversed by nibabel imports to the same masks', async () => {
    const src = join(work, 'oblique.nii.gz');
    writeFileSync(src, file);
    for (const mode of ['permute', 'canonical']) {
      const out = join(work, `oblique-${mode}.nii.gz`);
      await python('import-nifti.py', 'rewrite', src, out, mode);
      expect(firstDifference(paint(importNifti(bytesOf(out), g), g), labelmap), mode).toBe(-1);
    }
  });

  it('refuses the same voxels turned by 2° or with 5 % wider columns (far voxels 0.3–0.4 mm off), naming orientation or spacing', () => {
    expectSegmarkError(() => importNifti(file, stack(2), 'turned.nii.gz'), 'import-geometry', { aspect: 'orientation' });
    expectSegmarkError(() => importNifti(file, stack(0, 1.05), 'wide.nii.gz'), 'import-geometry', { aspect: 'spacing' });
  });

  it('accepts a turn or stretch that moves no voxel centre more than the 0.1 mm tolerance (0.5°: 0.08 mm at 8.8 mm)', () => {
    expect(firstDifference(paint(importNifti(file, stack(0.5)), g), labelmap)).toBe(-1);
    expect(firstDifference(paint(importNifti(file, stack(0, 1.01)), g), labelmap)).toBe(-1);
  });
});

interface PyFrames {
  seg: { segments: { number: number; label: string }[]; frames: { segment: number; sops: string[] }[]; rows: number; columns: number };
  pixels: Uint8Array;
}

/** pydicom's reading of a SEG (the export tests' helper): per frame its segment, referenced SOP UIDs and 0/1 pixels. */
async function pydicomFrames(file: string): Promise<PyFrames> {
  const out = join(work, `${Math.random().toString(36).slice(2)}.u8`);
  const stdout = await python('seg-pydicom.py', file, '--frames', out);
  return { seg: JSON.parse(stdout) as PyFrames['seg'], pixels: bytesOf(out) };
}

/** Each pydicom frame must be, exactly, the imported mask of its segment on the slice of its referenced image. */
function expectFramesOnReferencedSlices(result: ImportedMasks, volume: Volume, py: PyFrames): void {
  const n = volume.rows * volume.columns;
  const expected = new Map<number, Map<number, Uint8Array>>();
  py.seg.frames.forEach((frame, f) => {
    const k = volume.sopInstanceUIDs.indexOf(frame.sops[0]!);
    expect(k, `frame ${f} references a slice of the series`).toBeGreaterThanOrEqual(0);
    const pixels = py.pixels.subarray(f * n, (f + 1) * n);
    if (count(pixels) === 0) return;
    const perSlice = expected.get(frame.segment) ?? new Map<number, Uint8Array>();
    perSlice.set(k, Uint8Array.from(pixels));
    expected.set(frame.segment, perSlice);
  });
  for (const s of py.seg.segments) if (!expected.has(s.number)) expected.set(s.number, new Map());
  expect(result.masks).toEqual(expected);
}

describe.skipIf(!haveShared)('SEG files written by dcmqi and highdicom onto their CT', () => {
  const cases = [
    { name: 'dcmqi liver', dir: DCMQI, seg: 'seg/liver_seg.dcm' },
    { name: 'highdicom binary', dir: HIGHDICOM, seg: 'seg/seg_image_ct_binary.dcm' },
    { name: 'highdicom fractional', dir: HIGHDICOM, seg: 'seg/seg_image_ct_binary_fractional.dcm' },
  ];

  it.each(cases)('$name: frames land on the slices pydicom says they reference, equal to its pixels', async ({ dir, seg }) => {
    const volume = await openSeries(join(dir, 'ct'));
    const path = join(dir, seg);
    const py = await pydicomFrames(path);
    const result = importSeg(bytesOf(path), volume, seg);
    expect(result.source).toBe('dicom-seg');
    expect(result.labels.map((l) => [l.value, l.name])).toEqual(py.seg.segments.map((s) => [s.number, s.label]));
    expectFramesOnReferencedSlices(result, volume, py);
    const fractional = seg.includes('fractional');
    expect(result.warnings.map((w) => w.code)).toEqual(fractional ? ['import-fractional'] : []);
  });

  it('the highdicom binary and fractional SEGs import to equal masks', async () => {
    const volume = await openSeries(join(HIGHDICOM, 'ct'));
    const binary = importSeg(bytesOf(join(HIGHDICOM, cases[1]!.seg)), volume);
    const fractional = importSeg(bytesOf(join(HIGHDICOM, cases[2]!.seg)), volume);
    expect(fractional.masks).toEqual(binary.masks);
    expect([...binary.masks.values()].reduce((n, m) => n + m.size, 0)).toBeGreaterThan(0);
  });

  it.each(cases)('$name with every image reference stripped by pydicom lands on the same slices by position', async ({ name, dir, seg }) => {
    const volume = await openSeries(join(dir, 'ct'));
    const stripped = join(work, `${name.replace(/\W/g, '-')}-stripped.dcm`);
    await python('import-seg.py', join(dir, seg), stripped);
    const py = await pydicomFrames(join(dir, seg));
    const result = importSeg(bytesOf(stripped), volume, 'stripped.dcm');
    expectFramesOnReferencedSlices(result, volume, py);
    const placed = result.warnings.find((w) => w.code === 'import-placed-by-position');
    expect(placed?.params).toEqual({ count: py.seg.frames.length });
  });

  it('a stripped SEG with one frame moved 7 mm off its slice imports the rest, warning of the one left out', async () => {
    const volume = await openSeries(join(DCMQI, 'ct'));
    const moved = join(work, 'dcmqi-moved.dcm');
    await python('import-seg.py', join(DCMQI, 'seg/liver_seg.dcm'), moved, '--move', '1', '7');
    const whole = importSeg(bytesOf(join(DCMQI, 'seg/liver_seg.dcm')), volume);
    const result = importSeg(bytesOf(moved), volume, 'moved.dcm');
    const unplaced = result.warnings.find((w) => w.code === 'import-frames-unplaced');
    expect(unplaced?.params).toEqual({ count: 1, total: 3 });
    const wholeSlices = whole.masks.get(1)!;
    const slices = result.masks.get(1)!;
    expect(slices.size).toBe(wholeSlices.size - 1);
    for (const [k, mask] of slices) expect(mask).toEqual(wholeSlices.get(k));
  });

  it('a SEG onto a series of another size or pixel spacing is refused with import-geometry', async () => {
    const liver = bytesOf(join(DCMQI, 'seg/liver_seg.dcm'));
    const small = await openSeries(join(HIGHDICOM, 'ct'));
    expectSegmarkError(() => importSeg(liver, small), 'import-geometry', { aspect: 'size', theirs: '512 × 512', ours: '16 × 16' });
    const abdomen = await openSeries(join(TOTALSEG, 'dicom'), { filter: (n) => n.startsWith('CT.') });
    expectSegmarkError(() => importSeg(liver, abdomen, 'liver_seg.dcm'), 'import-geometry', { aspect: 'spacing' });
  });

  it('a stripped SEG onto its CT turned by 1° is refused, naming the orientation', async () => {
    const volume = await openSeries(join(DCMQI, 'ct'));
    const stripped = join(work, 'dcmqi-liver-stripped.dcm');
    if (!existsSync(stripped)) await python('import-seg.py', join(DCMQI, 'seg/liver_seg.dcm'), stripped);
    const a = (1 * Math.PI) / 180;
    const turned: ImportTarget = { ...volume, rowCosine: [Math.cos(a), Math.sin(a), 0], columnCosine: [-Math.sin(a), Math.cos(a), 0] };
    expectSegmarkError(() => importSeg(bytesOf(stripped), turned), 'import-geometry', { aspect: 'orientation' });
  });
});

describe('SEG written by our own writer, onto the sample series', () => {
  let sample: SampleSeg;
  let volume: Volume;
  const fixed = (): Pick<SegWriteInput, 'uid' | 'now'> => {
    let n = 0;
    return { uid: () => `2.25.${++n}`, now: new Date(2026, 0, 2, 3, 4, 5) };
  };

  beforeAll(async () => {
    sample = sampleSeg();
    volume = await openSeries(SAMPLE_DIR);
  });

  it('round-trips: segments become labels with name, code, colour and algorithm; masks equal the labelmap', () => {
    const result = importSeg(writeSeg({ ...sample.input, ...fixed() }), volume, 'ours.dcm');
    expect(result.warnings).toEqual([]);
    expect(result.labels.map((l) => l.value)).toEqual([1, 2, 3, 4]);
    sample.input.segments.forEach((segment, s) => {
      const label = result.labels[s]!;
      expect(label.name).toBe(segment.label);
      expect(sameConcept(label.code!.type, segment.code.type)).toBe(true);
      expect(sameConcept(label.code!.category, segment.code.category)).toBe(true);
      // sRGB → CIELab (16-bit) → sRGB is exact to within one step
      label.color!.forEach((c, i) => expect(Math.abs(c - segment.color[i]!)).toBeLessThanOrEqual(1));
      expect(label.algorithmType).toBe(segment.algorithm.type);
      expect(label.algorithm).toBe(segment.algorithm.type === 'MANUAL' ? undefined : segment.algorithm.name);
    });
    const painted = paint(
      { ...result, masks: new Map([...result.masks].map(([value, slices]) => [sample.labelIds[value - 1]!, slices])) },
      volume,
    );
    expect(firstDifference(painted, sample.truth.map((v) => (sample.labelIds.includes(v) ? v : 0)))).toBe(-1);
    expect(result.masks.get(4)!.size).toBe(0);
  });

  it('overlapping segments import as they are, with a warning counting the shared pixels', () => {
    const [first] = sample.input.segments;
    const bytes = writeSeg({ ...sample.input, ...fixed(), segments: [first!, { ...first!, label: 'Copy' }] });
    const result = importSeg(bytes, volume, 'overlap.dcm');
    const shared = sample.truth.reduce((n, v) => n + (v === first!.maskValue ? 1 : 0), 0);
    expect(shared).toBeGreaterThan(0);
    const overlap = result.warnings.find((w) => w.code === 'import-overlap')!;
    expect(overlap.params['pixels']).toBe(shared);
    expect(overlap.detail).toContain('later segment');
    expect(result.masks.get(2)).toEqual(result.masks.get(1));
  });

  it('onto another series (other UIDs, every slice 40 mm away) is refused with import-mismatch naming the series', () => {
    const bytes = writeSeg({ ...sample.input, ...fixed() });
    const other: ImportTarget = {
      ...volume,
      seriesInstanceUID: '2.25.999',
      sopInstanceUIDs: volume.sopInstanceUIDs.map((_, k) => `2.25.${1000 + k}`),
      planes: volume.planes.map((p) => ({ position: [p.position[0], p.position[1], p.position[2] + 40] as Vec3 })),
    };
    const error = expectSegmarkError(() => importSeg(bytes, other, 'ours.dcm'), 'import-mismatch', {
      series: volume.seriesInstanceUID,
      expected: '2.25.999',
    });
    expect(formatMessage(error.code, { ...error.params, file: 'ours.dcm' })).toContain(volume.seriesInstanceUID);
  });
});
