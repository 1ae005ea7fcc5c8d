/**
 * The zip writer of the exports (`zip.ts`): Python's zipfile and Info-ZIP's
 * `unzip -t` read and check it (CRCs, sizes, names, times), fflate unzips it to
 * the same bytes, stored entries are stored and text is deflated. Needs
 * /usr/bin/python3 and unzip; the writer's own checks are in export-zip.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { zipEntries } from '../../src/core/formats/zip.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'segmark-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zip writer', () => {
  it('Python zipfile reads every entry back with its CRC checked, its method, size and time; fflate unzips the same bytes', async () => {
    const big = new Uint8Array(3_000_001);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const text = new TextEncoder().encode(`${JSON.stringify({ labels: Array.from({ length: 200 }, (_, i) => `label ${i}`) })}\n`);
    const entries = [
      { name: 'Dataset001_Segmark/imagesTr/case_0000.nii.gz', bytes: big, store: true },
      { name: 'Dataset001_Segmark/dataset.json', bytes: text },
      { name: '腰椎/说明.txt', bytes: new TextEncoder().encode('标签\n') },
      { name: 'empty.bin', bytes: new Uint8Array(0), store: true },
      // Given as pieces (a .nii.gz built from parts): one entry, copied once.
      { name: 'pieces.nii.gz', bytes: [big.subarray(0, 1000), new Uint8Array(0), big.subarray(1000, 70_001)], store: true },
      { name: 'pieces.json', bytes: [text.subarray(0, 10), text.subarray(10)] },
    ];
    const whole = (b: Uint8Array | readonly Uint8Array[]) => (b instanceof Uint8Array ? b : Buffer.concat(b));
    const zip = zipEntries(entries, new Date(2026, 10, 28, 6, 7, 9));
    const path = join(dir, 'a.zip');
    writeFileSync(path, zip);
    const script = [
      'import hashlib, json, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print(json.dumps([{"name": i.filename, "method": i.compress_type, "size": i.file_size, "time": list(i.date_time), "sha": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]))',
    ].join('\n');
    const { stdout } = await run('/usr/bin/python3', ['-c', script, path]);
    const listed = JSON.parse(stdout) as { name: string; method: number; size: number; time: number[]; sha: string }[];
    const { createHash } = await import('node:crypto');
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(listed).toEqual(
      entries.map((e) => ({ name: e.name, method: e.store ? 0 : 8, size: whole(e.bytes).length, time: [2026, 11, 28, 6, 7, 8], sha: sha(whole(e.bytes)) })),
    );
    const unzipped = unzipSync(zip);
    for (const e of entries) expect(sha(unzipped[e.name]!)).toBe(sha(whole(e.bytes)));
    // The text entries are smaller than their text; the stored ones take their own size.
    expect(zip.length).toBeLessThan(big.length + 70_001 + 2 * text.length + 2000);
    const { stdout: tested } = await run('unzip', ['-t', path]);
    expect(tested).toContain('No errors detected');
  });
});
