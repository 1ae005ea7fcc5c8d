/**
 * `FrameDecoder`: how the loader asks for a frame, whoever does the work. The
 * worker pool (`../decoder-pool.ts`) and the same-thread decoder here share it;
 * the same-thread one serves Node, tests, and pages where workers cannot start.
 */
import { SegmarkError, throwIfAborted, toSegmarkError } from '../../errors.js';
import type { PixelDescriptor, StoredPixels } from '../types.js';
import { decodeFrame } from './decode.js';

export interface FrameDecoder {
  /** How many frames it decodes at once (worker count, or 1); callers size their queues by it. */
  readonly threads: number;
  /**
   * Decodes one frame (`bytes` as `frameBytes` returns them) to stored values.
   * Rejects with a SegmarkError naming `fileName`: 'decode-failed',
   * 'unsupported-transfer-syntax', 'pixel-data-short' …, or 'aborted'.
   */
  decode(desc: PixelDescriptor, bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<StoredPixels>;
  /** Stops workers and rejects what is still queued; later calls reject. */
  dispose(): void;
  /**
   * Gets ready for the first frame without decoding anything (a worker decoder starts one
   * worker, so its script loads while the first file is still being fetched). Optional.
   */
  warm?(): void;
}

/** Decodes on the calling thread, one frame at a time as the caller awaits. */
export class SameThreadDecoder implements FrameDecoder {
  readonly threads = 1;
  private disposed = false;

  async decode(desc: PixelDescriptor, bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<StoredPixels> {
    try {
      if (this.disposed) throw new SegmarkError('aborted', 'decoder disposed');
      throwIfAborted(signal);
      const pixels = await decodeFrame(desc, bytes);
      throwIfAborted(signal);
      return pixels;
    } catch (error) {
      throw toSegmarkError(error, 'decode-failed', fileName);
    }
  }

  dispose(): void {
    this.disposed = true;
  }
}
