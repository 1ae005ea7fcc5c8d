// Deterministic synthetic CT series for `npm run bench`, written once into
// .tmp/bench-series/ and reused while its manifest matches.
//
// Why a hand-written Part 10 writer and not dcmjs: the header is ~40 fixed
// elements, and writing 300 × 512 KB through dcmjs's naturalised-dataset path
// adds seconds and allocations to every cold bench run for nothing; these ~80
// lines give a fixed, byte-identical layout (explicit VR little endian) that
// dicom-parser, cornerstone-wado-image-loader and our loader all read.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Bump when the bytes written change, so cached series are regenerated. */
const GENERATOR_VERSION = 1;

export const SERIES = Object.freeze({
  rows: 512,
  columns: 512,
  slices: 300,
  rescaleIntercept: -1024,
  rescaleSlope: 1,
  pixelSpacing: 0.7,
  sliceSpacing: 1.0,
});

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** A UID under the 2.25 (UUID-derived) root, stable for a given seed string. */
function uid(seed) {
  const hex = createHash('sha1').update(`segmark-bench/${seed}`).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`)}`;
}

/** VRs whose length field is 32-bit (after two reserved bytes) in explicit VR. */
const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'SQ', 'UC', 'UN', 'UR', 'UT']);

/** One data element as bytes. `value` is a string, number[] (US/UL) or Uint8Array (OB/OW). */
function element(group, elem, vr, value) {
  let body;
  if (value instanceof Uint8Array) {
    body = value;
  } else if (vr === 'US' || vr === 'UL') {
    const size = vr === 'US' ? 2 : 4;
    body = new Uint8Array(size * value.length);
    const dv = new DataView(body.buffer);
    value.forEach((v, i) => (size === 2 ? dv.setUint16(i * 2, v, true) : dv.setUint32(i * 4, v, true)));
  } else {
    let text = String(value);
    // Even length: UIDs pad with NUL, other strings with a space (PS3.5 6.2).
    if (text.length % 2) text += vr === 'UI' ? '\0' : ' ';
    body = new TextEncoder().encode(text);
  }
  const long = LONG_VRS.has(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, group, true);
  dv.setUint16(2, elem, true);
  head[4] = vr.charCodeAt(0);
  head[5] = vr.charCodeAt(1);
  if (long) dv.setUint32(8, body.length, true);
  else dv.setUint16(6, body.length, true);
  return [head, body];
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** mulberry32: a small, fast, seedable PRNG so the noise is identical on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Stored values (HU − intercept) of slice k: air, an elliptic "body" of soft
 * tissue with a smooth ripple, two darker "lungs" in the upper half, a bright
 * "spine" disk, and roughly ±20 HU of noise. Not anatomy, just realistic ranges.
 */
function slicePixels(k, { rows, columns, slices, rescaleIntercept }) {
  const out = new Int16Array(rows * columns);
  const rand = prng(0x5e9 + k);
  const t = k / slices;
  const bodyA = 220 - 20 * Math.cos(Math.PI * t); // semi-axes in pixels, breathing along z
  const bodyB = 160 - 15 * Math.cos(Math.PI * t);
  const cx = columns / 2;
  const cy = rows / 2 + 10;
  const lungR = t > 0.35 ? 70 * Math.sin(Math.PI * Math.min(1, (t - 0.35) / 0.65)) : 0;
  const rippleX = new Float32Array(columns);
  for (let c = 0; c < columns; c++) rippleX[c] = 25 * Math.sin(c / 23 + k / 17);
  for (let r = 0; r < rows; r++) {
    const rippleY = Math.cos(r / 31 - k / 29);
    const dy = (r - cy) / bodyB;
    const dyl = r - (cy - 40);
    const dys = r - (cy + 95);
    for (let c = 0; c < columns; c++) {
      const dx = (c - cx) / bodyA;
      let hu = -1000;
      if (dx * dx + dy * dy <= 1) {
        hu = 40 + rippleX[c] * rippleY;
        const dxl = Math.abs(c - cx) - 85;
        if (dxl * dxl + dyl * dyl < lungR * lungR) hu = -820 + 0.3 * rippleX[c];
        const dxs = c - cx;
        if (dxs * dxs + dys * dys < 28 * 28) hu = 650 + 2 * rippleX[c];
      }
      hu += (rand() + rand() - 1) * 20;
      out[r * columns + c] = Math.round(hu - rescaleIntercept);
    }
  }
  return out;
}

/** The whole Part 10 file of slice k (0-based), as bytes. */
function sliceFile(k, spec, uids) {
  const { rows, columns, rescaleIntercept, rescaleSlope, pixelSpacing, sliceSpacing, slices } = spec;
  const sopInstanceUID = uid(`sop/${k}`);
  const z = -sliceSpacing * (slices - 1) + k * sliceSpacing; // ascending along the normal, ends at 0
  const ds = (x) => x.toFixed(2);
  const meta = [
    element(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
    element(0x0002, 0x0002, 'UI', CT_IMAGE_STORAGE),
    element(0x0002, 0x0003, 'UI', sopInstanceUID),
    element(0x0002, 0x0010, 'UI', EXPLICIT_VR_LITTLE_ENDIAN),
    element(0x0002, 0x0012, 'UI', uid('implementation')),
    element(0x0002, 0x0013, 'SH', 'SEGMARK_BENCH1'),
  ].flat();
  const metaBytes = concat(meta);
  const pixels = slicePixels(k, spec);
  const dataset = [
    element(0x0008, 0x0005, 'CS', 'ISO_IR 100'),
    element(0x0008, 0x0008, 'CS', 'ORIGINAL\\PRIMARY\\AXIAL'),
    element(0x0008, 0x0016, 'UI', CT_IMAGE_STORAGE),
    element(0x0008, 0x0018, 'UI', sopInstanceUID),
    element(0x0008, 0x0020, 'DA', '20260101'),
    element(0x0008, 0x0021, 'DA', '20260101'),
    element(0x0008, 0x0023, 'DA', '20260101'),
    element(0x0008, 0x0030, 'TM', '090000'),
    element(0x0008, 0x0031, 'TM', '090500'),
    element(0x0008, 0x0033, 'TM', `0905${String(k % 60).padStart(2, '0')}`),
    element(0x0008, 0x0050, 'SH', 'BENCH0001'),
    element(0x0008, 0x0060, 'CS', 'CT'),
    element(0x0008, 0x0070, 'LO', 'Segmark synthetic'),
    element(0x0008, 0x0090, 'PN', ''),
    element(0x0008, 0x1030, 'LO', 'Benchmark abdomen'),
    element(0x0008, 0x103e, 'LO', 'Synthetic 512x512x300 1.0mm'),
    element(0x0010, 0x0010, 'PN', 'BENCH^SYNTHETIC'),
    element(0x0010, 0x0020, 'LO', 'BENCH-0001'),
    element(0x0010, 0x0030, 'DA', '19700101'),
    element(0x0010, 0x0040, 'CS', 'O'),
    element(0x0018, 0x0050, 'DS', ds(sliceSpacing)),
    element(0x0018, 0x0060, 'DS', '120'),
    element(0x0018, 0x5100, 'CS', 'HFS'),
    element(0x0020, 0x000d, 'UI', uids.study),
    element(0x0020, 0x000e, 'UI', uids.series),
    element(0x0020, 0x0010, 'SH', '1'),
    element(0x0020, 0x0011, 'IS', '2'),
    element(0x0020, 0x0012, 'IS', '1'),
    element(0x0020, 0x0013, 'IS', String(k + 1)),
    element(0x0020, 0x0032, 'DS', `${ds(-pixelSpacing * (columns - 1) / 2)}\\${ds(-pixelSpacing * (rows - 1) / 2)}\\${ds(z)}`),
    element(0x0020, 0x0037, 'DS', '1\\0\\0\\0\\1\\0'),
    element(0x0020, 0x0052, 'UI', uids.frameOfReference),
    element(0x0020, 0x0060, 'CS', ''),
    element(0x0020, 0x1040, 'LO', ''),
    element(0x0020, 0x1041, 'DS', ds(z)),
    element(0x0028, 0x0002, 'US', [1]),
    element(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    element(0x0028, 0x0010, 'US', [rows]),
    element(0x0028, 0x0011, 'US', [columns]),
    element(0x0028, 0x0030, 'DS', `${ds(pixelSpacing)}\\${ds(pixelSpacing)}`),
    element(0x0028, 0x0100, 'US', [16]),
    element(0x0028, 0x0101, 'US', [16]),
    element(0x0028, 0x0102, 'US', [15]),
    element(0x0028, 0x0103, 'US', [1]),
    element(0x0028, 0x1050, 'DS', '40'),
    element(0x0028, 0x1051, 'DS', '400'),
    element(0x0028, 0x1052, 'DS', String(rescaleIntercept)),
    element(0x0028, 0x1053, 'DS', String(rescaleSlope)),
    element(0x0028, 0x1054, 'LO', 'HU'),
    element(0x7fe0, 0x0010, 'OW', new Uint8Array(pixels.buffer)), // host is little endian (x86/arm)
  ].flat();
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128); // "DICM"
  const groupLength = element(0x0002, 0x0000, 'UL', [metaBytes.length]);
  return concat([preamble, ...groupLength, metaBytes, ...dataset]);
}

/**
 * Makes sure the series exists under `dir` and returns its manifest:
 * `{ version, spec, files: [{ name, size }], totalBytes, voxelBytes }`.
 * Regenerates everything when the manifest or a file size does not match.
 */
export async function ensureSeries(dir, log = () => {}) {
  const spec = SERIES;
  const manifestPath = path.join(dir, 'series.json');
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    if (manifest.version === GENERATOR_VERSION && JSON.stringify(manifest.spec) === JSON.stringify(spec)) {
      const sizes = await Promise.all(manifest.files.map((f) => stat(path.join(dir, f.name)).then((s) => s.size, () => -1)));
      if (sizes.every((s, i) => s === manifest.files[i].size)) return { ...manifest, cached: true };
    }
  } catch {
    // missing or unreadable manifest: regenerate
  }
  const started = Date.now();
  log(`generating ${spec.slices} slices of ${spec.columns}×${spec.rows} int16 into ${path.relative(process.cwd(), dir)}/ …`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const uids = { study: uid('study'), series: uid('series'), frameOfReference: uid('for') };
  const files = [];
  for (let k = 0; k < spec.slices; k++) {
    const name = `CT${String(k + 1).padStart(4, '0')}.dcm`;
    const bytes = sliceFile(k, spec, uids);
    await writeFile(path.join(dir, name), bytes);
    files.push({ name, size: bytes.length });
  }
  const manifest = {
    version: GENERATOR_VERSION,
    spec,
    files,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    voxelBytes: spec.rows * spec.columns * spec.slices * 2,
  };
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ...manifest, cached: false };
}
