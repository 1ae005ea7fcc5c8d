/**
 * The files a security review fed the viewer (issue 17), as the bench's
 * `hostile` scenario and `test/browser/hostile-input.test.ts` hand them to an
 * annotator: named `File`s, made on the page in a few hundred milliseconds.
 * Each is small on disk and enormous, or endless, once read:
 *
 * - a deflated DICOM (0.5 MB) whose data set inflates to one 16384² slice;
 * - RLE files of one 16384² 8-bit slice (4 MB each);
 * - a zip (3 MB) of three entries of 1 GiB of zeros each;
 * - a data set of sequences nested 100,000 deep;
 * - DICOM SEGs with 1,000 and 300 segments (the larger 18 MB of frames);
 * - thousands of tiny one-image series.
 *
 * The bytes are written by the tests' hostile writers
 * (`test/node/support/hostile-dicom.ts`, `zeros-deflate.ts`).
 */
import { deflatedBomb, manySegments, nestedFile, plainSlice, rleSlice } from '../../test/node/support/hostile-dicom.js';
import { zipOfZeros } from '../../test/node/support/zeros-deflate.js';

const UID_ROOT = '1.2.826.0.1.3680043.2.1143.17';

export interface HostileInput {
  /** What a row's notes call it. */
  name: string;
  files: File[];
  /** How it goes in: opened as a series, or imported onto an open one. */
  via: 'load' | 'import';
  /** Error codes that are a correct answer; none: it must load. */
  expect: string[];
}

let uidCounter = 0;
/** A UID of its own on every call, and in every run (a store keeps documents by series). */
const uid = (): string => `${UID_ROOT}.${Date.now() % 1e9}.${++uidCounter}`;

/** The writers' bytes are over plain ArrayBuffers (never shared), which `File` wants said. */
const file = (bytes: Uint8Array, name: string): File => new File([bytes as Uint8Array<ArrayBuffer>], name);

/** `count` tiny CT images (16², one per file), each its own series, all of one study. */
function tinyFiles(count: number): File[] {
  const study = uid();
  return Array.from({ length: count }, (_, i) => file(plainSlice(16, uid(), { series: uid(), study, z: 0 }), `tiny-${String(i + 1).padStart(5, '0')}.dcm`));
}

/** Every input of the security review, in the order the bench and the test feed them. */
export function hostileInputs(options: { tiny?: number } = {}): HostileInput[] {
  const rle = { series: uid(), study: uid() };
  return [
    { name: 'deflated 16384² slice', files: [file(deflatedBomb(16384, uid()), 'deflate-bomb.dcm')], via: 'load', expect: ['input-too-large'] },
    {
      name: 'six RLE 16384² files',
      files: Array.from({ length: 6 }, (_, i) => file(rleSlice(16384, uid(), { ...rle, z: i }), `rle-bomb-${i + 1}.dcm`)),
      via: 'load',
      expect: ['input-too-large'],
    },
    { name: 'zip of 3 × 1 GiB zeros', files: [new File(zipOfZeros(), 'zip-bomb.zip')], via: 'load', expect: ['input-too-large'] },
    { name: 'sequences nested 100,000 deep', files: [file(nestedFile(100_000, { uid: uid() }), 'deep-nesting.dcm')], via: 'load', expect: ['nesting-too-deep'] },
    { name: '1,000-segment SEG (18 MB)', files: [file(manySegments(1000, 550, uid()), 'seg-1000.dcm')], via: 'import', expect: ['label-limit'] },
    { name: '300-segment SEG', files: [file(manySegments(300, 300, uid()), 'seg-300.dcm')], via: 'import', expect: ['label-limit'] },
    { name: `${options.tiny ?? 5000} tiny files`, files: tinyFiles(options.tiny ?? 5000), via: 'load', expect: [] },
  ];
}
