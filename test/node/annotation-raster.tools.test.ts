/**
 * Rasterisation rule (ARCHITECTURE "Coordinates"): a pixel belongs to a
 * region when its centre is inside by the even–odd rule — pixel for pixel the
 * rule of skimage.draw.polygon, checked here against scikit-image itself
 * (Debian's python3-skimage through /usr/bin/python3).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import type { Ring } from '../../src/core/annotation/region.js';
import { mulberry32 } from '../../scripts/sample/random.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(here, 'support/skimage_polygon.py');
const isCI = process.env.CI === 'true';
const hasSkimage = existsSync('/usr/lib/python3/dist-packages/skimage/__init__.py') && existsSync(PYTHON);
if (!hasSkimage && !isCI) {
  console.warn('annotation-raster.test: python3-skimage (or /usr/bin/python3) is missing, skipping the comparison with skimage.draw.polygon (apt-get install python3-skimage; CI requires it)');
}

interface Case {
  kind: string;
  columns: number;
  rows: number;
  rings: Ring[];
}

/** Random polygons of every kind the brief names; coordinates are dyadic (k/1024) unless `exact` is false, so the −0.5 shift to skimage's frame is exact. */
function makeCases(): Case[] {
  const rnd = mulberry32(20261128);
  const q = (v: number) => Math.round(v * 1024) / 1024;
  const half = (v: number) => Math.round(v * 2) / 2;
  const between = (a: number, b: number) => a + (b - a) * rnd();
  const int = (a: number, b: number) => Math.floor(between(a, b + 1));
  const cases: Case[] = [];
  const radial = (cx: number, cy: number, n: number, r0: number, r1: number, snap: (v: number) => number): Ring => {
    const angles = Array.from({ length: n }, () => rnd() * 2 * Math.PI).sort((a, b) => a - b);
    return angles.flatMap((a) => {
      const r = between(r0, r1);
      return [snap(cx + r * Math.cos(a)), snap(cy + r * Math.sin(a))];
    });
  };
  const size = () => [int(8, 48), int(8, 48)] as const;

  for (let i = 0; i < 200; i++) {
    const [w, h] = size();
    const r = between(1, Math.min(w, h) / 2);
    cases.push({ kind: 'convex', columns: w, rows: h, rings: [radial(between(0, w), between(0, h), int(3, 24), r, r, q)] });
  }
  for (let i = 0; i < 200; i++) {
    const [w, h] = size();
    const r = between(2, Math.min(w, h) / 2);
    cases.push({ kind: 'star', columns: w, rows: h, rings: [radial(w / 2 + between(-3, 3), h / 2 + between(-3, 3), int(5, 60), r * 0.2, r, q)] });
  }
  for (let i = 0; i < 120; i++) {
    // Self-intersecting and self-touching: random vertex order, and rings that revisit a vertex.
    const [w, h] = size();
    const n = int(4, 12);
    const ring: Ring = [];
    for (let k = 0; k < n; k++) ring.push(q(between(-2, w + 2)), q(between(-2, h + 2)));
    if (i % 2 === 1) ring.push(ring[0]!, ring[1]!, q(between(0, w)), q(between(0, h)), q(between(0, w)), q(between(0, h)));
    cases.push({ kind: 'self-crossing/touching', columns: w, rows: h, rings: [ring] });
  }
  for (let i = 0; i < 120; i++) {
    // Bow ties and slits: two lobes meeting in one point, often a pixel centre.
    const [w, h] = size();
    const cx = int(2, w - 2) + (i % 3 === 0 ? 0 : 0.5);
    const cy = int(2, h - 2) + (i % 3 === 0 ? 0.5 : 0.5);
    const a = between(1, 6);
    const b = between(1, 6);
    cases.push({ kind: 'bow-tie', columns: w, rows: h, rings: [[cx, cy, half(cx + a), half(cy - b), half(cx + a), half(cy + b), cx, cy, half(cx - a), half(cy + b), half(cx - a), half(cy - b)]] });
  }
  for (let i = 0; i < 150; i++) {
    const [w, h] = size();
    const cx = int(0, w - 1) + 0.5 + between(-0.6, 0.6);
    const cy = int(0, h - 1) + 0.5 + between(-0.6, 0.6);
    cases.push({ kind: 'tiny', columns: w, rows: h, rings: [radial(cx, cy, int(3, 6), 0.05, between(0.1, 1.2), q)] });
  }
  for (let i = 0; i < 200; i++) {
    // Vertices on pixel centres (k + 0.5) and pixel corners (integers): every tie skimage has.
    const [w, h] = size();
    const r = between(1, Math.min(w, h) / 2);
    const snap = i % 2 === 0 ? half : (v: number) => Math.round(v - 0.5) + 0.5;
    const ring = i % 4 < 2 ? radial(between(0, w), between(0, h), int(3, 16), r * 0.3, r, snap) : (() => {
      const out: Ring = [];
      for (let k = 0, n = int(3, 10); k < n; k++) out.push(snap(between(-1, w + 1)), snap(between(-1, h + 1)));
      return out;
    })();
    cases.push({ kind: 'on-centres/half-integers', columns: w, rows: h, rings: [ring] });
  }
  for (let i = 0; i < 60; i++) {
    const [w, h] = size();
    const x0 = half(between(-3, w)), y0 = half(between(-3, h));
    const x1 = half(between(x0, w + 3)), y1 = half(between(y0, h + 3));
    cases.push({ kind: 'rectangle', columns: w, rows: h, rings: [[x0, y0, x1, y0, x1, y1, x0, y1]] });
  }
  for (let i = 0; i < 150; i++) {
    // Edge of the image and partly (or wholly) outside.
    const [w, h] = size();
    const r = between(2, Math.max(w, h));
    const cx = [between(-r, 0), between(w, w + r), between(0, w)][i % 3]!;
    const cy = [between(0, h), between(-r, 0), between(h, h + r)][(i >> 1) % 3]!;
    cases.push({ kind: 'edge/outside', columns: w, rows: h, rings: [radial(cx, cy, int(3, 40), r * 0.4, r, q)] });
  }
  for (let i = 0; i < 60; i++) {
    // Not dyadic: generic doubles (ties have probability zero).
    const [w, h] = size();
    const r = between(1, Math.min(w, h) / 2);
    cases.push({ kind: 'generic floats', columns: w, rows: h, rings: [radial(between(0, w), between(0, h), int(3, 30), r * 0.3, r, (v) => v)] });
  }
  for (let i = 0; i < 140; i++) {
    // Several rings: nested (holes), overlapping, disjoint, sharing edges.
    const [w, h] = size();
    const rings: Ring[] = [];
    const cx = between(0, w), cy = between(0, h);
    const r = between(3, Math.max(w, h) / 2);
    for (let k = 0, n = int(2, 4); k < n; k++) {
      const snap = i % 3 === 0 ? half : q;
      rings.push(k === 0 || i % 2 === 0 ? radial(cx + between(-2, 2), cy + between(-2, 2), int(3, 20), r / (k + 1) * 0.5, r / (k + 1), snap) : radial(between(0, w), between(0, h), int(3, 12), 1, r, snap));
    }
    if (i % 10 === 0) rings.push([...rings[0]!]); // a duplicated ring cancels itself
    cases.push({ kind: 'multi-ring', columns: w, rows: h, rings });
  }
  return cases;
}

describe('rasterizeRegion matches skimage.draw.polygon', () => {
  it.skipIf(!hasSkimage && !isCI)('REQ-RASTER-1: every pixel of ≥ 1,000 random polygons equals scikit-image (XOR over rings)', async () => {
    const cases = makeCases();
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const dir = mkdtempSync(join(tmpdir(), 'segmark-raster-'));
    try {
      const input = join(dir, 'cases.json');
      const output = join(dir, 'masks.u8');
      writeFileSync(input, JSON.stringify({ cases: cases.map(({ columns, rows, rings }) => ({ columns, rows, rings })) }));
      await run(PYTHON, [SCRIPT, input, output], { maxBuffer: 1 << 24 });
      const reference = readFileSync(output);
      let offset = 0;
      const failures: string[] = [];
      const kinds = new Map<string, number>();
      let filled = 0;
      for (const [i, c] of cases.entries()) {
        const n = c.columns * c.rows;
        const expected = reference.subarray(offset, offset + n);
        offset += n;
        const actual = rasterizeToMask({ rings: c.rings }, c.columns, c.rows);
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
        for (let p = 0; p < n; p++) filled += expected[p]!;
        for (let p = 0; p < n; p++) {
          if (actual[p] !== expected[p]) {
            failures.push(`case ${i} (${c.kind}, ${c.columns}×${c.rows}) pixel c=${p % c.columns} r=${Math.floor(p / c.columns)}: ours ${actual[p]}, skimage ${expected[p]}; rings ${JSON.stringify(c.rings)}`);
            break;
          }
        }
      }
      expect(offset).toBe(reference.length);
      console.log(`annotation-raster: ${cases.length} polygons compared with skimage (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}); ${filled} pixels set in total`);
      expect(failures.slice(0, 5)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
