/**
 * Mask import (NIfTI labelmaps and DICOM SEG) onto an open series, the parts
 * that need no outside tool: the message catalogue, TotalSegmentator's NIfTI
 * against the CT values under it, our own NIfTI and SEG exports round-tripped,
 * refused geometry, sidecars, and SEGs of other tools onto series they do not
 * fit. The comparisons with nibabel and pydicom, and the copies they rewrite,
 * are in import-mask.tools.test.ts; the shared DICOM folder is skipped
 * outside CI only, like the loader tests.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameConcept } from '../../src/core/annotation/codes.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { formatMessage } from '../../src/core/messages.js';
import { importNifti, importSeg, IMPORT_WARNING_CODES, type ImportedMasks, type ImportTarget } from '../../src/core/formats/import-mask.js';
import { niftiLabelmap } from '../../src/core/formats/nifti.js';
import { niftiLabelSidecar } from '../../src/core/formats/nifti-sidecar.js';
import { writeSeg, type SegWriteInput } from '../../src/core/formats/seg.js';
import { bytesOf, expectSegmarkError, firstDifference, obliqueStack, openSeries, paint, randomLabelmap, slicesOf } from './support/import-cases.js';
import { SAMPLE_DIR, sampleSeg, type SampleSeg } from './support/seg-sample.js';

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

  beforeAll(async () => {
    volume = await openSeries(join(TOTALSEG, 'dicom'), { decode: true, filter: (n) => n.startsWith('CT.') });
    result = importNifti(bytesOf(NIFTI), volume, 'example_seg_dicom.nii.gz');
  });

  it('imports with no warning (its rows run the other way: the file j axis goes from posterior to anterior)', () => {
    expect(result.source).toBe('nifti');
    expect(result.warnings).toEqual([]);
    expect(result.labels.map((l) => l.value)).toEqual(expect.arrayContaining(CHECKED));
    expect(result.labels.every((l) => l.name === undefined)).toBe(true);
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
  const stack = obliqueStack;
  const g = stack();
  const labelmap = randomLabelmap(g, [1, 2, 9], 3);
  const file = niftiLabelmap(g, slicesOf(labelmap, g), { level: 1 });

  it('refuses the same voxels turned by 2° or with 5 % wider columns (far voxels 0.3–0.4 mm off), naming orientation or spacing', () => {
    expectSegmarkError(() => importNifti(file, stack(2), 'turned.nii.gz'), 'import-geometry', { aspect: 'orientation' });
    expectSegmarkError(() => importNifti(file, stack(0, 1.05), 'wide.nii.gz'), 'import-geometry', { aspect: 'spacing' });
  });

  it('accepts a turn or stretch that moves no voxel centre more than the 0.1 mm tolerance (0.5°: 0.08 mm at 8.8 mm)', () => {
    expect(firstDifference(paint(importNifti(file, stack(0.5)), g), labelmap)).toBe(-1);
    expect(firstDifference(paint(importNifti(file, stack(0, 1.01)), g), labelmap)).toBe(-1);
  });
});

describe.skipIf(!haveShared)('SEG files written by dcmqi and highdicom onto their CT', () => {
  const cases = [
    { name: 'dcmqi liver', dir: DCMQI, seg: 'seg/liver_seg.dcm' },
    { name: 'highdicom binary', dir: HIGHDICOM, seg: 'seg/seg_image_ct_binary.dcm' },
    { name: 'highdicom fractional', dir: HIGHDICOM, seg: 'seg/seg_image_ct_binary_fractional.dcm' },
  ];

  it('the highdicom binary and fractional SEGs import to equal masks', async () => {
    const volume = await openSeries(join(HIGHDICOM, 'ct'));
    const binary = importSeg(bytesOf(join(HIGHDICOM, cases[1]!.seg)), volume);
    const fractional = importSeg(bytesOf(join(HIGHDICOM, cases[2]!.seg)), volume);
    expect(fractional.masks).toEqual(binary.masks);
    expect([...binary.masks.values()].reduce((n, m) => n + m.size, 0)).toBeGreaterThan(0);
  });

  it('a SEG onto a series of another size or pixel spacing is refused with import-geometry', async () => {
    const liver = bytesOf(join(DCMQI, 'seg/liver_seg.dcm'));
    const small = await openSeries(join(HIGHDICOM, 'ct'));
    expectSegmarkError(() => importSeg(liver, small), 'import-geometry', { aspect: 'size', theirs: '512 × 512', ours: '16 × 16' });
    const abdomen = await openSeries(join(TOTALSEG, 'dicom'), { filter: (n) => n.startsWith('CT.') });
    expectSegmarkError(() => importSeg(liver, abdomen, 'liver_seg.dcm'), 'import-geometry', { aspect: 'spacing' });
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

  it('REQ-IMPORT-BUDGET-3: a SEG with more segments than a document holds labels is refused with label-limit before its frames are read', () => {
    const [first] = sample.input.segments;
    // 300 segments, each taking the first disc's pixels (written with only the first's mask value, they are cheap to write).
    const many = Array.from({ length: 300 }, (_, i) => ({ ...first!, label: `Segment ${i + 1}` }));
    const bytes = writeSeg({ ...sample.input, ...fixed(), segments: many });
    const error = expectSegmarkError(() => importSeg(bytes, volume, 'many.dcm'), 'label-limit');
    expect(error.params).toMatchObject({ needed: 300, max: 255 });
    expect(error.file).toBe('many.dcm');
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
