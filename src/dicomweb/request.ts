/**
 * Every DICOMweb request goes through `dicomWebRequest`: dicomweb-client (the
 * reference client OHIF uses) does the HTTP and the multipart work; this
 * layer adds what a clinical page needs around it — headers resolved per
 * request (a token may be refreshed), a timeout, cancellation, retries with
 * backoff for idempotent GETs only, and failures turned into SegmarkErrors
 * with stable codes the host can act on.
 */
import { api } from 'dicomweb-client';
import { SegmarkError, throwIfAborted } from '../core/errors.js';
import { NoStoreRequest } from './no-store-request.js';
import { displayUrl } from '../core/util/display-url.js';

export type HeaderSource = Record<string, string> | (() => Promise<Record<string, string>> | Record<string, string>);

/** A PACS's DICOMweb service and how to talk to it. */
export interface DicomWebSource {
  /** Service root, e.g. `https://pacs.example/dicom-web` (same origin, or a server that sends CORS headers). */
  root: string;
  /** Headers for every request (e.g. `{ Authorization: 'Bearer …' }`), or a function returning them, asked before each request. */
  headers?: HeaderSource;
  /** Milliseconds one request may take before it fails with `pacs-timeout` (default 30 000). */
  timeoutMs?: number;
  /** How often a failed GET is tried again (network error, timeout, HTTP 5xx); default 3. POSTs are never retried. */
  retries?: number;
  /** Delay before the first retry, ms; doubled for each next one (default 300). */
  retryDelayMs?: number;
  /** Requests in flight at once while a series is opened (default 6, what browsers allow per HTTP/1.1 host). */
  concurrency?: number;
  /**
   * Whether the series retrieve is received in a Web Worker (default true where there are workers): it
   * keeps the page responsive while a large series streams in. False when a wrapper of the page's own
   * `fetch` must see the request (a service worker sees it either way).
   */
  worker?: boolean;
}

/** What dicomweb-client is asked to use for one request: our XMLHttpRequest, so we can abort it and see why it ended. */
export interface ClientRequest {
  instance: XMLHttpRequest;
}

/** A byte array dicomweb-client returns for a multipart part, with what the part's headers said. */
export type Part = ArrayBuffer & { transferSyntaxUID?: string | null; contentType?: string | null };

/**
 * The slice of dicomweb-client's API Segmark uses. Its bundled typings declare
 * several of these as returning arrays where they return promises, so the
 * client is seen through this interface instead.
 */
export interface Client {
  searchForStudies(options: { queryParams?: Record<string, string>; request: ClientRequest }): Promise<unknown>;
  searchForSeries(options: { studyInstanceUID?: string; queryParams?: Record<string, string>; request: ClientRequest }): Promise<unknown>;
  searchForInstances(options: { studyInstanceUID?: string; seriesInstanceUID?: string; queryParams?: Record<string, string>; request: ClientRequest }): Promise<unknown>;
  retrieveSeriesMetadata(options: { studyInstanceUID: string; seriesInstanceUID: string; request: ClientRequest }): Promise<unknown>;
  retrieveInstanceMetadata(options: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string; request: ClientRequest }): Promise<unknown>;
  retrieveInstanceFrames(options: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUID: string;
    frameNumbers: string;
    mediaTypes: { mediaType: string; transferSyntaxUID?: string }[];
    request: ClientRequest;
  }): Promise<Part[]>;
  retrieveInstance(options: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string; request: ClientRequest }): Promise<Part | undefined>;
  storeInstances(options: { datasets: ArrayBuffer[]; studyInstanceUID?: string; request: ClientRequest }): Promise<unknown>;
}

export interface RequestOptions {
  /** GETs are retried; POSTs are not (a STOW that reached the server may have stored something). */
  method: 'GET' | 'POST';
  /** The resource, for messages (`file` of the error, shown without its query string: `displayUrl`). */
  url: string;
  signal?: AbortSignal | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_DELAY_MS = 300;

export function rootOf(source: DicomWebSource): string {
  return source.root.replace(/\/+$/, '');
}

/** Runs one dicomweb-client call with retries (GET), timeout and cancellation; rejects with a SegmarkError. */
export function dicomWebRequest<T>(source: DicomWebSource, options: RequestOptions, call: (client: Client, request: ClientRequest) => Promise<T>): Promise<T> {
  return withRetries(source, options, () => once(source, options, call));
}

/**
 * Runs `attempt` until it succeeds, tried again (GETs only, `source.retries`
 * times) when it failed with `pacs-unreachable` or `pacs-timeout`, with
 * exponential backoff; other errors end it at once.
 */
export async function withRetries<T>(source: DicomWebSource, options: Pick<RequestOptions, 'method' | 'signal'>, attempt: () => Promise<T>): Promise<T> {
  const retries = options.method === 'GET' ? Math.max(0, source.retries ?? DEFAULT_RETRIES) : 0;
  const delay = Math.max(0, source.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
  for (let n = 0; ; n++) {
    throwIfAborted(options.signal);
    try {
      return await attempt();
    } catch (error) {
      const e = error as SegmarkError;
      if (n >= retries || !retryable(e)) throw e;
      // Exponential backoff with jitter, so many clients of one restarting PACS do not come back in step.
      await sleep(delay * 2 ** n * (0.75 + Math.random() / 2), options.signal);
    }
  }
}

function retryable(e: SegmarkError): boolean {
  return e.code === 'pacs-unreachable' || e.code === 'pacs-timeout';
}

/** The request headers `source` gives now (a function is asked each time); its failure is `pacs-unauthorized`. */
export async function requestHeaders(source: DicomWebSource, url: string): Promise<Record<string, string>> {
  try {
    return typeof source.headers === 'function' ? await source.headers() : (source.headers ?? {});
  } catch (error) {
    // The host could not give credentials (e.g. a token refresh failed): as good as refused.
    throw new SegmarkError('pacs-unauthorized', 'the headers function failed', { file: displayUrl(url), cause: error, params: { reason: 'no credentials' } });
  }
}

/** Milliseconds one request may take (`source.timeoutMs`, default 30 s). */
export function timeoutOf(source: DicomWebSource): number {
  return source.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

async function once<T>(source: DicomWebSource, options: RequestOptions, call: (client: Client, request: ClientRequest) => Promise<T>): Promise<T> {
  const headers = await requestHeaders(source, options.url);
  throwIfAborted(options.signal);
  const timeoutMs = timeoutOf(source);
  // Not an XMLHttpRequest: one cannot keep PACS answers out of the browser's HTTP cache (no-store-request.ts).
  const xhr = new NoStoreRequest() as unknown as XMLHttpRequest;
  xhr.timeout = timeoutMs;
  let timedOut = false;
  let aborted = false;
  xhr.addEventListener('timeout', () => (timedOut = true));
  const onAbort = (): void => {
    aborted = true;
    xhr.abort();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const client = new api.DICOMwebClient({ url: rootOf(source), headers, verbose: false, singlepart: false }) as unknown as Client;
  try {
    return await new Promise<T>((resolve, reject) => {
      let settled = false;
      // dicomweb-client parses the body inside the request's readystatechange handler; when the
      // body is not the multipart it announced, that parse throws there and its promise never
      // settles. A request that ended well but gave no result by the next task had such a body.
      xhr.addEventListener('loadend', () =>
        setTimeout(() => {
          if (!settled && xhr.status >= 200 && xhr.status < 300) {
            settled = true;
            reject(new SegmarkError('pacs-bad-response', 'the body is not the multipart message its Content-Type announces', { file: displayUrl(options.url), params: { reason: 'malformed multipart body' } }));
          }
        }, 0),
      );
      call(client, { instance: xhr }).then(
        (value) => {
          if (settled) return;
          settled = true;
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          // dicomweb-client rejects from readystatechange, before the 'timeout' or 'abort' event of
          // the same task has told us why the request ended: classify on the next task.
          setTimeout(() => reject(error), 0);
        },
      );
    });
  } catch (error) {
    throw classify(error, { url: options.url, timedOut, aborted, timeoutMs, signal: options.signal });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

interface Ending {
  url: string;
  timedOut: boolean;
  aborted: boolean;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** The error a failed request means for the user, from its HTTP status and how the request ended. */
function classify(error: unknown, end: Ending): SegmarkError {
  if (error instanceof SegmarkError) return error;
  const file = displayUrl(end.url);
  if (end.aborted || end.signal?.aborted) return new SegmarkError('aborted', 'cancelled', { file, cause: error });
  const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : undefined;
  if (status === undefined) return new SegmarkError('internal', error instanceof Error ? error.message : String(error), { file, cause: error });
  if (status === 0) {
    if (end.timedOut) return new SegmarkError('pacs-timeout', `no answer within ${end.timeoutMs} ms`, { file, cause: error, params: { seconds: end.timeoutMs / 1000 } });
    return new SegmarkError('pacs-unreachable', 'the request failed before any answer (network error, server down, or blocked by CORS)', {
      file,
      cause: error,
      params: { reason: 'no answer' },
    });
  }
  return statusError(status, file, end.timeoutMs, error);
}

/** The error an HTTP answer with a failure `status` (4xx, 5xx) means for the user. */
export function statusError(status: number, url: string, timeoutMs: number, cause?: unknown): SegmarkError {
  const file = displayUrl(url);
  const params = { status, reason: `HTTP ${status}` };
  if (status === 401 || status === 403) return new SegmarkError('pacs-unauthorized', `HTTP ${status}`, { file, cause, params });
  if (status === 404) return new SegmarkError('pacs-not-found', 'HTTP 404', { file, cause, params });
  if (status === 408 || status === 504) return new SegmarkError('pacs-timeout', `HTTP ${status}`, { file, cause, params: { ...params, seconds: timeoutMs / 1000 } });
  if (status >= 500) return new SegmarkError('pacs-unreachable', `HTTP ${status}`, { file, cause, params });
  return new SegmarkError('pacs-bad-response', `HTTP ${status}`, { file, cause, params });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SegmarkError('aborted', 'cancelled', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
