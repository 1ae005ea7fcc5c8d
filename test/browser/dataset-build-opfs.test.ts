/**
 * The dataset build into a real File System Access folder (issue 16): the
 * origin private file system (`navigator.storage.getDirectory()`) has the
 * API of the folder a user picks with `showDirectoryPicker()`, so the
 * `DirectorySink` written against it is tested here in Chromium. The five
 * synthetic cases land in the nnU-Net v2 layout with a readable dataset.json;
 * a build cancelled midway leaves no dataset.json and no half-written file,
 * and resumes with only the missing cases.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/core/formats/dataset-build.js';
import { DirectorySink } from '../../src/core/formats/dataset-sinks.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { gunzip } from '../../src/core/formats/bytes.js';
import { syntheticDefinition, syntheticLoader } from '../node/support/dataset-build-cases.js';

const FOLDER = 'Dataset042_LumbarTest';
const made: string[] = [];

afterEach(async () => {
  const root = await navigator.storage.getDirectory();
  for (const name of made.splice(0)) await root.removeEntry(name, { recursive: true });
});

async function freshFolder(): Promise<FileSystemDirectoryHandle> {
  const name = `segmark-build-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  made.push(name);
  return (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
}

/** Every file under `dir`, relative, with its size. */
async function listing(dir: FileSystemDirectoryHandle, prefix = ''): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    const path = `${prefix}${name}`;
    if (handle.kind === 'directory') for (const [p, s] of await listing(handle as FileSystemDirectoryHandle, `${path}/`)) out.set(p, s);
    else out.set(path, (await (handle as FileSystemFileHandle).getFile()).size);
  }
  return out;
}

async function readFile(dir: FileSystemDirectoryHandle, path: string): Promise<Uint8Array> {
  const parts = path.split('/');
  let d = dir;
  for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
  const file = await (await d.getFileHandle(parts.at(-1)!)).getFile();
  return new Uint8Array(await file.arrayBuffer());
}

describe('dataset build into the origin private file system', () => {
  it('writes the nnU-Net v2 layout of five cases, files readable back with their label values', async () => {
    const dir = await freshFolder();
    const result = await buildDataset(syntheticDefinition(), syntheticLoader(), new DirectorySink(dir));
    expect(result).toMatchObject({ folder: FOLDER, numTraining: 4, numTest: 1 });
    const files = await listing(dir);
    expect([...files.keys()].filter((p) => p.endsWith('.nii.gz')).sort()).toEqual(
      [
        'imagesTr/LumbarTest_0001_0000.nii.gz',
        'imagesTr/LumbarTest_0002_0000.nii.gz',
        'imagesTr/LumbarTest_0003_0000.nii.gz',
        'imagesTr/LumbarTest_0004_0000.nii.gz',
        'imagesTs/LumbarTest_0005_0000.nii.gz',
        'labelsTr/LumbarTest_0001.nii.gz',
        'labelsTr/LumbarTest_0002.nii.gz',
        'labelsTr/LumbarTest_0003.nii.gz',
        'labelsTr/LumbarTest_0004.nii.gz',
        'labelsTs/LumbarTest_0005.nii.gz',
      ].map((p) => `${FOLDER}/${p}`),
    );
    expect([...files.keys()].some((p) => p.endsWith('.crswap'))).toBe(false);
    const json = JSON.parse(new TextDecoder().decode(await readFile(dir, `${FOLDER}/dataset.json`)));
    expect(json).toMatchObject({ numTraining: 4, file_ending: '.nii.gz', labels: { background: 0, 'L4/L5 disc': 1, 'L5/S1 disc': 2, 'L5 椎体': 3, 'L3/L4 disc': 4 } });
    const label = readNifti(gunzip(await readFile(dir, `${FOLDER}/labelsTr/LumbarTest_0002.nii.gz`), 'nifti-invalid'));
    expect([...new Set(label.data as Uint8Array)].sort()).toEqual([0, 2, 3]);
  });

  it('a cancelled build leaves no dataset.json and no half-written file; the next build writes only the missing cases', async () => {
    const dir = await freshFolder();
    const def = syntheticDefinition();
    const controller = new AbortController();
    const sink = new DirectorySink(dir);
    const error = await buildDataset(def, syntheticLoader(), sink, {
      signal: controller.signal,
      onProgress: (p) => p.step === 'written' && p.done === 3 && controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'aborted' });
    const partial = await listing(dir);
    expect(partial.has(`${FOLDER}/dataset.json`)).toBe(false);
    expect([...partial.keys()].filter((p) => p.startsWith(`${FOLDER}/provenance/`)).length).toBe(3);
    expect(await sink.exists(`${FOLDER}/provenance/LumbarTest_0004.json`)).toBe(false);
    expect(await sink.exists(`${FOLDER}/provenance/LumbarTest_0003.json`)).toBe(true);

    const loads: string[] = [];
    const result = await buildDataset(def, syntheticLoader(loads), new DirectorySink(dir));
    expect(loads).toEqual(['LumbarTest_0004', 'LumbarTest_0005']);
    expect(result.cases.map((c) => c.outcome)).toEqual(['skipped', 'skipped', 'skipped', 'written', 'written']);
    expect((await listing(dir)).has(`${FOLDER}/dataset.json`)).toBe(true);
  });

  it('a write cancelled between its pieces is dropped: the file keeps what it held before', async () => {
    const dir = await freshFolder();
    const sink = new DirectorySink(dir);
    await sink.write('a/b.bin', new Uint8Array([9, 9, 9]));
    const controller = new AbortController();
    await expect(sink.write('a/b.bin', cancellingPieces(controller), controller.signal)).rejects.toMatchObject({ code: 'aborted' });
    expect(Array.from(await readFile(dir, 'a/b.bin'))).toEqual([9, 9, 9]);
  });
});

/** Two pieces whose iteration cancels the signal after the first is taken (a list to the type, iterated once by the sink). */
function cancellingPieces(controller: AbortController): readonly Uint8Array[] {
  return {
    *[Symbol.iterator]() {
      yield new Uint8Array([1, 2]);
      controller.abort();
      yield new Uint8Array([3, 4]);
    },
  } as unknown as readonly Uint8Array[];
}
