/**
 * DICOM RLE Lossless encoder (PS3.5 Annex G) for one frame of 16-bit
 * single-sample pixels: two byte segments (most significant bytes first),
 * each a PackBits stream in which every row is encoded separately, each
 * padded to even length, after the 64-byte header of segment offsets.
 *
 * Written here because no maintained JavaScript library encodes DICOM RLE
 * (dcmjs and the @cornerstonejs codecs decode only), and the format is small.
 * The one decoder is the library's (`src/core/dicom/pixels/rle.ts`).
 */

const HEADER_BYTES = 64;

/** Encodes a frame of int16/uint16 pixels (row-major) as an RLE Lossless fragment. */
export function encodeRle16(pixels: Int16Array | Uint16Array, rows: number, columns: number): Uint8Array {
  if (pixels.length !== rows * columns) throw new Error('encodeRle16: pixel count does not match rows × columns');
  const plane = new Uint8Array(columns);
  // Worst case per row: one header per 128 literals, plus the row.
  const scratch = new Uint8Array(rows * (columns + Math.ceil(columns / 128)) + 1);
  const segments: Uint8Array[] = [];
  for (const shift of [8, 0]) {
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * columns;
      for (let c = 0; c < columns; c++) plane[c] = (pixels[base + c]! >> shift) & 0xff;
      n = packBitsRow(plane, scratch, n);
    }
    if (n % 2 === 1) scratch[n++] = 0;
    segments.push(scratch.slice(0, n));
  }
  const total = HEADER_BYTES + segments.reduce((s, seg) => s + seg.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, segments.length, true);
  let offset = HEADER_BYTES;
  segments.forEach((seg, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    out.set(seg, offset);
    offset += seg.length;
  });
  return out;
}

/** Appends the PackBits encoding of one row to `out` at `n`; returns the new length. */
export function packBitsRow(row: Uint8Array, out: Uint8Array, n: number): number {
  const len = row.length;
  let i = 0;
  while (i < len) {
    const run = runLength(row, i);
    if (run >= 2) {
      // Replicate run: −(run − 1) as a signed byte, then the byte.
      out[n++] = (257 - run) & 0xff;
      out[n++] = row[i]!;
      i += run;
      continue;
    }
    // Literal run: up to 128 bytes, ending where a run of 3 or more begins
    // (a run of 2 costs as much inside a literal as outside it).
    const start = i;
    i++;
    while (i < len && i - start < 128 && runLength(row, i) < 3) i++;
    out[n++] = i - start - 1;
    for (let j = start; j < i; j++) out[n++] = row[j]!;
  }
  return n;
}

function runLength(row: Uint8Array, i: number): number {
  const v = row[i];
  let j = i + 1;
  while (j < row.length && j - i < 128 && row[j] === v) j++;
  return j - i;
}
