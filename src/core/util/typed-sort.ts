/**
 * In-place sorts of typed-array prefixes that allocate nothing, for loops that
 * sort on every row or frame (the rasterizer's crossings and spans).
 */

/** Sorts `a[0..n)` ascending in place: insertion sort for the short lists it usually gets, the native sort past 48. */
export function sortFloats(a: Float64Array, n: number): void {
  if (n > 48) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Partitions at most this long are finished by insertion sort. */
const INSERTION_SORT_MAX = 24;
/** Pending partitions of the quicksort below: its depth stays under 2·log2(n) + 2 since the shorter side is sorted first. */
const sortStack = new Int32Array(128);

/**
 * Sorts `key[0..n)` ascending and `other` along with it, in place and without
 * allocating (a sort through an index array made garbage on every row of a
 * spiky outline). Quicksort on the median of three, shorter side first,
 * partitions of a few finished by insertion sort (lists that are short or
 * nearly sorted, the usual case, cost one pass).
 */
export function sortByKey(key: Float64Array, other: Int32Array, n: number): void {
  let top = 0;
  let lo = 0;
  let hi = n - 1;
  for (;;) {
    while (hi - lo >= INSERTION_SORT_MAX) {
      const mid = (lo + hi) >> 1;
      if (key[mid]! < key[lo]!) swap(key, other, mid, lo);
      if (key[hi]! < key[lo]!) swap(key, other, hi, lo);
      if (key[hi]! < key[mid]!) swap(key, other, hi, mid);
      const pivot = key[mid]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (key[i]! < pivot) i++;
        while (key[j]! > pivot) j--;
        if (i <= j) swap(key, other, i++, j--);
      }
      // [lo, j] and [i, hi] remain: push the longer one, go on with the shorter.
      if (j - lo < hi - i) {
        sortStack[top++] = i;
        sortStack[top++] = hi;
        hi = j;
      } else {
        sortStack[top++] = lo;
        sortStack[top++] = j;
        lo = i;
      }
    }
    for (let i = lo + 1; i <= hi; i++) {
      const k = key[i]!;
      const o = other[i]!;
      let j = i - 1;
      while (j >= lo && key[j]! > k) {
        key[j + 1] = key[j]!;
        other[j + 1] = other[j]!;
        j--;
      }
      key[j + 1] = k;
      other[j + 1] = o;
    }
    if (top === 0) return;
    hi = sortStack[--top]!;
    lo = sortStack[--top]!;
  }
}

function swap(key: Float64Array, other: Int32Array, a: number, b: number): void {
  const k = key[a]!;
  key[a] = key[b]!;
  key[b] = k;
  const o = other[a]!;
  other[a] = other[b]!;
  other[b] = o;
}
