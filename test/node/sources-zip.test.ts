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
});
