/**
 * Web Worker that inflates the data set of a deflated DICOM file for
 * `WorkerInflater` (`inflate-runner.ts`), so a decompression bomb costs this
 * thread, not the page's, and ends when the load is cancelled (the page
 * terminates the worker). The file arrives transferred; the file with its
 * data set inflated leaves transferred. Past the cap the answer is
 * `input-too-large`, naming the file.
 */
import { serve, type Handlers } from '../util/worker-protocol.js';
import { inflateDataSet, type InflateBudget } from './inflate.js';

/** The calls the inflate worker serves. */
export type InflateCalls = {
  inflate: {
    /** `file`: the whole file, in a buffer of its own; its data set starts at `position`. */
    payload: { file: Uint8Array; position: number; budget: InflateBudget; fileName: string };
    /** The meta header followed by the inflated data set. */
    result: Uint8Array;
  };
};

/** What the worker does with each call (exported so a test can serve it without a worker). */
export const INFLATE_HANDLERS: Handlers<InflateCalls> = {
  inflate({ file, position, budget, fileName }, call) {
    const full = inflateDataSet(file, position, budget, fileName);
    call.transfer(full.buffer as ArrayBuffer);
    return full;
  },
};

serve<InflateCalls>(INFLATE_HANDLERS, { fallback: 'not-dicom' });
