/**
 * Deflated DICOM in real Chromium (issue 17): the data set is inflated in a
 * module worker, off the page's thread, under the same cap as in Node; a bomb
 * is refused there with input-too-large naming the file; a cancelled job ends
 * its worker; and the real deflated CT inflates exactly as on this thread.
 */
import { describe, expect, it } from 'vitest';
import { deflatedDataSetStart, inflateDataSet, isInflated } from '../../src/core/dicom/inflate.js';
import { WorkerInflater, createInflater } from '../../src/core/dicom/inflate-runner.js';
import { parseInstance } from '../../src/core/dicom/parse.js';
import { deflatedBomb, deflatedPadding } from '../node/support/hostile-dicom.js';

const urls = import.meta.glob<string>('../../../shared/dicom/syntaxes-cornerstone-ctimage/*1.2.840.10008.1.2.1.99.dcm', { query: '?url', import: 'default', eager: true });
const deflatedUrl = Object.values(urls)[0];
if (!deflatedUrl) console.warn('[inflate-worker] real-file test skipped: shared DICOM test data not found next to the project');

/** A real module worker whose terminations are counted (nothing of it is replaced). */
function countedWorker(ended: { count: number }): () => Worker {
  return () => {
    const worker = new Worker(new URL('../../src/core/dicom/inflate-worker.ts', import.meta.url), { type: 'module' });
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      ended.count++;
      terminate();
    };
    return worker;
  };
}

describe('WorkerInflater in Chromium', () => {
  it('createInflater picks workers where they exist', () => {
    const inflater = createInflater();
    expect(inflater).toBeInstanceOf(WorkerInflater);
    inflater.dispose();
  });

  it('REQ-HOSTILE-INFLATE-4: a deflated bomb (512 MB of zeros no header gives away) is stopped at the cap in the worker with input-too-large naming the file, while the page keeps running tasks; the worker, holding what it inflated, is ended', async () => {
    const bomb = deflatedPadding(512 * 2 ** 20);
    const ended = { count: 0 };
    const inflater = new WorkerInflater({ createWorker: countedWorker(ended) });
    try {
      let pageTurns = 0;
      let settled = false;
      const job = inflater.inflate(bomb, deflatedDataSetStart(bomb)!, { maxBytes: 256 * 2 ** 20 }, 'bomb.dcm').finally(() => (settled = true));
      // Tasks of this page run while the worker inflates: the work is not on this thread.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (!settled) pageTurns++;
      await expect(job).rejects.toMatchObject({ code: 'input-too-large', file: 'bomb.dcm', params: { limit: ((256 * 2 ** 20) / 1e6).toFixed(0) } });
      expect(pageTurns).toBe(1);
      expect(ended.count).toBe(1);
    } finally {
      inflater.dispose();
    }
  });

  it('REQ-HOSTILE-INFLATE-5: cancelling ends the worker at once (aborted, naming the file); the next file gets a new worker', async () => {
    const ended = { count: 0 };
    const inflater = new WorkerInflater({ createWorker: countedWorker(ended) });
    try {
      const bomb = deflatedBomb(16384);
      const controller = new AbortController();
      const job = inflater.inflate(bomb, deflatedDataSetStart(bomb)!, { maxBytes: 2 ** 31 }, 'cancelled.dcm', controller.signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      await expect(job).rejects.toMatchObject({ code: 'aborted', file: 'cancelled.dcm' });
      expect(ended.count).toBe(1);
      const small = deflatedBomb(256);
      const full = await inflater.inflate(small, deflatedDataSetStart(small)!, { maxBytes: 2 ** 20 }, 'small.dcm');
      expect(isInflated(full)).toBe(true);
      expect(parseInstance(full, 'small.dcm').pixel.rows).toBe(256);
    } finally {
      inflater.dispose();
    }
  });

  it.skipIf(!deflatedUrl)('REQ-HOSTILE-INFLATE-6: the real deflated CT inflates in the worker to the same bytes as on this thread, and parses', async () => {
    const bytes = new Uint8Array(await (await fetch(deflatedUrl!)).arrayBuffer());
    const position = deflatedDataSetStart(bytes)!;
    expect(position).toBeGreaterThan(132);
    const inflater = new WorkerInflater();
    try {
      const inWorker = await inflater.inflate(bytes, position, { maxBytes: 256 * 2 ** 20 }, 'deflated.dcm');
      const here = inflateDataSet(bytes, position, { maxBytes: 256 * 2 ** 20 }, 'deflated.dcm');
      expect(inWorker.length).toBe(here.length);
      expect(inWorker.every((b, i) => b === here[i])).toBe(true);
      // The caller's bytes were copied, not detached by the transfer.
      expect(bytes.byteLength).toBeGreaterThan(0);
      const instance = parseInstance(inWorker, 'deflated.dcm');
      expect([instance.pixel.rows, instance.pixel.columns]).toEqual([512, 512]);
    } finally {
      inflater.dispose();
    }
  });
});
