/**
 * The multi-case nnU-Net v2 build (issue 16, "A dataset across many cases"),
 * without outside tools: five synthetic cases of four patients into a folder
 * (Node's file system behind the File System Access interface) and into a
 * zip in parts. Label values follow the definition by code; a second build
 * gives the same files; a build cancelled midway resumes and skips the
 * finished cases; blocking findings stop, skip or pass as asked. The files
 * read by nibabel and checked against nnU-Net's rules: dataset-build.tools.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync as nodeGunzip } from 'node:zlib';
import { gunzipSync, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmarkError } from '../../src/core/errors.js';
import { buildDataset, casePaths, type BuildProgress, type CaseLoader, type DatasetSink } from '../../src/core/formats/dataset-build.js';
import { caseSplit, codeKey, retireLabel, type DatasetDefinition } from '../../src/core/formats/dataset-definition.js';
import { DirectorySink, partName, ZipPartsSink, type PartWriter } from '../../src/core/formats/dataset-sinks.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import {
  CASES,
  CODES,
  DEFINITION_ORDER,
  caseData,
  expectedLabelValues,
  snapshotOf,
  syntheticDefinition,
  syntheticLoader,
  type Structure,
} from './support/dataset-build-cases.js';
import { nodeDirectory } from './support/node-directory.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'segmark-build-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NOW = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
const FOLDER = 'Dataset042_LumbarTest';

function freshDir(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  return dir;
}

/** Every file under `dir`, relative, with its bytes. */
function filesIn(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split('\\').join('/'), new Uint8Array(readFileSync(p)));
    }
  };
  walk(dir);
  return out;
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const valueOf = (def: DatasetDefinition) => (s: Structure) => def.labels.find((l) => l.key === codeKey(CODES[s]))!.value;

describe('multi-case nnU-Net v2 build into a folder', () => {
  let def: DatasetDefinition;
  let files: Map<string, Uint8Array>;
  const progress: BuildProgress[] = [];

  beforeAll(async () => {
    def = syntheticDefinition();
    const dir = freshDir('first');
    const result = await buildDataset(def, syntheticLoader(), new DirectorySink(nodeDirectory(dir)), { now: NOW, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ folder: FOLDER, numTraining: 4, numTest: 1 });
    files = filesIn(dir);
  });

  it('has the definition in the order codes first appeared, and splits by patient: the two series of MRN-0001 on one side, MRN-0004 on test', () => {
    expect(def.labels.map((l) => l.key)).toEqual(DEFINITION_ORDER.map((s) => codeKey(CODES[s])));
    expect(def.cases.map((c) => c.id)).toEqual(['LumbarTest_0001', 'LumbarTest_0002', 'LumbarTest_0003', 'LumbarTest_0004', 'LumbarTest_0005']);
    expect(def.cases.map((c) => caseSplit(def, c))).toEqual(['train', 'train', 'train', 'train', 'test']);
    expect(def.cases[0]!.patient).toBe(def.cases[1]!.patient);
  });

  it('writes the nnU-Net v2 raw layout: imagesTr/labelsTr for training, imagesTs (and labelsTs) for test, provenance per case, dataset.json', () => {
    const train = [1, 2, 3, 4].map((n) => `LumbarTest_000${n}`);
    expect([...files.keys()].sort()).toEqual(
      [
        ...train.flatMap((c) => [`imagesTr/${c}_0000.nii.gz`, `labelsTr/${c}.nii.gz`, `provenance/${c}.json`]),
        'imagesTs/LumbarTest_0005_0000.nii.gz',
        'labelsTs/LumbarTest_0005.nii.gz',
        'provenance/LumbarTest_0005.json',
        'dataset.json',
        'provenance.json',
      ]
        .map((p) => `${FOLDER}/${p}`)
        .sort(),
    );
  });

  it('dataset.json lists every label of the definition by name with its value, CT as channel 0, numTraining 4', () => {
    const json = JSON.parse(text(files.get(`${FOLDER}/dataset.json`)));
    expect(json).toMatchObject({
      channel_names: { '0': 'CT' },
      labels: { background: 0, 'L4/L5 disc': 1, 'L5/S1 disc': 2, 'L5 椎体': 3, 'L3/L4 disc': 4 },
      numTraining: 4,
      file_ending: '.nii.gz',
    });
  });

  it('each label image holds the definition value of each structure, whatever its id and name in the document', () => {
    CASES.forEach((c, i) => {
      if (c.tilted) return; // resampled: below
      const entry = def.cases[i]!;
      const paths = casePaths(entry.id, caseSplit(def, entry));
      const label = readNifti(gunzipSync(files.get(`${FOLDER}/${paths.label}`)!));
      expect(Array.from(label.data as Uint8Array)).toEqual(expectedLabelValues(c, valueOf(def)));
    });
  });

  it('each image holds the case CT voxel for voxel, with the geometry of its label image', () => {
    CASES.forEach((c, i) => {
      const entry = def.cases[i]!;
      const paths = casePaths(entry.id, caseSplit(def, entry));
      const image = readNifti(gunzipSync(files.get(`${FOLDER}/${paths.image}`)!));
      const label = readNifti(gunzipSync(files.get(`${FOLDER}/${paths.label}`)!));
      expect(image.sform).toEqual(label.sform);
      expect(image.qform).toEqual(label.qform);
      expect(image.dims).toEqual(label.dims);
      if (c.tilted) return;
      const data = caseData(c);
      const expected = new Int16Array(32 * 32 * 8);
      for (let k = 0; k < 8; k++) expected.set(data.ct(k), k * 32 * 32);
      expect(image.data).toEqual(expected);
    });
  });

  it('the tilted case is written on a regular grid along the plane normal, as the single-case package does, with only its own label value', () => {
    const record = JSON.parse(text(files.get(`${FOLDER}/provenance/LumbarTest_0003.json`)));
    expect(record.grid).toMatchObject({ kind: 'resampled', acquiredSlices: 8 });
    expect(record.checklist.filter((f: { severity: string }) => f.severity === 'block')).toEqual([]);
    expect(record.provenance.geometry.findings.map((f: { code: string }) => f.code)).toContain('gantry-tilt');
    const label = readNifti(gunzipSync(files.get(`${FOLDER}/labelsTr/LumbarTest_0003.nii.gz`)!));
    expect(label.dims[2]).toBe(record.grid.slices);
    expect(label.sform.matrix).toEqual(label.qform.matrix.map((row) => row.map((v) => expect.closeTo(v, 4))));
    expect([...new Set(label.data as Uint8Array)].sort()).toEqual([0, valueOf(def)('L4/L5')]);
    // The untilted cases stay on their acquired slices.
    expect(JSON.parse(text(files.get(`${FOLDER}/provenance/LumbarTest_0001.json`))).grid).toEqual({ kind: 'acquired', slices: 8 });
  });

  it('per-case records are de-identified: the pseudonym for the patient, no name, ID, UID, date or annotator of the source', () => {
    for (const [path, bytes] of files) {
      if (!path.endsWith('.json')) continue;
      const t = text(bytes);
      for (const c of CASES) {
        const s = caseData(c).series.header;
        for (const v of [s.patientName, s.patientID, s.studyInstanceUID, s.seriesInstanceUID, s.accessionNumber, s.frameOfReferenceUID, '19600102', '20240305']) {
          expect(t, `${path} holds ${v}`).not.toContain(v);
        }
      }
      expect(t).not.toContain('Dr. Synthetic Annotator');
      expect(t).not.toContain(def.secret);
    }
    const record = JSON.parse(text(files.get(`${FOLDER}/provenance/LumbarTest_0002.json`)));
    expect(record).toMatchObject({ format: 'segmark-dataset-build', case: 'LumbarTest_0002', split: 'train' });
    expect(record.provenance.source.patientID).toBe('LumbarTest_0002');
    expect(record.provenance.labels.map((l: { value: number; originalId: number; name: string }) => [l.value, l.originalId, l.name])).toEqual([
      [3, 9, 'L5 椎体'],
      [2, 4, 'L5/S1 disc'],
    ]);
    expect(record.checklist).toEqual([]);
  });

  it('the dataset record has the shareable definition and each case with its side, and no series UIDs or secret', () => {
    const record = JSON.parse(text(files.get(`${FOLDER}/provenance.json`)));
    expect(record.definition.labels.map((l: { value: number }) => l.value)).toEqual([1, 2, 3, 4]);
    expect(record.cases.map((c: { case: string; split: string; outcome: string }) => [c.case, c.split, c.outcome])).toEqual(
      def.cases.map((c) => [c.id, caseSplit(def, c), 'written']),
    );
    expect(record.cases[2].checklist.blocking).toEqual([]);
    expect(record.cases[2].checklist.notes.length).toBeGreaterThan(0);
  });

  it('reports progress case by case, ending with finished', () => {
    expect(progress.filter((p) => p.step === 'written').map((p) => [p.caseId, p.done, p.total])).toEqual(def.cases.map((c, i) => [c.id, i + 1, 5]));
    expect(progress.at(-1)).toEqual({ step: 'finished', total: 5, done: 5 });
    expect(progress.filter((p) => p.step === 'loading').length).toBe(5);
  });

  it('a second build of the same definition gives the same case ids, label values and files, byte for byte', async () => {
    const dir = freshDir('second');
    await buildDataset(def, syntheticLoader(), new DirectorySink(nodeDirectory(dir)), { now: new Date(Date.UTC(2027, 0, 1)) });
    const again = filesIn(dir);
    expect([...again.keys()]).toEqual([...files.keys()]);
    for (const [path, bytes] of files) expect(again.get(path), path).toEqual(bytes);
  });

  it('a later definition with a label retired keeps every value: the retired label stays in dataset.json and leaves no voxel', async () => {
    const later = retireLabel(def, codeKey(CODES['L3/L4']));
    const dir = freshDir('retired');
    const result = await buildDataset(later, syntheticLoader(), new DirectorySink(nodeDirectory(dir)), { now: NOW });
    const out = filesIn(dir);
    expect(JSON.parse(text(out.get(`${FOLDER}/dataset.json`))).labels).toEqual(JSON.parse(text(files.get(`${FOLDER}/dataset.json`))).labels);
    const label = readNifti(gunzipSync(out.get(`${FOLDER}/labelsTr/LumbarTest_0004.nii.gz`)!));
    const values = new Set(label.data as Uint8Array);
    expect([...values].sort()).toEqual([0, 1]); // L4/L5 only; L3/L4 (value 4) left out
    expect(JSON.parse(text(out.get(`${FOLDER}/provenance/LumbarTest_0004.json`))).retiredLabelsLeftOut).toEqual(['L3/L4 disc']);
    expect(result.numTraining).toBe(4);
  });
});

describe('resume and cancel', () => {
  it('a build cancelled after two cases resumes: the finished cases are skipped, not loaded, and the result equals a whole build', async () => {
    const def = syntheticDefinition();
    const dir = freshDir('resume');
    const controller = new AbortController();
    const firstLoads: string[] = [];
    const error = await buildDataset(def, syntheticLoader(firstLoads), new DirectorySink(nodeDirectory(dir)), {
      now: NOW,
      signal: controller.signal,
      onProgress: (p) => p.step === 'written' && p.done === 2 && controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('aborted');
    expect(firstLoads).toEqual(['LumbarTest_0001', 'LumbarTest_0002']);
    expect(filesIn(dir).has(`${FOLDER}/dataset.json`)).toBe(false);

    const loads: string[] = [];
    const progress: BuildProgress[] = [];
    const result = await buildDataset(def, syntheticLoader(loads), new DirectorySink(nodeDirectory(dir)), { now: NOW, onProgress: (p) => progress.push(p) });
    expect(loads).toEqual(['LumbarTest_0003', 'LumbarTest_0004', 'LumbarTest_0005']);
    expect(progress.filter((p) => p.step === 'skipped').map((p) => p.caseId)).toEqual(['LumbarTest_0001', 'LumbarTest_0002']);
    expect(result.cases.map((c) => c.outcome)).toEqual(['skipped', 'skipped', 'written', 'written', 'written']);
    expect(result.numTraining).toBe(4);

    const whole = freshDir('whole');
    await buildDataset(def, syntheticLoader(), new DirectorySink(nodeDirectory(whole)), { now: NOW });
    const a = filesIn(dir);
    const b = filesIn(whole);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, bytes] of b) {
      // The dataset record says which cases this run skipped; everything else is the same.
      if (path !== `${FOLDER}/provenance.json`) expect(a.get(path), path).toEqual(bytes);
    }
  });

  it('a case without its record (cut off before the record was written) is written again', async () => {
    const def = syntheticDefinition();
    const dir = freshDir('no-record');
    await buildDataset(def, syntheticLoader(), new DirectorySink(nodeDirectory(dir)), { now: NOW });
    rmSync(join(dir, FOLDER, 'provenance', 'LumbarTest_0003.json'));
    const loads: string[] = [];
    await buildDataset(def, syntheticLoader(loads), new DirectorySink(nodeDirectory(dir)), { now: NOW });
    expect(loads).toEqual(['LumbarTest_0003']);
  });

  it('a cancel during a file write leaves no half-written file (the write is dropped, not committed)', async () => {
    const dir = freshDir('mid-write');
    const controller = new AbortController();
    const sink = new DirectorySink(nodeDirectory(dir));
    const pieces = [new Uint8Array([1, 2]), new Uint8Array([3, 4])];
    const pending = sink.write('a/b.bin', { [Symbol.iterator]: function* () { yield pieces[0]!; controller.abort(); yield pieces[1]!; } } as unknown as Uint8Array[], controller.signal);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    expect(readFileSync(join(dir, 'a', 'b.bin')).length).toBe(0);
    expect(await sink.exists('a/missing.bin')).toBe(false);
  });
});

describe('memory: the CT streamed to the sink, the case released', () => {
  it('a CT of several DEFLATE parts reaches the folder piece by piece while its slices are read, and reads back voxel for voxel with a valid gzip CRC and size', async () => {
    const size = 1024;
    const c = CASES[0]!;
    const base = caseData(c);
    const slice = (k: number) => {
      const out = new Int16Array(size * size);
      for (let i = 0; i < out.length; i++) out[i] = ((i * 13 + k * 101) % 2000) - 1000;
      return out;
    };
    const events: string[] = [];
    const data = {
      ...base,
      series: { ...base.series, columns: size, rows: size },
      snapshot: { ...base.snapshot, series: { ...base.snapshot.series, columns: size, rows: size } },
      ct: (k: number) => {
        events.push(`ct ${k}`);
        return slice(k);
      },
      release: () => events.push('release'),
    };
    const dir = freshDir('streamed');
    const folder = new DirectorySink(nodeDirectory(dir));
    const sink: DatasetSink = {
      exists: (path) => folder.exists(path),
      async write(path, content, signal) {
        if (!path.includes('/images')) return folder.write(path, content, signal);
        expect(content).not.toBeInstanceOf(Uint8Array);
        async function* logged(): AsyncGenerator<Uint8Array> {
          for await (const piece of content as AsyncIterable<Uint8Array>) {
            events.push('piece');
            yield piece;
          }
        }
        return folder.write(path, logged(), signal);
      },
    };
    const def = syntheticDefinition(CASES.slice(0, 1));
    await buildDataset(def, async () => data, sink, { now: NOW });

    // 8 slices of 2 MB: the first 8 MB part goes out before the last slices are read.
    expect(events.indexOf('piece')).toBeLessThan(events.indexOf('ct 7'));
    expect(events.filter((e) => e === 'release')).toHaveLength(1);
    const entry = def.cases[0]!;
    const file = readFileSync(join(dir, FOLDER, casePaths(entry.id, caseSplit(def, entry)).image));
    // Node's gunzip checks the trailer's CRC-32 and length.
    const image = readNifti(new Uint8Array(nodeGunzip(file)));
    expect(image.dims).toEqual([size, size, 8]);
    const expected = new Int16Array(size * size * 8);
    for (let k = 0; k < 8; k++) expected.set(slice(k), k * size * size);
    // Compared by hand: toEqual over 8 M voxels takes most of a minute.
    const voxels = image.data as Int16Array;
    expect(voxels.length).toBe(expected.length);
    expect(voxels.findIndex((v, i) => v !== expected[i])).toBe(-1);
  });

  it('each case is released after its files are written and before the next is loaded; a left-out case is released too', async () => {
    const events: string[] = [];
    const base = syntheticLoader();
    const loader: CaseLoader = async (entry, signal) => {
      events.push(`load ${entry.id}`);
      return { ...(await base(entry, signal)), release: () => events.push(`release ${entry.id}`) };
    };
    await buildDataset(syntheticDefinition(), loader, new DirectorySink(nodeDirectory(freshDir('released'))), { now: NOW });
    const ids = ['LumbarTest_0001', 'LumbarTest_0002', 'LumbarTest_0003', 'LumbarTest_0004', 'LumbarTest_0005'];
    expect(events).toEqual(ids.flatMap((id) => [`load ${id}`, `release ${id}`]));
  });
});

describe('blocking checklist findings', () => {
  /** Case 4 with its L3/L4 outlines imported and never checked: an unverified import blocks. */
  function withUnverifiedImport(): CaseLoader {
    const base = syntheticLoader();
    return async (entry, signal) => {
      const data = await base(entry, signal);
      if (entry.id !== 'LumbarTest_0004') return data;
      const snapshot = snapshotOf(CASES[3]!);
      return { ...data, snapshot: { ...snapshot, regions: snapshot.regions.map((r) => (r.labelId === 5 ? { ...r, origin: 'imported' as const, verified: false } : r)) } };
    };
  }

  it('a label with nothing drawn in a case is absent from it, not a blocking finding', async () => {
    const base = syntheticLoader();
    const loader: CaseLoader = async (entry, signal) => {
      const data = await base(entry, signal);
      if (entry.id !== 'LumbarTest_0004') return data;
      const snapshot = snapshotOf(CASES[3]!);
      return { ...data, snapshot: { ...snapshot, regions: snapshot.regions.filter((r) => r.labelId !== 5) } };
    };
    const result = await buildDataset(syntheticDefinition(), loader, new DirectorySink(nodeDirectory(freshDir('empty-label'))), { now: NOW });
    expect(result.cases[3]).toMatchObject({ caseId: 'LumbarTest_0004', outcome: 'written', findings: [] });
  });

  it("stop (default): the build fails naming the case and finding, before any of the case's files", async () => {
    const dir = freshDir('blocked-stop');
    const error = await buildDataset(syntheticDefinition(), withUnverifiedImport(), new DirectorySink(nodeDirectory(dir)), { now: NOW }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'dataset-export-invalid', params: { case: 'LumbarTest_0004', findings: 'unverified-import' } });
    expect([...filesIn(dir).keys()].some((p) => p.includes('LumbarTest_0004'))).toBe(false);
  });

  it('skip: the case is left out, numTraining counts the others, the dataset record says why', async () => {
    const dir = freshDir('blocked-skip');
    const result = await buildDataset(syntheticDefinition(), withUnverifiedImport(), new DirectorySink(nodeDirectory(dir)), { now: NOW, blocked: 'skip' });
    expect(result.cases[3]).toMatchObject({ caseId: 'LumbarTest_0004', outcome: 'left-out' });
    expect(result.numTraining).toBe(3);
    const out = filesIn(dir);
    expect(JSON.parse(text(out.get(`${FOLDER}/dataset.json`))).numTraining).toBe(3);
    expect(JSON.parse(text(out.get(`${FOLDER}/provenance.json`))).cases[3]).toMatchObject({ outcome: 'left-out', checklist: { blocking: ['unverified-import'] } });
    expect([...out.keys()].some((p) => p.includes('LumbarTest_0004'))).toBe(false);
  });

  it('include: the case is written and its record lists the finding', async () => {
    const dir = freshDir('blocked-include');
    await buildDataset(syntheticDefinition(), withUnverifiedImport(), new DirectorySink(nodeDirectory(dir)), { now: NOW, blocked: 'include' });
    const record = JSON.parse(text(filesIn(dir).get(`${FOLDER}/provenance/LumbarTest_0004.json`)));
    expect(record.checklist.map((f: { code: string }) => f.code)).toEqual(['unverified-import']);
  });

  it('a label whose code is not in the definition is refused, naming the case and label', async () => {
    const def = syntheticDefinition(CASES.slice(0, 1));
    const loader: CaseLoader = async () => {
      const data = caseData(CASES[0]!);
      const snapshot = snapshotOf(CASES[0]!);
      return { ...data, snapshot: { ...snapshot, labels: [...snapshot.labels, { ...snapshot.labels[0]!, id: 7, name: 'Body', code: CODES.L5 }] } };
    };
    const error = await buildDataset(def, loader, new DirectorySink(nodeDirectory(freshDir('unknown-code'))), { now: NOW }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'dataset-export-invalid', params: { field: 'cases.LumbarTest_0001.labels[2]', case: 'LumbarTest_0001' } });
  });
});

describe('zip in parts', () => {
  /** Parts collected in memory, as a page collecting Blob parts would. */
  function collector(parts: Map<number, Uint8Array[]>, aborted: number[] = []): (index: number) => PartWriter {
    return (index) => {
      const chunks: Uint8Array[] = [];
      return {
        write: (b) => void chunks.push(b.slice()),
        close: () => void parts.set(index, chunks),
        abort: () => void aborted.push(index),
      };
    };
  }

  function unzipAll(parts: Map<number, Uint8Array[]>): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const index of [...parts.keys()].sort((a, b) => a - b)) {
      for (const [name, bytes] of Object.entries(unzipSync(Buffer.concat(parts.get(index)!)))) out.set(name, bytes);
    }
    return out;
  }

  it('parts stay under their bound, each a complete zip, and together hold exactly the files of a folder build', async () => {
    const def = syntheticDefinition();
    const parts = new Map<number, Uint8Array[]>();
    // The whole dataset zips to about 32 kB: parts of at most 8 kB.
    const MAX = 8_000;
    await buildDataset(def, syntheticLoader(), new ZipPartsSink({ openPart: collector(parts), maxPartBytes: MAX }), { now: NOW });
    expect(parts.size).toBeGreaterThan(2);
    for (const chunks of parts.values()) expect(Buffer.concat(chunks).length).toBeLessThanOrEqual(MAX);
    const dir = freshDir('zip-reference');
    await buildDataset(def, syntheticLoader(), new DirectorySink(nodeDirectory(dir)), { now: NOW });
    const reference = filesIn(dir);
    const zipped = unzipAll(parts);
    expect([...zipped.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [path, bytes] of reference) expect(zipped.get(path), path).toEqual(bytes);
    expect(partName(FOLDER, 3)).toBe('Dataset042_LumbarTest.part003.zip');
  });

  it('a cancelled zip build drops its open part and resumes from the closed ones, skipping the cases they hold', async () => {
    const def = syntheticDefinition();
    const parts = new Map<number, Uint8Array[]>();
    const aborted: number[] = [];
    const controller = new AbortController();
    const first = new ZipPartsSink({ openPart: collector(parts, aborted), maxPartBytes: 8_000 });
    await buildDataset(def, syntheticLoader(), first, {
      now: NOW,
      signal: controller.signal,
      onProgress: (p) => p.step === 'written' && p.done === 3 && controller.abort(),
    }).catch(() => undefined);
    expect(aborted.length).toBe(1);
    const state = first.state();
    expect(state.parts).toBe(parts.size);
    const loads: string[] = [];
    const second = new ZipPartsSink({ openPart: collector(parts), maxPartBytes: 8_000, resume: state });
    const result = await buildDataset(def, syntheticLoader(loads), second, { now: NOW });
    expect(loads.length).toBeLessThan(5);
    expect(result.cases.filter((c) => c.outcome === 'skipped').length).toBe(5 - loads.length);
    const zipped = unzipAll(parts);
    const dir = freshDir('zip-resume-reference');
    await buildDataset(def, syntheticLoader(), new DirectorySink(nodeDirectory(dir)), { now: NOW });
    const reference = filesIn(dir);
    expect([...zipped.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [path, bytes] of reference) if (!path.endsWith('/provenance.json')) expect(zipped.get(path), path).toEqual(bytes);
  });
});
