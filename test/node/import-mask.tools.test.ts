/**
 * Mask import (NIfTI labelmaps and DICOM SEG) onto an open series, checked
 * against outside references: nibabel's voxel counts and affine, pydicom's
 * reading of the DICOM geometry and of SEG frames, the CT values under the
 * imported liver, and copies of the files rewritten by nibabel and pydicom
 * (reoriented, shifted, cropped, references stripped). Missing tools fail
 * the tests; the shared DICOM folder is skipped outside CI only, like the
 * loader tests. What needs no outside tool is in import-mask.test.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { pixelToWorld } from '../../src/core/dicom/geometry.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { importNifti, importSeg, type ImportedMasks, type ImportTarget } from '../../src/core/formats/import-mask.js';
import { niftiLabelmap } from '../../src/core/formats/nifti.js';
import { dot, sub } from '../../src/core/math/vec3.js';
import { bytesOf, count, expectSegmarkError, firstDifference, obliqueStack, openSeries, paint, randomLabelmap, slicesOf } from './support/import-cases.js';
import { SAMPLE_DIR } from './support/seg-sample.js';

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
});

describe('NIfTI labelmaps on the sample series: our export, rewritten by nibabel', () => {
  const labels = labelsFromTemplate(LUMBAR_SPINE_TEMPLATE);
  const VALUES = labels.slice(0, 4).map((l) => l.id);
  let volume: Volume;
  let labelmap: Uint8Array;
  let exported: string;

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
});

describe('NIfTI on an oblique synthetic stack (no DICOM): axis reorders accepted, a turn or a stretch refused', () => {
  const stack = obliqueStack;
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

  it('a stripped SEG onto its CT turned by 1° is refused, naming the orientation', async () => {
    const volume = await openSeries(join(DCMQI, 'ct'));
    const stripped = join(work, 'dcmqi-liver-stripped.dcm');
    if (!existsSync(stripped)) await python('import-seg.py', join(DCMQI, 'seg/liver_seg.dcm'), stripped);
    const a = (1 * Math.PI) / 180;
    const turned: ImportTarget = { ...volume, rowCosine: [Math.cos(a), Math.sin(a), 0], columnCosine: [-Math.sin(a), Math.cos(a), 0] };
    expectSegmarkError(() => importSeg(bytesOf(stripped), turned), 'import-geometry', { aspect: 'orientation' });
  });
});
