/**
 * A multipart/related body (RFC 2046 §5.1, as WADO-RS sends it) read as it
 * arrives: parts are handed out one by one as soon as their closing
 * delimiter is in, so a series retrieve of hundreds of instances is parsed
 * while the rest is still on the wire, and the whole answer is never held.
 *
 * Why our own and not dicomweb-client's: that one takes the whole body as
 * one ArrayBuffer once the request has ended. Here each chunk is kept only
 * until its part is complete; a part's bytes are copied once, into a buffer
 * of their own (or are a view of one chunk when the part lies inside it).
 *
 * A part with a Content-Length header (Orthanc, dcm4chee send one) is taken
 * by its length, checked by the delimiter that must follow, so the payload
 * is not scanned; without one, or when the length proves wrong, the payload
 * is scanned for the delimiter (CRLF "--" boundary). A boundary-like string
 * inside a payload that is not followed by "--" or the end of the line is
 * payload. A body that ends before the close delimiter is
 * `pacs-bad-response` ('truncated multipart body').
 */
import { SegmarkError } from '../core/errors.js';
import { yieldToEventLoop } from '../core/util/concurrency.js';

export interface MultipartPart {
  /** Header fields, names in lower case (`content-type`, `content-length`, `content-location`). */
  headers: Map<string, string>;
  body: Uint8Array;
}

/** The boundary parameter of a `multipart/…` Content-Type; undefined when there is none (or it is not multipart). */
export function multipartBoundary(contentType: string | null | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary && boundary.length <= 200 ? boundary : undefined;
}

/** A media type parameter (e.g. `type`, `transfer-syntax`) of a Content-Type, unquoted; undefined when absent. */
export function mediaTypeParameter(contentType: string | null | undefined, name: string): string | undefined {
  if (!contentType) return undefined;
  for (const param of contentType.split(';').slice(1)) {
    const at = param.indexOf('=');
    if (at < 0 || param.slice(0, at).trim().toLowerCase() !== name.toLowerCase()) continue;
    return param.slice(at + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SPACE = 0x20;
const TAB = 0x09;
/** Part headers larger than this are no WADO-RS answer (a few hundred bytes are usual). */
const MAX_HEADER_BYTES = 64 * 1024;
const HEADER_END = Uint8Array.of(CR, LF, CR, LF);

/**
 * The bytes received and not yet handed out, as the chunks they came in.
 * Positions are counted from the first byte not yet consumed.
 */
class ChunkQueue {
  /** `onDrop`: told of each chunk once all of it has been consumed. */
  constructor(private readonly onDrop?: (chunk: Uint8Array) => void) {}

  private chunks: Uint8Array[] = [];
  /** Consumed bytes of `chunks[0]`. */
  private head = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  byteAt(at: number): number {
    let i = at + this.head;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    return -1;
  }

  /** Whether `pattern` is at `at` (false when the bytes there are not all in yet). */
  matches(pattern: Uint8Array, at: number): boolean {
    if (at < 0 || at + pattern.length > this.length) return false;
    let c = 0;
    let i = at + this.head;
    while (i >= this.chunks[c]!.length) i -= this.chunks[c++]!.length;
    return this.matchesFrom(pattern, c, i);
  }

  /** Whether `pattern` starts at index `i` of chunk `c` (all of it in). */
  private matchesFrom(pattern: Uint8Array, c: number, i: number): boolean {
    let chunk = this.chunks[c]!;
    for (let k = 0; k < pattern.length; k++, i++) {
      while (i >= chunk.length) {
        i -= chunk.length;
        chunk = this.chunks[++c]!;
      }
      if (chunk[i] !== pattern[k]) return false;
    }
    return true;
  }

  /** First position ≥ `from` where `pattern` starts, or −1 when none starts there whole among the bytes in. */
  indexOf(pattern: Uint8Array, from: number): number {
    const first = pattern[0]!;
    const last = this.length - pattern.length;
    let base = -this.head;
    for (let c = 0; c < this.chunks.length && base <= last; c++) {
      const chunk = this.chunks[c]!;
      const start = Math.max(from - base, c === 0 ? this.head : 0);
      // The typed array's own search finds candidates; only they are compared in full.
      for (let i = chunk.indexOf(first, start); i >= 0 && base + i <= last; i = chunk.indexOf(first, i + 1)) {
        if (this.matchesFrom(pattern, c, i)) return base + i;
      }
      base += chunk.length;
    }
    return -1;
  }

  /** The first `n` bytes, consumed: a view when they lie in one chunk, else a copy into one buffer. */
  take(n: number): Uint8Array {
    const first = this.chunks[0];
    let out: Uint8Array;
    if (n === 0) out = new Uint8Array(0);
    else if (first && this.head + n <= first.length) out = first.subarray(this.head, this.head + n);
    else {
      out = new Uint8Array(n);
      let o = 0;
      let i = 0;
      let h = this.head;
      while (o < n) {
        const piece = this.chunks[i++]!.subarray(h, h + (n - o));
        out.set(piece, o);
        o += piece.length;
        h = 0;
      }
    }
    this.skip(n);
    return out;
  }

  skip(n: number): void {
    this.length -= n;
    let left = n + this.head;
    while (this.chunks.length > 0 && left >= this.chunks[0]!.length) {
      left -= this.chunks[0]!.length;
      const dropped = this.chunks.shift()!;
      this.onDrop?.(dropped);
    }
    this.head = this.chunks.length > 0 ? left : 0;
  }

  text(n: number): string {
    const bytes = this.take(n);
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'epilogue';

/**
 * Push parser: `push` each chunk as it comes and take the parts it completed;
 * `end` once the body has ended, which throws when the close delimiter never came.
 */
export class MultipartParser {
  private readonly queue: ChunkQueue;
  /** CRLF "--" boundary: what ends a part. */
  private readonly delimiter: Uint8Array;
  private state: State = 'preamble';
  private headers = new Map<string, string>();
  /** Where the next search for the delimiter resumes (bytes before it were searched). */
  private searchFrom = 0;
  /** The part's Content-Length, while it is trusted. */
  private expected: number | undefined;
  private parts = 0;

  /** `file`: the request's URL, for errors. `onChunkDone`: told of each pushed chunk once all of it has been consumed. */
  constructor(
    boundary: string,
    private readonly file: string,
    onChunkDone?: (chunk: Uint8Array) => void,
  ) {
    this.queue = new ChunkQueue(onChunkDone);
    const b = `\r\n--${boundary}`;
    this.delimiter = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i++) this.delimiter[i] = b.charCodeAt(i) & 0xff;
    // The first delimiter may open the body, without the CRLF before it: read as if there were one.
    this.queue.push(Uint8Array.of(CR, LF));
  }

  /** Whether the close delimiter has been read. */
  get complete(): boolean {
    return this.state === 'epilogue';
  }

  /** Takes one chunk of the body; returns the parts it completed, in order (often none). */
  push(chunk: Uint8Array): MultipartPart[] {
    const out: MultipartPart[] = [];
    if (this.state === 'epilogue') return out;
    this.queue.push(chunk);
    for (let part = this.step(); part !== false; part = this.step()) if (part) out.push(part);
    return out;
  }

  /**
   * The body has ended: returns the last part when only a wrong Content-Length
   * (longer than what came) kept it back; throws `pacs-bad-response` unless
   * the close delimiter was read.
   */
  end(): MultipartPart[] {
    const out: MultipartPart[] = [];
    if (this.state === 'body' && this.expected !== undefined) {
      this.expected = undefined;
      for (let part = this.step(); part !== false; part = this.step()) if (part) out.push(part);
    }
    if (this.state !== 'epilogue') {
      throw new SegmarkError('pacs-bad-response', `the multipart body ended after ${this.parts} part(s), before its close delimiter`, {
        file: this.file,
        params: { reason: 'truncated multipart body' },
      });
    }
    return out;
  }

  /** One step of the state machine: a completed part, null for progress without one, false when more bytes are needed. */
  private step(): MultipartPart | null | false {
    const q = this.queue;
    switch (this.state) {
      case 'preamble': {
        // Everything before the first delimiter is ignored (and dropped as it is searched).
        const at = q.indexOf(this.delimiter, this.searchFrom);
        if (at < 0) {
          const keep = this.delimiter.length - 1;
          if (q.length > keep) q.skip(q.length - keep);
          this.searchFrom = 0;
          return false;
        }
        q.skip(at);
        this.searchFrom = 0;
        return this.delimiterEnd() ? null : false;
      }
      case 'after-delimiter':
        return this.delimiterEnd() ? null : false;
      case 'headers': {
        const at = q.length >= 2 && q.byteAt(0) === CR && q.byteAt(1) === LF ? -2 : q.indexOf(HEADER_END, this.searchFrom);
        if (at === -1) {
          if (q.length > MAX_HEADER_BYTES) throw this.malformed('part headers too long');
          this.searchFrom = Math.max(0, q.length - HEADER_END.length + 1);
          return false;
        }
        this.headers = parseHeaders(at === -2 ? '' : q.text(at));
        q.skip(at === -2 ? 2 : 4);
        this.searchFrom = 0;
        const length = this.headers.get('content-length');
        this.expected = length !== undefined && /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : undefined;
        this.state = 'body';
        return null;
      }
      case 'body': {
        let at: number;
        if (this.expected !== undefined) {
          if (q.length < this.expected + this.delimiter.length) return false;
          if (q.matches(this.delimiter, this.expected)) at = this.expected;
          else {
            // The length is wrong: find the end as if none had been given.
            this.expected = undefined;
            return null;
          }
        } else {
          at = q.indexOf(this.delimiter, this.searchFrom);
          if (at < 0) {
            this.searchFrom = Math.max(0, q.length - this.delimiter.length + 1);
            return false;
          }
        }
        // A delimiter only when "--" or the end of its line follows; else it is payload.
        const kind = this.delimiterKind(at + this.delimiter.length);
        if (kind === 'more') return false;
        if (kind === 'not') {
          this.expected = undefined;
          this.searchFrom = at + 1;
          return null;
        }
        const body = q.take(at);
        this.searchFrom = 0;
        this.state = 'after-delimiter';
        this.parts++;
        return { headers: this.headers, body };
      }
      case 'epilogue':
        return false;
    }
  }

  /**
   * What follows a candidate delimiter at `at` (its end): "--" (close), or
   * optional spaces and CRLF (another part); 'not' for anything else, 'more'
   * when the bytes needed are not in yet.
   */
  private delimiterKind(at: number): 'close' | 'part' | 'not' | 'more' {
    const q = this.queue;
    const a = q.byteAt(at);
    if (a < 0) return 'more';
    if (a === DASH) {
      const b = q.byteAt(at + 1);
      return b < 0 ? 'more' : b === DASH ? 'close' : 'not';
    }
    let i = at;
    for (let c = q.byteAt(i); c === SPACE || c === TAB; c = q.byteAt(++i)) if (i - at > 256) return 'not';
    const c = q.byteAt(i);
    if (c < 0) return 'more';
    if (c !== CR) return 'not';
    const d = q.byteAt(i + 1);
    return d < 0 ? 'more' : d === LF ? 'part' : 'not';
  }

  /** At a delimiter (queue position 0): consumes it and what ends its line; false when more bytes are needed. */
  private delimiterEnd(): boolean {
    const q = this.queue;
    const end = this.delimiter.length;
    const kind = this.delimiterKind(end);
    if (kind === 'more') {
      this.state = 'after-delimiter';
      return false;
    }
    if (kind === 'close') {
      this.state = 'epilogue';
      q.skip(q.length);
      return true;
    }
    if (kind === 'not') {
      // Only reachable for the first delimiter: "--boundary" followed by other text is preamble.
      q.skip(1);
      this.state = 'preamble';
      return true;
    }
    let i = end;
    while (q.byteAt(i) !== CR) i++;
    q.skip(i + 2);
    this.state = 'headers';
    return true;
  }

  private malformed(reason: string): SegmarkError {
    return new SegmarkError('pacs-bad-response', `multipart body: ${reason}`, { file: this.file, params: { reason: 'malformed multipart body' } });
  }
}

/** `Name: value` lines (continuation lines folded in); names in lower case. */
function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\r\n')) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers.set(last, `${headers.get(last)!} ${line.trim()}`);
      continue;
    }
    const at = line.indexOf(':');
    if (at <= 0) continue;
    last = line.slice(0, at).trim().toLowerCase();
    headers.set(last, line.slice(at + 1).trim());
  }
  return headers;
}

/** Parsing (with the consumer's work) done before the page gets a turn. */
const TURN_MS = 8;

/** Bytes asked for at a time where the body is a byte stream. */
const READ_BYTES = 1 << 20;

/**
 * Reads a body a bounded piece at a time. With a default reader the browser
 * moves everything the network has delivered into the stream's queue in one
 * task (20 MB of a series retrieve from a PACS on the same network: 110–150 ms
 * of the page's thread, in which it can do nothing else). A reader of a byte
 * stream ("byob") is given at most READ_BYTES per read, so the copying comes
 * in pieces between which the page gets its turns. Bodies that are not byte
 * streams are read the default way.
 */
function chunkReader(
  body: ReadableStream<Uint8Array>,
  spare: ArrayBuffer[],
): { read(): Promise<ReadableStreamReadResult<Uint8Array>>; cancel(): Promise<void>; releaseLock(): void } {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    return body.getReader();
  }
  return {
    // A spare buffer when there is one (`reuseChunks`), else a fresh one: the parser keeps the chunks it has not finished with.
    read: () => {
      let buffer = spare.pop();
      // A spare handed over whole with its part (a part exactly one chunk long) is detached: skip it.
      while (buffer && buffer.byteLength === 0) buffer = spare.pop();
      return byob.read(new Uint8Array(buffer ?? new ArrayBuffer(READ_BYTES))) as Promise<ReadableStreamReadResult<Uint8Array>>;
    },
    cancel: () => byob.cancel(),
    releaseLock: () => byob.releaseLock(),
  };
}

/** Spare buffers kept for reads: enough for the chunks one part spans. */
const MAX_SPARE = 4;

/** Keeps a consumed chunk's buffer for the next read, when it is one of ours, whole and not handed over. */
function keepSpare(spare: ArrayBuffer[], chunk: Uint8Array): void {
  const buffer = chunk.buffer as ArrayBuffer;
  if (chunk.byteOffset === 0 && buffer.byteLength === READ_BYTES && spare.length < MAX_SPARE && !spare.includes(buffer)) spare.push(buffer);
}

/**
 * The parts of `body` as they complete. `onChunk` sees every chunk's length
 * before it is parsed (to count bytes against a budget; a throw there ends the
 * read). The reader is released, and cancelled when the loop stops early.
 *
 * `reuseChunks`: the memory of chunks already consumed is read into again,
 * which spares the first touch of fresh memory (12–18 µs a page here, most of
 * a 150 MB stream's cost). A part may then be a view of such a chunk: the
 * consumer must copy it before it asks for the next part.
 */
export async function* multipartParts(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  file: string,
  onChunk?: (bytes: number) => void,
  options: { reuseChunks?: boolean } = {},
): AsyncGenerator<MultipartPart, void, undefined> {
  const spare: ArrayBuffer[] = [];
  const parser = new MultipartParser(boundary, file, options.reuseChunks ? (chunk) => keepSpare(spare, chunk) : undefined);
  const reader = chunkReader(body, spare);
  let ended = false;
  // Chunks already in the browser come back to back as promise callbacks, never a new task: the
  // page gets a turn every few milliseconds of parsing (and of the consumer's work on the parts).
  let turn = performance.now();
  try {
    while (!parser.complete) {
      const { done, value } = await reader.read();
      if (done || !value) {
        ended = true;
        break;
      }
      onChunk?.(value.length);
      for (const part of parser.push(value)) yield part;
      if (performance.now() - turn > TURN_MS) {
        await yieldToEventLoop();
        turn = performance.now();
      }
    }
    for (const part of parser.end()) yield part;
  } finally {
    // Stopped before the body ended (an error, a consumer that broke off, or an epilogue not worth reading).
    if (!ended) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
