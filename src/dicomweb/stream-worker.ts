/**
 * Web Worker that reads a series retrieve for `streamSeriesOffPage`
 * (`series-stream.ts`). Receiving a response body costs the thread that
 * reads it: the browser copies what the network delivered into the body's
 * stream (20 MB of a series in one task when the PACS is near) and the parts
 * are cut out of it. Here that is this thread's work; the page gets each
 * part as a buffer of its own, a few at a time, and only parses them.
 *
 * The request is the page's (`streamSeries`: retries, timeouts, errors), with
 * the headers the page resolved; cancelling ends this worker.
 */
import { serve, type Handlers } from '../core/util/worker-protocol.js';
import type { DicomWebSource } from './request.js';
import { streamSeries } from './series-stream.js';

/** Parts handed over together, and the body bytes read since the last batch. */
export interface PartBatch {
  /** Index of the first part of the batch in the stream. */
  first: number;
  parts: Uint8Array[];
  bytes: number;
}

/** The source as it crosses to the worker: an absolute root and headers already resolved. */
export type ResolvedSource = Omit<DicomWebSource, 'headers'> & { headers: Record<string, string> };

/** The calls the stream worker serves. */
export type StreamCalls = {
  stream: {
    payload: { source: ResolvedSource; uids: { studyInstanceUID: string; seriesInstanceUID: string } };
    progress: PartBatch;
    result: { parts: number };
  };
};

/** A batch goes to the page at least this often, and at most this many parts wait for it. */
const BATCH_MS = 4;
const BATCH_PARTS = 8;

/** `part` in a buffer of its own, to be handed over whole (a part cut from a larger chunk is copied). */
function own(part: Uint8Array): Uint8Array {
  return part.byteOffset === 0 && part.byteLength === part.buffer.byteLength ? part : part.slice();
}

/** What the worker does with each call (exported so a test can serve it without a worker). */
export const STREAM_HANDLERS: Handlers<StreamCalls> = {
  async stream({ source, uids }, call) {
    let batch: PartBatch = { first: 0, parts: [], bytes: 0 };
    let sent = performance.now();
    let count = 0;
    const flush = (): void => {
      if (batch.parts.length === 0 && batch.bytes === 0) return;
      call.progress(batch, batch.parts.map((p) => p.buffer));
      batch = { first: count, parts: [], bytes: 0 };
      sent = performance.now();
    };
    await streamSeries(source, uids, {
      // Cancelling ends the worker; nothing here needs telling.
      signal: new AbortController().signal,
      onBytes: (n) => void (batch.bytes += n),
      // Every part is copied (own) before the next is read, so the chunks' memory can be read into again.
      reuseChunks: true,
      onPart: (bytes) => {
        batch.parts.push(own(bytes));
        count++;
        if (batch.parts.length >= BATCH_PARTS || performance.now() - sent > BATCH_MS) flush();
      },
    });
    flush();
    return { parts: count };
  },
};

serve<StreamCalls>(STREAM_HANDLERS, { fallback: 'pacs-bad-response' });
