/**
 * The shared transfer-syntax test files and what the transfer-syntax tests
 * (transfer-syntaxes.test.ts and its .tools.test.ts) do with them: parse,
 * decode a frame to stored values, and compare arrays readably.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameBytes, parseInstance } from '../../../src/core/dicom/parse.js';
import { decodeFrame } from '../../../src/core/dicom/pixels/decode.js';
import type { DicomInstance, StoredPixels } from '../../../src/core/dicom/types.js';

/** The shared DICOM folder beside the checkout. */
export const SHARED = fileURLToPath(new URL('../../../../shared/dicom/', import.meta.url));
export const CT_DIR = join(SHARED, 'syntaxes-cornerstone-ctimage');
export const PYDICOM = join(SHARED, 'pydicom-test-files');

export function load(path: string): DicomInstance {
  return parseInstance(readFileSync(path), path.split('/').pop()!);
}

export async function stored(instance: DicomInstance, frame = 0): Promise<StoredPixels> {
  return decodeFrame(instance.pixel, frameBytes(instance, frame));
}

export /** Where two arrays first differ, and how often: a readable failure instead of a 262144-line diff. */
function mismatch(a: ArrayLike<number>, b: ArrayLike<number>): string {
  if (a.length !== b.length) return `lengths ${a.length} ≠ ${b.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  return count === 0 ? 'equal' : `${count} differ, first at ${first}: ${a[first]} ≠ ${b[first]}`;
}

export const ctFile = (ts: string): string => {
  const name = readdirSync(CT_DIR).find((f) => f.endsWith(`_${ts}.dcm`));
  if (!name) throw new Error(`no CTImage file for ${ts}`);
  return join(CT_DIR, name);
};
