/**
 * Zip archives as load sources: entries come out whole and named after the
 * archive, folders and macOS forks are left out, archives written to a pipe
 * (sizes after the data, in descriptors — Python's zipfile does this on a
 * non-seekable stream) work too, and a cut archive is a read-failed error
 * naming it. No workers are involved (a strict CSP forbids blob: workers).
 * The piped archive is written by /usr/bin/python3 in sources-zip.tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { unzipEntries } from '../../src/core/dicom/sources.js';
import { SegmarkError } from '../../src/core/errors.js';

function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) out[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  return out;
}

describe('unzipEntries', () => {
  it('gives every file entry back exactly, named after the archive, across several 4 MB steps', async () => {
    const big = pseudoRandom(9_000_000, 7);
    const zip = zipSync({ 'series/a.dcm': pseudoRandom(1000, 1), 'series/b.dcm': big, 'series/': new Uint8Array(0), '__MACOSX/._a.dcm': new Uint8Array(3) });
    const entries = await unzipEntries('study.zip', zip);
    expect(entries.map((e) => e.name).sort()).toEqual(['study.zip/series/a.dcm', 'study.zip/series/b.dcm']);
    const b = entries.find((e) => e.name.endsWith('b.dcm'))!.bytes;
    expect(b.length).toBe(big.length);
    expect(Buffer.compare(Buffer.from(b), Buffer.from(big))).toBe(0);
  });

  it('a cut archive is read-failed, naming the archive', async () => {
    const zip = zipSync({ 'a.dcm': pseudoRandom(200_000, 3) });
    const error = await unzipEntries('cut.zip', zip.subarray(0, 5000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe('read-failed');
    expect((error as SegmarkError).file).toBe('cut.zip');
  });

  it('REQ-HOSTILE-ZIP-1: a zip bomb is refused with input-too-large naming the entry and the limit, by its declared size or by what it inflates', async () => {
    const limits = { entryBytes: 4 << 20, totalBytes: 6 << 20, ratio: 200, ratioFloorBytes: 1 << 20 };
    // 16 MB of zeros compresses ~1000:1: over the entry limit by its declared size.
    const bomb = zipSync({ 'ok.dcm': pseudoRandom(1000, 1), 'zeros.dcm': new Uint8Array(16 << 20) });
    const declared = (await unzipEntries('bomb.zip', bomb, limits).catch((e: unknown) => e)) as SegmarkError;
    expect(declared).toBeInstanceOf(SegmarkError);
    expect(declared.code).toBe('input-too-large');
    expect(declared.file).toBe('bomb.zip/zeros.dcm');
    expect(declared.params).toMatchObject({ limit: '4' });
    // 2 MB of zeros is within the entry limit but compresses far past 200:1 above the 1 MB floor.
    const ratio = (await unzipEntries('ratio.zip', zipSync({ 'z.dcm': new Uint8Array(2 << 20) }), limits).catch((e: unknown) => e)) as SegmarkError;
    expect(ratio.code).toBe('input-too-large');
    expect(ratio.message).toMatch(/compression/);
    // Two honest 3.5 MB entries: each fits, together they pass the 6 MB archive limit.
    const many = zipSync({ 'a.dcm': pseudoRandom(3_500_000, 2), 'b.dcm': pseudoRandom(3_500_000, 3) });
    expect(((await unzipEntries('many.zip', many, limits).catch((e: unknown) => e)) as SegmarkError).code).toBe('input-too-large');
    // A header that understates the size: what comes out counts.
    const lying = zipSync({ 'z.dcm': new Uint8Array(8 << 20) });
    const view = new DataView(lying.buffer, lying.byteOffset);
    view.setUint32(22, 100, true); // the local header's uncompressed size
    const liar = (await unzipEntries('liar.zip', lying, limits).catch((e: unknown) => e)) as SegmarkError;
    expect(liar.code).toBe('input-too-large');
    // Within every limit, the same archive comes through.
    expect((await unzipEntries('bomb.zip', bomb)).map((e) => e.bytes.length).sort((x, y) => x - y)).toEqual([1000, 16 << 20]);
  });
});
