/**
 * COCO run-length encoding of a binary mask, as pycocotools reads it
 * (cocoapi `common/maskApi.c`): the mask is walked column by column
 * (Fortran order: index c·rows + r), and `counts` alternate runs of 0 and 1,
 * always starting with a run of 0 (of length 0 when the first pixel is set).
 * `size` is `[rows, columns]` (height, width).
 *
 * The compressed form is pycocotools' string: each count (from the fourth on,
 * its difference to the count two before) in signed 5-bit groups, least
 * significant first, bit 5 meaning "more follows", each group + 48 as an
 * ASCII character.
 */

/** The uncompressed COCO RLE counts of `mask` (index r·columns + c; nonzero = set). */
export function encodeRle(mask: ArrayLike<number>, columns: number, rows: number): number[] {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  for (let c = 0; c < columns; c++) {
    for (let i = c, end = c + rows * columns; i < end; i += columns) {
      const v = mask[i] ? 1 : 0;
      if (v !== value) {
        counts.push(run);
        run = 0;
        value = v;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** The 0/1 mask (index r·columns + c) of uncompressed counts; throws RangeError unless they cover the image exactly. */
export function decodeRle(counts: readonly number[], columns: number, rows: number): Uint8Array {
  const total = columns * rows;
  const mask = new Uint8Array(total);
  let at = 0;
  for (let j = 0; j < counts.length; j++) {
    const run = counts[j]!;
    if (!Number.isInteger(run) || run < 0) throw new RangeError(`count ${j} (${run}) is not a non-negative integer`);
    if (at + run > total) throw new RangeError(`the counts cover more than the ${rows} × ${columns} pixels`);
    if (j % 2 === 1) {
      // Column-major position p is pixel (r, c) = (p mod rows, ⌊p / rows⌋).
      for (let p = at; p < at + run; p++) mask[(p % rows) * columns + Math.floor(p / rows)] = 1;
    }
    at += run;
  }
  if (at !== total) throw new RangeError(`the counts cover ${at} pixels, not the ${rows} × ${columns} of the image`);
  return mask;
}

/** pycocotools' compressed string of uncompressed counts. */
export function rleToString(counts: readonly number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    for (let more = true; more; ) {
      let c = x & 0x1f;
      x >>= 5; // arithmetic shift: negative differences end in a run of sign bits
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** Uncompressed counts of pycocotools' compressed string; throws RangeError on characters outside '0'..'o' or a cut-off group. */
export function rleFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    for (let more = true; more; ) {
      if (p >= s.length) throw new RangeError('the string ends inside a count');
      const c = s.charCodeAt(p++) - 48;
      if (c < 0 || c > 63) throw new RangeError(`character ${JSON.stringify(s[p - 1])} is outside the RLE alphabet`);
      x += (c & 0x1f) * 2 ** (5 * k); // multiplication: counts can pass the 32 bits of JS shifts
      k++;
      more = (c & 0x20) !== 0;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign-extend the last group
    }
    counts.push(counts.length > 2 ? x + counts[counts.length - 2]! : x);
  }
  return counts;
}
