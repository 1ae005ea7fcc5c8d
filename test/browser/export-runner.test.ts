/**
 * The export runner in real Chromium: its workers are kept between exports
 * (counted by wrapping the page's Worker), kept after an export that fails,
 * replaced after `dispose()`; the dataset's CT, deflated in halves by two
 * workers, reads back as the slices that were sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { SegmarkError } from '../../src/core/errors.js';
import type { ExportJob, ExportSeries } from '../../src/core/formats/export-job.js';
import { ExportRunner } from '../../src/core/formats/export-runner.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { crc32 } from '../../src/core/formats/crc32.js';
import { importedRegions } from '../../src/core/formats/import-apply.js';
import { importMaskFile } from '../../src/core/formats/import-file.js';

const COLUMNS = 32;
const ROWS = 24;
const SLICES = 7;
const UID = '1.2.826.0.1.3680043.2.1143.77';

const series: ExportSeries = {
  columns: COLUMNS,
  rows: ROWS,
  slices: SLICES,
  spacing: [0.7, 0.7, 1.5],
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  planes: Array.from({ length: SLICES }, (_, k) => ({ position: [-10, -8, 1.5 * k] as [number, number, number] })),
  description: 'Runner test',
  modality: 'CT',
  sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `${UID}.1.${k + 1}`),
  header: {
    patientName: 'Runner^Test',
    patientID: 'RT-1',
    patientBirthDate: '19700101',
    patientSex: 'O',
    studyInstanceUID: UID,
    studyDate: '20260101',
    studyTime: '120000',
    referringPhysicianName: '',
    studyID: '1',
    accessionNumber: 'A1',
    studyDescription: 'Runner study',
    seriesInstanceUID: `${UID}.1`,
    sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
    frameOfReferenceUID: `${UID}.2`,
  },
};

/** Label 1 as a square of pixels 4..11 × 6..13 on slices 2 and 3; everything else empty. */
function job(format: ExportJob['format'], options: ExportJob['options'] = {}): ExportJob {
  const labels = labelsFromTemplate(LUMBAR_SPINE_TEMPLATE).filter((l) => l.id === 1);
  const document = new AnnotationDocument({
    series: { studyInstanceUID: UID, seriesInstanceUID: `${UID}.1`, sopInstanceUIDs: [...series.sopInstanceUIDs], rows: ROWS, columns: COLUMNS, slices: SLICES },
    ops: REGION_OPS,
    labels,
  });
  const snapshot = document.snapshot();
  for (const slice of [2, 3]) snapshot.regions.push({ labelId: 1, slice, rings: [[4, 6, 12, 6, 12, 14, 4, 14]], origin: 'drawn', verified: false });
  return { format, options, series, snapshot, user: 'tester' };
}

/** Per slice, the count of label-1 pixels the square should give: 8 × 8 on slices 2 and 3. */
function expectSquare(data: ArrayLike<number>): void {
  const n = COLUMNS * ROWS;
  for (let k = 0; k < SLICES; k++) {
    let count = 0;
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLUMNS; c++) {
        const v = data[k * n + r * COLUMNS + c]!;
        const inside = (k === 2 || k === 3) && c >= 4 && c < 12 && r >= 6 && r < 14;
        if (v !== (inside ? 1 : 0)) throw new Error(`voxel (${c}, ${r}, ${k}) is ${v}`);
        count += v;
      }
    }
    expect(count).toBe(k === 2 || k === 3 ? 64 : 0);
  }
}

/** Each entry's name → whether the CRC-32 its local header records is the CRC-32 of its stored data. */
function storedCrcsHold(zip: Uint8Array): Record<string, boolean> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: Record<string, boolean> = {};
  for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
    const method = view.getUint16(at + 8, true);
    const crc = view.getUint32(at + 14, true);
    const size = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const data = at + 30 + nameLength + view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(zip.subarray(at + 30, at + 30 + nameLength));
    if (method === 0) out[name] = crc32(zip.subarray(data, data + size)) === crc;
    at = data + size;
  }
  return out;
}

/** A File's bytes. */
async function bytesOf(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

const ct = Array.from({ length: SLICES }, (_, k) => Int16Array.from({ length: COLUMNS * ROWS }, (_, i) => ((i * 37 + k * 101) % 3000) - 1000));

let started = 0;
const RealWorker = globalThis.Worker;
beforeEach(() => {
  started = 0;
  globalThis.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      started++;
    }
  };
});
afterEach(() => {
  globalThis.Worker = RealWorker;
});

describe('export runner', () => {
  it('keeps its worker across exports and after one that fails; dispose ends it and the next export starts another', async () => {
    const runner = new ExportRunner();
    try {
      const first = await runner.run(job('nifti'), ct);
      expectSquare(readNifti(await bytesOf(first)).data);
      const second = await runner.run(job('nifti'), ct);
      expectSquare(readNifti(await bytesOf(second)).data);
      expect(started).toBe(1);

      const failed = await runner.run(job('dataset', { caseId: 'not a case id' }), ct).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(SegmarkError);
      expect((failed as SegmarkError).code).toBe('dataset-export-invalid');
      const after = await runner.run(job('nifti'), ct);
      expectSquare(readNifti(await bytesOf(after)).data);
      // The failed dataset export started the helper worker for the CT; the first one was kept.
      expect(started).toBe(2);

      runner.dispose();
      const again = await runner.run(job('nifti'), ct);
      expectSquare(readNifti(await bytesOf(again)).data);
      expect(started).toBe(3);
    } finally {
      runner.dispose();
    }
  });

  it('two exports asked at once run one after the other, each with its own result', async () => {
    const runner = new ExportRunner();
    try {
      const [a, b] = await Promise.all([runner.run(job('nifti'), ct), runner.run(job('nifti', { image: true }), ct)]);
      expectSquare(readNifti(await bytesOf(a)).data);
      expect(b.name).toMatch(/_nifti\.zip$/);
      expect(b.type).toBe('application/zip');
      expect(started).toBe(2);
    } finally {
      runner.dispose();
    }
  });

  it('the dataset CT deflated in halves by two workers reads back as the slices sent, and the labels as drawn', async () => {
    const runner = new ExportRunner();
    try {
      const result = await runner.run(job('dataset', { caseId: 'case_0007' }), ct);
      const zip = await bytesOf(result);
      // The CT's CRC in the zip is combined from the two workers' own CRCs of their parts.
      expect(storedCrcsHold(zip)).toEqual({ 'Dataset001_Segmark/imagesTr/case_0007_0000.nii.gz': true, 'Dataset001_Segmark/labelsTr/case_0007.nii.gz': true });
      const files = unzipSync(zip);
      const image = readNifti(files['Dataset001_Segmark/imagesTr/case_0007_0000.nii.gz']!);
      const n = COLUMNS * ROWS;
      for (let k = 0; k < SLICES; k++) {
        const slice = image.data.subarray(k * n, (k + 1) * n);
        expect(Array.from(slice)).toEqual(Array.from(ct[k]!));
      }
      expectSquare(readNifti(files['Dataset001_Segmark/labelsTr/case_0007.nii.gz']!).data);
      expect(started).toBe(2);
    } finally {
      runner.dispose();
    }
  });

  it('in a hidden page the CT is handed over without timers (a hidden page gets about one a second): it finishes while 0 ms timers are held back', async () => {
    // Headless pages stay visible: the page is made to say hidden, and its 0 ms timers are held
    // until the export is done, as a browser throttles them in a background tab.
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    const realTimeout = window.setTimeout;
    const held: (() => void)[] = [];
    window.setTimeout = ((handler: TimerHandler, delay?: number, ...rest: unknown[]) => {
      if (!delay && typeof handler === 'function') {
        held.push(() => (handler as (...a: unknown[]) => void)(...rest));
        return 0;
      }
      return realTimeout(handler, delay, ...rest);
    }) as typeof window.setTimeout;
    const runner = new ExportRunner();
    try {
      const result = await runner.run(job('dataset', { caseId: 'case_0008' }), ct);
      const image = readNifti(unzipSync(await bytesOf(result))['Dataset001_Segmark/imagesTr/case_0008_0000.nii.gz']!);
      expect(Array.from(image.data.subarray(0, COLUMNS * ROWS))).toEqual(Array.from(ct[0]!));
    } finally {
      window.setTimeout = realTimeout;
      delete (document as { visibilityState?: unknown }).visibilityState;
      expect(Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')).toEqual(visibility);
      for (const run of held.splice(0)) run();
      runner.dispose();
    }
  });

  it('without workers (a host that forbids them) the export runs on the page and gives the same File', async () => {
    const runner = new ExportRunner({ workers: false });
    const file = await runner.run(job('dataset', { caseId: 'case_0003' }), ct);
    expect(file).toBeInstanceOf(File);
    expect(file.name).toBe('Dataset001_Segmark.zip');
    expect(file.type).toBe('application/zip');
    expect(started).toBe(0);
    const files = unzipSync(await bytesOf(file));
    const image = readNifti(files['Dataset001_Segmark/imagesTr/case_0003_0000.nii.gz']!);
    expect(Array.from(image.data.subarray(0, COLUMNS * ROWS))).toEqual(Array.from(ct[0]!));
    expectSquare(readNifti(files['Dataset001_Segmark/labelsTr/case_0003.nii.gz']!).data);
  });

  /** The series as an import sees it (an open Volume has these fields). */
  const target = { ...series, seriesInstanceUID: `${UID}.1` };

  it('readMask reads a SEG in the worker and traces it into the outlines the page would trace', async () => {
    const runner = new ExportRunner();
    try {
      const seg = await bytesOf(await runner.run(job('dicom-seg'), ct));
      const inWorker = await runner.readMask(seg.slice(), target, 'ours.dcm');
      const here = importedRegions(importMaskFile(seg, target, 'ours.dcm'), COLUMNS, ROWS);
      expect(inWorker.source).toBe('dicom-seg');
      expect([...inWorker.regions.get(1)!.keys()]).toEqual([2, 3]);
      expect(inWorker.regions).toEqual(here.regions);
      expect(inWorker.labels).toEqual(here.labels);
      expect(started).toBe(1);
    } finally {
      runner.dispose();
    }
  });

  it('readMask of a broken file rejects with the importer\'s code and the file\'s name, and the worker stays', async () => {
    const runner = new ExportRunner();
    try {
      const broken = new Uint8Array(400);
      broken.set([0x44, 0x49, 0x43, 0x4d], 128);
      const error = await runner.readMask(broken, target, 'cut-short.dcm').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SegmarkError);
      expect((error as SegmarkError).file).toBe('cut-short.dcm');
      expect(['not-a-seg', 'seg-invalid', 'truncated']).toContain((error as SegmarkError).code);
      const after = await runner.run(job('nifti'), ct);
      expectSquare(readNifti(await bytesOf(after)).data);
      expect(started).toBe(1);
    } finally {
      runner.dispose();
    }
  });

  it('warm() starts both workers ahead of an export, which then starts none', async () => {
    const runner = new ExportRunner();
    try {
      runner.warm();
      expect(started).toBe(2);
      runner.warm();
      expect(started).toBe(2);
      const file = await runner.run(job('dataset', { caseId: 'case_0009' }), ct);
      expectSquare(readNifti(unzipSync(await bytesOf(file))['Dataset001_Segmark/labelsTr/case_0009.nii.gz']!).data);
      expect(started).toBe(2);
    } finally {
      runner.dispose();
    }
  });
});
