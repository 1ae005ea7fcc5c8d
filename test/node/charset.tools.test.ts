/**
 * Text in the data set's Specific Character Set: patient names and
 * descriptions in UTF-8, GB18030, Latin-1, Cyrillic and the ISO 2022 code
 * extensions (Chinese, Japanese, Korean) read as pydicom reads them (or, for
 * GB2312 with escapes, as PS3.5 Annex K.2 spells the example out). This file
 * runs pydicom (/usr/bin/python3); the decoder's own cases are in
 * charset.test.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInstance } from '../../src/core/dicom/parse.js';

const run = promisify(execFile);
const SHARED = fileURLToPath(new URL('../../../shared/dicom/', import.meta.url));
const CT_SMALL = join(SHARED, 'pydicom-test-files/CT_small.dcm');
const SCRIPT = fileURLToPath(new URL('./support/charset-files.py', import.meta.url));
if (!existsSync(CT_SMALL)) throw new Error(`shared DICOM test data missing at ${SHARED}`);

const out = mkdtempSync(join(tmpdir(), 'segmark-charset-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Case {
  file: string;
  case: string;
  patientName: string;
  studyDescription: string;
}

describe('Specific Character Set', () => {
  it('REQ-CHARSET-1: names and descriptions decode as pydicom reads them, for single-byte, multi-byte and ISO 2022 sets', async () => {
    const { stdout } = await run('/usr/bin/python3', [SCRIPT, CT_SMALL, out]);
    const cases = JSON.parse(stdout) as Case[];
    expect(cases.map((c) => c.case).sort()).toEqual(
      ['cyrillic', 'gb18030', 'iso2022-gb2312', 'iso2022-jis', 'iso2022-korean', 'latin1', 'utf8'].sort(),
    );
    for (const c of cases) {
      const instance = parseInstance(new Uint8Array(readFileSync(c.file)), `${c.case}.dcm`);
      expect({ case: c.case, name: instance.patientName, description: instance.studyDescription }).toEqual({
        case: c.case,
        name: c.patientName,
        description: c.studyDescription,
      });
    }
  });
});
