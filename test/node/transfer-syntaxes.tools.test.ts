/**
 * 12-bit lossy JPEG decodes to exactly what DCMTK's dcmdjpeg writes (Debian's
 * dcmtk). The other transfer syntaxes are in transfer-syntaxes.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ctFile, load, mismatch, PYDICOM, SHARED, stored } from './support/syntax-files.js';

const haveShared = existsSync(SHARED);
if (!haveShared) {
  if (process.env.CI === 'true') throw new Error(`shared DICOM test data missing at ${SHARED}; CI must not skip these tests`);
  console.warn(`[transfer-syntaxes] skipped: shared DICOM test data not found at ${SHARED}`);
}

const DCMDJPEG = '/usr/bin/dcmdjpeg';
const haveDcmtk = existsSync(DCMDJPEG);
if (!haveDcmtk && process.env.CI === 'true') throw new Error('dcmdjpeg (dcmtk) is missing; CI installs it');

describe.skipIf(!haveShared || !haveDcmtk)('12-bit lossy JPEG matches DCMTK dcmdjpeg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segmark-dcmdjpeg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = [join(PYDICOM, 'JPEG-lossy.dcm'), ctFile('1.2.840.10008.1.2.4.51'), ctFile('1.2.840.10008.1.2.4.53'), ctFile('1.2.840.10008.1.2.4.55')];

  it.each(files)('%s', async (path) => {
    const out = join(dir, `${path.split('/').pop()}.raw.dcm`);
    execFileSync(DCMDJPEG, [path, out], { stdio: 'pipe' });
    const ours = await stored(load(path));
    const theirs = await stored(load(out));
    expect(ours.length).toBe(theirs.length);
    expect(mismatch(ours, theirs)).toBe('equal');
    // Plausible, not just equal: 12-bit range, not all one value.
    let min = Infinity;
    let max = -Infinity;
    for (const v of ours) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(4096);
    expect(max).toBeGreaterThan(min);
  });
});
