/**
 * De-identification and the nnU-Net v2 dataset package, the parts that need
 * no outside tool: the identified SEG keeps its identity, JSON
 * de-identification, gantry tilt in provenance.json, and refused input. The
 * checks against Python, nibabel and dciodvfy are in
 * export-dataset.tools.test.ts.
 */
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { SegmarkError } from '../../src/core/errors.js';
import { datasetPackage } from '../../src/core/formats/dataset.js';
import { Deidentifier } from '../../src/core/formats/deidentify.js';
import { deidentifyJson } from '../../src/core/formats/deidentify-json.js';
import { writeSeg } from '../../src/core/formats/seg.js';
import { type PyPackage } from './support/dataset-check.js';
import { datasetSample, type DatasetSample } from './support/dataset-sample.js';
import { sampleSeg, type SampleSeg } from './support/seg-sample.js';

const SOURCE_ID = 'SEGMARK-SAMPLE-001';

function expectSegmarkError(action: () => unknown, code: string, field: string | RegExp): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe(code);
    const actual = String((error as SegmarkError).params['field']);
    if (typeof field === 'string') expect(actual).toBe(field);
    else expect(actual).toMatch(field);
    return;
  }
  expect.fail(`expected a SegmarkError ${code}`);
}

// ---------------------------------------------------------------------------

describe('de-identified SEG of the sample series (PS3.15 Annex E basic profile)', () => {
  let sample: SampleSeg;

  beforeAll(() => {
    sample = sampleSeg();
  });

  it('leaves the identified SEG unmarked', () => {
    expect(Buffer.from(writeSeg(sample.input)).includes(Buffer.from(SOURCE_ID))).toBe(true);
  });
});

describe('deidentifyJson', () => {
  it('replaces instance UIDs (not SOP class UIDs), names the case, drops identifiers and pseudonymises people', () => {
    const d = new Deidentifier({ caseId: 'case_0009', secret: 'k' });
    const out = deidentifyJson(
      {
        source: { patientName: 'A^B', patientID: 'X1', accessionNumber: 'ACC', studyInstanceUID: '1.2.3', sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUIDs: ['1.2.4', '1.2.5'], studyDate: '20240101' },
        annotator: { user: 'Dr. Who', role: 'radiologist' },
        created: '2026-01-02T08:00:00.000Z',
        app: { version: '0.1.0' },
      },
      d,
    );
    expect(out).toEqual({
      source: { patientName: 'case_0009', patientID: 'case_0009', studyInstanceUID: d.uid('1.2.3'), sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUIDs: [d.uid('1.2.4'), d.uid('1.2.5')] },
      annotator: { user: d.pseudonym('Dr. Who'), role: 'radiologist' },
      app: { version: '0.1.0' },
    });
  });
});

// ---------------------------------------------------------------------------

describe('dataset package of the sample case (nnU-Net v2 raw layout)', () => {
  let sample: DatasetSample;

  beforeAll(async () => {
    sample = await datasetSample();
  }, 120_000);

  it('tells a dataset user about gantry tilt in provenance.json (26.57° = atan(1/2) for a 1 mm shear per 2 mm step)', () => {
    const [columns, rows, slices] = [4, 3, 3];
    const plane = columns * rows;
    const geometry = {
      columns, rows, slices, spacing: [1, 1, 2] as const, rowCosine: [1, 0, 0] as const, columnCosine: [0, 1, 0] as const,
      planes: [0, 1, 2].map((k) => ({ position: [0, k, 2 * k] as const })),
    };
    const { document } = sample.input;
    const zip = datasetPackage({
      ...sample.input,
      geometry,
      image: { slices: Array.from({ length: slices }, () => new Int16Array(plane)) },
      labelmap: Array.from({ length: slices }, () => new Uint8Array(plane).fill(3)),
      document: { ...document, series: { ...document.series, rows, columns, slices, sopInstanceUIDs: document.series.sopInstanceUIDs.slice(0, 3) }, regions: [] },
    });
    const provenance = JSON.parse(new TextDecoder().decode(unzipSync(zip)['Dataset001_Segmark/provenance.json']!)) as PyPackage['provenance'];
    const tilt = provenance.geometry.findings.find((f) => (f as { code: string }).code === 'gantry-tilt') as { params: { tiltDeg: number } } | undefined;
    expect(tilt).toBeDefined();
    expect(tilt!.params.tiltDeg).toBeCloseTo((Math.atan(1 / 2) * 180) / Math.PI, 6);
  });

  it('refuses duplicate label names, label ids no label has, and bad names, naming the field', () => {
    const { input } = sample;
    const labels = input.document.labels.map((l, i) => (i === 1 ? { ...l, name: input.document.labels[0]!.name } : l));
    expectSegmarkError(() => datasetPackage({ ...input, document: { ...input.document, labels } }), 'dataset-export-invalid', 'labels[1].name');
    const fewer = input.document.labels.filter((l) => l.id !== 4);
    expectSegmarkError(() => datasetPackage({ ...input, document: { ...input.document, labels: fewer } }), 'dataset-export-invalid', /^labelmap\[\d+\]$/);
    expectSegmarkError(() => datasetPackage(input, { caseId: 'case 1' }), 'dataset-export-invalid', 'caseId');
    expectSegmarkError(() => datasetPackage(input, { datasetId: 1000 }), 'dataset-export-invalid', 'datasetId');
  });
});
