/**
 * Local files read in a worker (issue 19): reading a Blob copies its bytes on
 * the thread that asks, so batches of a local load are read by a module
 * worker while the page parses the batch before. The bytes must be the
 * files' own, in order and under their names; a worker that cannot start
 * (a strict CSP) leaves the reading to this thread; a cancel ends the read.
 */
import { describe, expect, it } from 'vitest';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, readInstances } from '../../src/core/dicom/loader.js';
import { SameThreadBlobReader, WorkerBlobReader, createBlobReader } from '../../src/core/dicom/read-runner.js';
import { sampleFiles } from './support/sample.js';

/** A real read worker whose start is counted. */
function countedWorker(made: { count: number }): () => Worker {
  return () => {
    made.count++;
    return new Worker(new URL('../../src/core/dicom/read-worker.ts', import.meta.url), { type: 'module' });
  };
}

async function bytesOf(file: Blob): Promise<number[]> {
  return Array.from(new Uint8Array(await file.arrayBuffer()));
}

describe('reading local files in a worker', () => {
  it('createBlobReader picks a worker where there are workers', () => {
    const reader = createBlobReader();
    expect(reader).toBeInstanceOf(WorkerBlobReader);
    reader.dispose();
    expect(createBlobReader({ workers: false })).toBeInstanceOf(SameThreadBlobReader);
  });

  it('gives each file of several batches its own bytes under its name, from two workers taking batches in turn', async () => {
    const files = await sampleFiles(12);
    const made = { count: 0 };
    const reader = new WorkerBlobReader({ createWorker: countedWorker(made), threads: 2 });
    try {
      const batches = [files.slice(0, 5), files.slice(5, 6), files.slice(6)];
      const read = await Promise.all(batches.map((b) => reader.read(b)));
      expect(read.flat().map((e) => e.name)).toEqual(files.map((f) => f.name));
      for (const [i, entry] of read.flat().entries()) expect(Array.from(entry.bytes), entry.name).toEqual(await bytesOf(files[i]!));
      expect(made.count).toBe(2);
      // More batches go to the same two.
      await reader.read(files.slice(0, 3));
      expect(made.count).toBe(2);
    } finally {
      reader.dispose();
    }
  });

  it('reads on this thread when the worker cannot start, for this batch and the next', async () => {
    const files = await sampleFiles(4);
    const made = { count: 0 };
    const reader = new WorkerBlobReader({
      createWorker: () => {
        made.count++;
        return new Worker('/no-such-read-worker.js', { type: 'module' });
      },
      threads: 1,
    });
    try {
      const first = await reader.read(files.slice(0, 2));
      const second = await reader.read(files.slice(2));
      expect([...first, ...second].map((e) => e.name)).toEqual(files.map((f) => f.name));
      expect(Array.from(second[1]!.bytes)).toEqual(await bytesOf(files[3]!));
      expect(made.count).toBe(1);
    } finally {
      reader.dispose();
    }
  });

  it('a cancelled read rejects with aborted, and a disposed reader refuses more', async () => {
    const files = await sampleFiles(6);
    const reader = new WorkerBlobReader();
    const controller = new AbortController();
    const reading = reader.read(files, controller.signal);
    controller.abort();
    await expect(reading).rejects.toMatchObject({ code: 'aborted' });
    reader.dispose();
    await expect(reader.read(files)).rejects.toMatchObject({ code: 'aborted' });
  });

  it('the sample series read through the worker loads to the same volume as read on this thread', async () => {
    const files = await sampleFiles();
    const load = async (reader: SameThreadBlobReader | WorkerBlobReader) => {
      try {
        const read = await readInstances(files, { reader });
        expect(read.failed).toBe(0);
        const [series] = assembleSeries(read.instances);
        return (await loadVolume(series!, new SameThreadDecoder())).volume;
      } finally {
        reader.dispose();
      }
    };
    const inWorker = await load(new WorkerBlobReader());
    const here = await load(new SameThreadBlobReader());
    expect(inWorker.fileNames).toEqual(here.fileNames);
    expect(inWorker.range).toEqual(here.range);
    // Compared voxel by voxel in a loop: toEqual on 73 × 512² values takes half a minute.
    const differing: number[] = [];
    for (let k = 0; k < here.slices; k++) {
      const a = inWorker.sliceData[k]!;
      const b = here.sliceData[k]!;
      if (a.length !== b.length || a.some((v, i) => v !== b[i])) differing.push(k);
    }
    expect(differing).toEqual([]);
  });
});
