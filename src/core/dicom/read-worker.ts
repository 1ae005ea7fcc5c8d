/**
 * Web Worker that reads batches of local files for `WorkerBlobReader`
 * (`read-runner.ts`). Reading a Blob copies its bytes, as they come from the
 * browser process, on the thread that asked: for a 300-file CT that is most
 * of a second of the page's main thread. Here it is this thread's, and the
 * page parses and converts one batch while the next is read. Files arrive as
 * handles (nothing is copied to post them); each run of them comes back as
 * one transferred buffer.
 */
import { serve, type Handlers } from '../util/worker-protocol.js';
import { readRuns, type ReadRun } from './read-runs.js';

/** The calls the read worker serves. */
export type ReadCalls = {
  read: {
    payload: { blobs: Blob[] };
    /** Consecutive runs of the batch, each the bytes of its files one after the other. */
    result: ReadRun[];
  };
};

/** The read before the one asked now: batches are read one after another, so they arrive in the order the page parses them. */
let previous: Promise<unknown> = Promise.resolve();

/** What the worker does with each call (exported so a test can serve it without a worker). */
export const READ_HANDLERS: Handlers<ReadCalls> = {
  async read({ blobs }, call) {
    const runs = previous.then(() => readRuns(blobs));
    previous = runs.catch(() => undefined);
    const read = await runs;
    call.transfer(...read.map((r) => r.buffer));
    return read;
  },
};

serve<ReadCalls>(READ_HANDLERS, { fallback: 'read-failed' });
