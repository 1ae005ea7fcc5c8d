/**
 * Compact, exact storage encoding of one region (see `core/annotation/region.ts`):
 * all rings in one ArrayBuffer, little-endian, with a tiny header.
 *
 *   bytes 0–2  magic "SGR"
 *   byte  3    format: 1 = Int32 quantized, 2 = Float64 (fallback)
 *   bytes 4–7  ring count R (Uint32)
 *   then R × Uint32: the number of values (2 × points) in each ring
 *   then the values, ring after ring: Int32 `x·4096` (format 1) or Float64 (format 2)
 *
 * Why quantizing loses nothing: region-ops.ts runs every boolean through
 * Clipper on integers scaled by 4096 and divides back by that power of two, and
 * maskToRegion yields pixel corners (integers); so every coordinate it produces
 * is k/4096 exactly, and `round(x·4096)/4096 === x`. The encoder checks that per
 * value instead of assuming it: a region holding any other number (a raw
 * imported point, −0, a coordinate beyond ±2^31/4096 ≈ ±524,288 px) is stored as
 * Float64 instead, so decode(encode(r)) is exact for every finite region.
 * Int32 halves the size of Float64 and is 4× smaller than JSON-ish numbers.
 *
 * A region's provenance and review decision (`RegionMeta`) are stored beside
 * the bytes as plain fields of its record (`encodeMeta` / `decodeMeta`):
 * records written before they were kept lack them and load as before, so
 * the store's version did not change (schema.ts: records only gain fields).
 *
 * Pure: no DOM, no IndexedDB; corrupt input raises `storage-corrupt`.
 */
import { SegmarkError } from '../core/errors.js';
import { copyMeta, parseMeta, type RegionMeta } from '../core/annotation/document-data.js';
import type { Region, Ring } from '../core/annotation/region.js';

export const REGION_SCALE = 4096;
const MAGIC = [0x53, 0x47, 0x52] as const; // "SGR"
const FORMAT_INT32 = 1;
const FORMAT_FLOAT64 = 2;
const HEADER = 8;
const INT32_MAX = 2 ** 31 - 1;

export function encodeRegion(region: Region): ArrayBuffer {
  const rings = region.rings;
  let values = 0;
  let quantizable = true;
  for (const ring of rings) {
    values += ring.length;
    if (quantizable) {
      for (let i = 0; i < ring.length; i++) {
        const q = ring[i]! * REGION_SCALE;
        // Number.isInteger rejects NaN/±Infinity; Object.is catches −0, which Int32 cannot hold.
        if (!Number.isInteger(q) || q > INT32_MAX || q < -INT32_MAX || Object.is(q, -0)) {
          quantizable = false;
          break;
        }
      }
    }
  }
  const width = quantizable ? 4 : 8;
  const buffer = new ArrayBuffer(HEADER + 4 * rings.length + width * values);
  const view = new DataView(buffer);
  view.setUint8(0, MAGIC[0]);
  view.setUint8(1, MAGIC[1]);
  view.setUint8(2, MAGIC[2]);
  view.setUint8(3, quantizable ? FORMAT_INT32 : FORMAT_FLOAT64);
  view.setUint32(4, rings.length, true);
  let at = HEADER;
  for (const ring of rings) {
    view.setUint32(at, ring.length, true);
    at += 4;
  }
  for (const ring of rings) {
    if (quantizable) {
      for (let i = 0; i < ring.length; i++, at += 4) view.setInt32(at, ring[i]! * REGION_SCALE, true);
    } else {
      for (let i = 0; i < ring.length; i++, at += 8) view.setFloat64(at, ring[i]!, true);
    }
  }
  return buffer;
}

export function decodeRegion(buffer: ArrayBuffer): Region {
  const corrupt = (why: string): never => {
    throw new SegmarkError('storage-corrupt', `stored region: ${why}`);
  };
  if (!(buffer instanceof ArrayBuffer)) corrupt('not an ArrayBuffer');
  if (buffer.byteLength < HEADER) corrupt(`${buffer.byteLength} bytes, shorter than the header`);
  const view = new DataView(buffer);
  if (view.getUint8(0) !== MAGIC[0] || view.getUint8(1) !== MAGIC[1] || view.getUint8(2) !== MAGIC[2]) corrupt('bad magic');
  const format = view.getUint8(3);
  if (format !== FORMAT_INT32 && format !== FORMAT_FLOAT64) corrupt(`unknown format ${format}`);
  const width = format === FORMAT_INT32 ? 4 : 8;
  const count = view.getUint32(4, true);
  if (HEADER + 4 * count > buffer.byteLength) corrupt(`${count} rings do not fit in ${buffer.byteLength} bytes`);
  const lengths: number[] = [];
  let values = 0;
  for (let r = 0, at = HEADER; r < count; r++, at += 4) {
    const n = view.getUint32(at, true);
    if (n % 2 !== 0) corrupt(`ring ${r} has an odd number of values`);
    lengths.push(n);
    values += n;
  }
  let at = HEADER + 4 * count;
  if (at + width * values !== buffer.byteLength) corrupt(`length ${buffer.byteLength} does not match ${values} values`);
  const rings: Ring[] = [];
  for (const n of lengths) {
    const ring: Ring = []; // filled by push: V8 keeps it a packed double array
    if (width === 4) {
      for (let i = 0; i < n; i++, at += 4) ring.push(view.getInt32(at, true) / REGION_SCALE);
    } else {
      for (let i = 0; i < n; i++, at += 8) {
        const v = view.getFloat64(at, true);
        if (!Number.isFinite(v)) corrupt('a coordinate is not finite');
        ring.push(v);
      }
    }
    rings.push(ring);
  }
  return { rings };
}

/** The present parts of a region's provenance and review, as plain fields for its stored record. */
export function encodeMeta(r: RegionMeta): RegionMeta {
  return copyMeta(r);
}

/** The provenance and review of a stored record, checked; none for records written before they were kept. */
export function decodeMeta(record: RegionMeta): RegionMeta {
  return copyMeta(
    parseMeta(record, (why) => {
      throw new SegmarkError('storage-corrupt', `stored region: ${why}`);
    }),
  );
}
