/**
 * The image cache behind `cache-images`: the source DICOM files of opened
 * series, kept so that after a reload the last work reopens without picking
 * files again. Patient images in the browser are the hospital's choice, so the
 * host turns the cache on, caps its size, and can forget every image at once.
 *
 * Files are stored as Blobs, not ArrayBuffers. Measured in headless Chromium
 * with 160 files of 512 KB: writing took about as long either way (0.4–1 s),
 * but reading the series back took 20 ms as Blobs against 1–1.2 s as
 * ArrayBuffers, which also put all 80 MB on the heap at once. Chromium keeps
 * large Blobs as files beside the database and reads them when asked, so the
 * loader can parse one file at a time.
 *
 * Every write is one readwrite transaction over the two image stores: a new
 * copy replaces the old one and least recently used series are evicted in the
 * same commit, or nothing changes. Documents are never touched.
 */
import { SegmarkError } from '../core/errors.js';
import { isZip, unzipEntries, type LoadSource } from '../core/dicom/sources.js';
import type { SegmarkDb } from './db.js';
import type { CachedFileKey, CachedSeriesRecord, SeriesKey } from './schema.js';
import { run, storageError, Writes } from './transaction.js';

export interface FileToCache {
  name: string;
  bytes: Blob | ArrayBuffer;
}

export interface CacheSeriesMeta {
  /** Series Description, for the list of cached series. */
  description?: string;
}

export interface CacheOptions {
  /** Bytes the whole cache may hold once this series is in; other series are evicted to stay within it. */
  capBytes: number;
  /** Clock, for tests. */
  now?: number;
}

export interface CachedSeriesSummary {
  key: SeriesKey;
  description: string | undefined;
  fileCount: number;
  totalBytes: number;
  lastUsed: number;
  createdAt: number;
}

/**
 * Stores the files of a series, replacing any older copy, and evicts the least
 * recently used other series until the cache holds at most `capBytes`; returns
 * the evicted keys, least recently used first. A series larger than the cap on
 * its own is refused (`image-cache-cap`) and nothing changes.
 */
export async function cacheSeries(
  db: SegmarkDb,
  key: SeriesKey,
  meta: CacheSeriesMeta,
  files: readonly FileToCache[],
  options: CacheOptions,
): Promise<SeriesKey[]> {
  const { capBytes, now = Date.now() } = options;
  if (!(capBytes > 0)) throw new RangeError(`capBytes must be a positive number, not ${capBytes}`);
  if (files.length === 0) throw new SegmarkError('internal', `series ${key}: no files to cache`);
  // Made before the transaction opens: it must wait on nothing but its own requests.
  const blobs = files.map((f) => (f.bytes instanceof Blob ? f.bytes : new Blob([f.bytes])));
  const totalBytes = blobs.reduce((sum, b) => sum + b.size, 0);
  if (totalBytes > capBytes) {
    throw new SegmarkError('image-cache-cap', `series ${key}: ${totalBytes} bytes, more than the cap of ${capBytes}`, {
      params: { size: megabytes(totalBytes), cap: megabytes(capBytes) },
    });
  }
  const record: CachedSeriesRecord = {
    key,
    description: meta.description,
    fileCount: files.length,
    totalBytes,
    lastUsed: now,
    createdAt: now,
    fileNames: files.map((f) => f.name),
  };
  return run(db, IMAGE_STORES, 'readwrite', async (tx) => {
    const series = tx.objectStore('image-series');
    const stored = tx.objectStore('image-files');
    const others = (await series.getAll()).filter((s) => s.key !== key).sort((a, b) => a.lastUsed - b.lastUsed);
    let total = others.reduce((sum, s) => sum + s.totalBytes, totalBytes);
    const evicted: SeriesKey[] = [];
    for (const s of others) {
      if (total <= capBytes) break;
      evicted.push(s.key);
      total -= s.totalBytes;
    }
    const requests = new Writes();
    for (const k of evicted) requests.add(series.delete(k));
    for (const k of [key, ...evicted]) requests.add(stored.delete(filesOf(k)));
    requests.add(series.put(record));
    blobs.forEach((bytes, index) => requests.add(stored.put({ seriesKey: key, index, name: files[index]!.name, bytes })));
    await requests.all();
    return evicted;
  });
}

/**
 * The files of one opened series among the sources it was read from, to be
 * cached: the picked or dropped files it was made of (by name, which a
 * folder's files carry as their path), and from a zip archive only its
 * entries that the series was made of (named `archive.zip/path`, as the
 * loader names them), each as a file of its own. Whatever else the sources
 * hold — other series, other patients — is left out. URLs are left out: they
 * can be fetched again.
 */
export async function seriesFiles(sources: readonly LoadSource[], fileNames: readonly string[]): Promise<FileToCache[]> {
  const wanted = new Set(fileNames);
  const files: FileToCache[] = [];
  for (const source of sources) {
    if ('url' in source) continue;
    const blob = 'blob' in source ? source.blob : source;
    if (wanted.has(source.name)) {
      files.push({ name: source.name, bytes: blob });
      continue;
    }
    if (![...wanted].some((name) => name.startsWith(`${source.name}/`))) continue;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (!isZip(bytes)) continue;
    for (const entry of await unzipEntries(source.name, bytes)) {
      if (wanted.has(entry.name)) files.push({ name: entry.name, bytes: new Blob([entry.bytes as Uint8Array<ArrayBuffer>]) });
    }
  }
  return files;
}

/** Every cached series, most recently used first. */
export async function cachedSeries(db: SegmarkDb): Promise<CachedSeriesSummary[]> {
  const records = await run(db, IMAGE_STORES, 'readonly', (tx) => tx.objectStore('image-series').getAll());
  return records
    .map((r) => ({
      key: r.key,
      description: r.description,
      fileCount: r.fileCount,
      totalBytes: r.totalBytes,
      lastUsed: r.lastUsed,
      createdAt: r.createdAt,
    }))
    .sort((a, b) => b.lastUsed - a.lastUsed);
}

/** Bytes held by all cached series together. */
export async function cacheUsage(db: SegmarkDb): Promise<number> {
  const records = await run(db, IMAGE_STORES, 'readonly', (tx) => tx.objectStore('image-series').getAll());
  return records.reduce((sum, r) => sum + r.totalBytes, 0);
}

/**
 * The cached files of a series in the order they were cached, named as they
 * were (so the loader's messages name them), or undefined when the series is
 * not cached. Marks the series used now. The Files are read lazily.
 */
export async function loadCachedSeries(db: SegmarkDb, key: SeriesKey, now: number = Date.now()): Promise<File[] | undefined> {
  return run(db, IMAGE_STORES, 'readwrite', async (tx) => {
    const series = tx.objectStore('image-series');
    const record = await series.get(key);
    if (!record) return undefined;
    const stored = await tx.objectStore('image-files').index('by-series').getAll(key);
    if (stored.length !== record.fileCount || stored.some((f, i) => f.index !== i || !(f.bytes instanceof Blob))) {
      throw new SegmarkError('storage-corrupt', `cached series ${key}: ${stored.length} of ${record.fileCount} files readable`);
    }
    await series.put({ ...record, lastUsed: now });
    return stored.map((f) => new File([f.bytes], f.name, { type: f.bytes.type }));
  });
}

/** Removes one cached series and its files. */
export async function forgetSeries(db: SegmarkDb, key: SeriesKey): Promise<void> {
  await run(db, IMAGE_STORES, 'readwrite', async (tx) => {
    const requests = new Writes();
    requests.add(tx.objectStore('image-series').delete(key));
    requests.add(tx.objectStore('image-files').delete(filesOf(key)));
    await requests.all();
  });
}

/** "Forget cached images": afterwards the database holds no image bytes at all. */
export async function forgetAllImages(db: SegmarkDb): Promise<void> {
  await run(db, IMAGE_STORES, 'readwrite', async (tx) => {
    const requests = new Writes();
    requests.add(tx.objectStore('image-series').clear());
    requests.add(tx.objectStore('image-files').clear());
    await requests.all();
  });
}

// ── internals ────────────────────────────────────────────────────────────

type ImageStore = 'image-series' | 'image-files';
const IMAGE_STORES: ImageStore[] = ['image-series', 'image-files'];

/** Every file key of one series: numbers sort below strings, so [key, -∞…+∞] covers them all. */
function filesOf(key: SeriesKey): IDBKeyRange {
  return IDBKeyRange.bound([key, -Infinity] satisfies CachedFileKey, [key, Infinity] satisfies CachedFileKey);
}

function megabytes(bytes: number): number {
  return bytes / 1_000_000;
}
