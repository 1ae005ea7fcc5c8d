/**
 * 1-bit pixel data (Bits Allocated 1), PS3.5 §8.1.1 and Annex D: pixels in
 * row-major order, eight to a byte, the first pixel in the least significant
 * bit. Frames of a multi-frame object follow each other bit for bit: when
 * rows·cols is not a multiple of 8, a frame starts inside a byte.
 */

/**
 * Sets the bits of the pixels of `mask` that belong to a segment, starting at
 * bit `bitOffset` of `out` (which must be zeroed there). A pixel belongs when it
 * equals `value`, or, with `value` undefined, when it is not 0. Returns how
 * many pixels belong.
 */
export function packFrame(mask: Uint8Array, value: number | undefined, out: Uint8Array, bitOffset: number): number {
  let count = 0;
  const any = value === undefined;
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i]!;
    if (any ? v !== 0 : v === value) {
      const bit = bitOffset + i;
      out[bit >>> 3]! |= 1 << (bit & 7);
      count++;
    }
  }
  return count;
}

/** The `length` pixels starting at bit `bitOffset` of `packed`, as 0/1 bytes. */
export function unpackFrame(packed: Uint8Array, bitOffset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const bit = bitOffset + i;
    out[i] = (packed[bit >>> 3]! >>> (bit & 7)) & 1;
  }
  return out;
}
