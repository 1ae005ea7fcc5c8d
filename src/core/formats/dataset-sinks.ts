/**
 * Where a dataset build writes (`DatasetSink` in dataset-build.ts):
 *
 * - `DirectorySink`: a folder through the File System Access API
 *   (`showDirectoryPicker()` in Chromium, or the origin private file system
 *   from `navigator.storage.getDirectory()`, which has the same API). Files
 *   go straight to disk, each piece as it comes (the CT's are made while it
 *   writes): nothing of a file is held beyond the piece being written.
 *   `createWritable()` writes into a swap file that replaces the file only
 *   on `close()`, so a file is never seen half written.
 * - `ZipPartsSink`: a zip in parts of bounded size, each a complete archive
 *   (unzip all of them into one folder and the dataset is whole), streamed
 *   to whatever `openPart` gives (a file, a download, a Blob being built).
 *
 * Both are typed structurally, so this module needs no DOM types and its
 * logic runs in Node against a stand-in folder.
 */
import { SegmarkError, throwIfAborted } from '../errors.js';
import type { DatasetSink, SinkData } from './dataset-build.js';
import { DUMMY_INSTANT } from './deidentify.js';
import { zipPieces } from './zip.js';

// ---------------------------------------------------------------------------
// A folder (File System Access API)

/** What a `FileSystemWritableFileStream` offers that we use. */
export interface WritableLike {
  /** ArrayBuffer-backed bytes, as the platform's `write` takes them. */
  write(data: Uint8Array<ArrayBuffer>): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/** What a `FileSystemFileHandle` offers that we use. */
export interface FileHandleLike {
  createWritable(): Promise<WritableLike>;
}

/** What a `FileSystemDirectoryHandle` offers that we use. */
export interface DirectoryHandleLike {
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandleLike>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike>;
}

export class DirectorySink implements DatasetSink {
  readonly #root: DirectoryHandleLike;
  /** Writes in progress, aborted by `abort()`. */
  readonly #open = new Set<WritableLike>();

  constructor(root: DirectoryHandleLike) {
    this.#root = root;
  }

  async exists(path: string): Promise<boolean> {
    const { dirs, name } = split(path);
    try {
      let dir = this.#root;
      for (const d of dirs) dir = await dir.getDirectoryHandle(d);
      await dir.getFileHandle(name);
      return true;
    } catch (error) {
      // NotFoundError, or TypeMismatchError where a folder has the name: not there.
      const n = (error as { name?: unknown } | null)?.name;
      if (n === 'NotFoundError' || n === 'TypeMismatchError') return false;
      throw folderError(path, error);
    }
  }

  async write(path: string, data: SinkData, signal?: AbortSignal): Promise<void> {
    const { dirs, name } = split(path);
    let writable: WritableLike | undefined;
    try {
      let dir = this.#root;
      for (const d of dirs) dir = await dir.getDirectoryHandle(d, { create: true });
      writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      this.#open.add(writable);
      for await (const piece of data instanceof Uint8Array ? [data] : data) {
        throwIfAborted(signal);
        // Our pieces are never views of a SharedArrayBuffer.
        if (piece.length) await writable.write(piece as Uint8Array<ArrayBuffer>);
      }
      throwIfAborted(signal);
      await writable.close();
      this.#open.delete(writable);
    } catch (error) {
      if (writable && this.#open.delete(writable)) await writable.abort().catch(() => {});
      if (error instanceof SegmarkError) throw error;
      throw folderError(path, error);
    }
  }

  async abort(): Promise<void> {
    const open = [...this.#open];
    this.#open.clear();
    await Promise.all(open.map((w) => w.abort().catch(() => {})));
  }
}

function split(path: string): { dirs: string[]; name: string } {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new SegmarkError('internal', `bad dataset path ${path}`);
  return { dirs: parts.slice(0, -1), name: parts[parts.length - 1]! };
}

function folderError(path: string, error: unknown): SegmarkError {
  const name = (error as { name?: unknown } | null)?.name;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (name === 'QuotaExceededError') return new SegmarkError('storage-quota', `${path}: ${detail}`, { cause: error, file: path });
  return new SegmarkError('storage-unavailable', `${path}: ${detail}`, { cause: error, file: path });
}

// ---------------------------------------------------------------------------
// A zip in parts

/** Where one part's bytes go, in order. */
export interface PartWriter {
  write(bytes: Uint8Array): Promise<void> | void;
  /** The part is complete. */
  close(): Promise<void> | void;
  /** The part will not be completed: drop it. */
  abort?(): Promise<void> | void;
}

/** What a zip sink has finished: closed parts and the files in them, to resume with. */
export interface ZipPartsState {
  readonly parts: number;
  readonly entries: readonly string[];
}

export interface ZipPartsOptions {
  /** Opens part `index` (1, 2, …); `partName` gives a name for it. */
  openPart(index: number): Promise<PartWriter> | PartWriter;
  /** A new part starts before a file that would take the current one past this; default 1 GiB, at most 4 GiB (no ZIP64). */
  maxPartBytes?: number;
  /** The state of an earlier sink that was cut off (`state()`): its closed parts stay, numbering goes on. */
  resume?: ZipPartsState;
}

/** The pieces of `data`, read once. */
async function collect(data: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, signal: AbortSignal | undefined): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  for await (const piece of data) {
    throwIfAborted(signal);
    pieces.push(piece);
  }
  return pieces;
}

/** `<base>.part001.zip`, … */
export function partName(base: string, index: number): string {
  return `${base}.part${String(index).padStart(3, '0')}.zip`;
}

/** The part being written: its size so far and the central directory records of its files. */
interface OpenPart {
  readonly writer: PartWriter;
  size: number;
  readonly central: Uint8Array[];
  readonly names: string[];
}

const MAX_ZIP32 = 0xffffffff;
/** Bytes of the end-of-central-directory record. */
const END_BYTES = 22;

/**
 * Each file is written as it comes: its local header and data go to the
 * part at once; only its central directory record (tens of bytes) is kept
 * until the part closes. The headers are made by `zipPieces` (zip.ts), one
 * entry at a time, its central record's offset then set to where the entry
 * really is in the part — so both writers share one encoding of the format.
 */
export class ZipPartsSink implements DatasetSink {
  readonly #options: ZipPartsOptions;
  readonly #max: number;
  /** Files in closed parts. */
  readonly #finished: Set<string>;
  #parts: number;
  #current: OpenPart | undefined;

  constructor(options: ZipPartsOptions) {
    this.#options = options;
    this.#max = Math.min(options.maxPartBytes ?? 2 ** 30, MAX_ZIP32);
    this.#finished = new Set(options.resume?.entries ?? []);
    this.#parts = options.resume?.parts ?? 0;
  }

  /** Closed parts and their files; a part still open is not counted. */
  state(): ZipPartsState {
    return { parts: this.#parts - (this.#current ? 1 : 0), entries: [...this.#finished] };
  }

  async exists(path: string): Promise<boolean> {
    return this.#finished.has(path) || (this.#current?.names.includes(path) ?? false);
  }

  async write(path: string, data: SinkData, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    // The local header comes first and holds the size and CRC: pieces made while we write are collected first.
    const bytes = data instanceof Uint8Array ? data : await collect(data, signal);
    // .nii.gz are stored as they are; the JSON is deflated.
    const pieces = zipPieces([{ name: path, bytes, store: path.endsWith('.gz') }], DUMMY_INSTANT);
    const local = pieces[0]!;
    const body = pieces.slice(1, -1);
    const tail = pieces[pieces.length - 1]!;
    const central = tail.slice(0, tail.length - END_BYTES);
    const entryBytes = local.length + body.reduce((sum, p) => sum + p.length, 0);
    if (this.#current && this.#current.size + entryBytes + this.#current.central.reduce((s, c) => s + c.length, 0) + central.length + END_BYTES > this.#max) {
      await this.#closePart();
    }
    const part = this.#current ?? (await this.#openPart());
    if (part.central.length >= 0xffff) throw new SegmarkError('internal', 'a zip part holds at most 65535 files');
    new DataView(central.buffer, central.byteOffset, central.length).setUint32(42, part.size, true);
    for (const p of [local, ...body]) {
      throwIfAborted(signal);
      await part.writer.write(p);
    }
    part.size += entryBytes;
    part.central.push(central);
    part.names.push(path);
  }

  async finish(): Promise<void> {
    if (this.#current) await this.#closePart();
  }

  async abort(): Promise<void> {
    const part = this.#current;
    this.#current = undefined;
    if (part) {
      this.#parts -= 1;
      await part.writer.abort?.();
    }
  }

  async #openPart(): Promise<OpenPart> {
    this.#parts += 1;
    const writer = await this.#options.openPart(this.#parts);
    this.#current = { writer, size: 0, central: [], names: [] };
    return this.#current;
  }

  async #closePart(): Promise<void> {
    const part = this.#current!;
    const centralLength = part.central.reduce((s, c) => s + c.length, 0);
    const end = new Uint8Array(END_BYTES);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, part.central.length, true);
    v.setUint16(10, part.central.length, true);
    v.setUint32(12, centralLength, true);
    v.setUint32(16, part.size, true);
    for (const c of part.central) await part.writer.write(c);
    await part.writer.write(end);
    await part.writer.close();
    for (const name of part.names) this.#finished.add(name);
    this.#current = undefined;
  }
}
