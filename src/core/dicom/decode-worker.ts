/**
 * Web Worker that decodes frames for `WorkerPoolDecoder`. Loaded with
 * `new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' })`
 * so vite bundles it as a file served next to the page (no blob:, no eval).
 *
 * One request at a time per worker; the codec modules load on first use and
 * stay for the worker's life. Input arrives transferred; output leaves
 * transferred. Every failure is answered as a message (`worker-protocol.ts`):
 * only a real crash (uncaught error, out of memory) reaches the pool as an
 * `error` event.
 */
import { serve, type Handlers } from '../util/worker-protocol.js';
import { decodeFrame } from './pixels/decode.js';
import type { PixelDescriptor, StoredPixels } from './types.js';

/** The calls the decode worker serves. */
export type DecodeCalls = {
  decode: {
    /** `bytes`: the frame's encoded bytes, in a buffer of their own (transferred). */
    payload: { desc: PixelDescriptor; bytes: Uint8Array };
    result: StoredPixels;
  };
};

/** What the worker does with each call (exported so Node tests can serve it from a stand-in worker). */
export const DECODE_HANDLERS: Handlers<DecodeCalls> = {
  async decode({ desc, bytes }, call) {
    const pixels = await decodeFrame(desc, bytes);
    // The result may be a view of the request's buffer (native frames); that buffer is ours to give away.
    call.transfer(pixels.buffer as ArrayBuffer);
    return pixels;
  },
};

serve<DecodeCalls>(DECODE_HANDLERS, { fallback: 'decode-failed' });
