/**
 * The WADO-RS series retrieve (`GET {root}/studies/{study}/series/{series}`,
 * `multipart/related; type="application/dicom"`) read as a stream: every
 * instance of the series as a Part 10 file, handed out as its part arrives.
 * On Orthanc behind nginx this is one request for what per-frame reads ask
 * for in hundreds, and no series metadata is needed (each part carries its
 * header): about 2.5 times as fast for a 300-slice CT (README, "Opening from
 * a PACS").
 *
 * Like every other DICOMweb request here: headers resolved per request, kept
 * out of the HTTP cache (`cache: 'no-store'`, no-store-request.ts says why),
 * cancelled by the signal, failures as SegmarkErrors. The request is tried
 * again (`source.retries`) only while no answer has come; a stream that fails
 * midway is not asked for again (the caller fetches what is missing by other
 * requests). `source.timeoutMs` bounds the wait for the answer and then for
 * each next chunk, not the whole stream: a large series may take longer than
 * one request should, while a stalled one is still found out.
 */
import { SegmarkError, isAbort, throwIfAborted, toSegmarkError } from '../core/errors.js';
import { displayUrl } from '../core/util/display-url.js';
import { WorkerClient } from '../core/util/worker-protocol.js';
import { mediaTypeParameter, multipartBoundary, multipartParts } from './multipart-stream.js';
import { requestHeaders, rootOf, statusError, timeoutOf, withRetries, type DicomWebSource } from './request.js';
import type { StreamCalls } from './stream-worker.js';

/** Instances in the transfer syntax the server stores them in: compressed frames stay compressed for our decoders. */
export const SERIES_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export interface SeriesStreamHooks {
  signal: AbortSignal;
  /** Bytes of the body as each chunk arrives, before it is parsed (a throw ends the read with that error). */
  onBytes?: (bytes: number) => void;
  /** Each part's bytes (a whole DICOM file), in the order the server sends them; awaited before the next is read. */
  onPart: (bytes: Uint8Array, index: number) => void | Promise<void>;
  /** The memory of the body's chunks is read into again once consumed (`multipartParts`): `onPart` must copy what it keeps. */
  reuseChunks?: boolean;
}

/** The series' URL, without query string: how errors of the stream name it. */
export function seriesUrl(source: DicomWebSource, uids: { studyInstanceUID: string; seriesInstanceUID: string }): string {
  return `${rootOf(source)}/studies/${uids.studyInstanceUID}/series/${uids.seriesInstanceUID}`;
}

/**
 * Streams the series' instances to `hooks.onPart`. Resolves once the close
 * delimiter has been read. Rejects with `aborted`, `pacs-unauthorized`
 * (401/403), `pacs-not-found`, `pacs-timeout`, `pacs-unreachable` (network,
 * 5xx), or `pacs-bad-response` (another status, an answer that is not
 * multipart/related of application/dicom, or one cut short), or with what
 * `onBytes` / `onPart` threw.
 */
export async function streamSeries(source: DicomWebSource, uids: { studyInstanceUID: string; seriesInstanceUID: string }, hooks: SeriesStreamHooks): Promise<void> {
  const url = seriesUrl(source, uids);
  const file = displayUrl(url);
  const timeoutMs = timeoutOf(source);
  const { signal } = hooks;
  // One controller per attempt: the caller's signal and the idle timer end it.
  let controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When data last came (or the request was sent); the timer, set once per timeout, checks it rather than being set again for every chunk. */
  let lastData = 0;
  const check = (): void => {
    const idle = performance.now() - lastData;
    if (idle < timeoutMs) {
      timer = setTimeout(check, timeoutMs - idle);
      return;
    }
    timedOut = true;
    controller.abort();
  };
  const arm = (): void => {
    lastData = performance.now();
    if (timer === undefined) timer = setTimeout(check, timeoutMs);
  };
  const disarm = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  const forward = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const failure = (error: unknown): SegmarkError => {
    if (error instanceof SegmarkError) return error;
    if (signal.aborted || (isAbort(error) && !timedOut)) return new SegmarkError('aborted', 'cancelled', { file, cause: error });
    if (timedOut) return new SegmarkError('pacs-timeout', `no data within ${timeoutMs} ms`, { file, cause: error, params: { seconds: timeoutMs / 1000 } });
    return new SegmarkError('pacs-unreachable', 'the series stream failed (network error, server down, or blocked by CORS)', { file, cause: error, params: { reason: 'no answer' } });
  };
  try {
    throwIfAborted(signal);
    const response = await withRetries(source, { method: 'GET', signal }, async () => {
      const headers = await requestHeaders(source, url);
      throwIfAborted(signal);
      controller = new AbortController();
      timedOut = false;
      disarm();
      arm();
      let answer: Response;
      try {
        answer = await fetch(url, {
          headers: { ...headers, Accept: SERIES_ACCEPT },
          signal: controller.signal,
          // PACS answers hold patient data: never into the HTTP disk cache (no-store-request.ts).
          cache: 'no-store',
          credentials: 'same-origin',
        });
      } catch (error) {
        throw failure(error);
      }
      if (!answer.ok) {
        await answer.body?.cancel().catch(() => {});
        throw statusError(answer.status, url, timeoutMs);
      }
      return answer;
    });
    const contentType = response.headers.get('Content-Type');
    const boundary = multipartBoundary(contentType);
    const type = mediaTypeParameter(contentType, 'type');
    if (!response.body || !boundary || !/^\s*multipart\/related/i.test(contentType ?? '') || (type !== undefined && type.toLowerCase() !== 'application/dicom')) {
      await response.body?.cancel().catch(() => {});
      throw new SegmarkError('pacs-bad-response', `the series retrieve answered ${contentType ?? 'without a Content-Type'}`, {
        file,
        params: { reason: `not multipart/related of application/dicom (${contentType ?? 'no Content-Type'})` },
      });
    }
    let index = 0;
    const parts = multipartParts(
      response.body,
      boundary,
      file,
      (bytes) => {
        arm();
        hooks.onBytes?.(bytes);
      },
      { reuseChunks: hooks.reuseChunks === true },
    );
    try {
      for await (const part of parts) {
        // The idle timer is for the server, not for our own work on a part.
        disarm();
        await hooks.onPart(part.body, index++);
        throwIfAborted(signal);
        arm();
      }
    } catch (error) {
      throw failure(error);
    }
  } finally {
    disarm();
    signal.removeEventListener('abort', forward);
    // Whatever ended the read, nothing of this request stays open.
    controller.abort();
  }
}

/**
 * `streamSeries` in a worker (`stream-worker.ts`) where the page has workers
 * and `source.worker` is not false: the response body is received and cut
 * into parts off the page's thread, which only gets the parts (the same
 * errors, the same order). The headers are asked once, here, for the request
 * and its retries. Where the worker cannot start (a CSP without
 * worker-src 'self'), the page reads the stream itself.
 */
export async function streamSeriesOffPage(
  source: DicomWebSource,
  uids: { studyInstanceUID: string; seriesInstanceUID: string },
  hooks: SeriesStreamHooks,
  createWorker: () => Worker = defaultStreamWorker,
): Promise<void> {
  if (typeof Worker === 'undefined' || source.worker === false) return streamSeries(source, uids, hooks);
  const { signal } = hooks;
  throwIfAborted(signal);
  const url = seriesUrl(source, uids);
  const headers = await requestHeaders(source, url);
  throwIfAborted(signal);
  let worker: Worker;
  try {
    worker = createWorker();
  } catch {
    return streamSeries(source, uids, hooks);
  }
  let started: boolean | undefined;
  const client = new WorkerClient<StreamCalls>(worker, {
    name: 'series stream',
    deathCode: 'pacs-unreachable',
    onDeath: (death) => (started = death.started),
  });
  // The parts are taken one after another, in order, as their batches come; the first failure there ends the read.
  let taking: Promise<void> = Promise.resolve();
  let failure: unknown;
  let delivered = 0;
  const stop = (reason: unknown): void => {
    failure ??= reason;
    client.terminate(toSegmarkError(reason, 'aborted', displayUrl(url)));
  };
  try {
    const resolved = {
      root: new URL(rootOf(source), globalThis.location?.href).href,
      headers,
      ...(source.timeoutMs === undefined ? {} : { timeoutMs: source.timeoutMs }),
      ...(source.retries === undefined ? {} : { retries: source.retries }),
      ...(source.retryDelayMs === undefined ? {} : { retryDelayMs: source.retryDelayMs }),
    };
    await client.call(
      'stream',
      { source: resolved, uids: { studyInstanceUID: uids.studyInstanceUID, seriesInstanceUID: uids.seriesInstanceUID } },
      {
        signal,
        onProgress: (batch) => {
          taking = taking.then(async () => {
            if (failure) return;
            try {
              if (batch.bytes) hooks.onBytes?.(batch.bytes);
              for (const [i, part] of batch.parts.entries()) {
                delivered++;
                await hooks.onPart(part, batch.first + i);
                if (failure) return;
              }
            } catch (error) {
              stop(error);
            }
          });
        },
      },
    );
  } catch (error) {
    if (started === false && delivered === 0 && !signal.aborted) return streamSeries(source, uids, hooks);
    await taking;
    throw failure ?? error;
  } finally {
    client.terminate(new SegmarkError('aborted', 'stream ended', { file: displayUrl(url) }));
  }
  await taking;
  if (failure) throw failure;
}

function defaultStreamWorker(): Worker {
  return new Worker(new URL('./stream-worker.ts', import.meta.url), { type: 'module', name: 'segmark-series-stream' });
}
