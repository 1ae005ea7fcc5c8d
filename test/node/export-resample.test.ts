/**
 * The resampled grid in the exports (issue 16), the parts that need no
 * outside tool: the dataset package resamples a series whose acquired grid
 * misplaces voxels and leaves the others as they were, and the export runner
 * sends the CT slices themselves to a resampled export. The checks with
 * nibabel, pydicom and dcm2niix are in export-resample.tools.test.ts.
 */
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetPackage } from '../../src/core/formats/dataset.js';
import { exportGrid, needsRawSlices, type ExportJob } from '../../src/core/formats/export-job.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { resampleGrid } from '../../src/core/formats/resample.js';
import { type PyPackage } from './support/dataset-check.js';
import { datasetSample, type DatasetSample } from './support/dataset-sample.js';

describe('the dataset package on irregular series', () => {
  let sample: DatasetSample;

  beforeAll(async () => {
    sample = await datasetSample();
  }, 120_000);

  /** The sample's document cut down to a small tilted stack: a 1 mm shear per 2 mm table step, the qform 2 mm off at the last slice. */
  function tiltedInput() {
    const [columns, rows, slices] = [6, 5, 3];
    const plane = columns * rows;
    const geometry = {
      columns, rows, slices, spacing: [1, 1, 2] as const, rowCosine: [1, 0, 0] as const, columnCosine: [0, 1, 0] as const,
      planes: [0, 1, 2].map((k) => ({ position: [0, k, 2 * k] as const })),
    };
    const { document } = sample.input;
    return {
      ...sample.input,
      geometry,
      image: { slices: Array.from({ length: slices }, (_, k) => Int16Array.from({ length: plane }, (_, p) => 10 * k + p)), paddingValue: -1500 },
      labelmap: Array.from({ length: slices }, () => new Uint8Array(plane).fill(3)),
      document: { ...document, series: { ...document.series, rows, columns, slices, sopInstanceUIDs: document.series.sopInstanceUIDs.slice(0, 3) }, regions: [] },
    };
  }

  function files(zip: Uint8Array) {
    const all = unzipSync(zip);
    const folder = 'Dataset001_Segmark';
    return {
      image: readNifti(all[`${folder}/imagesTr/case_0001_0000.nii.gz`]!),
      label: readNifti(all[`${folder}/labelsTr/case_0001.nii.gz`]!),
      provenance: JSON.parse(new TextDecoder().decode(all[`${folder}/provenance.json`]!)) as PyPackage['provenance'],
    };
  }

  it('resamples a tilted series by default: image and labels on the regular grid, sform = qform, provenance says so', () => {
    const input = tiltedInput();
    const grid = resampleGrid(input.geometry);
    const { image, label, provenance } = files(datasetPackage(input));
    expect(image.dims).toEqual([grid.geometry.columns, grid.geometry.rows, grid.geometry.slices]);
    expect(label.dims).toEqual(image.dims);
    // The shear is one row per slice: the grid holds two more rows.
    expect(image.dims).toEqual([6, 7, 3]);
    for (const f of [image, label]) {
      for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(Math.abs(f.sform.matrix[r]![c]! - f.qform.matrix[r]![c]!)).toBeLessThan(1e-4);
    }
    // Outside the sheared stack: the padding value the image states.
    expect(Array.from(image.data as Int16Array)).toContain(-1500);
    expect(provenance.geometry.shape).toEqual([6, 7, 3]);
    const tilt = provenance.geometry.findings.find((f) => (f as { code: string }).code === 'gantry-tilt') as { handling: string } | undefined;
    expect(tilt?.handling).toBe('resampled-regular-grid');
  });

  it('writes the acquired grid when asked, and a regular series exactly as before', () => {
    const input = tiltedInput();
    const { image, provenance } = files(datasetPackage(input, { grid: 'acquired' }));
    expect(image.dims).toEqual([6, 5, 3]);
    const tilt = provenance.geometry.findings.find((f) => (f as { code: string }).code === 'gantry-tilt') as { handling: string } | undefined;
    expect(tilt?.handling).toBe('shear-in-sform-only');
    const now = new Date('2026-03-01T10:00:00Z');
    const regular = datasetPackage({ ...sample.input, now }, { secret: 'k' });
    expect(Buffer.compare(regular, datasetPackage({ ...sample.input, now }, { secret: 'k', grid: 'acquired' }))).toBe(0);
  });
});

describe('which grid an export writes, and what the export runner sends', () => {
  const geometry = (tilted: boolean) => ({
    columns: 4, rows: 4, slices: 3, spacing: [1, 1, 2] as const, rowCosine: [1, 0, 0] as const, columnCosine: [0, 1, 0] as const,
    planes: [0, 1, 2].map((k) => ({ position: [0, tilted ? k : 0, 2 * k] as const })),
  });
  const job = (format: ExportJob['format'], options: ExportJob['options'], tilted: boolean) => ({ format, options, series: geometry(tilted) as unknown as ExportJob['series'] });

  it('NIfTI keeps the acquired grid unless asked; the dataset package resamples where the acquired grid misplaces voxels', () => {
    expect(exportGrid(job('nifti', {}, true))).toBe('acquired');
    expect(exportGrid(job('nifti', { grid: 'resampled' }, false))).toBe('resampled');
    expect(exportGrid(job('dataset', {}, true))).toBe('resampled');
    expect(exportGrid(job('dataset', {}, false))).toBe('acquired');
    expect(exportGrid(job('dataset', { grid: 'acquired' }, true))).toBe('acquired');
    expect(exportGrid(job('dicom-seg', { grid: 'resampled' }, true))).toBe('acquired');
  });

  it('the runner sends the slices themselves to a resampled image, deflated parts to an acquired one', () => {
    expect(needsRawSlices(job('nifti', { image: true }, true))).toBe(false);
    expect(needsRawSlices(job('nifti', { image: true, grid: 'resampled' }, true))).toBe(true);
    expect(needsRawSlices(job('nifti', { grid: 'resampled' }, true))).toBe(false);
    expect(needsRawSlices(job('dataset', {}, true))).toBe(true);
    expect(needsRawSlices(job('dataset', {}, false))).toBe(false);
    expect(needsRawSlices(job('png-zip', { pngImage: 'raw16' }, false))).toBe(true);
  });
});
