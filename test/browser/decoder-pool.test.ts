/**
 * The worker pool in real Chromium: frames decoded in module workers equal the
 * same-thread decoder's; a corrupt frame, a crashed worker and a cancelled job
 * each fail alone, and the pool keeps decoding afterwards.
 */
import { describe, expect, it } from 'vitest';
import { SameThreadDecoder, WorkerPoolDecoder, createFrameDecoder } from '../../src/core/dicom/decoder-pool.js';
import { frameBytes, parseInstance } from '../../src/core/dicom/parse.js';
import type { DicomInstance, StoredPixels } from '../../src/core/dicom/types.js';

// A glob, not plain imports: it yields nothing (rather than failing to load) when ../shared is absent.
const urls = import.meta.glob<string>('../../../shared/dicom/syntaxes-cornerstone-ctimage/*.dcm', { query: '?url', import: 'default', eager: true });
const haveShared = Object.keys(urls).length > 0;
if (!haveShared) console.warn('[decoder-pool] skipped: shared DICOM test data not found next to the project');

async function load(suffix: string): Promise<DicomInstance> {
  const entry = Object.entries(urls).find(([path]) => path.endsWith(suffix));
  if (!entry) throw new Error(`no fixture ending in ${suffix}`);
  const response = await fetch(entry[1]);
  expect(response.ok).toBe(true);
  return parseInstance(new Uint8Array(await response.arrayBuffer()), entry[0].split('/').pop()!);
}

function same(a: StoredPixels, b: StoredPixels): boolean {
  return a.constructor === b.constructor && a.length === b.length && a.every((v, i) => v === b[i]);
}

const JPEG_LS = '_1.2.840.10008.1.2.4.80.dcm';
const J2K = '_1.2.840.10008.1.2.4.90.dcm';
const JPEG_BASELINE = '_1.2.840.10008.1.2.4.50.dcm';
/** 12-bit lossy JPEG (dcmjs-codecs, its .wasm fetched without eval) and lossless JPEG (pure JS). */
const JPEG_12BIT = '_1.2.840.10008.1.2.4.51.dcm';
const JPEG_LOSSLESS = '_1.2.840.10008.1.2.4.70.dcm';

describe.skipIf(!haveShared)('WorkerPoolDecoder in Chromium', () => {
  it('createFrameDecoder picks the worker pool where Workers exist', () => {
    const decoder = createFrameDecoder();
    expect(decoder).toBeInstanceOf(WorkerPoolDecoder);
    expect(decoder.threads).toBeGreaterThanOrEqual(1);
    expect(decoder.threads).toBeLessThanOrEqual(4);
    decoder.dispose();
  });

  it('decodes JPEG-LS, JPEG 2000, JPEG baseline, 12-bit and lossless JPEG exactly as the same-thread decoder does', async () => {
    const pool = new WorkerPoolDecoder({ size: 2 });
    const here = new SameThreadDecoder();
    try {
      for (const suffix of [JPEG_LS, J2K, JPEG_BASELINE, JPEG_12BIT, JPEG_LOSSLESS]) {
        const instance = await load(suffix);
        const bytes = frameBytes(instance, 0);
        const [inWorker, onThread] = await Promise.all([
          pool.decode(instance.pixel, bytes, instance.fileName),
          here.decode(instance.pixel, bytes, instance.fileName),
        ]);
        expect(inWorker.length).toBe(512 * 512);
        expect(same(inWorker, onThread), suffix).toBe(true);
        // The caller's bytes (a view of the whole file) were copied, not detached by the transfer.
        expect(instance.bytes.byteLength).toBeGreaterThan(0);
      }
    } finally {
      pool.dispose();
    }
  });

  it('rejects a corrupt frame with decode-failed naming the file, then keeps decoding', async () => {
    const pool = new WorkerPoolDecoder({ size: 1 });
    try {
      const instance = await load(J2K);
      const good = frameBytes(instance, 0);
      const corrupt = good.slice(0, 300);
      await expect(pool.decode(instance.pixel, corrupt, 'corrupt.dcm')).rejects.toMatchObject({ code: 'decode-failed', file: 'corrupt.dcm' });
      const garbage = new Uint8Array(5000).fill(0xa5);
      const jls = await load(JPEG_LS);
      await expect(pool.decode(jls.pixel, garbage, 'garbage.dcm')).rejects.toMatchObject({ code: 'decode-failed', file: 'garbage.dcm' });
      const after = await pool.decode(instance.pixel, good, instance.fileName);
      expect(after.length).toBe(512 * 512);
    } finally {
      pool.dispose();
    }
  });

  it('a crashed worker rejects only its own job; the others finish and the pool recovers', async () => {
    const pool = new WorkerPoolDecoder({
      size: 2,
      createWorker: () => new Worker(new URL('./support/crash-worker.ts', import.meta.url), { type: 'module' }),
    });
    try {
      const instance = await load(JPEG_LS);
      const bytes = frameBytes(instance, 0);
      const jobs = [
        pool.decode(instance.pixel, bytes, 'a.dcm'),
        pool.decode({ ...instance.pixel, transferSyntaxUID: 'crash' }, bytes, 'crash.dcm'),
        pool.decode(instance.pixel, bytes, 'b.dcm'),
        pool.decode(instance.pixel, bytes, 'c.dcm'),
      ];
      const results = await Promise.allSettled(jobs);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'decode-failed', file: 'crash.dcm' });
      expect((await pool.decode(instance.pixel, bytes, 'd.dcm')).length).toBe(512 * 512);
    } finally {
      pool.dispose();
    }
  });

  it('cancels queued and running jobs through AbortSignal, and rejects everything on dispose', async () => {
    const pool = new WorkerPoolDecoder({ size: 1 });
    const instance = await load(J2K);
    const bytes = frameBytes(instance, 0);
    const controller = new AbortController();
    const running = pool.decode(instance.pixel, bytes, 'running.dcm', controller.signal);
    const queued = pool.decode(instance.pixel, bytes, 'queued.dcm', controller.signal);
    const other = pool.decode(instance.pixel, bytes, 'other.dcm');
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'aborted', file: 'running.dcm' });
    await expect(queued).rejects.toMatchObject({ code: 'aborted', file: 'queued.dcm' });
    expect((await other).length).toBe(512 * 512);
    const pending = pool.decode(instance.pixel, bytes, 'pending.dcm');
    pool.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    await expect(pool.decode(instance.pixel, bytes, 'late.dcm')).rejects.toMatchObject({ code: 'aborted' });
  });

  it('falls back to this thread when workers cannot start', async () => {
    const pool = new WorkerPoolDecoder({ size: 1, createWorker: () => new Worker('/no-such-worker.js', { type: 'module' }) });
    try {
      const instance = await load(JPEG_LS);
      const results = await Promise.all([0, 1, 2, 3].map((i) => pool.decode(instance.pixel, frameBytes(instance, 0), `f${i}.dcm`)));
      // No job is blamed for a worker that never started: all of them decode, here.
      for (const pixels of results) expect(pixels.length).toBe(512 * 512);
      expect((await pool.decode(instance.pixel, frameBytes(instance, 0), 'g.dcm')).length).toBe(512 * 512);
    } finally {
      pool.dispose();
    }
  });

  it('warm() starts one worker before any frame, and the first decode uses it', async () => {
    const made: Worker[] = [];
    const createWorker = () => {
      const worker = new Worker(new URL('../../src/core/dicom/decode-worker.ts', import.meta.url), { type: 'module' });
      made.push(worker);
      return worker;
    };
    const pool = new WorkerPoolDecoder({ size: 2, createWorker });
    try {
      pool.warm();
      pool.warm();
      expect(made).toHaveLength(1);
      const instance = await load(JPEG_LS);
      const pixels = await pool.decode(instance.pixel, frameBytes(instance, 0), instance.fileName);
      expect(pixels.length).toBe(512 * 512);
      expect(made).toHaveLength(1);
    } finally {
      pool.dispose();
    }
    pool.warm();
    expect(made).toHaveLength(1); // a disposed pool starts nothing
  });
});
