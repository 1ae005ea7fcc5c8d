/**
 * Zip archives as load sources, written by Python's zipfile to a pipe (sizes
 * after the data, in descriptors): needs /usr/bin/python3. The other cases
 * are in sources-zip.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unzipEntries } from '../../src/core/dicom/sources.js';

describe('unzipEntries', () => {
  it('reads an archive streamed with data descriptors (Python zipfile on a pipe)', async () => {
    const script = [
      'import sys, zipfile',
      'class Pipe:',
      '    def __init__(self, f): self.f = f',
      '    def write(self, b): return self.f.write(b)',
      '    def flush(self): self.f.flush()',
      'with zipfile.ZipFile(Pipe(sys.stdout.buffer), "w", zipfile.ZIP_DEFLATED) as z:',
      '    z.writestr("x/one.dcm", b"DICM" * 5000)',
      '    z.writestr("x/two.dcm", bytes(range(256)) * 40)',
    ].join('\n');
    const zip = new Uint8Array(execFileSync('/usr/bin/python3', ['-c', script]));
    const entries = await unzipEntries('piped.zip', zip);
    expect(entries.map((e) => [e.name, e.bytes.length])).toEqual([
      ['piped.zip/x/one.dcm', 20000],
      ['piped.zip/x/two.dcm', 10240],
    ]);
  });
});
