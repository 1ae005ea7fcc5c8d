/**
 * Opening a series from a PACS in fewer, larger answers (issue 19), against a
 * tiny DICOMweb server on node:http (support/tiny-pacs.ts) over twelve real
 * files of the sample series: the first image alone, then the rest in one
 * streamed series retrieve without the series metadata; and the per-frame
 * path of before as the fallback when the server refuses the series
 * retrieve, answers something else than multipart, or the stream breaks
 * midway (then only what it did not bring is fetched). Access refused and the
 * byte budget end the read once; cancel closes the stream.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DicomInstance } from '../../src/core/dicom/types.js';
import type { SegmarkError } from '../../src/core/errors.js';
import { readDicomWebSeries } from '../../src/dicomweb/read-series.js';
import { startTinyPacs, tinyFile, type SeriesMode, type TinyPacs } from './support/tiny-pacs.js';

const FILES = Array.from({ length: 12 }, (_, i) => tinyFile(new Uint8Array(readFileSync(join('sample-dicom', `IM${String(i + 1).padStart(4, '0')}.dcm`)))));
/** Instance numbers 1…12: the middle of twelve, numbered from 1, is the 7th. */
const MIDDLE = FILES.find((f) => f.instanceNumber === 7)!;

let pacs: TinyPacs | undefined;
afterEach(async () => {
  await pacs?.close();
  pacs = undefined;
});

interface Read {
  instances: DicomInstance[];
  handed: string[];
  errors: SegmarkError[];
  failed: number;
}

async function open(
  mode: SeriesMode,
  more: { concurrency?: number; timeoutMs?: number; limits?: { seriesBytes?: number }; signal?: AbortSignal; onInstance?: (i: DicomInstance) => void; searchByNumber?: 'refused' | 'ignored' } = {},
): Promise<Read> {
  pacs = await startTinyPacs(FILES, mode, more.searchByNumber === undefined ? {} : { searchByNumber: more.searchByNumber });
  const errors: SegmarkError[] = [];
  const handed: string[] = [];
  const read = await readDicomWebSeries(
    { root: pacs.root, retries: 0, ...(more.concurrency ? { concurrency: more.concurrency } : {}), ...(more.timeoutMs ? { timeoutMs: more.timeoutMs } : {}) },
    { studyInstanceUID: pacs.study, seriesInstanceUID: pacs.series },
    {
      onError: (e) => errors.push(e),
      onInstance: (i) => {
        handed.push(i.sopInstanceUID);
        more.onInstance?.(i);
      },
      ...(more.signal ? { signal: more.signal } : {}),
      ...(more.limits ? { limits: more.limits } : {}),
    },
  );
  return { instances: read.instances, handed, errors, failed: read.failed };
}

const seriesPath = (p: TinyPacs): string => `/studies/${p.study}/series/${p.series}`;
const frameRequests = (p: TinyPacs): string[] => p.requests.filter((r) => r.endsWith('/frames/1')).map((r) => r.split('/instances/')[1]!.split('/')[0]!);
const count = (p: TinyPacs, path: string): number => p.requests.filter((r) => r === path).length;
/** The first image, and every instance whose part the server did not send whole. */
const notStreamed = (p: TinyPacs): string[] => FILES.map((f) => f.sop).filter((sop) => sop === MIDDLE.sop || !p.streamed.includes(sop));

/** Every file came once, as an instance whose bytes are the file's or whose frame is the file's frame. */
function expectWholeSeries(read: Read): void {
  expect(read.errors).toEqual([]);
  expect(read.failed).toBe(0);
  expect([...read.instances.map((i) => i.sopInstanceUID)].sort()).toEqual(FILES.map((f) => f.sop).sort());
  expect(read.handed[0]).toBe(MIDDLE.sop);
  for (const instance of read.instances) {
    const file = FILES.find((f) => f.sop === instance.sopInstanceUID)!;
    const same = Buffer.from(instance.bytes).equals(Buffer.from(file.bytes)) || Buffer.from(instance.bytes).equals(Buffer.from(file.frame));
    expect(same, instance.sopInstanceUID).toBe(true);
    expect(instance.fileName).toBe(`${pacs!.root}${seriesPath(pacs!)}/instances/${file.sop}`);
  }
}

describe('a series from a PACS in one streamed retrieve (issue 19)', () => {
  for (const contentLength of [true, false]) {
    it(`after the middle image, every other instance comes in one series retrieve, parsed from its part; no series metadata is asked for (${contentLength ? 'parts with' : 'parts without'} Content-Length)`, async () => {
      const read = await open({ kind: 'stream', contentLength });
      expectWholeSeries(read);
      const p = pacs!;
      expect(count(p, seriesPath(p))).toBe(1);
      expect(count(p, `${seriesPath(p)}/metadata`)).toBe(0);
      expect(frameRequests(p)).toEqual([MIDDLE.sop]);
      // The parts arrive whole files: byte for byte the files the server holds.
      for (const instance of read.instances.filter((i) => i.sopInstanceUID !== MIDDLE.sop)) {
        expect(Buffer.from(instance.bytes).equals(Buffer.from(FILES.find((f) => f.sop === instance.sopInstanceUID)!.bytes))).toBe(true);
      }
    });
  }

  for (const how of ['refused', 'ignored'] as const) {
    it(`a server whose search of instances by number is ${how === 'refused' ? 'refused (400)' : 'answered with another instance'} still gives the early image, the middle of its own order, and the stream`, async () => {
      const read = await open({ kind: 'stream' }, { searchByNumber: how });
      expectWholeSeries(read);
      const p = pacs!;
      expect(p.requests.filter((r) => r === `${seriesPath(p)}/instances`)).toHaveLength(2);
      expect(count(p, `${seriesPath(p)}/metadata`)).toBe(0);
      expect(frameRequests(p)).toEqual([MIDDLE.sop]);
    });
  }

  for (const status of [400, 404, 406, 501]) {
    it(`a series retrieve refused with HTTP ${status} falls back to the series metadata and frame requests, and the series loads whole`, async () => {
      const read = await open({ kind: 'status', status }, { concurrency: 3 });
      expectWholeSeries(read);
      const p = pacs!;
      expect(count(p, seriesPath(p))).toBe(1);
      expect(count(p, `${seriesPath(p)}/metadata`)).toBe(1);
      expect([...frameRequests(p)].sort()).toEqual(FILES.map((f) => f.sop).sort());
      // The fallback keeps its bound on requests in flight.
      expect(p.framesInFlightMax).toBeLessThanOrEqual(3);
      expect(p.framesInFlightMax).toBeGreaterThanOrEqual(2);
    });
  }

  it('an answer that is not multipart (JSON with 200) falls back the same way', async () => {
    const read = await open({ kind: 'json' });
    expectWholeSeries(read);
    const p = pacs!;
    expect(count(p, seriesPath(p))).toBe(1);
    expect([...frameRequests(p)].sort()).toEqual(FILES.map((f) => f.sop).sort());
  });

  for (const how of ['destroy', 'end'] as const) {
    it(`a stream that breaks midway (${how === 'destroy' ? 'connection lost' : 'body ended without its close delimiter'}) goes on with frame requests for the instances it did not bring, and only those`, async () => {
      const read = await open({ kind: 'cut', parts: 5, how });
      expectWholeSeries(read);
      const p = pacs!;
      expect(p.streamed).toHaveLength(5);
      expect([...frameRequests(p)].sort()).toEqual(notStreamed(p).sort());
      expect(count(p, seriesPath(p))).toBe(1);
    });
  }

  it('a stream that stalls (nothing more for timeoutMs, the connection open) is given up, and what it did not bring comes frame by frame', async () => {
    const read = await open({ kind: 'cut', parts: 4, how: 'stall' }, { timeoutMs: 400 });
    expectWholeSeries(read);
    const p = pacs!;
    expect(p.streamed).toHaveLength(4);
    expect([...frameRequests(p)].sort()).toEqual(notStreamed(p).sort());
    await expect.poll(() => p.seriesClosedEarly).toBe(true);
  });

  it('a series retrieve refused with 403 ends the read once with pacs-unauthorized, without falling back', async () => {
    const error = await open({ kind: 'status', status: 403 }).catch((e: SegmarkError) => e);
    expect(error).toMatchObject({ code: 'pacs-unauthorized', params: { status: 403 } });
    const p = pacs!;
    expect(count(p, `${seriesPath(p)}/metadata`)).toBe(0);
    expect(frameRequests(p)).toEqual([MIDDLE.sop]);
  });

  it('past the byte budget the stream is closed and the read ends with one input-too-large', async () => {
    const perFile = FILES[0]!.bytes.length;
    const error = await open({ kind: 'stream', contentLength: true, delayMs: 20 }, { limits: { seriesBytes: perFile * 4 } }).catch((e: SegmarkError) => e);
    expect(error).toMatchObject({ code: 'input-too-large' });
    const p = pacs!;
    await expect.poll(() => p.seriesClosedEarly).toBe(true);
    expect(p.streamed.length).toBeLessThan(FILES.length);
    expect(frameRequests(p)).toEqual([MIDDLE.sop]);
  });

  it('cancel during the stream ends the read as aborted and closes the series answer', async () => {
    const controller = new AbortController();
    let handed = 0;
    const error = await open(
      { kind: 'stream', delayMs: 30 },
      {
        signal: controller.signal,
        onInstance: () => {
          if (++handed === 3) controller.abort(new DOMException('cancelled', 'AbortError'));
        },
      },
    ).catch((e: SegmarkError) => e);
    expect(error).toMatchObject({ code: 'aborted' });
    const p = pacs!;
    await expect.poll(() => p.seriesClosedEarly).toBe(true);
    expect(p.streamed.length).toBeLessThan(FILES.length);
    expect(count(p, `${seriesPath(p)}/metadata`)).toBe(0);
  });
});
