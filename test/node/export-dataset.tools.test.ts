/**
 * De-identification and the nnU-Net v2 dataset package, checked from outside:
 * SHA-256 against Python's hashlib; de-identified SEGs against dciodvfy and
 * pydicom, with the expected replacement UIDs computed in Python from their
 * definition and every original UID and name read from the source files;
 * the package unzipped by Python's zipfile, its layout checked against
 * nnU-Net's documented rules, its NIfTI files read by nibabel and compared
 * with the inputs. Missing tools fail the tests. What needs no outside tool
 * is in export-dataset.test.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetPackage } from '../../src/core/formats/dataset.js';
import { Deidentifier, type DeidentifierOptions } from '../../src/core/formats/deidentify.js';
import { deidentifySegInput } from '../../src/core/formats/deidentify-seg.js';
import { niftiVolume } from '../../src/core/formats/nifti.js';
import { writeSeg } from '../../src/core/formats/seg.js';
import { sha256 } from '../../src/core/formats/sha256.js';
import { type PyPackage, type PySeg } from './support/dataset-check.js';
import { datasetSample, LABEL_ORDER, SAMPLE_DIR, TRUTH_GZ, type DatasetSample } from './support/dataset-sample.js';
import { sampleSeg, type SampleSeg } from './support/seg-sample.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const DCIODVFY = '/usr/bin/dciodvfy';
const HELPER = 'test/node/support/dataset-check.py';
const SOURCE_NAME = 'SEGMARK^SYNTHETIC';
const SOURCE_ID = 'SEGMARK-SAMPLE-001';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'segmark-dataset-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function requireTool(path: string): void {
  expect(existsSync(path), `${path} is required`).toBe(true);
}

async function py<T>(args: string[], stdin?: string): Promise<T> {
  requireTool(PYTHON);
  const child = execFile(PYTHON, [HELPER, ...args], { maxBuffer: 1 << 28 });
  child.stdin!.end(stdin ?? '');
  const stdout = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`dataset-check.py ${args[0]} exited ${code}: ${err}`))));
  });
  return JSON.parse(stdout) as T;
}

async function dciodvfyErrors(file: string): Promise<string[]> {
  requireTool(DCIODVFY);
  const { stderr } = await run(DCIODVFY, [file]).catch((e: { stderr?: string }) => ({ stderr: e.stderr ?? String(e) }));
  return stderr.split('\n').filter((l) => l.startsWith('Error'));
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

// ---------------------------------------------------------------------------

describe('SHA-256 (FIPS 180-4) equals hashlib', () => {
  it('on every length around the padding boundaries, on "abc", and on a million bytes', async () => {
    const messages = Array.from({ length: 200 }, (_, n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + n * 7) & 0xff));
    messages.push(new TextEncoder().encode('abc'), new Uint8Array(1_000_000).fill(0x61));
    const reference = await py<string[]>(['sha256'], JSON.stringify(messages.map(hex)));
    expect(messages.map((m) => hex(sha256(m)))).toEqual(reference);
  });
});

describe('de-identified SEG of the sample series (PS3.15 Annex E basic profile)', () => {
  const NOW = new Date(2026, 0, 2, 3, 4, 5);
  let sample: SampleSeg;
  const exports = new Map<string, { file: string; py: PySeg }>();

  async function exportSeg(name: string, options: DeidentifierOptions): Promise<{ file: string; py: PySeg }> {
    const d = new Deidentifier(options);
    const file = write(`${name}.dcm`, writeSeg(deidentifySegInput({ ...sample.input, now: NOW }, d)));
    const result = { file, py: await py<PySeg>(['seg', file, SAMPLE_DIR, String(options.secret)]) };
    exports.set(name, result);
    return result;
  }

  beforeAll(async () => {
    sample = sampleSeg();
    await exportSeg('removed', { caseId: 'case_0007', secret: 'secret-one' });
    await exportSeg('again', { caseId: 'case_0007', secret: 'secret-one' });
    await exportSeg('other', { caseId: 'case_0007', secret: 'secret-two' });
    await exportSeg('shifted', { caseId: 'case_0007', secret: 'secret-one', dates: 'shift', retainPatientCharacteristics: true });
  }, 60_000);

  it('passes dciodvfy without errors, with dates removed and with dates shifted', async () => {
    expect(await dciodvfyErrors(exports.get('removed')!.file)).toEqual([]);
    expect(await dciodvfyErrors(exports.get('shifted')!.file)).toEqual([]);
  });

  it('names the case instead of the patient and empties birth date, sex, accession, study ID, referring physician', () => {
    const { py: seg } = exports.get('removed')!;
    expect([seg.patientName, seg.patientID]).toEqual(['case_0007', 'case_0007']);
    expect([seg.patientBirthDate, seg.patientSex, seg.accessionNumber, seg.studyID, seg.referringPhysicianName]).toEqual(['', '', '', '', '']);
    expect([seg.contentCreatorName, seg.contentDescription]).toEqual(['', '']);
    expect(seg.present).toMatchObject({ StudyDescription: false, SeriesDescription: false, InstanceCreationDate: false, SeriesDate: false });
  });

  it('declares PatientIdentityRemoved YES, the method, and the profile code (dates removed)', () => {
    const { py: seg } = exports.get('removed')!;
    expect(seg.patientIdentityRemoved).toBe('YES');
    expect(seg.deidentificationMethod).not.toBe('');
    expect(seg.methodCodes).toEqual([['113100', 'DCM', 'Basic Application Confidentiality Profile']]);
    expect(seg.longitudinalTemporalInformationModified).toBe('REMOVED');
    expect([seg.studyDate, seg.studyTime]).toEqual(['', '']);
    // Content Date is Type 1 in a SEG: a dummy, not the export day.
    expect(seg.contentDate).toBe('19800101');
  });

  it('holds no original UID in any UI element (nested sequences and file meta included) nor any source name or UID in its bytes', () => {
    for (const { py: seg } of exports.values()) {
      expect(seg.uiValues.length).toBeGreaterThan(10);
      expect(seg.originalUidsInUI).toEqual([]);
      expect(seg.originalValuesInBytes).toEqual([]);
    }
  });

  it("replaces each UID with the one Python derives from the secret, and frames still sit at their source slice's position", () => {
    for (const name of ['removed', 'shifted']) {
      const { py: seg } = exports.get(name)!;
      expect(seg.studyInstanceUID).toBe(seg.expected.studyInstanceUID);
      expect(seg.frameOfReferenceUID).toBe(seg.expected.frameOfReferenceUID);
      expect(seg.referencedSeriesUID).toBe(seg.expected.seriesInstanceUID);
      expect([...seg.referencedSops].sort()).toEqual(seg.expected.sops);
      expect(seg.framesAtSourcePositions).toBe(true);
    }
  });

  it('gives the same UIDs for the same secret across exports, and different ones for another secret', () => {
    const a = exports.get('removed')!.py;
    const b = exports.get('again')!.py;
    const c = exports.get('other')!.py;
    expect([b.studyInstanceUID, b.frameOfReferenceUID, b.referencedSops]).toEqual([a.studyInstanceUID, a.frameOfReferenceUID, a.referencedSops]);
    expect(c.studyInstanceUID).not.toBe(a.studyInstanceUID);
    expect(c.frameOfReferenceUID).not.toBe(a.frameOfReferenceUID);
    const shared = c.referencedSops.filter((u) => a.referencedSops.includes(u));
    expect(shared).toEqual([]);
    expect(new Set(a.referencedSops).size).toBe(a.referencedSops.length);
  });

  it('shifts dates back by one whole-day offset and keeps sex under the declared options', () => {
    const { py: seg } = exports.get('shifted')!;
    expect(seg.methodCodes.map((c) => c[0])).toEqual(['113100', '113107', '113108']);
    expect(seg.longitudinalTemporalInformationModified).toBe('MODIFIED');
    expect(seg.patientSex).toBe('O');
    expect(seg.studyTime).toBe('093000');
    const days = seg.studyDateShiftDays!;
    expect(days).toBeGreaterThanOrEqual(366);
    expect(days).toBeLessThanOrEqual(366 + 3653);
    // The SEG's own content date moves by the same offset: intervals survive.
    const content = Date.UTC(Number(seg.contentDate.slice(0, 4)), Number(seg.contentDate.slice(4, 6)) - 1, Number(seg.contentDate.slice(6, 8)));
    expect((Date.UTC(2026, 0, 2) - content) / 86_400_000).toBe(days);
  });
});

// ---------------------------------------------------------------------------

describe('dataset package of the sample case (nnU-Net v2 raw layout)', () => {
  let sample: DatasetSample;
  let ctRaw: string;
  let zipBytes: Uint8Array;
  let pkg: PyPackage;

  /** Our id → dataset value, read from dataset.json's names and the document's labels (not from the package code). */
  function idToValue(p: PyPackage): Record<number, number> {
    return Object.fromEntries(sample.input.document.labels.map((l) => [l.id, p.datasetJson.labels[l.name]!]));
  }

  async function check(bytes: Uint8Array, name: string, map?: Record<number, number>): Promise<PyPackage> {
    const file = write(name, bytes);
    const first = map ?? idToValue(await py<PyPackage>(['package', file, SAMPLE_DIR, TRUTH_GZ, ctRaw, '{}']));
    return py<PyPackage>(['package', file, SAMPLE_DIR, TRUTH_GZ, ctRaw, JSON.stringify(first)]);
  }

  beforeAll(async () => {
    sample = await datasetSample();
    const { volume } = sample;
    const ct = new Int16Array(volume.rows * volume.columns * volume.slices);
    volume.sliceData.forEach((s, k) => ct.set(s, k * volume.rows * volume.columns));
    ctRaw = write('ct.i16', new Uint8Array(ct.buffer));
    zipBytes = datasetPackage(sample.input, { datasetId: 42, datasetName: 'LumbarDiscs', caseId: 'lumbar_001', secret: 'secret-one' });
    pkg = await check(zipBytes, 'package.zip');
  }, 120_000);

  it('follows the documented layout: one Dataset<NNN>_<Name> folder, <case>_0000 image, <case> label, dataset.json', () => {
    expect(pkg.problems).toEqual([]);
    expect(pkg.folder).toBe('Dataset042_LumbarDiscs');
    expect(pkg.files).toEqual(['dataset.json', 'imagesTr/lumbar_001_0000.nii.gz', 'labelsTr/lumbar_001.nii.gz', 'provenance.json']);
    expect(pkg.datasetJson.channel_names).toEqual({ '0': 'CT' });
    expect(pkg.datasetJson.numTraining).toBe(1);
    expect(pkg.datasetJson.file_ending).toBe('.nii.gz');
  });

  it('lists background 0 and every label with consecutive values, in label-list order', () => {
    const names = LABEL_ORDER.map((id) => sample.input.document.labels.find((l) => l.id === id)!.name);
    expect(pkg.datasetJson.labels).toEqual(Object.fromEntries([['background', 0], ...names.map((n, i) => [n, i + 1])]));
  });

  it('stores the .nii.gz entries without compressing them again', () => {
    expect(pkg.niftiStored).toBe(true);
  });

  it('gives image and label the same shape and affine (nibabel), label values within dataset.json', () => {
    const { columns, rows, slices } = sample.volume;
    expect(pkg.shapes).toEqual([[columns, rows, slices], [columns, rows, slices]]);
    expect(pkg.affinesEqual).toBe(true);
    expect(pkg.labelDtype).toBe('uint8');
    const allowed = new Set(Object.values(pkg.datasetJson.labels));
    expect(pkg.labelValues.every((v) => allowed.has(v))).toBe(true);
    expect(pkg.labelValues).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('writes the input labelmap under the id remapping, and the CT voxel for voxel', () => {
    expect(pkg.labelsMatchRemappedInput).toBe(true);
    expect(pkg.imageMatchesInput).toBe(true);
  });

  it('records each label: original id, value, code, and review counts taken from the document', () => {
    const { regions } = sample.input.document;
    for (const id of LABEL_ORDER) {
      const own = regions.filter((r) => r.labelId === id);
      const label = pkg.provenance.labels.find((l) => l.originalId === id)!;
      expect(label.value).toBe(pkg.datasetJson.labels[label.name]);
      expect(label.category).toBeDefined();
      expect(label.review).toEqual({
        regions: own.length,
        verified: own.filter((r) => r.verified).length,
        unverified: own.filter((r) => !r.verified && r.review?.state !== 'rejected').length,
        rejected: own.filter((r) => !r.verified && r.review?.state === 'rejected').length,
        edited: own.filter((r) => r.provenance?.editedFrom !== undefined).length,
        drawn: own.filter((r) => r.origin === 'drawn').length,
        interpolated: own.filter((r) => r.origin === 'interpolated').length,
        imported: own.filter((r) => r.origin === 'imported').length,
        assisted: own.filter((r) => r.origin === 'assisted').length,
      });
    }
    expect(pkg.provenance.labels.find((l) => l.originalId === 1)!.review.regions).toBeGreaterThan(0);
    expect(pkg.provenance.labels.find((l) => l.originalId === 8)!.review.regions).toBe(0);
    expect(pkg.provenance.geometry.shape).toEqual([sample.volume.columns, sample.volume.rows, sample.volume.slices]);
    expect(Array.isArray(pkg.provenance.geometry.findings)).toBe(true);
  });

  it('de-identifies by default: no patient name, ID, accession or original UID in any JSON or NIfTI header', () => {
    expect(pkg.forbiddenCount).toBeGreaterThan(70);
    expect(pkg.leaks).toEqual({});
    const { source, annotator } = pkg.provenance;
    expect(source['patientName']).toBe('lumbar_001');
    expect(source['patientID']).toBe('lumbar_001');
    expect(annotator.role).toBe('radiologist');
    expect(annotator.user).toMatch(/^person-[0-9a-f]{16}$/);
    expect(pkg.provenance.created).toBeUndefined();
  });

  it('names the same UIDs as a de-identified SEG made with the same secret', async () => {
    const seg = sampleSeg();
    const file = write('same-secret.dcm', writeSeg(deidentifySegInput(seg.input, new Deidentifier({ caseId: 'lumbar_001', secret: 'secret-one' }))));
    const py1 = await py<PySeg>(['seg', file, SAMPLE_DIR, 'secret-one']);
    expect(pkg.provenance.source['studyInstanceUID']).toBe(py1.studyInstanceUID);
    expect(pkg.provenance.source['frameOfReferenceUID']).toBe(py1.frameOfReferenceUID);
    expect([...(pkg.provenance.source['sopInstanceUIDs'] as string[])].sort()).toEqual(py1.expected.sops);
  });

  it('keeps identities when asked not to de-identify (so the leak check above can fail)', async () => {
    const open = await check(datasetPackage(sample.input, { deidentify: false }), 'identified.zip');
    expect(open.problems).toEqual([]);
    expect(open.leaks['Dataset001_Segmark/provenance.json']).toEqual(expect.arrayContaining([SOURCE_NAME, SOURCE_ID, sample.input.source.studyInstanceUID]));
    expect(open.provenance.annotator.user).toBe('Dr. Test Annotator');
  });

  it('stores a caller-gzipped CT as given, and gzips a raw one', async () => {
    const given = niftiVolume(sample.volume, { level: 1 });
    const a = unzipSync(datasetPackage({ ...sample.input, image: { nifti: given } }));
    expect(Buffer.compare(Buffer.from(a['Dataset001_Segmark/imagesTr/case_0001_0000.nii.gz']!), Buffer.from(given))).toBe(0);
    const b = datasetPackage({ ...sample.input, image: { nifti: gunzipSync(given) } }, { caseId: 'raw_case' });
    const checked = await check(b, 'raw.zip', idToValue(pkg));
    expect(checked.problems).toEqual([]);
    expect(checked.imageMatchesInput).toBe(true);
  });
});
