/**
 * Every transfer syntax decodes to the right values: the cornerstone CTImage
 * set against its uncompressed original (in HU, since the lossy files were
 * re-quantised with other slopes), the pydicom MR_small set exactly, and
 * HTJ2K round-tripped through the OpenJPH encoder (no HTJ2K file ships).
 * 12-bit lossy JPEG against DCMTK's dcmdjpeg is in
 * transfer-syntaxes.tools.test.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { frameBytes } from '../../src/core/dicom/parse.js';
import { decodeFrame } from '../../src/core/dicom/pixels/decode.js';
import { SameThreadDecoder } from '../../src/core/dicom/pixels/decoder.js';
import type { DicomInstance } from '../../src/core/dicom/types.js';
import { ctFile, CT_DIR, load, mismatch, PYDICOM, stored } from './support/syntax-files.js';

const SHARED = fileURLToPath(new URL('../../../shared/dicom/', import.meta.url));
const haveShared = existsSync(SHARED);
if (!haveShared) {
  if (process.env.CI === 'true') throw new Error(`shared DICOM test data missing at ${SHARED}; CI must not skip these tests`);
  console.warn(`[transfer-syntaxes] skipped: shared DICOM test data not found at ${SHARED}`);
}

/** Modality LUT applied: stored × slope + intercept, in HU for CT. */
async function hu(instance: DicomInstance): Promise<Float64Array> {
  const s = await stored(instance);
  const { rescaleSlope, rescaleIntercept } = instance.frames[0]!;
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i]! * rescaleSlope + rescaleIntercept;
  return out;
}

function errors(a: Float64Array, b: Float64Array): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

/** Lossless encodings of CTImage.dcm: every HU value must match exactly. */
const LOSSLESS = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90'];

/**
 * Lossy encodings: bounds on |HU − reference| (mean, max), from measurements
 * (in the comments) with headroom, and from how each file was quantised. A
 * wrong decode (byte order, sign, wrong codec path) is off by hundreds of HU.
 * - 4.50: 8-bit with slope 32.12, so rounding alone is up to ±16 HU; the DCT
 *   adds about one more step at edges. Measured 19.8 mean / 64.2 max.
 * - 4.51, 4.53, 4.55: 12-bit with slope 2.0 (±1 HU rounding); the DCT error
 *   dominates at bone/air edges. Measured 3.84 / 35.6 for all three (same tables).
 * - 4.81: JPEG-LS near-lossless guarantees |error| ≤ NEAR stored units; checked
 *   against the NEAR in the stream's SOS below. Measured 0.69 / 1.0.
 * - 4.91: lossy JPEG 2000. Measured 0.57 / 5.0.
 */
const LOSSY: Record<string, { mean: number; max: number }> = {
  '1.2.840.10008.1.2.4.50': { mean: 25, max: 100 },
  '1.2.840.10008.1.2.4.51': { mean: 5, max: 50 },
  '1.2.840.10008.1.2.4.53': { mean: 5, max: 50 },
  '1.2.840.10008.1.2.4.55': { mean: 5, max: 50 },
  '1.2.840.10008.1.2.4.81': { mean: 1, max: 1 },
  '1.2.840.10008.1.2.4.91': { mean: 1, max: 10 },
};

/** The NEAR parameter of a JPEG-LS stream: the byte after the component list of its first SOS. */
function jpegLsNear(stream: Uint8Array): number {
  for (let i = 0; i + 4 < stream.length; i++) {
    if (stream[i] === 0xff && stream[i + 1] === 0xda) return stream[i + 5 + 2 * stream[i + 4]!]!;
  }
  throw new Error('no SOS marker');
}

describe.skipIf(!haveShared)('CTImage in every transfer syntax decodes to the HU of the uncompressed original', () => {
  let reference: Float64Array;
  const measured: string[] = [];
  afterAll(() => {
    if (measured.length) console.info(`lossy |HU error| (mean / max):\n${measured.join('\n')}`);
  });

  it('covers every file in the folder', () => {
    const files = readdirSync(CT_DIR).filter((f) => f.startsWith('CTImage.dcm_'));
    const covered = [...LOSSLESS, ...Object.keys(LOSSY)];
    for (const f of files) expect(covered.some((ts) => f.endsWith(`_${ts}.dcm`)), f).toBe(true);
    expect(files.length).toBe(covered.length);
  });

  it('reads the reference', async () => {
    reference = await hu(load(join(CT_DIR, 'CTImage.dcm')));
    expect(reference.length).toBe(512 * 512);
    expect(reference.reduce((a, b) => Math.min(a, b))).toBeLessThan(-900);
  });

  it.each(LOSSLESS)('lossless %s equals the reference exactly', async (ts) => {
    const instance = load(ctFile(ts));
    expect(instance.pixel.transferSyntaxUID).toBe(ts);
    const values = await hu(instance);
    expect(errors(values, reference).max).toBe(0);
  });

  it.each(Object.keys(LOSSY))('lossy %s stays within its error bound', async (ts) => {
    const instance = load(ctFile(ts));
    const e = errors(await hu(instance), reference);
    measured.push(`  ${ts}: ${e.mean.toFixed(2)} / ${e.max.toFixed(1)} HU (slope ${instance.frames[0]!.rescaleSlope})`);
    if (ts.endsWith('.81')) expect(e.max).toBeLessThanOrEqual(jpegLsNear(frameBytes(instance, 0)) * instance.frames[0]!.rescaleSlope);
    expect(e.mean).toBeLessThanOrEqual(LOSSY[ts]!.mean);
    expect(e.max).toBeLessThanOrEqual(LOSSY[ts]!.max);
  });
});

describe.skipIf(!haveShared)('pydicom MR_small variants equal MR_small.dcm exactly', () => {
  const variants = ['MR_small_RLE.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_implicit.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_padded.dcm'];
  it.each(variants)('%s', async (name) => {
    const reference = await stored(load(join(PYDICOM, 'MR_small.dcm')));
    const values = await stored(load(join(PYDICOM, name)));
    expect(values.constructor).toBe(reference.constructor);
    expect(mismatch(values, reference)).toBe('equal');
  });
});

describe.skipIf(!haveShared)('unsigned 12-bit JPEG 2000 (TotalSegmentator series)', () => {
  it('decodes to plausible CT values', async () => {
    const dir = join(SHARED, 'ct-series-totalsegmentator-siemens-abdomen/dicom');
    const name = readdirSync(dir).sort()[10]!;
    const instance = load(join(dir, name));
    const values = await hu(instance);
    let min = Infinity;
    let max = -Infinity;
    let air = 0;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
      if (v < -900) air++;
    }
    expect(min).toBeGreaterThanOrEqual(-1024);
    expect(max).toBeLessThanOrEqual(3071);
    expect(max).toBeGreaterThan(500); // bone
    expect(air / values.length).toBeGreaterThan(0.2); // air around the body
  });
});

describe.skipIf(!haveShared)('HTJ2K (4.201/4.203) decodes exactly what OpenJPH encoded', () => {
  it('round-trips CTImage pixels', async () => {
    const ct = load(join(CT_DIR, 'CTImage.dcm'));
    const original = (await stored(ct)) as Int16Array;
    const { default: factory } = await import('@cornerstonejs/codec-openjph/wasmjs');
    const codec = await factory();
    const encoder = new codec.HTJ2KEncoder();
    let encoded: Uint8Array;
    try {
      const input = encoder.getDecodedBuffer({ width: 512, height: 512, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false });
      input.set(new Uint8Array(original.buffer, original.byteOffset, original.byteLength));
      encoder.encode();
      encoded = encoder.getEncodedBuffer().slice();
    } finally {
      encoder.delete();
    }
    expect(encoded.length).toBeGreaterThan(1000);
    expect(encoded.length).toBeLessThan(original.byteLength);
    for (const ts of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.203']) {
      const decoded = await decodeFrame({ ...ct.pixel, transferSyntaxUID: ts }, encoded);
      expect(decoded).toBeInstanceOf(Int16Array);
      expect(mismatch(decoded, original)).toBe('equal');
    }
  });
});

describe.skipIf(!haveShared)('the same-thread FrameDecoder', () => {
  it('decodes, and names the file when a frame is corrupt', async () => {
    const decoder = new SameThreadDecoder();
    const jls = load(ctFile('1.2.840.10008.1.2.4.80'));
    const good = await decoder.decode(jls.pixel, frameBytes(jls, 0), jls.fileName);
    expect(good.length).toBe(512 * 512);
    const broken = frameBytes(jls, 0).slice(0, 200);
    await expect(decoder.decode(jls.pixel, broken, 'broken.dcm')).rejects.toMatchObject({ code: 'decode-failed', file: 'broken.dcm' });
    const controller = new AbortController();
    controller.abort();
    await expect(decoder.decode(jls.pixel, frameBytes(jls, 0), 'x.dcm', controller.signal)).rejects.toMatchObject({ code: 'aborted' });
  });
});
