/**
 * Seeded synthetic inputs shared by page-side scenarios (not a scenario: page.ts
 * only discovers ./scenarios/*.ts). Every run builds the same data.
 *
 * - `discDocument`: the lumbar discs (template labels 1–5), each on `span`
 *   consecutive slices, each region a wavy ellipse of ~120×80 px with
 *   200–400 vertices, passed through normalizeRegion as the tools commit it
 *   (scenarios/store.ts builds its document from the same `discRing`).
 * - `ctSlices`: a CT-like int16 series in HU: air around a body ellipse of
 *   soft tissue with a fat rim, a vertebral body of bone, noise σ ≈ 20 HU.
 */
import type { DocumentSnapshot } from '../../src/core/annotation/document-data.js';
import type { Label } from '../../src/core/annotation/labels.js';
import type { Region, Ring } from '../../src/core/annotation/region.js';

/** A small deterministic PRNG (LCG), 0 ≤ value < 1 (as the unit tests use). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Radial waves of one disc, [amplitude px, frequency, phase]: fixed per label, so its slices look alike. */
function discWaves(labelId: number): [number, number, number][] {
  const rand = random(7919 * labelId);
  return [3, 7, 13].map((f) => [1 + 3 * rand(), f + Math.floor(rand() * 3), 2 * Math.PI * rand()]);
}

/**
 * Disc `labelId` on its `j`-th slice of `span`: an ellipse of ~120×80 px that
 * swells towards the middle slices and drifts a little, with label-wide waves
 * and ±0.4 px of hand jitter per vertex; 200–400 vertices. `grow` (px)
 * widens it, as a correction does.
 */
export function discRing(labelId: number, j: number, span: number, seed: number, grow = 0): Ring {
  const rand = random(seed);
  const profile = 0.8 + 0.2 * Math.sin((Math.PI * (j + 0.5)) / span);
  const rx = 60 * profile + grow;
  const ry = 40 * profile + grow * 0.7;
  const cx = 256 + 6 * Math.sin(j / 9 + labelId);
  const cy = 300 + 4 * Math.cos(j / 11 + labelId);
  const waves = discWaves(labelId);
  const n = 200 + Math.floor(rand() * 201);
  const ring: Ring = [];
  for (let v = 0; v < n; v++) {
    const angle = (2 * Math.PI * v) / n;
    let wave = 0;
    for (const [a, f, p] of waves) wave += a * Math.sin(f * angle + p + j / 20);
    const jitter = (rand() - 0.5) * 0.8;
    ring.push(cx + (rx + wave + jitter) * Math.cos(angle), cy + (ry + wave * 0.7 + jitter) * Math.sin(angle));
  }
  return ring;
}

export interface DiscDocumentInput {
  /** The empty document's snapshot (series and labels set). */
  empty: DocumentSnapshot;
  labelIds: readonly number[];
  /** Consecutive slices per label; label i (0-based) starts at slice i·span. */
  span: number;
  normalizeRegion(region: Region): Region;
}

/** `empty` with every disc region added, as a tool-made document's snapshot. */
export function discDocument({ empty, labelIds, span, normalizeRegion }: DiscDocumentInput): DocumentSnapshot {
  const snapshot: DocumentSnapshot = { ...empty, regions: [...empty.regions] };
  labelIds.forEach((labelId, i) => {
    for (let j = 0; j < span; j++) {
      const region = normalizeRegion({ rings: [discRing(labelId, j, span, 1000 * labelId + j)] });
      snapshot.regions.push({ labelId, slice: i * span + j, rings: region.rings, origin: 'drawn', verified: false });
    }
  });
  return snapshot;
}

/** The labels of `all` with the given ids, in that order; throws when one is missing. */
export function pickLabels(all: readonly Label[], ids: readonly number[]): Label[] {
  return ids.map((id) => {
    const label = all.find((l) => l.id === id);
    if (!label) throw new Error(`synthetic: no label ${id} in the template`);
    return label;
  });
}

/**
 * Slice `k` of a CT-like series (columns × rows, int16 HU): air (−1000) outside
 * a body ellipse; inside, soft tissue (+40) with a fat rim (−100) and a
 * vertebral body (+400) whose size changes slowly with k; Gaussian-like noise
 * σ ≈ 20 HU (sum of three uniforms) everywhere, air included.
 */
export function ctSlice(columns: number, rows: number, k: number): Int16Array {
  const rand = random(0x5eed + 7 * k);
  const hu = new Int16Array(columns * rows);
  const cx = columns / 2;
  const cy = rows / 2;
  const ax = columns * 0.46;
  const ay = rows * 0.38;
  const bone = 28 + 6 * Math.sin(k / 17);
  const by = cy + rows * 0.1;
  for (let r = 0; r < rows; r++) {
    const y = (r + 0.5 - cy) / ay;
    const yb = r + 0.5 - by;
    for (let c = 0; c < columns; c++) {
      const x = (c + 0.5 - cx) / ax;
      const e = x * x + y * y;
      let value = -1000;
      if (e < 1) {
        const xb = c + 0.5 - cx;
        value = e > 0.8 ? -100 : xb * xb + yb * yb < bone * bone ? 400 : 40;
      }
      // Sum of three uniforms: σ = 0.5, scaled to 20 HU.
      hu[r * columns + c] = Math.round(value + (rand() + rand() + rand() - 1.5) * 40);
    }
  }
  return hu;
}
