/**
 * The zip writer of the exports (`zip.ts`): given as pieces, stored entries
 * are the buffers themselves. Python's zipfile, Info-ZIP's `unzip -t` and
 * fflate read the archives back in export-zip.tools.test.ts.
 */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipEntries, zipPieces } from '../../src/core/formats/zip.js';

describe('zip writer', () => {
  it('as pieces, stored entries are the given buffers themselves (no copy), and the pieces in order are the archive', () => {
    const image = [new Uint8Array(5000).fill(7), new Uint8Array(3000).fill(9)];
    const text = new TextEncoder().encode('{"a": 1}\n');
    const entries = [
      { name: 'image.nii.gz', bytes: image, store: true },
      { name: 'a.json', bytes: text },
    ];
    const time = new Date(2026, 10, 28);
    const pieces = zipPieces(entries, time);
    expect(pieces).toContain(image[0]);
    expect(pieces).toContain(image[1]);
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(zipEntries(entries, time)));
    const unzipped = unzipSync(Buffer.concat(pieces));
    expect(Buffer.from(unzipped['image.nii.gz']!)).toEqual(Buffer.concat(image));
    expect(new TextDecoder().decode(unzipped['a.json'])).toBe('{"a": 1}\n');
  });
});
