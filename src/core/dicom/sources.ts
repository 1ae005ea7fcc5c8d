/**
 * Where DICOM bytes come from: files (picked or dropped), blobs with a name,
 * URLs, and zip archives holding any of these. Reading errors become
 * SegmarkErrors naming the file; one bad source never stops the others.
 */
import { Unzip, UnzipInflate } from 'fflate';
import { SegmarkError, toSegmarkError } from '../errors.js';
import { displayUrl } from '../util/display-url.js';

export interface NamedBlob {
  name: string;
  blob: Blob;
}

export interface UrlSource {
  url: string;
  headers?: Record<string, string>;
}

export type LoadSource = NamedBlob | UrlSource | (Blob & { name: string });

export interface SourceBytes {
  name: string;
  bytes: Uint8Array;
}

/** A source's name for messages and instances' `fileName`: a URL without its query string or fragment (`displayUrl`). */
export function sourceName(source: LoadSource): string {
  if ('url' in source) return displayUrl(source.url);
  return source.name;
}

export async function readSource(source: LoadSource, signal?: AbortSignal): Promise<Uint8Array> {
  const name = sourceName(source);
  try {
    if ('url' in source) {
      // Never into the browser's HTTP disk cache: a PACS's answer holds patient data.
      const response = await fetch(source.url, { headers: source.headers, signal, cache: 'no-store' });
      if (!response.ok) {
        throw new SegmarkError('fetch-failed', `HTTP ${response.status} ${response.statusText}`, {
          file: name,
          params: { status: response.status },
        });
      }
      // A web page where a file was expected is a server's error or login page, often sent with 200.
      const type = response.headers.get('content-type') ?? '';
      if (type.startsWith('text/html')) {
        throw new SegmarkError('fetch-failed', `the server answered with a web page (${type}), not a file`, {
          file: name,
          params: { status: response.status },
        });
      }
      return new Uint8Array(await response.arrayBuffer());
    }
    const blob = 'blob' in source ? source.blob : source;
    return new Uint8Array(await blob.arrayBuffer());
  } catch (error) {
    throw toSegmarkError(error, 'url' in source ? 'fetch-failed' : 'read-failed', name);
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/** Bytes fed to the unzipper between two turns of the page. */
const UNZIP_STEP = 4 << 20;
/** Bytes fed to the unzipper at once. */
const PUSH_BYTES = 64 << 10;

/** What one zip archive may inflate to: a zip bomb is refused before it fills memory. */
export interface ZipLimits {
  /** Bytes one entry may inflate to. */
  entryBytes: number;
  /** Bytes all entries together may inflate to. */
  totalBytes: number;
  /** Inflated ÷ compressed size beyond which an entry larger than `ratioFloorBytes` is refused (zeros reach 1000:1; CT ~2–20:1). */
  ratio: number;
  ratioFloorBytes: number;
}

export const ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  entryBytes: 1 << 30,
  totalBytes: 4 * 2 ** 30,
  ratio: 200,
  ratioFloorBytes: 64 << 20,
});

/**
 * Entries of a zip archive as named byte arrays; folders and macOS resource
 * forks are left out. Inflated here in steps with fflate's streaming
 * unzipper — not its asynchronous `unzip`, which starts workers from blob:
 * URLs that a strict Content-Security-Policy refuses. Every entry is checked
 * against `limits` by its declared size before it starts and by what it has
 * inflated so far while it runs: past a limit the archive fails with
 * `input-too-large`, naming the entry and the limit, and nothing of it is
 * kept.
 */
export async function unzipEntries(archiveName: string, bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Promise<SourceBytes[]> {
  const entries: SourceBytes[] = [];
  let failure: Error | undefined;
  let total = 0;
  const tooLarge = (entry: string, what: string, size: number, limit: number) =>
    new SegmarkError('input-too-large', `zip entry ${entry}: ${what} ${size} bytes, limit ${limit}`, {
      file: `${archiveName}/${entry}`,
      params: { what, size: (size / 1e6).toFixed(0), limit: (limit / 1e6).toFixed(0) },
    });
  const unzipper = new Unzip((file) => {
    if (file.name.endsWith('/') || file.name.includes('__MACOSX/') || failure) return;
    const declared = file.originalSize ?? 0;
    const compressed = Math.max(1, file.size ?? 0);
    const check = (size: number): Error | undefined =>
      size > limits.entryBytes
        ? tooLarge(file.name, 'the unpacked file', size, limits.entryBytes)
        : total + size > limits.totalBytes
          ? tooLarge(file.name, 'the unpacked archive', total + size, limits.totalBytes)
          : size > limits.ratioFloorBytes && size / compressed > limits.ratio
            ? tooLarge(file.name, `the unpacked file (${Math.round(size / compressed)}:1 compression)`, size, limits.ratioFloorBytes)
            : undefined;
    failure = check(declared);
    if (failure) return;
    const chunks: Uint8Array[] = [];
    let inflated = 0;
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = error;
        return;
      }
      inflated += data.length;
      // The declared size may lie: what comes out counts.
      failure = check(inflated);
      if (failure) {
        file.terminate();
        chunks.length = 0;
        return;
      }
      chunks.push(data);
      if (final) {
        total += inflated;
        entries.push({ name: `${archiveName}/${file.name}`, bytes: concatenate(chunks) });
      }
    };
    file.start();
  });
  unzipper.register(UnzipInflate);
  try {
    // Pushed in small pieces, so one piece of a bomb inflates to at most ~1000 × PUSH_BYTES before the limits are checked.
    let sinceTurn = 0;
    for (let at = 0; ; at += PUSH_BYTES) {
      const end = Math.min(at + PUSH_BYTES, bytes.length);
      const last = end >= bytes.length;
      unzipper.push(bytes.subarray(at, end), last);
      if (failure || last) break;
      sinceTurn += PUSH_BYTES;
      if (sinceTurn >= UNZIP_STEP) {
        sinceTurn = 0;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  if (failure instanceof SegmarkError) throw failure;
  if (failure) throw new SegmarkError('read-failed', `zip archive: ${failure.message}`, { file: archiveName, cause: failure });
  return entries;
}

function concatenate(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Files per batched read: one call to a `BlobReader`, which reads it in runs of up to RUN_BYTES (`read-runs.ts`). */
const BATCH_FILES = 32;

/**
 * Groups sources into reads: local files a batch at a time (read as few
 * concatenated Blobs, `read-runs.ts`), URLs one by one. Batches are made by
 * count, without asking sizes (a picked File's size costs a trip to the
 * browser process), and small enough that the page parses one batch while the
 * next is read.
 */
export function planReads(sources: readonly LoadSource[]): LoadSource[][] {
  const plan: LoadSource[][] = [];
  let batch: LoadSource[] = [];
  const flush = (): void => {
    if (batch.length) plan.push(batch);
    batch = [];
  };
  for (const source of sources) {
    if ('url' in source) {
      plan.push([source]);
      continue;
    }
    batch.push(source);
    if (batch.length >= BATCH_FILES) flush();
  }
  flush();
  return plan;
}
