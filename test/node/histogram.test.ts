/** The HU histogram of the threshold range (src/core/display/histogram.ts). */
import { describe, expect, it } from 'vitest';
import { barHeights, fractionOf, histogramEnd, huAt, huHistogram } from '../../src/core/display/histogram.js';

describe('HU histogram', () => {
  it('REQ-THRESH-HIST-1: counts every value once, in bins spanning the values', () => {
    const values = Int16Array.from([-1000, -1000, 0, 40, 50, 99, 100, 1000]);
    const h = huHistogram(values, 20);
    expect(h.lo).toBe(-1000);
    expect(h.counts.length).toBe(20);
    expect(h.binWidth).toBe(Math.ceil(2001 / 20));
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    expect(h.counts[0]).toBe(2);
    expect(h.counts[19]).toBe(1);
    expect(histogramEnd(h)).toBeGreaterThan(1000);
  });

  it('REQ-THRESH-HIST-2: values beyond the CT limits are counted in the end bins; bins are whole HU', () => {
    const h = huHistogram(Int16Array.from([-3000, 5, 6, 7, 30000]), 8);
    expect(h.lo).toBe(-1024);
    expect(Number.isInteger(h.binWidth)).toBe(true);
    expect(h.counts[0]).toBe(1);
    expect(h.counts[7]).toBe(1);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
    // A narrow span still has bins of at least one HU.
    const flat = huHistogram(Int16Array.from([3, 3, 4]), 80);
    expect(flat.binWidth).toBe(1);
    expect(flat.counts[0]).toBe(2);
    expect(flat.counts[1]).toBe(1);
  });

  it('REQ-THRESH-HIST-3: an empty slice gives empty bins', () => {
    const h = huHistogram(new Int16Array(0), 10);
    expect(h.counts.every((c) => c === 0)).toBe(true);
    expect([...barHeights(h, 40)].every((x) => x === 0)).toBe(true);
  });

  it('REQ-THRESH-HIST-4: bar heights are log-scaled, the tallest at full height', () => {
    const h = { lo: 0, binWidth: 1, counts: Uint32Array.from([0, 1, 10000]) };
    const bars = barHeights(h, 40);
    expect(bars[0]).toBe(0);
    expect(bars[2]).toBeCloseTo(40);
    // One pixel still shows (log scale), unlike a linear scale's 0.004 px.
    expect(bars[1]).toBeGreaterThan(2);
  });

  it('REQ-THRESH-HIST-5: positions map to HU and back, clamped to the histogram', () => {
    const h = { lo: -100, binWidth: 10, counts: new Uint32Array(30) };
    expect(huAt(h, 0)).toBe(-100);
    expect(huAt(h, 1)).toBe(200);
    expect(huAt(h, 0.5)).toBe(50);
    expect(huAt(h, -1)).toBe(-100);
    expect(fractionOf(h, 50)).toBeCloseTo(0.5);
    expect(fractionOf(h, 5000)).toBe(1);
    expect(fractionOf(h, -5000)).toBe(0);
  });
});
