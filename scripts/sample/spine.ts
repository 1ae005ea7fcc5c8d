/**
 * The lumbar spine of the sample: L1–L5 and the sacrum as rigid segments on a
 * lordotic curve, the five discs between them, and the posterior elements.
 *
 * Each segment has a local frame in the sagittal plane: origin at the centre of
 * its body, `h` along the body axis (towards the head) and `a` towards
 * posterior; `x` is the patient's x unchanged (the spine curves only
 * sagittally). The axes tilt by θ about x, anterior side down for θ > 0, and θ
 * grows from L1 (−8°) to the sacrum (+32°), which is the lordosis: a disc
 * between two segments is a wedge, tilted by the mean of their angles against
 * the axial plane (≈25° at L5/S1), so on axial slices it is cut across several
 * slices, as on real CT.
 */

import { ellipseDepth, kidneyDepth, kidneyRadius2, Knots } from './shapes.js';

/** A frame in the sagittal plane: centre (0, cy, cz), tilt given by its sine and cosine. */
export interface SagittalFrame {
  readonly cy: number;
  readonly cz: number;
  readonly sin: number;
  readonly cos: number;
}

export interface Segment extends SagittalFrame {
  readonly name: string;
  /** Centre to endplate rim along the axis (mm). */
  readonly halfHeight: number;
  readonly halfWidth: number;
  readonly halfDepth: number;
  /** Depth of the endplate concavity at the centre (mm). */
  readonly endplateDip: number;
  readonly canalHalfWidth: number;
  /** Transverse process tip, |x| (mm). */
  readonly tpLength: number;
  /** Spinous process tip, local a (mm). */
  readonly spinousEnd: number;
  readonly isSacrum: boolean;
  /** z range touched by anything drawn in this frame (mm), for culling. */
  readonly zMin: number;
  readonly zMax: number;
}

export interface Disc extends SagittalFrame {
  /** Ground-truth label: 1 = L1/L2 … 5 = L5/S1. */
  readonly label: number;
  readonly name: string;
  readonly upper: Segment;
  readonly lower: Segment;
  readonly halfWidth: number;
  readonly halfDepth: number;
  /** Disc height at its centre (mm). */
  readonly height: number;
  /** Facet joint geometry in the disc frame. */
  readonly facetX: number;
  readonly facetA: number;
  readonly facetSin: number;
  readonly facetCos: number;
  readonly facetHMin: number;
  readonly facetHMax: number;
  readonly zMin: number;
  readonly zMax: number;
}

interface LevelSpec {
  name: string;
  halfHeight: number;
  halfWidth: number;
  halfDepth: number;
  tiltDeg: number;
  canalHalfWidth: number;
  tpLength: number;
  spinous: number;
  /** Height of the disc below, at its centre (mm); absent for the sacrum. */
  discBelow?: number;
}

const LEVELS: readonly LevelSpec[] = [
  { name: 'L1', halfHeight: 12, halfWidth: 21, halfDepth: 15.5, tiltDeg: -8, canalHalfWidth: 10, tpLength: 33, spinous: 46, discBelow: 9 },
  { name: 'L2', halfHeight: 12.5, halfWidth: 22, halfDepth: 16, tiltDeg: -3, canalHalfWidth: 10.5, tpLength: 41, spinous: 47, discBelow: 10 },
  { name: 'L3', halfHeight: 13, halfWidth: 24, halfDepth: 17, tiltDeg: 3, canalHalfWidth: 11, tpLength: 48, spinous: 47, discBelow: 11 },
  { name: 'L4', halfHeight: 13, halfWidth: 25, halfDepth: 17, tiltDeg: 10, canalHalfWidth: 11.5, tpLength: 44, spinous: 44, discBelow: 12 },
  { name: 'L5', halfHeight: 13, halfWidth: 26, halfDepth: 17.5, tiltDeg: 18, canalHalfWidth: 12.5, tpLength: 41, spinous: 37, discBelow: 11 },
  { name: 'S1', halfHeight: 14, halfWidth: 24, halfDepth: 16, tiltDeg: 32, canalHalfWidth: 14, tpLength: 0, spinous: 30 },
];

/** Centre of L1 in z (its upper endplate lies just above the top slice) and of L3 in y. */
const L1_CENTRE_Z = 97;
const L3_CENTRE_Y = 12;
const ENDPLATE_DIP = 1.5;
/** Canal centre behind the posterior body wall, local a = halfDepth + this (mm). */
export const CANAL_OFFSET = 7;
export const CANAL_HALF_DEPTH = 8;

export interface SpineModel {
  /** L1 … L5, then the sacrum (last). */
  readonly segments: readonly Segment[];
  readonly discs: readonly Disc[];
  /** Along the stack, as functions of z: */
  readonly bodyCentreY: Knots;
  readonly anteriorY: Knots;
  readonly halfWidth: Knots;
  readonly canalY: Knots;
  readonly canalHalfWidth: Knots;
  readonly canalHalfDepth: Knots;
}

/** Builds the spine: segments chained from L1 down, each below the previous disc. */
export function buildSpine(): SpineModel {
  type Mutable = { cy: number; cz: number; sin: number; cos: number; spec: LevelSpec };
  const chain: Mutable[] = [];
  let cy = 0;
  let cz = L1_CENTRE_Z;
  for (let i = 0; i < LEVELS.length; i++) {
    const spec = LEVELS[i]!;
    const t = (spec.tiltDeg * Math.PI) / 180;
    const sin = Math.sin(t);
    const cos = Math.cos(t);
    if (i > 0) {
      const prev = chain[i - 1]!;
      const prevSpec = prev.spec;
      // Axis n = (y: −sin, z: cos). Lower endplate centre of the previous segment:
      const ly = prev.cy + prevSpec.halfHeight * prev.sin;
      const lz = prev.cz - prevSpec.halfHeight * prev.cos;
      // Down the disc along the bisector of the two axes, then down half this body.
      const mid = (((prevSpec.tiltDeg + spec.tiltDeg) / 2) * Math.PI) / 180;
      const disc = prevSpec.discBelow ?? 0;
      const uy = ly + disc * Math.sin(mid);
      const uz = lz - disc * Math.cos(mid);
      cy = uy + spec.halfHeight * sin;
      cz = uz - spec.halfHeight * cos;
    }
    chain.push({ cy, cz, sin, cos, spec });
  }
  const shiftY = L3_CENTRE_Y - chain[2]!.cy;
  const segments: Segment[] = chain.map(({ cy: y, cz: z, sin, cos, spec }) => {
    const isSacrum = spec.name === 'S1';
    const aMin = -spec.halfDepth - 4;
    const aMax = spec.halfDepth + spec.spinous + 3;
    const hMin = isSacrum ? -95 : -spec.halfHeight - 18;
    const hMax = spec.halfHeight + 12;
    const zs = [aMin, aMax].flatMap((a) => [hMin, hMax].map((h) => z + a * sin + h * cos));
    return {
      name: spec.name,
      cy: y + shiftY,
      cz: z,
      sin,
      cos,
      halfHeight: spec.halfHeight,
      halfWidth: spec.halfWidth,
      halfDepth: spec.halfDepth,
      endplateDip: ENDPLATE_DIP,
      canalHalfWidth: spec.canalHalfWidth,
      tpLength: spec.tpLength,
      spinousEnd: spec.halfDepth + spec.spinous,
      isSacrum,
      zMin: Math.min(...zs),
      zMax: Math.max(...zs),
    };
  });

  const discs: Disc[] = [];
  for (let i = 0; i + 1 < segments.length; i++) {
    const up = segments[i]!;
    const lo = segments[i + 1]!;
    const spec = LEVELS[i]!;
    const mid = (((spec.tiltDeg + LEVELS[i + 1]!.tiltDeg) / 2) * Math.PI) / 180;
    const sin = Math.sin(mid);
    const cos = Math.cos(mid);
    // Midpoint of the two endplate centres.
    const uy = up.cy + up.halfHeight * up.sin;
    const uz = up.cz - up.halfHeight * up.cos;
    const ly = lo.cy - lo.halfHeight * lo.sin;
    const lz = lo.cz + lo.halfHeight * lo.cos;
    const halfDepth = (up.halfDepth + lo.halfDepth) / 2;
    const height = spec.discBelow ?? 0;
    // Facet joints: sagittal-ish at L1/L2 (25°) turning towards coronal at L5/S1 (45°).
    const beta = ((25 + 5 * i) * Math.PI) / 180;
    const facetHMin = -(height / 2 + 0.6 * lo.halfHeight);
    const facetHMax = height / 2 + 0.5 * up.halfHeight;
    const frame = { cy: (uy + ly) / 2, cz: (uz + lz) / 2, sin, cos };
    const aMin = -halfDepth * 1.2;
    const aMax = halfDepth + 30;
    const zs = [aMin, aMax].flatMap((a) => [facetHMin - 2, facetHMax + 2].map((h) => frame.cz + a * sin + h * cos));
    discs.push({
      ...frame,
      label: i + 1,
      name: `${up.name}/${lo.name}`,
      upper: up,
      lower: lo,
      halfWidth: (up.halfWidth + lo.halfWidth) / 2,
      halfDepth,
      height,
      facetX: (up.canalHalfWidth + lo.canalHalfWidth) / 2 + 7,
      facetA: halfDepth + 18,
      facetSin: Math.sin(beta),
      facetCos: Math.cos(beta),
      facetHMin,
      facetHMax,
      zMin: Math.min(...zs),
      zMax: Math.max(...zs),
    });
  }

  // Profiles along z through segment and disc centres (ascending z).
  const frames: { f: SagittalFrame; halfWidth: number; halfDepth: number; canalHalfWidth: number }[] = [];
  for (const s of segments) frames.push({ f: s, halfWidth: s.halfWidth, halfDepth: s.halfDepth, canalHalfWidth: s.canalHalfWidth });
  for (const d of discs) {
    frames.push({ f: d, halfWidth: d.halfWidth, halfDepth: d.halfDepth, canalHalfWidth: (d.upper.canalHalfWidth + d.lower.canalHalfWidth) / 2 });
  }
  const sacrum = segments[segments.length - 1]!;
  const points = (a: (e: (typeof frames)[number]) => number) =>
    frames.map((e) => ({ y: e.f.cy + a(e) * e.f.cos, z: e.f.cz + a(e) * e.f.sin }));
  const knots = (pts: { y: number; z: number }[], values: number[], extra: { z: number; v: number }[] = []) => {
    const all = pts.map((p, i) => ({ z: p.z, v: values[i]! })).concat(extra);
    all.sort((p, q) => p.z - q.z);
    return new Knots(
      all.map((p) => p.z),
      all.map((p) => p.v),
    );
  };
  // Sacral extension: the sacrum curves backwards below S1 (see pelvis.ts).
  const sacralKnot = (h: number, a: number) => ({
    y: sacrum.cy + a * sacrum.cos - h * sacrum.sin + sacralShift(h) * sacrum.cos,
    z: sacrum.cz + a * sacrum.sin + h * sacrum.cos + sacralShift(h) * sacrum.sin,
  });
  const lowCentre = sacralKnot(-60, 0);
  const lowAnterior = sacralKnot(-60, -sacralHalfDepth(sacrum, -60));
  const canalA = (hd: number) => hd + CANAL_OFFSET;
  const lowCanal = sacralKnot(-60, canalA(sacralHalfDepth(sacrum, -60)));
  const centre = points(() => 0);
  const anterior = points((e) => -e.halfDepth);
  const canal = points((e) => canalA(e.halfDepth));
  return {
    segments,
    discs,
    bodyCentreY: knots(centre, centre.map((p) => p.y), [{ z: lowCentre.z, v: lowCentre.y }]),
    anteriorY: knots(anterior, anterior.map((p) => p.y), [{ z: lowAnterior.z, v: lowAnterior.y }]),
    halfWidth: knots(centre, frames.map((e) => e.halfWidth), [{ z: lowCentre.z, v: sacralHalfWidth(sacrum, -60) }]),
    canalY: knots(canal, canal.map((p) => p.y), [{ z: lowCanal.z, v: lowCanal.y }]),
    canalHalfWidth: knots(canal, frames.map((e) => e.canalHalfWidth), [{ z: lowCanal.z, v: 11 }]),
    canalHalfDepth: knots(
      canal,
      frames.map((e) => (e.f === sacrum ? 6.5 : CANAL_HALF_DEPTH)),
      [{ z: lowCanal.z, v: 5 }],
    ),
  };
}

/** Posterior drift of the sacral axis below S1 (sacral kyphosis), local a at height h. */
export function sacralShift(h: number): number {
  return h < 0 ? 0.004 * h * h : 0;
}

export function sacralHalfWidth(s: Segment, h: number): number {
  return s.halfWidth + 0.1 * (h < 0 ? h : 0);
}

export function sacralHalfDepth(s: Segment, h: number): number {
  return s.halfDepth + 0.07 * (h < 0 ? h : 0);
}

/** Local coordinates of (y, z) in a sagittal frame: writes a (posterior) and h (up). */
export function toLocal(f: SagittalFrame, y: number, z: number, out: { a: number; h: number }): void {
  const dy = y - f.cy;
  const dz = z - f.cz;
  out.a = dy * f.cos + dz * f.sin;
  out.h = -dy * f.sin + dz * f.cos;
}

/** Endplate bowl factor: 1 at the centre, 0 at and beyond the rim. */
function bowl(x: number, a: number, s: Segment): number {
  const r2 = kidneyRadius2(x, a, s.halfWidth, s.halfDepth);
  return r2 < 1 ? 1 - r2 : 0;
}

/** Local height of the lower endplate surface of a segment at (x, a). */
export function lowerSurface(s: Segment, x: number, a: number): number {
  return -s.halfHeight + s.endplateDip * bowl(x, a, s);
}

/** Local height of the upper endplate surface of a segment at (x, a). */
export function upperSurface(s: Segment, x: number, a: number): number {
  return s.halfHeight - s.endplateDip * bowl(x, a, s);
}

const NONE = -1e9;

/**
 * Bone depth (mm, positive inside) of a lumbar vertebra at local (x, a, h):
 * the union (max) of the body and its posterior elements, so a cortical shell
 * drawn at a fixed depth follows the outer surface of the whole bone.
 */
export function lumbarBoneDepth(s: Segment, x: number, a: number, h: number): number {
  const ax = x < 0 ? -x : x;
  const H = s.halfHeight;
  const D = s.halfDepth;
  let best = NONE;
  // Body: waisted kidney prism between the endplates.
  if (ax < s.halfWidth + 2 && a < D + 2 && a > -D - 2 && h > -H - 1 && h < H + 1) {
    const u = h / H;
    const waist = 1 - 0.05 * (1 - (u > 1 ? 1 : u * u));
    const d2 = kidneyDepth(x, a, s.halfWidth * waist, D * waist);
    const b = bowl(x, a, s);
    const top = H - s.endplateDip * b - h;
    const bottom = h + H - s.endplateDip * b;
    best = Math.min(d2, top, bottom);
  }
  const cw = s.canalHalfWidth;
  const tpScale = s.name === 'L5' ? 1.4 : 1;
  // Pedicles: elliptic cylinders along a, in the upper half of the body.
  if (a > D - 7 && a < D + 14) {
    const pw = s.name === 'L5' ? 6 : 4.5;
    const px = cw + pw;
    const dp = Math.min(ellipseDepth(ax - px, h - 0.3 * H, pw, 7.5), a - (D - 6), D + 13 - a);
    if (dp > best) best = dp;
  }
  // Laminae: slabs from the pedicle to the midline, shingled downwards.
  if (a > D + 5 && a < D + 26 && ax < cw + 9 && h > -H - 4 && h < 0.45 * H) {
    const dl = laminaDepth(ax, a, h, s);
    if (dl > best) best = dl;
  }
  // Spinous process: a plate in the midline, sloping down posteriorly.
  const a0 = D + 17;
  if (a > a0 - 1 && a < s.spinousEnd + 1 && ax < 6) {
    const t = a - a0;
    const hc = -0.05 * H - 0.22 * t;
    const ds = Math.min(3 + 0.035 * t - ax, t, s.spinousEnd - a, 6.5 + 0.05 * t - Math.abs(h - hc));
    if (ds > best) best = ds;
  }
  // Transverse processes: elliptic cylinders along x from the pedicles.
  if (ax > cw && ax < s.tpLength + 1) {
    const t = ax - cw;
    const ta = D + 9 + 0.1 * t;
    const th = 0.2 * H - 0.05 * t;
    const dt = Math.min(ellipseDepth(a - ta, h - th, 4 * tpScale, 5.5 * tpScale), s.tpLength - ax, t - 1);
    if (dt > best) best = dt;
  }
  return best;
}

function laminaDepth(ax: number, a: number, h: number, s: Segment): number {
  const D = s.halfDepth;
  // Segment from P1 (lateral, anterior) to P2 (midline, posterior), half thickness 3.
  const p1x = s.canalHalfWidth + 3.5;
  const p1a = D + 10;
  const p2x = -1.5;
  const p2a = D + 21;
  const ex = p2x - p1x;
  const ea = p2a - p1a;
  const len = Math.sqrt(ex * ex + ea * ea);
  const u = ((ax - p1x) * ex + (a - p1a) * ea) / len;
  const v = ((ax - p1x) * ea - (a - p1a) * ex) / len;
  const H = s.halfHeight;
  return Math.min(u + 2, len + 1 - u, 3 - Math.abs(v), h + H + 3, 0.4 * H - h);
}
