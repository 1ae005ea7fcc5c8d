/**
 * A fast path for normalising one ring: when the ring, on Clipper's integer
 * grid, is already a simple polygon (no two edges meet except neighbours at
 * their shared vertex), its even–odd area is the polygon itself, and the
 * normal form is the ring oriented outer-positive — what Clipper's union
 * gives (Clipper keeps collinear vertices), found in O(n log n) time.
 *
 * Why: Clipper's sweep visits every active edge at every distinct vertex
 * height, O(n·k) for n vertices and k edges crossing a scanline. A polygon
 * clicked with thousands of vertices around a spiky outline has thousands of
 * edges across a scanline, and its union alone took seconds (issue 17).
 *
 * The test is a Shamos–Hoey sweep over the integer points: vertices in
 * (x, y) order, the edges crossing the sweep line kept sorted bottom to top,
 * and each edge tested against the edges next to it whenever two become
 * neighbours. The first contact between non-neighbouring edges ends the
 * sweep with "not simple" (the caller then uses Clipper). All arithmetic is
 * on integers below 2^26, so every cross product is exact.
 */

/** Coordinates (grid units) beyond this make products inexact: the caller falls back to Clipper. */
const LIMIT = 2 ** 25;

/**
 * The ring (flat pixels) in normal form when it is simple on the grid of
 * `scale` units per pixel: oriented with positive shoelace area (y down),
 * consecutive duplicates removed, coordinates multiples of 1/scale. Undefined when it is not simple, too large to test
 * exactly, has a non-finite coordinate, or has fewer than three corners: the
 * caller normalises it the general way.
 */
export function simpleRingNormal(flat: ArrayLike<number>, scale: number): number[] | undefined {
  const grid = toGrid(flat, scale);
  if (!grid) return undefined;
  const { xs, ys } = grid;
  const m = xs.length;
  if (m < 3) return undefined;
  // A vertex where the outline turns straight back (a spike) makes two edges overlap.
  for (let i = 0; i < m; i++) {
    const p = i === 0 ? m - 1 : i - 1;
    const n = i === m - 1 ? 0 : i + 1;
    const ax = xs[i]! - xs[p]!, ay = ys[i]! - ys[p]!;
    const bx = xs[n]! - xs[i]!, by = ys[n]! - ys[i]!;
    if (ax * by - ay * bx === 0 && ax * bx + ay * by < 0) return undefined;
  }
  if (!isSimple(xs, ys)) return undefined;
  return normalForm(xs, ys, scale);
}

/** Integer grid points of the ring, consecutive duplicates (and a repeated first point) dropped. */
function toGrid(flat: ArrayLike<number>, scale: number): { xs: Float64Array; ys: Float64Array } | undefined {
  const n = flat.length >> 1;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const fx = flat[2 * i]!;
    const fy = flat[2 * i + 1]!;
    if (!Number.isFinite(fx) || !Number.isFinite(fy)) return undefined;
    const x = Math.round(fx * scale) + 0;
    const y = Math.round(fy * scale) + 0;
    if (Math.abs(x) > LIMIT || Math.abs(y) > LIMIT) return undefined;
    if (m > 0 && x === xs[m - 1] && y === ys[m - 1]) continue;
    xs[m] = x;
    ys[m] = y;
    m++;
  }
  while (m > 1 && xs[m - 1] === xs[0] && ys[m - 1] === ys[0]) m--;
  return { xs: xs.subarray(0, m), ys: ys.subarray(0, m) };
}

/** Twice the signed area of triangle a, b, p: > 0 when p lies left of a→b (above, for a→b pointing to +x with y up). */
function orient(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/** Thrown inside the sweep when two edges that are not neighbours touch. */
const CONTACT = Symbol('contact');

/**
 * Shamos–Hoey on the ring's edges (edge i joins vertex i and i + 1). Vertices
 * are distinct points here (checked first), so every event point belongs to
 * exactly one vertex and its two edges.
 */
function isSimple(xs: Float64Array, ys: Float64Array): boolean {
  const m = xs.length;
  // Sweep order by one exact number per point, (x, y) packed below 2^53, sorted natively.
  const keys = new Float64Array(m);
  const vertexOf = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const key = (xs[i]! + LIMIT) * 2 ** 26 + (ys[i]! + LIMIT);
    if (vertexOf.has(key)) return false; // the ring passes a point twice
    vertexOf.set(key, i);
    keys[i] = key;
  }
  keys.sort();
  const byPoint = new Int32Array(m);
  for (let i = 0; i < m; i++) byPoint[i] = vertexOf.get(keys[i]!)!;
  // Rank of each vertex in sweep order: an edge's left end is its lower-ranked vertex.
  const rank = new Int32Array(m);
  for (let i = 0; i < m; i++) rank[byPoint[i]!] = i;
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const b = e === m - 1 ? 0 : e + 1;
    const forward = rank[e]! < rank[b]!;
    left[e] = forward ? e : b;
    right[e] = forward ? b : e;
  }
  const adjacent = (s: number, t: number): boolean => {
    const d = Math.abs(s - t);
    return d === 1 || d === m - 1;
  };

  /**
   * Where edge s lies against active edge t at point (px, py), an end of s
   * that t spans in sweep order: > 0 above, < 0 below. Contact throws.
   */
  const side = (t: number, s: number, px: number, py: number): number => {
    const ax = xs[left[t]!]!, ay = ys[left[t]!]!, bx = xs[right[t]!]!, by = ys[right[t]!]!;
    const o = orient(ax, ay, bx, by, px, py);
    if (o !== 0) return o;
    // On t's line and within its span: on t. Only t's neighbour may be there, at their shared vertex.
    if (!adjacent(s, t)) throw CONTACT;
    const far = xs[left[s]!] === px && ys[left[s]!] === py ? right[s]! : left[s]!;
    const o2 = orient(ax, ay, bx, by, xs[far]!, ys[far]!);
    if (o2 === 0) throw CONTACT;
    return o2;
  };

  /** Whether closed edges s and t (not neighbours) have a point in common. */
  const meet = (s: number, t: number): boolean => {
    if (adjacent(s, t)) return false;
    const ax = xs[left[s]!]!, ay = ys[left[s]!]!, bx = xs[right[s]!]!, by = ys[right[s]!]!;
    const cx = xs[left[t]!]!, cy = ys[left[t]!]!, dx = xs[right[t]!]!, dy = ys[right[t]!]!;
    const d1 = orient(cx, cy, dx, dy, ax, ay);
    const d2 = orient(cx, cy, dx, dy, bx, by);
    const d3 = orient(ax, ay, bx, by, cx, cy);
    const d4 = orient(ax, ay, bx, by, dx, dy);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
    return (
      (d1 === 0 && within(cx, cy, dx, dy, ax, ay)) ||
      (d2 === 0 && within(cx, cy, dx, dy, bx, by)) ||
      (d3 === 0 && within(ax, ay, bx, by, cx, cy)) ||
      (d4 === 0 && within(ax, ay, bx, by, dx, dy))
    );
  };

  // The edges crossing the sweep line, bottom to top.
  const active = new Int32Array(m);
  let count = 0;

  const insert = (s: number): boolean => {
    const px = xs[left[s]!]!, py = ys[left[s]!]!;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (side(active[mid]!, s, px, py) > 0) lo = mid + 1;
      else hi = mid;
    }
    active.copyWithin(lo + 1, lo, count);
    active[lo] = s;
    count++;
    return (lo > 0 && meet(s, active[lo - 1]!)) || (lo + 1 < count && meet(s, active[lo + 1]!));
  };

  const remove = (s: number): boolean | undefined => {
    const px = xs[right[s]!]!, py = ys[right[s]!]!;
    let lo = 0;
    let hi = count;
    let at = -1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = active[mid]!;
      if (t === s) {
        at = mid;
        break;
      }
      if (side(t, s, px, py) > 0) lo = mid + 1;
      else hi = mid;
    }
    if (at < 0) return undefined; // not where the order says: give up, the general path decides
    active.copyWithin(at, at + 1, count);
    count--;
    return at > 0 && at < count && meet(active[at - 1]!, active[at]!);
  };

  try {
    for (let i = 0; i < m; i++) {
      const v = byPoint[i]!;
      const before = v === 0 ? m - 1 : v - 1;
      const edges = [before, v];
      // Edges ending here leave before edges starting here enter.
      for (const e of edges) {
        if (right[e] !== v) continue;
        const hit = remove(e);
        if (hit !== false) return false;
      }
      for (const e of edges) {
        if (left[e] !== v) continue;
        if (insert(e)) return false;
      }
    }
  } catch (error) {
    if (error === CONTACT) return false;
    throw error;
  }
  return true;
}

/** Whether p, known to lie on the line through a and b, lies within the closed segment a–b. */
function within(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** The simple ring outer-positive, in pixels (collinear vertices stay, as Clipper keeps them). */
function normalForm(xs: Float64Array, ys: Float64Array, scale: number): number[] | undefined {
  const m = xs.length;
  const x0 = xs[0]!, y0 = ys[0]!;
  let area = 0;
  for (let i = 0; i < m; i++) {
    const n = i === m - 1 ? 0 : i + 1;
    area += (xs[i]! - x0) * (ys[n]! - y0) - (xs[n]! - x0) * (ys[i]! - y0);
  }
  // Twice the area in grid units² (inexact only far above this): a sliver this thin is left to Clipper.
  if (Math.abs(area) < 2 ** 20) return undefined;
  const ring: number[] = [];
  if (area > 0) for (let i = 0; i < m; i++) ring.push(xs[i]! / scale, ys[i]! / scale);
  else for (let i = m - 1; i >= 0; i--) ring.push(xs[i]! / scale, ys[i]! / scale);
  return ring;
}
