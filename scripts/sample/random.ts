/**
 * Deterministic randomness for the synthetic sample: integer hashing, a small
 * seeded PRNG and lattice value noise. Only integer arithmetic and IEEE
 * add/multiply are used, so every JavaScript engine produces the same bits —
 * the sample must regenerate byte-identically (no Math.random, no Date).
 */

/** 32-bit integer finaliser ("lowbias32", C. Wellons): cheap and well mixed. */
export function hash32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of three lattice coordinates and a seed, as an unsigned 32-bit integer. */
export function hash3(i: number, j: number, k: number, seed: number): number {
  return hash32(Math.imul(i, 0x8da6b343) ^ Math.imul(j, 0xd8163841) ^ Math.imul(k, 0xcb1ab31f) ^ hash32(seed));
}

/** mulberry32: a tiny PRNG with a 32-bit state; returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Approximately Gaussian deviate (mean 0, σ 1) from the sum of four uniforms
 * (Irwin–Hall). No log/cos, so the result does not depend on the engine's
 * transcendental functions.
 */
export function gaussianish(next: () => number): number {
  return (next() + next() + next() + next() - 2) * 1.7320508075688772;
}

/**
 * Smooth value noise in [0, 1] on a cubic lattice precomputed over a box, so a
 * lookup is a trilinear blend of eight stored values with no hashing in the
 * hot loop. Outside the box the lattice clamps to its border.
 */
export class LatticeNoise {
  private readonly values: Float32Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;

  /**
   * @param min corner of the box (mm)
   * @param max opposite corner (mm)
   * @param cell lattice spacing (mm): the feature size
   */
  constructor(
    private readonly min: readonly [number, number, number],
    max: readonly [number, number, number],
    private readonly cell: number,
    seed: number,
  ) {
    this.nx = Math.ceil((max[0] - min[0]) / cell) + 2;
    this.ny = Math.ceil((max[1] - min[1]) / cell) + 2;
    this.nz = Math.ceil((max[2] - min[2]) / cell) + 2;
    this.values = new Float32Array(this.nx * this.ny * this.nz);
    let n = 0;
    for (let k = 0; k < this.nz; k++) {
      for (let j = 0; j < this.ny; j++) {
        for (let i = 0; i < this.nx; i++) this.values[n++] = hash3(i, j, k, seed) / 4294967296;
      }
    }
  }

  /** Noise value at a point in mm. */
  at(x: number, y: number, z: number): number {
    const fx = clampIndex((x - this.min[0]) / this.cell, this.nx);
    const fy = clampIndex((y - this.min[1]) / this.cell, this.ny);
    const fz = clampIndex((z - this.min[2]) / this.cell, this.nz);
    const i = Math.floor(fx);
    const j = Math.floor(fy);
    const k = Math.floor(fz);
    const tx = fade(fx - i);
    const ty = fade(fy - j);
    const tz = fade(fz - k);
    const v = this.values;
    const sx = 1;
    const sy = this.nx;
    const sz = this.nx * this.ny;
    const o = i + j * sy + k * sz;
    const c000 = v[o]!;
    const c100 = v[o + sx]!;
    const c010 = v[o + sy]!;
    const c110 = v[o + sx + sy]!;
    const c001 = v[o + sz]!;
    const c101 = v[o + sx + sz]!;
    const c011 = v[o + sy + sz]!;
    const c111 = v[o + sx + sy + sz]!;
    const x00 = c000 + (c100 - c000) * tx;
    const x10 = c010 + (c110 - c010) * tx;
    const x01 = c001 + (c101 - c001) * tx;
    const x11 = c011 + (c111 - c011) * tx;
    const y0 = x00 + (x10 - x00) * ty;
    const y1 = x01 + (x11 - x01) * ty;
    return y0 + (y1 - y0) * tz;
  }
}

function clampIndex(f: number, n: number): number {
  return f < 0 ? 0 : f > n - 2.000001 ? n - 2.000001 : f;
}

/** Quintic fade (Perlin): smooth first and second derivatives at lattice points. */
function fade(t: number): number {
  return t * t * t * (t * (t * 6 - 15) + 10);
}

/**
 * Gradient (Perlin) noise in about [−1, 1] with lattice gradients precomputed
 * over a box: smoother and far less blocky than value noise, so its level
 * sets look organic (bowel loops, mesentery).
 */
export class GradientNoise {
  private readonly grads: Uint8Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;

  constructor(
    private readonly min: readonly [number, number, number],
    max: readonly [number, number, number],
    private readonly cell: number,
    seed: number,
  ) {
    this.nx = Math.ceil((max[0] - min[0]) / cell) + 2;
    this.ny = Math.ceil((max[1] - min[1]) / cell) + 2;
    this.nz = Math.ceil((max[2] - min[2]) / cell) + 2;
    this.grads = new Uint8Array(this.nx * this.ny * this.nz);
    let n = 0;
    for (let k = 0; k < this.nz; k++) {
      for (let j = 0; j < this.ny; j++) {
        for (let i = 0; i < this.nx; i++) this.grads[n++] = hash3(i, j, k, seed) % 12;
      }
    }
  }

  at(x: number, y: number, z: number): number {
    const fx = clampIndex((x - this.min[0]) / this.cell, this.nx);
    const fy = clampIndex((y - this.min[1]) / this.cell, this.ny);
    const fz = clampIndex((z - this.min[2]) / this.cell, this.nz);
    const i = Math.floor(fx);
    const j = Math.floor(fy);
    const k = Math.floor(fz);
    const x0 = fx - i;
    const y0 = fy - j;
    const z0 = fz - k;
    const u = fade(x0);
    const v = fade(y0);
    const w = fade(z0);
    const sy = this.nx;
    const sz = this.nx * this.ny;
    const o = i + j * sy + k * sz;
    const g = this.grads;
    const n000 = grad(g[o]!, x0, y0, z0);
    const n100 = grad(g[o + 1]!, x0 - 1, y0, z0);
    const n010 = grad(g[o + sy]!, x0, y0 - 1, z0);
    const n110 = grad(g[o + 1 + sy]!, x0 - 1, y0 - 1, z0);
    const n001 = grad(g[o + sz]!, x0, y0, z0 - 1);
    const n101 = grad(g[o + 1 + sz]!, x0 - 1, y0, z0 - 1);
    const n011 = grad(g[o + sy + sz]!, x0, y0 - 1, z0 - 1);
    const n111 = grad(g[o + 1 + sy + sz]!, x0 - 1, y0 - 1, z0 - 1);
    const a0 = n000 + (n100 - n000) * u;
    const a1 = n010 + (n110 - n010) * u;
    const a2 = n001 + (n101 - n001) * u;
    const a3 = n011 + (n111 - n011) * u;
    const b0 = a0 + (a1 - a0) * v;
    const b1 = a2 + (a3 - a2) * v;
    return b0 + (b1 - b0) * w;
  }
}

/** Dot product with one of Perlin's 12 edge gradients. */
function grad(h: number, x: number, y: number, z: number): number {
  switch (h) {
    case 0: return x + y;
    case 1: return -x + y;
    case 2: return x - y;
    case 3: return -x - y;
    case 4: return x + z;
    case 5: return -x + z;
    case 6: return x - z;
    case 7: return -x - z;
    case 8: return y + z;
    case 9: return -y + z;
    case 10: return y - z;
    default: return -y - z;
  }
}
