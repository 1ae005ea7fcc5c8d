/**
 * Livewire (src/core/annotation/livewire.ts): paths follow edges on a
 * synthetic disc and on the sample CT, a closed outline from six anchors
 * matches the ground-truth disc, and following the mouse is fast.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { Livewire } from '../../src/core/annotation/livewire.js';
import { frameBytes, parseInstance } from '../../src/core/dicom/parse.js';
import { decodeFrame } from '../../src/core/dicom/pixels/decode.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { dice, random } from './support/annotation-geometry.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A disc of `inside` HU on `outside` HU with partial volume (4×4 samples per pixel) and Gaussian-ish noise. */
function discImage(size: number, cx: number, cy: number, radius: number, inside: number, outside: number, noise: number): Int16Array {
  const rand = random(7);
  const image = new Int16Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let hits = 0;
      for (let k = 0; k < 16; k++) if ((c + ((k % 4) + 0.5) / 4 - cx) ** 2 + (r + (Math.floor(k / 4) + 0.5) / 4 - cy) ** 2 < radius * radius) hits++;
      const n = (rand() + rand() + rand() - 1.5) * 2 * noise; // σ ≈ noise
      image[r * size + c] = Math.round(outside + ((inside - outside) * hits) / 16 + n);
    }
  }
  return image;
}

/** Points of a polyline, as pairs. */
function points(path: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < path.length; k += 2) out.push([path[k]!, path[k + 1]!]);
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('livewire on a synthetic disc', () => {
  const size = 160;
  const [cx, cy, radius] = [80.3, 79.6, 45];
  const image = discImage(size, cx, cy, radius, 120, -80, 12);
  const onEdge = (angle: number): [number, number] => [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];

  it('REQ-LIVEWIRE-1: keeps paths between points of the boundary on the boundary (mean distance < 1 px)', () => {
    const wire = new Livewire(image, size, size, { center: 40, width: 400 });
    let total = 0;
    let count = 0;
    let worst = 0;
    for (let k = 0; k < 6; k++) {
      const [x0, y0] = onEdge((k * Math.PI) / 3);
      const [x1, y1] = onEdge(((k + 1) * Math.PI) / 3 + 0.2);
      wire.setSeed(x0, y0);
      const path = wire.pathTo(x1, y1);
      expect(path.slice(0, 2)).toEqual([Math.floor(x0) + 0.5, Math.floor(y0) + 0.5]);
      expect(path.slice(-2)).toEqual([Math.floor(x1) + 0.5, Math.floor(y1) + 0.5]);
      for (const [x, y] of points(path)) {
        const d = Math.abs(Math.hypot(x - cx, y - cy) - radius);
        total += d;
        worst = Math.max(worst, d);
        count++;
      }
    }
    console.log(`annotation-livewire: synthetic disc, mean distance to the edge ${(total / count).toFixed(3)} px (max ${worst.toFixed(2)}) over ${count} path points`);
    expect(total / count).toBeLessThan(1);
    expect(worst).toBeLessThan(2);
  });

  it('REQ-LIVEWIRE-2: follows the edges of the windowed image, the one the user sees', () => {
    // Soft tissue (120 HU) of radius 25 inside lung-like tissue (−500 HU) of radius 45, on air.
    const inner = discImage(size, cx, cy, 25, 120, -500, 8);
    const outer = discImage(size, cx, cy, 45, -500, -950, 8);
    const image = inner.map((v, i) => (Math.hypot((i % size) + 0.5 - cx, Math.floor(i / size) + 0.5 - cy) < 35 ? v : outer[i]!));
    const meanRadius = (center: number, width: number) => {
      const wire = new Livewire(image, size, size, { center, width });
      wire.setSeed(cx + 35, cy);
      const path = points(wire.pathTo(cx, cy + 35));
      return path.slice(5, -5).reduce((sum, [x, y]) => sum + Math.hypot(x - cx, y - cy), 0) / (path.length - 10);
    };
    // Soft tissue window: −500 and −950 are both black, only the inner edge is seen.
    expect(Math.abs(meanRadius(40, 400) - 25)).toBeLessThan(1);
    // A window of −950..−450 HU: the outer edge is the contrast, the inner one is saturated.
    expect(Math.abs(meanRadius(-700, 500) - 45)).toBeLessThan(1);
  });

  it('REQ-LIVEWIRE-3: steps to 8-neighbours only, and returns a one-point path to the seed itself', () => {
    const wire = new Livewire(image, size, size, { center: 40, width: 400 });
    wire.setSeed(...onEdge(0));
    const path = points(wire.pathTo(...onEdge(2)));
    for (let k = 1; k < path.length; k++) {
      expect(Math.max(Math.abs(path[k]![0] - path[k - 1]![0]), Math.abs(path[k]![1] - path[k - 1]![1]))).toBe(1);
    }
    expect(wire.pathTo(...onEdge(0))).toEqual(wire.seed);
    wire.reset();
    expect(wire.seed).toBeUndefined();
    expect(() => wire.pathTo(10, 10)).toThrow();
  });
});

describe('livewire on the sample CT', () => {
  const meta = JSON.parse(readFileSync(join(root, 'sample-dicom/ground-truth/discs.json'), 'utf8')) as {
    dims: { columns: number; rows: number };
    slices: { k: number; file: string }[];
  };
  const { columns, rows } = meta.dims;
  const k = 38; // the middle of the L3/L4 disc (label 3)
  const label = 3;
  const labelmap = gunzipSync(readFileSync(join(root, 'sample-dicom/ground-truth/discs.u8.gz')));
  const truth = labelmap.subarray(k * columns * rows, (k + 1) * columns * rows).map((v) => (v === label ? 1 : 0));
  let hu: Int16Array;

  beforeAll(async () => {
    const file = meta.slices.find((s) => s.k === k)!.file;
    const instance = parseInstance(new Uint8Array(readFileSync(join(root, 'sample-dicom', file))), file);
    const stored = await decodeFrame(instance.pixel, frameBytes(instance, 0));
    const { rescaleSlope, rescaleIntercept } = instance.frames[0]!;
    hu = Int16Array.from(stored, (v) => v * rescaleSlope + rescaleIntercept);
  });

  /** The ground-truth boundary pixel centre along the ray from the disc's centroid at `angle`. */
  function boundaryAt(angle: number): [number, number] {
    let sx = 0;
    let sy = 0;
    let n = 0;
    truth.forEach((v, i) => {
      if (!v) return;
      sx += (i % columns) + 0.5;
      sy += Math.floor(i / columns) + 0.5;
      n++;
    });
    const [ox, oy] = [sx / n, sy / n];
    let last: [number, number] = [ox, oy];
    for (let s = 0; s < 200; s += 0.25) {
      const x = ox + s * Math.cos(angle);
      const y = oy + s * Math.sin(angle);
      if (truth[Math.floor(y) * columns + Math.floor(x)]) last = [Math.floor(x) + 0.5, Math.floor(y) + 0.5];
      else if (s > 5) break;
    }
    return last;
  }

  it('REQ-LIVEWIRE-4: closes an outline through 6 anchors on the disc boundary with Dice ≥ 0.95 against the ground truth', () => {
    const wire = new Livewire(hu, columns, rows, { center: 40, width: 400 });
    const anchors = Array.from({ length: 6 }, (_, n) => boundaryAt(-Math.PI / 2 + (n * Math.PI) / 3)).flat();
    const ring = wire.outline(anchors);
    const mask = rasterizeToMask({ rings: [ring] }, columns, rows);
    const score = dice(mask, truth);
    console.log(`annotation-livewire: sample CT slice ${k}, L3/L4 disc from 6 anchors: Dice ${score.toFixed(4)} (${ring.length / 2} outline points)`);
    expect(score).toBeGreaterThanOrEqual(0.95);
  });

  it('REQ-LIVEWIRE-5: follows the mouse fast enough (pathTo p50/p95 over ~200 positions printed)', () => {
    const wire = new Livewire(hu, columns, rows, { center: 40, width: 400 });
    const times: number[] = [];
    const seeds: number[] = [];
    const jitter = random(3);
    // Six anchors; between two, the mouse visits 33 points near the boundary (±1.5 px).
    for (let n = 0; n < 6; n++) {
      const from = -Math.PI / 2 + (n * Math.PI) / 3;
      let start = performance.now();
      wire.setSeed(...boundaryAt(from));
      seeds.push(performance.now() - start);
      for (let m = 1; m <= 33; m++) {
        const [x, y] = boundaryAt(from + ((m / 33) * Math.PI) / 3);
        start = performance.now();
        const path = wire.pathTo(x + (jitter() - 0.5) * 3, y + (jitter() - 0.5) * 3);
        times.push(performance.now() - start);
        expect(path.length).toBeGreaterThanOrEqual(2);
      }
    }
    times.sort((a, b) => a - b);
    seeds.sort((a, b) => a - b);
    console.log(
      `annotation-livewire: ${times.length} pathTo calls on ${columns}², p50 ${percentile(times, 50).toFixed(2)} ms, ` +
        `p95 ${percentile(times, 95).toFixed(2)} ms, max ${times[times.length - 1]!.toFixed(2)} ms; setSeed median ${percentile(seeds, 50).toFixed(2)} ms`,
    );
  });

  it('REQ-LIVEWIRE-6: follows the mouse on 512² too (a far jump included)', () => {
    const size = 512;
    const image = discImage(size, 250.5, 260.2, 150, 90, -60, 12);
    let start = performance.now();
    const wire = new Livewire(image, size, size, { center: 40, width: 400 });
    const build = performance.now() - start;
    const times: number[] = [];
    wire.setSeed(250.5 + 150, 260.2);
    for (let m = 1; m <= 200; m++) {
      const angle = (m / 200) * Math.PI;
      start = performance.now();
      wire.pathTo(250.5 + 150 * Math.cos(angle), 260.2 + 150 * Math.sin(angle));
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    // The worst case: the mouse jumps to the far corner, and most of the image is expanded at once.
    start = performance.now();
    wire.pathTo(2, 2);
    const jump = performance.now() - start;
    console.log(
      `annotation-livewire: 200 pathTo calls on 512² along half a circle of radius 150, p50 ${percentile(times, 50).toFixed(2)} ms, ` +
        `p95 ${percentile(times, 95).toFixed(2)} ms, max ${times[times.length - 1]!.toFixed(2)} ms; jump to the far corner ` +
        `${jump.toFixed(1)} ms; cost image ${build.toFixed(1)} ms`,
    );
  });
});
