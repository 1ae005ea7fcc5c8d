/**
 * The streaming multipart/related parser WADO-RS answers are read with
 * (issue 19): the same parts whatever the chunking of the body, payloads with
 * CRLF and boundary-like strings kept whole, preamble and epilogue ignored,
 * parts handed out before the body has ended, and a body cut short refused
 * with a coded error.
 */
import { describe, expect, it } from 'vitest';
import type { SegmarkError } from '../../src/core/errors.js';
import { MultipartParser, mediaTypeParameter, multipartBoundary, multipartParts, type MultipartPart } from '../../src/dicomweb/multipart-stream.js';

const BOUNDARY = 'b0undary-42';
const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Bytes 0…255 repeated, so every CR, LF and dash value is in the payload. */
function binary(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed) & 0xff;
  return out;
}

interface Spec {
  headers: [string, string][];
  body: Uint8Array;
}

/** The payloads: a binary part, one with CRLFs and strings that look like the boundary but are not a delimiter, and an empty one. */
const PAYLOADS: Spec[] = [
  { headers: [['Content-Type', 'application/dicom']], body: binary(1000, 3) },
  {
    headers: [['Content-Type', 'application/octet-stream'], ['Content-Location', '/frames/2']],
    body: enc(`line one\r\nline two\r\n\r\n--${BOUNDARY} without CRLF before it\r\n--${BOUNDARY}X longer boundary\r\n--${BOUNDARY}-x a dash and text\r\n-`),
  },
  { headers: [['Content-Type', 'text/plain']], body: new Uint8Array(0) },
];

/** A whole body as RFC 2046 writes it; `lengths` adds Content-Length to every part (`wrong`: too large on the first and the last). */
function body(specs: Spec[], options: { lengths?: boolean; wrong?: boolean; preamble?: string; epilogue?: string } = {}): Uint8Array {
  const pieces: Uint8Array[] = [enc(options.preamble ?? '')];
  specs.forEach((spec, i) => {
    const headers = [...spec.headers];
    if (options.lengths) headers.push(['Content-Length', String(spec.body.length + (options.wrong && (i === 0 || i === specs.length - 1) ? 5 : 0))]);
    const lead = i === 0 && !options.preamble ? '' : '\r\n';
    pieces.push(enc(`${lead}--${BOUNDARY}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`), spec.body);
  });
  pieces.push(enc(`\r\n--${BOUNDARY}--${options.epilogue ?? ''}`));
  return concat(pieces);
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> & { cancelled: () => boolean } {
  let cancelled = false;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return Object.assign(stream, { cancelled: () => cancelled });
}

/** `bytes` cut at `cuts` (sorted positions). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(bytes.slice(from, cut));
    from = cut;
  }
  return out;
}

async function collect(chunks: Uint8Array[]): Promise<MultipartPart[]> {
  const parts: MultipartPart[] = [];
  for await (const part of multipartParts(streamOf(chunks), BOUNDARY, 'https://pacs/series/1')) parts.push(part);
  return parts;
}

function expectParts(parts: MultipartPart[], specs: Spec[], where: string): void {
  expect(parts.length, where).toBe(specs.length);
  parts.forEach((part, i) => {
    expect(Buffer.from(part.body).equals(Buffer.from(specs[i]!.body)), `${where}: body of part ${i}`).toBe(true);
    for (const [name, value] of specs[i]!.headers) expect(part.headers.get(name.toLowerCase()), `${where}: ${name} of part ${i}`).toBe(value);
  });
}

/** A small deterministic generator for the random cuts. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('multipart/related read as it arrives (issue 19)', () => {
  const variants = {
    'without Content-Length': body(PAYLOADS),
    'with Content-Length': body(PAYLOADS, { lengths: true }),
    'with a wrong Content-Length': body(PAYLOADS, { lengths: true, wrong: true }),
    'with preamble and epilogue': body(PAYLOADS, { preamble: `This is a preamble.\r\n--${BOUNDARY}x is not a delimiter`, epilogue: `\r\nepilogue\r\n--${BOUNDARY}\r\nContent-Type: a/b\r\n\r\nnot a part` }),
  };

  for (const [name, bytes] of Object.entries(variants)) {
    it(`${name}: the same parts for every chunk size from 1 byte to the whole body`, async () => {
      for (const size of [1, 2, 3, 5, 7, 13, 64, 333, 1024, bytes.length]) {
        const cuts = Array.from({ length: Math.ceil(bytes.length / size) - 1 }, (_, i) => (i + 1) * size);
        expectParts(await collect(split(bytes, cuts)), PAYLOADS, `${name}, chunks of ${size}`);
      }
    });

    it(`${name}: the same parts when cut at every single position, and at random positions`, async () => {
      for (let cut = 1; cut < bytes.length; cut++) expectParts(await collect(split(bytes, [cut])), PAYLOADS, `${name}, cut at ${cut}`);
      const next = random(bytes.length);
      for (let round = 0; round < 60; round++) {
        const cuts = [...new Set(Array.from({ length: 1 + Math.floor(next() * 40) }, () => 1 + Math.floor(next() * (bytes.length - 1))))].sort((a, b) => a - b);
        expectParts(await collect(split(bytes, cuts)), PAYLOADS, `${name}, cuts ${cuts.join(',')}`);
      }
    });
  }

  it('hands a part out as soon as its delimiter is in, before the body has ended', () => {
    const bytes = body(PAYLOADS);
    const parser = new MultipartParser(BOUNDARY, 'x');
    // Up to the end of the second part's closing delimiter line (the delimiter, CRLF): two parts out, the body not ended.
    const secondEnd = Buffer.from(bytes).indexOf(`\r\n--${BOUNDARY}\r\nContent-Type: text/plain`, 0, 'latin1');
    const got = parser.push(bytes.subarray(0, secondEnd + `\r\n--${BOUNDARY}\r\n`.length));
    expect(got).toHaveLength(2);
    expect(parser.complete).toBe(false);
    expect(parser.push(bytes.subarray(secondEnd + `\r\n--${BOUNDARY}\r\n`.length))).toHaveLength(1);
    expect(parser.complete).toBe(true);
    expect(() => parser.end()).not.toThrow();
  });

  it('a body cut short anywhere before its close delimiter is pacs-bad-response (truncated), after the parts that were whole', async () => {
    for (const bytes of [body(PAYLOADS), body(PAYLOADS, { lengths: true })]) {
      const close = bytes.length - `\r\n--${BOUNDARY}--`.length;
      for (let cut = 0; cut < bytes.length; cut++) {
        const parts: MultipartPart[] = [];
        let error: SegmarkError | undefined;
        try {
          for await (const part of multipartParts(streamOf(split(bytes.subarray(0, cut), cut > 10 ? [10] : [])), BOUNDARY, 'https://pacs/series/1')) parts.push(part);
        } catch (e) {
          error = e as SegmarkError;
        }
        expect(error, `cut at ${cut}`).toMatchObject({ code: 'pacs-bad-response', file: 'https://pacs/series/1', params: { reason: 'truncated multipart body' } });
        // A part is whole once the delimiter after it and the end of that line are in.
        expect(parts.length, `cut at ${cut}`).toBeLessThanOrEqual(PAYLOADS.length - (cut < close ? 1 : 0));
        expectParts(parts, PAYLOADS.slice(0, parts.length), `cut at ${cut}`);
      }
    }
  });

  it('a body with no delimiter at all (not the multipart it claims to be) is refused the same way', async () => {
    await expect(collect([enc('{"error": "not multipart"}')])).rejects.toMatchObject({ code: 'pacs-bad-response' });
    await expect(collect([])).rejects.toMatchObject({ code: 'pacs-bad-response' });
  });

  it('part headers past 64 KiB are refused as malformed instead of being kept growing', async () => {
    const bytes = concat([enc(`--${BOUNDARY}\r\nX-Long: `), new Uint8Array(70_000).fill(0x61)]);
    await expect(collect([bytes])).rejects.toMatchObject({ code: 'pacs-bad-response', params: { reason: 'malformed multipart body' } });
  });

  it('reads no further once the consumer stops: the stream is cancelled', async () => {
    const bytes = body(PAYLOADS, { lengths: true });
    const stream = streamOf(split(bytes, [1100, 1200]));
    for await (const part of multipartParts(stream, BOUNDARY, 'x')) {
      expect(part.body.length).toBe(1000);
      break;
    }
    expect(stream.cancelled()).toBe(true);
  });

  it('counts every chunk before parsing it, and a throw there ends the read', async () => {
    const bytes = body(PAYLOADS);
    const seen: number[] = [];
    const chunks = split(bytes, [500, 1000]);
    const stream = streamOf(chunks);
    const read = async (): Promise<void> => {
      for await (const _ of multipartParts(stream, BOUNDARY, 'x', (n) => {
        seen.push(n);
        if (seen.length === 2) throw new Error('over budget');
      }));
    };
    await expect(read()).rejects.toThrow('over budget');
    expect(seen).toEqual([500, 500]);
    expect(stream.cancelled()).toBe(true);
  });

  it('reads a byte stream a megabyte at a time, and with reuseChunks reads into the memory of consumed chunks: parts copied as they come are whole, parts kept as views are overwritten', async () => {
    // Parts of 0.7 MB with and without Content-Length: most span two reads, some lie in one.
    const specs: Spec[] = Array.from({ length: 6 }, (_, i) => ({ headers: [['Content-Type', 'application/dicom']], body: binary(700_000 + i * 13, i) }));
    const bytes = body(specs, { lengths: true });
    /** A byte stream, as a browser's fetch body is: it fills the reader's own buffer. */
    const byteStream = (): ReadableStream<Uint8Array> => {
      let at = 0;
      return new ReadableStream({
        type: 'bytes',
        pull(controller) {
          const request = controller.byobRequest!;
          const view = request.view as Uint8Array;
          const n = Math.min(view.byteLength, bytes.length - at);
          if (n === 0) {
            controller.close();
            request.respond(0);
            return;
          }
          view.set(bytes.subarray(at, at + n));
          at += n;
          request.respond(n);
        },
      });
    };
    const copied: Uint8Array[] = [];
    const kept: Uint8Array[] = [];
    for await (const part of multipartParts(byteStream(), BOUNDARY, 'x', undefined, { reuseChunks: true })) {
      copied.push(part.body.slice());
      kept.push(part.body);
    }
    expect(copied.map((p, i) => Buffer.from(p).equals(Buffer.from(specs[i]!.body)))).toEqual(specs.map(() => true));
    // Parts kept as views were overwritten by later reads: the chunks' memory was read into again...
    expect(kept.some((p, i) => !Buffer.from(p).equals(Buffer.from(specs[i]!.body)))).toBe(true);
    // ...and without reuseChunks every part stays as it came.
    const plain: MultipartPart[] = [];
    for await (const part of multipartParts(byteStream(), BOUNDARY, 'x')) plain.push(part);
    expect(plain.map((p, i) => Buffer.from(p.body).equals(Buffer.from(specs[i]!.body)))).toEqual(specs.map(() => true));
  });

  it('finds the boundary and other parameters of a Content-Type', () => {
    expect(multipartBoundary(`multipart/related; type="application/dicom"; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary(`Multipart/Related;Boundary="a b;c"; type=application/dicom`)).toBe('a b;c');
    expect(multipartBoundary('application/dicom+json')).toBeUndefined();
    expect(multipartBoundary('multipart/related; type="application/dicom"')).toBeUndefined();
    expect(multipartBoundary(null)).toBeUndefined();
    expect(mediaTypeParameter('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.90', 'type')).toBe('application/dicom');
    expect(mediaTypeParameter('multipart/related; Type=application/dicom', 'type')).toBe('application/dicom');
    expect(mediaTypeParameter('application/octet-stream; transfer-syntax=*', 'transfer-syntax')).toBe('*');
    expect(mediaTypeParameter('application/octet-stream', 'transfer-syntax')).toBeUndefined();
  });
});
