/**
 * Web Worker that decodes frames for `WorkerPoolDecoder`. Loaded with
 * `new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' })`
 * so vite bundles it as a file served next to the page (no blob:, no eval).
 *
 * One request at a time per worker; the codec modules load on first use and
 * stay for the worker's life. Input arrives transferred; output leaves
 * transferred. Every failure is answered as a message: only a real crash
 * (uncaught error, out of memory) reaches the pool as an `error` event.
 */
import { toSegmarkError, type ErrorCode } from '../errors.js';
import { decodeFrame } from './pixels/decode.js';
import type { PixelDescriptor, StoredPixels } from './types.js';

export interface DecodeRequest {
  id: number;
  desc: PixelDescriptor;
  /** The frame's encoded bytes, in a buffer of their own (transferred). */
  bytes: Uint8Array;
}

export type DecodeResponse =
  | { id: number; ok: true; pixels: StoredPixels }
  | { id: number; ok: false; code: ErrorCode; message: string; params: Record<string, string | number> };

/** Decodes one request into the response and the buffers to transfer with it. */
export async function answer(request: DecodeRequest): Promise<[DecodeResponse, Transferable[]]> {
  try {
    const pixels = await decodeFrame(request.desc, request.bytes);
    // The result may be a view of the request's buffer (native frames); that buffer is ours to give away.
    return [{ id: request.id, ok: true, pixels }, [pixels.buffer as ArrayBuffer]];
  } catch (error) {
    const e = toSegmarkError(error, 'decode-failed');
    return [{ id: request.id, ok: false, code: e.code, message: e.message, params: e.params }, []];
  }
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeResponse, transfer: Transferable[]): void;
}

// Serve only inside a dedicated worker: importing this module elsewhere (types, tests) has no effect.
const g = globalThis as { WorkerGlobalScope?: unknown; window?: unknown };
if (typeof g.WorkerGlobalScope !== 'undefined' && typeof g.window === 'undefined') {
  const scope = globalThis as unknown as WorkerScope;
  scope.onmessage = (event) => {
    void answer(event.data).then(([response, transfer]) => scope.postMessage(response, transfer));
  };
}
