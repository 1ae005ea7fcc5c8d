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
  const [from, to] = maskSpan(mask, value);
  for (let i = from; i < to; i++) {
    const v = mask[i]!;
    if (any ? v !== 0 : v === value) {
      const bit = bitOffset + i;
      out[bit >>> 3]! |= 1 << (bit & 7);
      count++;
    }
  }
  return count;
}

/**
 * Indices [from, to) outside which `mask` has no pixel of `value` (any non-zero
 * one when undefined): most (segment, slice) masks of a labelmap hold little
 * or nothing of a given label, and the native scans find that fast.
 */
export function maskSpan(mask: Uint8Array, value: number | undefined): [number, number] {
  if (value !== undefined) {
    const from = mask.indexOf(value);
    return from < 0 ? [0, 0] : [from, mask.lastIndexOf(value) + 1];
  }
  let from = 0;
  while (from < mask.length && mask[from] === 0) from++;
  let to = mask.length;
  while (to > from && mask[to - 1] === 0) to--;
  return [from, to];
}

/** The `length` pixels starting at bit `bitOffset` of `packed`, as 0/1 bytes. */
export function unpackFrame(packed: Uint8Array, bitOffset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if ((bitOffset & 7) === 0) {
    // Frame starts on a byte: whole bytes at a time, and empty bytes (most of a mask) cost one test.
    const start = bitOffset >>> 3;
    const whole = length >>> 3;
    for (let b = 0; b < whole; b++) {
      const byte = packed[start + b]!;
      if (byte === 0) continue;
      const at = b << 3;
      for (let j = 0; j < 8; j++) out[at + j] = (byte >>> j) & 1;
    }
    for (let i = whole << 3; i < length; i++) {
      const bit = bitOffset + i;
      out[i] = (packed[bit >>> 3]! >>> (bit & 7)) & 1;
    }
    return out;
  }
  for (let i = 0; i < length; i++) {
    const bit = bitOffset + i;
    out[i] = (packed[bit >>> 3]! >>> (bit & 7)) & 1;
  }
  return out;
}
