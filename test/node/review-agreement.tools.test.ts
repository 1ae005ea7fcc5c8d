/**
 * Review agreement (src/core/review/) against outside references run with
 * /usr/bin/python3: surface distances against numpy/scipy on random blobs,
 * and the CSV read back by Python's csv module. The hand-computed cases are
 * in review-agreement.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { compareDocuments, type LabelAgreement, type ReviewGeometry } from '../../src/core/review/agreement.js';
import { AGREEMENT_CSV_COLUMNS, agreementCsv } from '../../src/core/review/agreement-csv.js';
import { random } from './support/annotation-geometry.js';
import { HAND, label, prism, rect, region, snapshot, type SnapshotRegion } from './support/review-documents.js';

const PYTHON = '/usr/bin/python3';
const SUPPORT = fileURLToPath(new URL('./support/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'segmark-review-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a support script with /usr/bin/python3; a missing interpreter or module fails the test. */
function python(script: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [join(SUPPORT, script), ...args], { maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${script}: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** A union of ellipsoids minus others, in pixel-centre coordinates (x = c + 0.5, y = r + 0.5, z = slice index). */
interface Ellipsoid {
  x: number;
  y: number;
  z: number;
  rx: number;
  ry: number;
  rz: number;
  hole: boolean;
}

function blobMask(g: ReviewGeometry, shapes: readonly Ellipsoid[]): Uint8Array {
  const mask = new Uint8Array(g.columns * g.rows * g.slices);
  const inside = (e: Ellipsoid, c: number, r: number, k: number): boolean =>
    ((c + 0.5 - e.x) / e.rx) ** 2 + ((r + 0.5 - e.y) / e.ry) ** 2 + ((k - e.z) / e.rz) ** 2 <= 1;
  for (let k = 0, i = 0; k < g.slices; k++) {
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.columns; c++, i++) {
        const add = shapes.some((e) => !e.hole && inside(e, c, r, k));
        mask[i] = add && !shapes.some((e) => e.hole && inside(e, c, r, k)) ? 1 : 0;
      }
    }
  }
  return mask;
}

/** The regions that trace a mask volume exactly (pixel-edge rings). */
function regionsOfMask(labelId: number, mask: Uint8Array, g: ReviewGeometry): SnapshotRegion[] {
  const area = g.columns * g.rows;
  const out: SnapshotRegion[] = [];
  for (let k = 0; k < g.slices; k++) {
    const traced = maskToRegion(mask.subarray(k * area, (k + 1) * area), g.columns, g.rows);
    if (traced.rings.length > 0) out.push(region(labelId, k, traced.rings));
  }
  return out;
}

/** A few overlapping ellipsoids around a centre, and a jittered copy with an extra piece and a hole. */
function blobPair(rand: () => number, g: ReviewGeometry, cx: number, cy: number): [Ellipsoid[], Ellipsoid[]] {
  const between = (lo: number, hi: number): number => lo + (hi - lo) * rand();
  const a: Ellipsoid[] = Array.from({ length: 3 }, () => ({
    x: cx + between(-4, 4),
    y: cy + between(-4, 4),
    z: between(3, g.slices - 4),
    rx: between(3, 7),
    ry: between(3, 7),
    rz: between(1.5, 3.5),
    hole: false,
  }));
  const b = a.map((e) => ({ ...e, x: e.x + between(-2, 2), y: e.y + between(-2, 2), z: e.z + between(-0.7, 0.7), rx: e.rx * between(0.8, 1.2), ry: e.ry * between(0.8, 1.2) }));
  b.push({ x: cx + between(-6, 6), y: cy + between(-6, 6), z: between(2, g.slices - 3), rx: 2.5, ry: 2, rz: 1.2, hole: false });
  b.push({ ...a[0]!, rx: 1.6, ry: 1.6, rz: 1.1, hole: true });
  return [a, b];
}

interface PythonCase {
  name: string;
  voxels: { a: number; b: number; both: number };
  dice: number;
  jaccard: number;
  edt: { hd: number; hd95: number; mean: number } | null;
  kd: { hd: number; hd95: number; mean: number };
}

describe('agreement against scipy', () => {
  it('REQ-REVIEW-9: voxels, Dice, Jaccard, HD, HD95 and mean surface distance match numpy/scipy on random blobs (even and uneven slices)', async () => {
    const base = { columns: 44, rows: 38, slices: 14, pixelSpacing: [0.7, 0.45] as [number, number] };
    const rand = random(20261127);
    const even: ReviewGeometry = { ...base, slicePositions: Array.from({ length: base.slices }, (_, k) => -40 + 2.5 * k) };
    let z = 12.25;
    const uneven: ReviewGeometry = { ...base, slicePositions: Array.from({ length: base.slices }, () => (z += 1 + 3 * rand())) };
    const cases: { name: string; got: LabelAgreement; masks: [Uint8Array, Uint8Array]; g: ReviewGeometry }[] = [];
    const manifest: object[] = [];
    for (const [gName, g] of [['even', even], ['uneven', uneven]] as const) {
      for (let seed = 0; seed < 3; seed++) {
        const labels = [1, 2, 3];
        const shapes = labels.map((id) => blobPair(rand, g, 9 + 12 * (id - 1), 12 + 7 * seed));
        const masks = shapes.map(([sa, sb]) => [blobMask(g, sa), blobMask(g, sb)] as [Uint8Array, Uint8Array]);
        const a = snapshot(labels.map((id) => label(id, `blob ${id}`)), labels.flatMap((id, i) => regionsOfMask(id, masks[i]![0], g)), g);
        const b = snapshot(labels.map((id) => label(id, `blob ${id}`)), labels.flatMap((id, i) => regionsOfMask(id, masks[i]![1], g)), g);
        const result = compareDocuments(a, b, g);
        labels.forEach((id, i) => {
          const name = `${gName}-${seed}-${id}`;
          writeFileSync(join(work, `${name}-a.u8`), masks[i]![0]);
          writeFileSync(join(work, `${name}-b.u8`), masks[i]![1]);
          manifest.push({ name, shape: [g.slices, g.rows, g.columns], spacing: g.pixelSpacing, positions: g.slicePositions, a: `${name}-a.u8`, b: `${name}-b.u8` });
          cases.push({ name, got: result.labels[i]!, masks: masks[i]!, g });
        });
      }
    }
    writeFileSync(join(work, 'cases.json'), JSON.stringify(manifest));
    const reference = JSON.parse(await python('review-surface.py', work)) as PythonCase[];

    let worst = 0;
    cases.forEach(({ name, got, masks, g }, n) => {
      const want = reference[n]!;
      expect(want.name).toBe(name);
      expect(got.status, name).toBe('both');
      expect(got.voxels, name).toEqual(want.voxels);
      expect(got.dice).toBeCloseTo(want.dice, 12);
      expect(got.jaccard).toBeCloseTo(want.jaccard, 12);
      for (const ref of [want.kd, ...(want.edt ? [want.edt] : [])]) {
        worst = Math.max(worst, Math.abs(got.hausdorffMm! - ref.hd), Math.abs(got.hd95Mm! - ref.hd95), Math.abs(got.meanSurfaceDistanceMm! - ref.mean));
      }
      expect(got.slices, name).toEqual(sliceDisagreements(masks, g));
    });
    expect(reference.filter((r) => r.edt).length).toBe(9);
    console.log(`review-agreement: max |ours − scipy| over HD, HD95, mean surface distance = ${worst.toExponential(2)} mm (${cases.length} label pairs)`);
    expect(worst).toBeLessThan(1e-6);
  });
});

/** Per-slice A-only / B-only counts straight from the masks, sorted as the result is. */
function sliceDisagreements([a, b]: [Uint8Array, Uint8Array], g: ReviewGeometry): { slice: number; aOnly: number; bOnly: number }[] {
  const area = g.columns * g.rows;
  const out = [];
  for (let k = 0; k < g.slices; k++) {
    let aOnly = 0;
    let bOnly = 0;
    for (let i = k * area; i < (k + 1) * area; i++) {
      if (a[i] && !b[i]) aOnly++;
      if (b[i] && !a[i]) bOnly++;
    }
    if (aOnly + bOnly > 0) out.push({ slice: k, aOnly, bOnly });
  }
  return out.sort((x, y) => y.aOnly + y.bOnly - (x.aOnly + x.bOnly) || x.slice - y.slice);
}

describe('CSV', () => {
  it('REQ-REVIEW-12: parses with Python’s csv module to the same numbers, names quoted per RFC 4180, empty fields for undefined values', async () => {
    const g = HAND;
    const awkward = 'L4/L5, "posterior"\nrim';
    const a = snapshot(
      [label(1, awkward), label(2, 'plain'), label(4, 'only A')],
      [...prism(1, [1, 2, 3], rect(2, 2, 7, 7)), ...prism(2, [2], rect(0, 0, 3, 3)), ...prism(4, [1], rect(9, 9, 11, 11))],
      g,
    );
    const b = snapshot(
      [label(1, awkward), label(2, 'plain'), label(5, 'only B')],
      [...prism(1, [1, 2, 3, 4], rect(3, 2, 8, 7)), ...prism(2, [2], rect(0, 0, 3, 3))],
      g,
    );
    const result = compareDocuments(a, b, g);
    const csv = agreementCsv(result);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe(AGREEMENT_CSV_COLUMNS.join(','));
    const file = join(work, 'agreement.csv');
    writeFileSync(file, csv);
    expect(readFileSync(file, 'utf8')).toBe(csv);
    const parsed = JSON.parse(await python('review-csv.py', file)) as { header: string[]; rows: Record<string, number | string | null>[] };
    expect(parsed.header).toEqual([...AGREEMENT_CSV_COLUMNS]);
    expect(parsed.rows).toHaveLength(result.labels.length);
    const fixed = (v: number | null): number | null => (v === null ? null : Number(v.toFixed(4)) + 0);
    result.labels.forEach((l, i) => {
      expect(parsed.rows[i]).toEqual({
        id_a: l.ids.a,
        id_b: l.ids.b,
        name: l.name,
        dice: fixed(l.dice),
        jaccard: fixed(l.jaccard),
        hd95_mm: fixed(l.hd95Mm),
        hausdorff_mm: fixed(l.hausdorffMm),
        mean_surface_distance_mm: fixed(l.meanSurfaceDistanceMm),
        volume_a_ml: fixed(l.volumeAMl),
        volume_b_ml: fixed(l.volumeBMl),
        volume_difference_ml: fixed(l.volumeDifferenceMl),
        volume_difference_percent: fixed(l.volumeDifferencePercent),
        slices_with_disagreement: l.slices.length,
      });
    });
    // Spot checks of what the rows hold.
    expect(parsed.rows[0]!.name).toBe(awkward);
    expect(parsed.rows[1]!.dice).toBe(1);
    expect(parsed.rows[2]!.hausdorff_mm).toBeNull();
    expect(parsed.rows[3]!.volume_difference_percent).toBeNull();
    expect(agreementCsv(result, { decimals: 2 }).split('\r\n')[2]).toBe('2,2,plain,1.00,1.00,0.00,0.00,0.00,0.01,0.01,0.00,0.00,0');
  });
});
