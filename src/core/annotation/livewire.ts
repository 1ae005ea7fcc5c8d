/**
 * Livewire (intelligent scissors, Mortensen & Barrett, "Intelligent Scissors
 * for Image Composition", SIGGRAPH 1995): the path from a seed pixel to the
 * cursor that follows image edges, as the minimum-cost 8-connected path.
 *
 * Costs are computed from what the user sees: the slice in HU mapped through
 * the current window to 0..1. The local cost of the link p → q is
 *   wZ·fZ(q) + wG·fG(q)·len(p, q) + wD·fD(p, q)
 * with fZ the Laplacian zero-crossing term (0 on a zero crossing of the
 * Laplacian of a Gaussian-smoothed image, else 1), fG = 1 − G/max G with G the
 * Sobel gradient magnitude (len = 1 for diagonal links, 1/√2 for straight ones,
 * as in the paper), and fD the gradient direction term that keeps the path
 * smooth and on one side of an edge.
 *
 * Dijkstra runs lazily from the seed on a bucket queue in typed arrays (as the
 * paper's, with costs rounded to 1/1024): `pathTo`
 * expands only until the target is settled and the shortest-path tree is kept,
 * so following the mouse costs the new ring of pixels plus the walk back.
 * `expand` lets an idle callback grow the tree ahead of the cursor.
 *
 * Hand-written: no maintained JavaScript library implements livewire on typed
 * arrays (the cornerstone-tools one is tied to its page-global state).
 */
import type { Ring } from './region.js';

export interface LivewireWindow {
  /** Window centre and width in HU, as displayed. */
  center: number;
  width: number;
}

export interface LivewireOptions {
  /** Weights of the zero-crossing, gradient magnitude and gradient direction terms; default 0.43, 0.43, 0.14 (the paper's). */
  weights?: { zeroCrossing: number; gradient: number; direction: number };
  /** σ in pixels of the Gaussian smoothing before the Laplacian; default 1. */
  smoothing?: number;
}

// 8-neighbourhood: dx, dy; straight links first.
const DX = [1, 0, -1, 0, 1, -1, -1, 1];
const DY = [0, 1, 0, -1, 1, 1, -1, -1];
const INV_LENGTH = [1, 1, 1, 1, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2];
const DIRECTION_SCALE = 2 / (3 * Math.PI);
/** Link costs are rounded to multiples of 1/COST_SCALE, so the queue can bucket them. */
const COST_SCALE = 1024;

const UNSEEN = 0;
const QUEUED = 1;
const SETTLED = 2;

/**
 * arccos on [−1, 1] within 7e-5 rad (Abramowitz & Stegun 4.4.45): the
 * direction term needs two per link and Math.acos was a third of the search.
 */
function acos(x: number): number {
  const a = x < 0 ? -x : x;
  const r = Math.sqrt(1 - a) * (1.5707288 + a * (-0.2121144 + a * (0.074261 + a * -0.0187293)));
  return x < 0 ? Math.PI - r : r;
}

export class Livewire {
  readonly columns: number;
  readonly rows: number;
  /** Per pixel: wZ·fZ (what entering the pixel costs regardless of the link). */
  private readonly zeroCost: Float32Array;
  /** Per pixel: wG·fG. */
  private readonly gradientCost: Float32Array;
  /** Per pixel: unit vector perpendicular to the gradient, (Iy, −Ix)/|∇I|; (0, 0) where flat. */
  private readonly dirX: Float32Array;
  private readonly dirY: Float32Array;
  private readonly wD: number;
  private readonly wZ: number;
  private readonly wG: number;

  // Dijkstra state for the current seed; path costs in units of 1/COST_SCALE.
  private readonly cost: Int32Array;
  private readonly parent: Int32Array;
  private readonly state: Uint8Array;
  private readonly queue: BucketQueue;
  private seedIndex = -1;

  constructor(slice: Int16Array | Float32Array, columns: number, rows: number, window: LivewireWindow, options: LivewireOptions = {}) {
    if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns < 1 || rows < 1 || slice.length < columns * rows) {
      throw new RangeError(`slice of ${slice.length} values does not hold ${columns} × ${rows} pixels`);
    }
    if (!(window.width > 0)) throw new RangeError(`window width ${window.width} is not positive`);
    this.columns = columns;
    this.rows = rows;
    const n = columns * rows;
    const weights = options.weights ?? { zeroCrossing: 0.43, gradient: 0.43, direction: 0.14 };
    const { zeroCrossing, gradient, direction } = weights;
    if (!(zeroCrossing >= 0 && gradient >= 0 && direction >= 0 && zeroCrossing + gradient + direction > 0 && zeroCrossing + gradient + direction < 1e3)) {
      throw new RangeError('livewire weights must be non-negative, finite and not all zero');
    }
    this.wD = weights.direction;
    this.wZ = zeroCrossing;
    this.wG = gradient;

    // Windowed intensities 0..1, linear between centre ± width/2.
    const image = new Float32Array(n);
    const low = window.center - window.width / 2;
    for (let i = 0; i < n; i++) {
      const v = (slice[i]! - low) / window.width;
      image[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }

    this.gradientCost = new Float32Array(n);
    this.dirX = new Float32Array(n);
    this.dirY = new Float32Array(n);
    sobel(image, columns, rows, this.gradientCost, this.dirX, this.dirY, weights.gradient);
    this.zeroCost = zeroCrossings(gaussian(image, columns, rows, options.smoothing ?? 1), columns, rows, weights.zeroCrossing);

    this.cost = new Int32Array(n);
    this.parent = new Int32Array(n);
    this.state = new Uint8Array(n);
    // The largest link cost: fZ, fG·len and fD are at most 1 (plus rounding).
    this.queue = new BucketQueue(n, Math.ceil(COST_SCALE * (zeroCrossing + gradient + direction)) + 2);
  }

  /** The current seed pixel centre, if any. */
  get seed(): [number, number] | undefined {
    if (this.seedIndex < 0) return undefined;
    return [(this.seedIndex % this.columns) + 0.5, Math.floor(this.seedIndex / this.columns) + 0.5];
  }

  /**
   * What entering pixel (c, r) costs whatever the link: wZ·fZ + wG·fG, from 0
   * on a strong edge up to wZ + wG (`maxEdgeCost`) where the image is flat.
   * Other tools snap points to edges with it (nearby slices), so there is one
   * edge cost in Segmark, not two.
   */
  edgeCost(c: number, r: number): number {
    const i = r * this.columns + c;
    return this.zeroCost[i]! + this.gradientCost[i]!;
  }

  /** The largest `edgeCost`: wZ + wG. */
  get maxEdgeCost(): number {
    return this.wZ + this.wG;
  }

  /** Starts a new shortest-path tree at the pixel containing (x, y) (clamped to the image). */
  setSeed(x: number, y: number): void {
    this.reset();
    const s = this.pixelAt(x, y);
    this.seedIndex = s;
    this.cost[s] = 0;
    this.parent[s] = -1;
    this.state[s] = QUEUED;
    this.queue.push(s, 0);
  }

  /** Forgets the seed and the tree. */
  reset(): void {
    this.state.fill(UNSEEN);
    this.queue.clear();
    this.seedIndex = -1;
  }

  /**
   * The minimum-cost path from the seed to the pixel containing (x, y), as
   * pixel centres from the seed to the target (a polyline; a Ring when closed
   * by further paths). Throws when no seed is set.
   */
  pathTo(x: number, y: number): Ring {
    if (this.seedIndex < 0) throw new Error('livewire: pathTo before setSeed');
    const target = this.pixelAt(x, y);
    while (this.state[target] !== SETTLED && this.queue.size > 0) this.settleNext();
    const path: Ring = [];
    for (let p = target; p >= 0; p = this.parent[p]!) path.push((p % this.columns) + 0.5, Math.floor(p / this.columns) + 0.5);
    // Reverse point pairs: the walk went from target to seed.
    const out: Ring = new Array<number>(path.length);
    for (let k = 0, m = path.length; k < m; k += 2) {
      out[k] = path[m - 2 - k]!;
      out[k + 1] = path[m - 1 - k]!;
    }
    return out;
  }

  /** Settles up to `nodes` more pixels (for idle time); returns whether the whole image is settled. */
  expand(nodes: number): boolean {
    if (this.seedIndex < 0) return false;
    for (let k = 0; k < nodes && this.queue.size > 0; k++) this.settleNext();
    return this.queue.size === 0;
  }

  /**
   * A closed outline through `anchors` (flat [x0, y0, x1, y1, …], in order):
   * the livewire paths from each anchor to the next and from the last back to
   * the first, concatenated (at least three anchors make an area). Leaves the
   * seed at the last anchor.
   */
  outline(anchors: ArrayLike<number>): Ring {
    const m = Math.floor(anchors.length / 2);
    const ring: Ring = [];
    for (let k = 0; k < m; k++) {
      const j = (k + 1) % m;
      this.setSeed(anchors[2 * k]!, anchors[2 * k + 1]!);
      const path = this.pathTo(anchors[2 * j]!, anchors[2 * j + 1]!);
      // Each path ends where the next one starts.
      for (let p = 0; p < path.length - 2; p++) ring.push(path[p]!);
    }
    return ring;
  }

  private pixelAt(x: number, y: number): number {
    const c = Math.min(this.columns - 1, Math.max(0, Math.floor(x)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor(y)));
    return r * this.columns + c;
  }

  /** Pops the cheapest queued pixel, settles it and relaxes its links. */
  private settleNext(): void {
    const { columns, rows, cost, state, dirX, dirY, gradientCost, zeroCost, wD, queue } = this;
    const p = queue.pop();
    state[p] = SETTLED;
    const px = p % columns;
    const py = (p - px) / columns;
    const base = cost[p]!;
    const ux = dirX[p]!;
    const uy = dirY[p]!;
    for (let k = 0; k < 8; k++) {
      const qx = px + DX[k]!;
      const qy = py + DY[k]!;
      if (qx < 0 || qy < 0 || qx >= columns || qy >= rows) continue;
      const q = qy * columns + qx;
      if (state[q] === SETTLED) continue;
      // Gradient direction term: the link as a unit vector, turned to agree with p's edge direction.
      const inv = INV_LENGTH[k]!;
      let lx = DX[k]! * inv;
      let ly = DY[k]! * inv;
      let dp = ux * lx + uy * ly;
      if (dp < 0) {
        dp = -dp;
        lx = -lx;
        ly = -ly;
      }
      let dq = lx * dirX[q]! + ly * dirY[q]!;
      dq = dq > 1 ? 1 : dq < -1 ? -1 : dq;
      const fD = DIRECTION_SCALE * (acos(dp > 1 ? 1 : dp) + acos(dq));
      const link = zeroCost[q]! + gradientCost[q]! * (k < 4 ? Math.SQRT1_2 : 1) + wD * fD;
      const next = base + Math.round(COST_SCALE * link);
      if (state[q] === UNSEEN) {
        state[q] = QUEUED;
      } else if (next < cost[q]!) {
        queue.remove(q, cost[q]!);
      } else {
        continue;
      }
      cost[q] = next;
      this.parent[q] = p;
      queue.push(q, next);
    }
  }
}

/**
 * Dial's bucket queue: integer keys, where every queued key lies within
 * `span` of the last one popped (true in Dijkstra with link costs ≤ span).
 * Circular buckets of doubly linked items in typed arrays: push, remove
 * (decrease-key) and pop are O(1) amortised, against O(log n) for a heap.
 */
class BucketQueue {
  size = 0;
  private readonly head: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly mask: number;
  /** The key of the last pop: no queued key is smaller. */
  private cursor = 0;

  constructor(items: number, span: number) {
    const buckets = 2 ** Math.ceil(Math.log2(span + 1));
    this.mask = buckets - 1;
    this.head = new Int32Array(buckets).fill(-1);
    this.next = new Int32Array(items);
    this.prev = new Int32Array(items);
  }

  clear(): void {
    this.head.fill(-1);
    this.size = 0;
    this.cursor = 0;
  }

  push(item: number, key: number): void {
    const bucket = key & this.mask;
    const first = this.head[bucket]!;
    this.next[item] = first;
    this.prev[item] = -1;
    if (first >= 0) this.prev[first] = item;
    this.head[bucket] = item;
    this.size++;
  }

  remove(item: number, key: number): void {
    const after = this.next[item]!;
    const before = this.prev[item]!;
    if (before >= 0) this.next[before] = after;
    else this.head[key & this.mask] = after;
    if (after >= 0) this.prev[after] = before;
    this.size--;
  }

  /** Removes and returns an item of the smallest key; the queue must not be empty. */
  pop(): number {
    const { head, mask } = this;
    while (head[this.cursor & mask]! < 0) this.cursor++;
    const item = head[this.cursor & mask]!;
    this.remove(item, this.cursor);
    return item;
  }
}

/**
 * Sobel gradient: writes weight·(1 − G/max G) into `gradientCost` and the unit
 * edge direction (Iy, −Ix)/G into dirX, dirY. Edges are replicated.
 */
function sobel(image: Float32Array, columns: number, rows: number, gradientCost: Float32Array, dirX: Float32Array, dirY: Float32Array, weight: number): void {
  let max = 0;
  for (let r = 0; r < rows; r++) {
    const rm = (r > 0 ? r - 1 : 0) * columns;
    const r0 = r * columns;
    const rp = (r < rows - 1 ? r + 1 : r) * columns;
    for (let c = 0; c < columns; c++) {
      const cm = c > 0 ? c - 1 : 0;
      const cp = c < columns - 1 ? c + 1 : c;
      const gx = image[rm + cp]! + 2 * image[r0 + cp]! + image[rp + cp]! - image[rm + cm]! - 2 * image[r0 + cm]! - image[rp + cm]!;
      const gy = image[rp + cm]! + 2 * image[rp + c]! + image[rp + cp]! - image[rm + cm]! - 2 * image[rm + c]! - image[rm + cp]!;
      const g = Math.sqrt(gx * gx + gy * gy);
      const i = r0 + c;
      gradientCost[i] = g;
      if (g > 1e-6) {
        dirX[i] = gy / g;
        dirY[i] = -gx / g;
      }
      if (g > max) max = g;
    }
  }
  const scale = max > 0 ? 1 / max : 0;
  for (let i = 0; i < gradientCost.length; i++) gradientCost[i] = weight * (1 - gradientCost[i]! * scale);
}

/** Separable Gaussian blur with σ in pixels (edges replicated); σ ≤ 0 returns a copy. */
function gaussian(image: Float32Array, columns: number, rows: number, sigma: number): Float32Array {
  const out = new Float32Array(image);
  if (!(sigma > 0)) return out;
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.exp((-k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= sum;
  const tmp = new Float32Array(image.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) {
        const cc = c + k < 0 ? 0 : c + k >= columns ? columns - 1 : c + k;
        v += kernel[k + radius]! * image[r * columns + cc]!;
      }
      tmp[r * columns + c] = v;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) {
        const rr = r + k < 0 ? 0 : r + k >= rows ? rows - 1 : r + k;
        v += kernel[k + radius]! * tmp[rr * columns + c]!;
      }
      out[r * columns + c] = v;
    }
  }
  return out;
}

/**
 * weight·fZ: 0 on zero crossings of the 5-point Laplacian of `smooth` (the
 * pixel of a sign-changing 4-neighbour pair whose |L| is smaller), `weight`
 * elsewhere.
 */
function zeroCrossings(smooth: Float32Array, columns: number, rows: number, weight: number): Float32Array {
  const n = columns * rows;
  const lap = new Float32Array(n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      const up = r > 0 ? smooth[i - columns]! : smooth[i]!;
      const down = r < rows - 1 ? smooth[i + columns]! : smooth[i]!;
      const left = c > 0 ? smooth[i - 1]! : smooth[i]!;
      const right = c < columns - 1 ? smooth[i + 1]! : smooth[i]!;
      lap[i] = up + down + left + right - 4 * smooth[i]!;
    }
  }
  const cost = new Float32Array(n).fill(weight);
  const mark = (i: number, j: number): void => {
    const a = lap[i]!;
    const b = lap[j]!;
    // A strict sign change: flat (saturated) areas, where the Laplacian is exactly 0, are no edge.
    if ((a > 0 && b < 0) || (a < 0 && b > 0)) cost[Math.abs(a) <= Math.abs(b) ? i : j] = 0;
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      if (c + 1 < columns) mark(i, i + 1);
      if (r + 1 < rows) mark(i, i + columns);
    }
  }
  return cost;
}
