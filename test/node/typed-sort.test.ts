/** The allocation-free sorts the rasterizer runs on every row, against Array's sort. */
import { describe, expect, it } from 'vitest';
import { sortByKey, sortFloats } from '../../src/core/util/typed-sort.js';
import { mulberry32 } from '../../scripts/sample/random.js';

describe('typed-array sorts', () => {
  const random = mulberry32(5);
  // Short, long, with ties, already sorted and reversed: every path of both sorts.
  const cases: number[][] = [];
  for (const n of [0, 1, 2, 23, 24, 25, 49, 100, 1000, 5000]) {
    cases.push(Array.from({ length: n }, () => Math.floor(random() * 1000) / 8));
    cases.push(Array.from({ length: n }, () => Math.floor(random() * 4)));
    cases.push(Array.from({ length: n }, (_, i) => i));
    cases.push(Array.from({ length: n }, (_, i) => n - i));
  }

  it('sortByKey sorts the prefix by key and carries each key\'s partner along; what lies past n is untouched', () => {
    for (const values of cases) {
      const n = values.length;
      const key = Float64Array.from([...values, -1, -2]);
      const other = Int32Array.from([...values.keys(), 77, 88]);
      sortByKey(key, other, n);
      expect(Array.from(key.subarray(0, n))).toEqual([...values].sort((a, b) => a - b));
      for (let i = 0; i < n; i++) expect(values[other[i]!]).toBe(key[i]);
      expect(new Set(other.subarray(0, n)).size).toBe(n);
      expect([key[n], key[n + 1], other[n], other[n + 1]]).toEqual([-1, -2, 77, 88]);
    }
  });

  it('sortFloats sorts the prefix and leaves the rest', () => {
    for (const values of cases) {
      const n = values.length;
      const a = Float64Array.from([...values, -5]);
      sortFloats(a, n);
      expect(Array.from(a.subarray(0, n))).toEqual([...values].sort((x, y) => x - y));
      expect(a[n]).toBe(-5);
    }
  });
});
