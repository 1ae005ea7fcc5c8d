import { describe, expect, it } from 'vitest';
import { assembleSeries } from '../../src/core/dicom/series.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import { fakeInstance, shuffled } from './support/fake-instance.js';

const axialStack = (n: number, step = 2.5, z0 = -100) =>
  Array.from({ length: n }, (_, i) => fakeInstance(`IM${String(n - i).padStart(4, '0')}`, { position: [0, 0, z0 + i * step], instanceNumber: n - i }));

const codes = (c: { warnings: { code: string }[] }) => c.warnings.map((w) => w.code);

describe('series sorting', () => {
  it('sorts shuffled slices by position along the normal, ascending', () => {
    const stack = axialStack(40);
    for (const seed of [1, 2, 3, 42]) {
      const [series] = assembleSeries(shuffled(stack, seed));
      expect(series!.slices.map((s) => s.instance)).toEqual(stack);
      expect(series!.sliceSpacing).toBeCloseTo(2.5, 12);
      expect(series!.warnings).toEqual([]);
    }
  });

  it('sorts a reversed series (descending z in file order) and ignores InstanceNumber and file names', () => {
    const stack = axialStack(10);
    const misleading = stack.map((inst, i) => ({ ...inst, instanceNumber: i % 3, fileName: `z${9 - i}` }));
    const [series] = assembleSeries([...misleading].reverse());
    expect(series!.slices.map((s) => s.location)).toEqual(stack.map((_, i) => -100 + i * 2.5));
  });

  it('sorts along the normal of an oblique (non-axial) orientation, not along z', () => {
    const s = Math.SQRT1_2;
    const u: Vec3 = [1, 0, 0];
    const v: Vec3 = [0, s, -s];
    // normal = u × v = (0, s, s); positions step along it
    const stack = Array.from({ length: 8 }, (_, i) =>
      fakeInstance(`o${i}`, { position: [5, 3 + i * s * 2, -7 + i * s * 2], rowCosine: u, columnCosine: v }),
    );
    const [series] = assembleSeries(shuffled(stack, 7));
    expect(series!.slices.map((x) => x.instance.fileName)).toEqual(stack.map((x) => x.fileName));
    expect(series!.sliceSpacing).toBeCloseTo(2, 10);
    expect(series!.tiltDeg).toBeLessThan(1e-4);
  });

  it('detects gantry tilt: positions sheared along the column direction', () => {
    const tilt = (15 * Math.PI) / 180;
    // Slices 2 mm apart along z, shifted in y by 2·tan(15°) each: the classic tilted CT acquisition.
    const stack = Array.from({ length: 12 }, (_, i) => fakeInstance(`t${i}`, { position: [0, i * 2 * Math.tan(tilt), i * 2] }));
    const [series] = assembleSeries(shuffled(stack, 3));
    expect(series!.slices.map((x) => x.instance)).toEqual(stack);
    expect(codes(series!)).toContain('gantry-tilt');
    expect(series!.tiltDeg).toBeCloseTo(15, 6);
  });
});

describe('spacing checks', () => {
  it('reports a gap where slices are missing', () => {
    const stack = axialStack(20).filter((_, i) => i !== 7 && i !== 8);
    const [series] = assembleSeries(stack);
    expect(codes(series!)).toEqual(['gap']);
    expect(series!.warnings[0]!.params!['largest']).toBeCloseTo(7.5, 9);
    expect(series!.sliceSpacing).toBeCloseTo(2.5, 12);
  });

  it('reports uneven spacing that is not a gap', () => {
    const stack = axialStack(10);
    const shifted = stack.map((inst, i) => (i === 4 ? fakeInstance('shifted', { position: [0, 0, -100 + 4 * 2.5 + 0.4] }) : inst));
    const [series] = assembleSeries(shifted);
    expect(codes(series!)).toEqual(['uneven-spacing']);
  });

  it('tolerates rounding in positions (6 decimals)', () => {
    const stack = Array.from({ length: 30 }, (_, i) => fakeInstance(`r${i}`, { position: [0, 0, Number((i * 0.625).toFixed(6)) + 1e-6 * (i % 2)] }));
    const [series] = assembleSeries(stack);
    expect(series!.warnings).toEqual([]);
  });

  it('keeps one image per position and reports duplicates by file', () => {
    const stack = axialStack(6);
    const dup = fakeInstance('dup.dcm', { position: [0, 0, -100 + 2 * 2.5] });
    const [series] = assembleSeries([...stack, dup]);
    expect(series!.slices).toHaveLength(6);
    expect(codes(series!)).toEqual(['duplicate-position']);
    expect(series!.warnings[0]!.files).toEqual(['dup.dcm']);
  });
});

describe('one SOP Instance UID is one image (issue 17)', () => {
  const copyOf = (instance: ReturnType<typeof fakeInstance>, name: string) => ({ ...instance, fileName: name });

  it('REQ-HOSTILE-DUPLICATE-2: an image without geometry under two names is one slice, and a 1-slice series beside it is not outnumbered', () => {
    const flat = fakeInstance('a.dcm', { noGeometry: true, series: '7.7' });
    const other = fakeInstance('ct.dcm', { series: '8.8' });
    const candidates = assembleSeries([flat, copyOf(flat, 'b.dcm'), other]);
    expect(candidates.map((c) => [c.seriesInstanceUID, c.slices.length])).toEqual([
      ['7.7', 1],
      ['8.8', 1],
    ]);
    const copies = candidates[0]!.warnings.filter((w) => w.code === 'duplicate-instance');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.files).toEqual(['a.dcm', 'b.dcm']);
    expect(copies[0]!.params).toEqual({ count: 1, files: 'a.dcm, b.dcm' });
    expect(candidates[1]!.warnings).toEqual([]);
  });

  it('REQ-HOSTILE-DUPLICATE-3: copies inside a stack with positions are reported as the same image, once per series, not as an occupied position', () => {
    const stack = axialStack(8);
    const files = [...stack, copyOf(stack[2]!, 'copy-1.dcm'), copyOf(stack[5]!, 'copy-2.dcm'), copyOf(stack[2]!, 'copy-3.dcm')];
    const [series] = assembleSeries(shuffled(files, 5));
    // Whichever file of an image was read first stands for it.
    expect(series!.slices.map((s) => s.instance.sopInstanceUID)).toEqual(stack.map((i) => i.sopInstanceUID));
    expect(codes(series!)).toEqual(['duplicate-instance']);
    expect(series!.warnings[0]!.params!['count']).toBe(3);
    expect([...series!.warnings[0]!.files!].sort()).toEqual(['copy-1.dcm', 'copy-2.dcm', 'copy-3.dcm', stack[2]!.fileName, stack[5]!.fileName].sort());
  });
});

describe('grouping', () => {
  it('keeps localizers out of the volume and says so', () => {
    const stack = axialStack(10);
    const scout = fakeInstance('scout', { imageType: ['ORIGINAL', 'PRIMARY', 'LOCALIZER'], rowCosine: [0, 1, 0], columnCosine: [0, 0, -1] });
    const unflagged = fakeInstance('scout2', { rowCosine: [1, 0, 0], columnCosine: [0, 0, -1] });
    const result = assembleSeries([...stack, scout, unflagged]);
    expect(result).toHaveLength(1);
    expect(result[0]!.slices).toHaveLength(10);
    expect(codes(result[0]!)).toEqual(['localizer-excluded']);
    expect(result[0]!.warnings[0]!.files).toEqual(['scout', 'scout2']);
  });

  it('lists several series in one drop, largest first', () => {
    const a = axialStack(5);
    const b = Array.from({ length: 9 }, (_, i) => fakeInstance(`b${i}`, { series: '9.9', position: [0, 0, i] }));
    const result = assembleSeries(shuffled([...a, ...b], 5));
    expect(result.map((s) => [s.seriesInstanceUID, s.slices.length])).toEqual([
      ['9.9', 9],
      ['1.2.3.4', 5],
    ]);
  });

  it('splits one SeriesInstanceUID holding stacks of different sizes', () => {
    const a = axialStack(5);
    const b = Array.from({ length: 4 }, (_, i) => fakeInstance(`big${i}`, { rows: 8, columns: 8, position: [0, 0, i] }));
    const result = assembleSeries([...a, ...b]);
    expect(result.map((s) => s.slices.length)).toEqual([5, 4]);
    expect(result.every((s) => codes(s).includes('mixed-geometry'))).toBe(true);
    expect(new Set(result.map((s) => s.key)).size).toBe(2);
  });

  it('falls back to instance order, with a warning, when images carry no geometry', () => {
    const stack = Array.from({ length: 4 }, (_, i) => fakeInstance(`n${i}`, { noGeometry: true, instanceNumber: 4 - i }));
    const [series] = assembleSeries(stack);
    expect(series!.slices.map((s) => s.instance.fileName)).toEqual(['n3', 'n2', 'n1', 'n0']);
    expect(codes(series!)).toEqual(['no-geometry']);
  });
});
