/**
 * Decoding can be stopped (issue 17): cancelling a large frame while a worker
 * decodes it ends that worker, so the CPU and memory are freed at once, and
 * the pool starts another on demand; a small running frame is left to finish
 * (restarting would cost more) and only its result is dropped.
 */
import { describe, expect, it } from 'vitest';
import { STOP_RUNNING_ABOVE, WorkerPoolDecoder } from '../../src/core/dicom/decoder-pool.js';
import { frameBytes, parseInstance } from '../../src/core/dicom/parse.js';
import { rleSlice } from '../node/support/hostile-dicom.js';

/** The real decode worker, its terminations counted (nothing of it is replaced). */
function countedWorker(ended: { count: number }): () => Worker {
  return () => {
    const worker = new Worker(new URL('../../src/core/dicom/decode-worker.ts', import.meta.url), { type: 'module' });
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      ended.count++;
      terminate();
    };
    return worker;
  };
}

describe('WorkerPoolDecoder stops large work on cancel', () => {
  it('REQ-HOSTILE-DECODE-1: cancelling a running 4096² RLE frame ends its worker, while a cancelled 512² one keeps it; the next frame decodes in a new worker', async () => {
    const ended = { count: 0 };
    const pool = new WorkerPoolDecoder({ size: 1, createWorker: countedWorker(ended) });
    try {
      // The pool hands a job to its idle worker at once: it is running when the signal fires.
      const small = parseInstance(rleSlice(512), 'small.dcm');
      const first = new AbortController();
      const smallJob = pool.decode(small.pixel, frameBytes(small, 0), 'small.dcm', first.signal);
      first.abort();
      await expect(smallJob).rejects.toMatchObject({ code: 'aborted', file: 'small.dcm' });
      expect((await pool.decode(small.pixel, frameBytes(small, 0), 'again.dcm')).length).toBe(512 * 512);
      expect(ended.count).toBe(0);

      const large = parseInstance(rleSlice(4096), 'large.dcm');
      expect(large.pixel.rows * large.pixel.columns).toBeGreaterThan(STOP_RUNNING_ABOVE);
      const second = new AbortController();
      const largeJob = pool.decode(large.pixel, frameBytes(large, 0), 'large.dcm', second.signal);
      second.abort();
      await expect(largeJob).rejects.toMatchObject({ code: 'aborted', file: 'large.dcm' });
      expect(ended.count).toBe(1);
      const tiny = parseInstance(rleSlice(64), 'tiny.dcm');
      expect((await pool.decode(tiny.pixel, frameBytes(tiny, 0), 'tiny.dcm')).length).toBe(64 * 64);
      expect(ended.count).toBe(1);
    } finally {
      pool.dispose();
    }
  });
});
