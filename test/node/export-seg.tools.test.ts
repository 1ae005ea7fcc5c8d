/**
 * DICOM SEG export and import, checked against outside references only:
 * dciodvfy (the IOD), dcmdump (parses), pydicom (attributes, frames unpacked
 * by its pixel_array, positions read from the source files), skimage and
 * LittleCMS (CIELab), the sample's ground-truth labelmap, and SEGs written by
 * dcmqi and highdicom. Missing tools fail the tests; the shared DICOM folder
 * is skipped outside CI only, like the loader tests. What needs no outside
 * tool is in export-seg.test.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { readSeg, rgbToDicomLab, writeSeg, type SegFile } from '../../src/core/formats/seg.js';
import { unscaleLab } from '../../src/core/formats/seg-color.js';
import { expectSegmarkError, fixed, labColours, mask, readSync, smallSeg } from './support/seg-cases.js';
import { SAMPLE_DIR, sampleSeg, type SampleSeg } from './support/seg-sample.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const DCIODVFY = '/usr/bin/dciodvfy';
const DCMDUMP = '/usr/bin/dcmdump';
const DCMODIFY = '/usr/bin/dcmodify';
const SUPPORT = 'test/node/support';
const SHARED = '../shared/dicom';
const haveShared = existsSync(SHARED);
if (!haveShared && process.env.CI === 'true') throw new Error('../shared/dicom is missing in CI');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'segmark-seg-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function requireTool(path: string): void {
  expect(existsSync(path), `${path} is required`).toBe(true);
}

interface PyFrame {
  segment: number;
  sops: string[];
  position: number[] | null;
  dimension: number[];
  sum: number;
  positionMatchesSource?: boolean;
}
interface PyCode {
  value: string;
  scheme: string;
  meaning: string;
}
interface PySeg {
  segmentationType: string;
  segmentsOverlap: string | null;
  rows: number;
  columns: number;
  numberOfFrames: number;
  segments: { number: number; label: string; algorithmType: string; algorithmName: string | null; category: PyCode; type: PyCode; cielab: number[] | null }[];
  frames: PyFrame[];
  referencedSops: string[];
  attributes: Record<string, string>;
  sourceAttributes?: Record<string, string>;
  contentLabel: string;
  contentCreatorName: string;
}

/** pydicom's reading of a SEG file, and (with `frames`) its unpacked frames, frames × rows × cols. */
async function pydicom(file: string, options: { source?: string; frames?: boolean } = {}): Promise<{ seg: PySeg; pixels: Uint8Array | undefined }> {
  requireTool(PYTHON);
  const out = join(work, `${Math.random().toString(36).slice(2)}.u8`);
  const args = [join(SUPPORT, 'seg-pydicom.py'), file];
  if (options.source) args.push('--source', options.source);
  if (options.frames) args.push('--frames', out);
  const { stdout } = await run(PYTHON, args, { maxBuffer: 1 << 26 });
  return { seg: JSON.parse(stdout) as PySeg, pixels: options.frames ? new Uint8Array(readFileSync(out)) : undefined };
}

/** dciodvfy's Error and Warning lines (it writes everything to stderr and exits 1 on errors). */
async function dciodvfy(file: string): Promise<{ errors: string[]; warnings: string[] }> {
  requireTool(DCIODVFY);
  const { stderr } = await run(DCIODVFY, [file]).catch((e: { stderr?: string }) => ({ stderr: e.stderr ?? String(e) }));
  const lines = stderr.split('\n');
  return { errors: lines.filter((l) => l.startsWith('Error')), warnings: lines.filter((l) => l.startsWith('Warning')) };
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

function sum(a: Uint8Array): number {
  let n = 0;
  for (const v of a) n += v;
  return n;
}

function codeOf(c: { codeValue: string; codingSchemeDesignator: string; codeMeaning: string }): PyCode {
  return { value: c.codeValue, scheme: c.codingSchemeDesignator, meaning: c.codeMeaning };
}

// ---------------------------------------------------------------------------

describe('RecommendedDisplayCIELabValue from sRGB (PS3.3 C.10.7.1.1: ICC PCS, D50, 16-bit scaled)', () => {
  const colours = labColours();

  it('matches skimage (Bradford-adapted to D50) within 0.05 and LittleCMS within its 8-bit steps', async () => {
    requireTool(PYTHON);
    const child = execFile(PYTHON, [join(SUPPORT, 'seg-lab.py')]);
    child.stdin!.end(JSON.stringify(colours));
    const stdout = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`seg-lab.py exited ${code}`))));
    });
    const reference = JSON.parse(stdout) as { skimage: number[][]; lcms: number[][] };
    colours.forEach((rgb, i) => {
      const ours = unscaleLab(rgbToDicomLab(rgb));
      ours.forEach((v, j) => {
        expect(Math.abs(v - reference.skimage[i]![j]!), `${rgb} component ${j} vs skimage`).toBeLessThan(0.05);
        expect(Math.abs(v - reference.lcms[i]![j]!), `${rgb} component ${j} vs LittleCMS`).toBeLessThanOrEqual(1);
      });
    });
  });
});

describe('SEG of the sample series (lumbar template labels, ground-truth discs, one empty label)', () => {
  let sample: SampleSeg;
  let bytes: Uint8Array;
  let file: string;
  let py: PySeg;
  let pyPixels: Uint8Array;

  beforeAll(async () => {
    sample = sampleSeg();
    bytes = writeSeg({ ...sample.input, ...fixed() });
    file = write('sample-seg.dcm', bytes);
    const result = await pydicom(file, { source: SAMPLE_DIR, frames: true });
    py = result.seg;
    pyPixels = result.pixels!;
  });

  it('passes dciodvfy without errors', async () => {
    const { errors, warnings } = await dciodvfy(file);
    if (warnings.length) console.log(`dciodvfy warnings on the sample SEG:\n${warnings.join('\n')}`);
    expect(errors).toEqual([]);
  });

  it('parses with dcmdump', async () => {
    requireTool(DCMDUMP);
    const { stderr } = await run(DCMDUMP, ['-q', file], { maxBuffer: 1 << 26 });
    expect(stderr).toBe('');
  });

  it('declares every exported label as a segment, the empty one too, with its codes and algorithm', () => {
    expect(py.segmentationType).toBe('BINARY');
    expect(py.segmentsOverlap).toBe('NO');
    expect(py.segments.map((s) => s.number)).toEqual([1, 2, 3, 4]);
    sample.labelIds.forEach((id, i) => {
      const entry = LUMBAR_SPINE_TEMPLATE.labels.find((l) => l.id === id)!;
      const segment = py.segments[i]!;
      expect(segment.label).toBe(entry.name);
      expect(segment.category).toEqual(codeOf(entry.code.category));
      expect(segment.type).toEqual(codeOf(entry.code.type));
      expect(segment.cielab).toHaveLength(3);
    });
    expect(py.segments.map((s) => [s.algorithmType, s.algorithmName])).toEqual([
      ['SEMIAUTOMATIC', 'Segmark interpolation'],
      ['MANUAL', null],
      ['MANUAL', null],
      ['MANUAL', null],
    ]);
    // The vertebral body (segment 4) has no pixel in the disc labelmap: declared, but no frame.
    expect(py.frames.some((f) => f.segment === 4)).toBe(false);
  });

  it('holds exactly the non-empty (segment, slice) frames, each equal to the ground truth of its referenced slice', () => {
    const plane = py.rows * py.columns;
    const expected: string[] = [];
    sample.labelIds.forEach((id, s) => {
      for (let k = 0; k < sample.sliceOf.size; k++) {
        if (sample.truth.subarray(k * plane, (k + 1) * plane).includes(id)) expected.push(`${s + 1}/${k}`);
      }
    });
    expect(py.numberOfFrames).toBe(expected.length);
    const seen = py.frames.map((frame, i) => {
      expect(frame.sops).toHaveLength(1);
      const k = sample.sliceOf.get(frame.sops[0]!)!;
      expect(k).toBeDefined();
      const id = sample.labelIds[frame.segment - 1]!;
      const truth = mask(Array.from(sample.truth.subarray(k * plane, (k + 1) * plane), (v) => (v === id ? 1 : 0)));
      expect(Buffer.compare(Buffer.from(pyPixels.subarray(i * plane, (i + 1) * plane)), Buffer.from(truth)), `frame ${i + 1}`).toBe(0);
      expect(frame.dimension).toEqual([frame.segment, k + 1]);
      return `${frame.segment}/${k}`;
    });
    expect(seen.sort()).toEqual(expected.sort());
  });

  it("places every frame at its source file's ImagePositionPatient and references the whole source series", () => {
    expect(py.frames.every((f) => f.positionMatchesSource)).toBe(true);
    expect(new Set(py.referencedSops)).toEqual(new Set(sample.sliceOf.keys()));
  });

  it('copies the Patient and General Study attributes of the source', () => {
    expect(py.attributes).toEqual(py.sourceAttributes);
    expect(py.contentLabel).toBe('LUMBAR DISCS');
    expect(py.contentCreatorName).toBe('Test^Annotator');
  });

  it('reads back exactly what was written', () => {
    const read = readSeg(bytes, 'sample-seg.dcm');
    const { input } = sample;
    expect(read.segments.map((s) => [s.number, s.label, s.algorithmType, s.algorithmName, s.color, s.code])).toEqual(
      input.segments.map((s, i) => [i + 1, s.label, s.algorithm.type, 'name' in s.algorithm ? s.algorithm.name : undefined, [...s.color], { ...s.code }]),
    );
    expect(read.frames).toHaveLength(py.numberOfFrames);
    const plane = read.rows * read.columns;
    for (const frame of read.frames) {
      const k = sample.sliceOf.get(frame.sopInstanceUIDs[0]!)!;
      const id = sample.labelIds[frame.segmentNumber - 1]!;
      const truth = mask(Array.from(sample.truth.subarray(k * plane, (k + 1) * plane), (v) => (v === id ? 1 : 0)));
      expect(Buffer.compare(Buffer.from(frame.mask), Buffer.from(truth))).toBe(0);
      expect(frame.position).toEqual(input.slices[k]!.position);
    }
    expect(read.referencedSeries).toEqual([{ seriesInstanceUID: input.source.seriesInstanceUID, sopInstanceUIDs: input.slices.map((s) => s.sopInstanceUID) }]);
    expect(read.frameOfReferenceUID).toBe(input.source.frameOfReferenceUID);
  });
});

describe('frames that do not start on a byte boundary (5 × 7 pixels)', () => {
  const { masks, input } = smallSeg();

  it('packs frames continuously: pydicom unpacks each one to its mask, dciodvfy finds no error', async () => {
    const file = write('small-seg.dcm', writeSeg(input));
    const { seg, pixels } = await pydicom(file, { frames: true });
    const written = seg.frames.map((f) => [f.segment, Number(f.sops[0]!.slice(5)) - 200]);
    expect(written).toEqual([[1, 0], [1, 1], [1, 2], [2, 0], [2, 2]]);
    written.forEach(([s, k], i) => {
      expect(Array.from(pixels!.subarray(i * 35, (i + 1) * 35)), `frame ${i + 1}`).toEqual(Array.from(masks[s! - 1]![k!]!));
    });
    expect(seg.segments.map((s) => s.label)).toEqual(['椎间盘 L4/L5', 'Canal']);
    expect(seg.segmentsOverlap).toBe('YES');
    expect(seg.attributes['PatientName']).toBe('张^三');
    expect((await dciodvfy(file)).errors).toEqual([]);
  });

  it('writes one empty frame when no segment has a pixel, and dciodvfy accepts it', async () => {
    const empty = { ...input, masks: () => undefined };
    const file = write('empty-seg.dcm', writeSeg(empty));
    const { seg } = await pydicom(file);
    expect(seg.segments).toHaveLength(2);
    expect(seg.frames.map((f) => [f.segment, f.sum])).toEqual([[1, 0]]);
    expect((await dciodvfy(file)).errors).toEqual([]);
  });
});

describe.skipIf(!haveShared)('reads SEG files written by other tools as pydicom does', () => {
  const files = [
    'seg-dcmqi-liver-on-ct3slice/seg/liver_seg.dcm',
    'seg-highdicom-ct/seg/seg_image_ct_binary.dcm',
    'seg-highdicom-ct/seg/seg_image_ct_binary_fractional.dcm',
    'seg-highdicom-ct/seg/seg_image_ct_binary_single_frame.dcm',
  ];

  it.each(files)('%s', async (name) => {
    const path = join(SHARED, name);
    const { seg } = await pydicom(path);
    const read: SegFile = readSeg(new Uint8Array(readFileSync(path)), name);
    expect(read.segmentationType).toBe(seg.segmentationType);
    expect(read.segmentsOverlap).toBe(seg.segmentsOverlap ?? 'UNDEFINED');
    expect([read.rows, read.columns]).toEqual([seg.rows, seg.columns]);
    expect(read.segments.map((s) => [s.number, s.label, s.algorithmType, s.algorithmName ?? null, codeOf(s.code.category), codeOf(s.code.type), s.cielab ?? null])).toEqual(
      seg.segments.map((s) => [s.number, s.label, s.algorithmType, s.algorithmName, s.category, s.type, s.cielab]),
    );
    expect(read.frames).toHaveLength(seg.numberOfFrames);
    expect(read.frames.map((f) => [f.segmentNumber, f.sopInstanceUIDs, sum(f.mask)])).toEqual(seg.frames.map((f) => [f.segment, f.sops, f.sum]));
    expect(read.frames.map((f) => f.position)).toEqual(seg.frames.map((f) => f.position));
  });
});

describe('bad input fails with a SegmarkError naming the problem', () => {
  let good: Uint8Array;
  let goodFile: string;
  beforeAll(() => {
    const sample = sampleSeg();
    good = writeSeg({ ...sample.input, ...fixed() });
    goodFile = write('good.dcm', good);
  });

  /** A copy of the good SEG changed by dcmodify (dcmtk), read back. */
  async function modified(name: string, ...args: string[]): Promise<Uint8Array> {
    requireTool(DCMODIFY);
    const path = join(work, name);
    copyFileSync(goodFile, path);
    await run(DCMODIFY, ['-nb', ...args, path]);
    return new Uint8Array(readFileSync(path));
  }

  it('missing SegmentSequence, SegmentationType or Pixel Data', async () => {
    expectSegmarkError(readSync(await modified('no-segments.dcm', '-e', '(0062,0002)')), 'seg-invalid', { attribute: 'SegmentSequence' });
    expectSegmarkError(readSync(await modified('no-type.dcm', '-e', '(0062,0001)')), 'seg-invalid', { attribute: 'SegmentationType' });
    expectSegmarkError(readSync(await modified('no-pixels.dcm', '-e', '(7fe0,0010)')), 'seg-invalid', { attribute: 'PixelData' });
  });

  it('a segment without its property type code, a frame without its segment', async () => {
    expectSegmarkError(
      readSync(await modified('no-type-code.dcm', '-e', '(0062,0002)[0].(0062,000f)')),
      'seg-invalid',
      { attribute: 'SegmentedPropertyTypeCodeSequence' },
    );
    expectSegmarkError(
      readSync(await modified('no-frame-segment.dcm', '-e', '(5200,9230)[2].(0062,000a)')),
      'seg-invalid',
      { attribute: 'ReferencedSegmentNumber' },
    );
  });

  it('a frame referring to an undeclared segment, a frame count that disagrees', async () => {
    expectSegmarkError(
      readSync(await modified('bad-ref.dcm', '-m', '(5200,9230)[0].(0062,000a)[0].(0062,000b)=9')),
      'seg-invalid',
      { attribute: 'ReferencedSegmentNumber' },
    );
    expectSegmarkError(readSync(await modified('bad-count.dcm', '-m', '(0028,0008)=3')), 'seg-invalid', { attribute: 'PerFrameFunctionalGroupsSequence' });
  });

  it('a kind of segmentation not read: LABELMAP', async () => {
    expectSegmarkError(readSync(await modified('labelmap.dcm', '-m', '(0062,0001)=LABELMAP')), 'seg-unsupported', { attribute: 'SegmentationType' });
  });
});
