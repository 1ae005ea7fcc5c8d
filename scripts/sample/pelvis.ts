/**
 * The sacrum (below the L5/S1 disc) and the iliac wings at the bottom of the
 * stack, with the muscles that line the wings (iliacus inside, gluteal
 * muscles outside).
 */

import { kidneyDepth, lerp } from './shapes.js';
import { sacralHalfDepth, sacralHalfWidth, sacralShift, upperSurface, type Segment } from './spine.js';

const NONE = -1e9;

/**
 * Bone depth (mm, positive inside) of the sacrum at local (x, a, h) of its
 * frame: the S1 body tapering and curving backwards below, the alae (lateral
 * masses, pierced by the sacral foramina), the posterior roof of the sacral
 * canal and the median crest.
 *
 * @param iliumDepth depth in the ilium at the same point: the ala stops 2.5 mm
 *   short of the ilium, leaving the sacroiliac joint space.
 */
export function sacrumBoneDepth(s: Segment, x: number, a: number, h: number, iliumDepth: number): number {
  sacrumHit.joint = false;
  const ax = x < 0 ? -x : x;
  const H = s.halfHeight;
  if (h > H + 1 || h < -95) return NONE;
  const ap = a - sacralShift(h);
  const W = sacralHalfWidth(s, h);
  const D = sacralHalfDepth(s, h);
  let best = NONE;
  if (ax < W + 2 && ap > -D - 2 && ap < D + 2) {
    const top = upperSurface(s, x, ap) - h;
    best = Math.min(kidneyDepth(x, ap, W, D), top, h + 95);
  }
  // Alae: lateral masses from beside the canal to the sacroiliac joints.
  // The alae reach into the ilium, which trims them to the sacroiliac joint.
  const xa = 64 + 0.12 * (h < 0 ? h : 0);
  if (ax > 13 && ax < xa + 1) {
    const lat = ax > W ? ax - W : 0;
    const aMin = -0.55 * D + 0.45 * lat;
    const aMax = D + 14 - 0.25 * lat;
    const hTop = H - 4 - 0.18 * lat;
    let da = Math.min(xa - ax, ax - 13.5, ap - aMin, aMax - ap, hTop - h);
    // Anterior sacral foramina (S1, S2): channels along a through the lateral mass.
    for (const hf of FORAMINA) {
      const fx = sacralHalfWidth(s, hf) + 4;
      const dx = ax - fx;
      const dh = h - hf;
      const hole = Math.sqrt(dx * dx + dh * dh) - 4.5;
      if (hole < da) da = hole;
    }
    if (da > 0 && iliumDepth > -2.5) sacrumHit.joint = true;
    if (da > -2.5 - iliumDepth) da = -2.5 - iliumDepth;
    if (da > best) best = da;
  }
  // Roof of the sacral canal and the median sacral crest.
  if (ap > D + 12 && ap < D + 30 && ax < 23) {
    const roof = Math.min(22 - ax, ap - (D + 13), D + 19 - ap, H - 2 - h);
    const crest = Math.min(4 - ax, ap - (D + 13), D + 29 - ap, H - 8 - h);
    const dr = roof > crest ? roof : crest;
    if (dr > best) best = dr;
  }
  return best;
}

const FORAMINA = [-20, -46];

/** Set by `sacrumBoneDepth`: the point is in the sacroiliac joint space. */
export const sacrumHit = { joint: false };

/**
 * The iliac wings: per side a plate along a polyline in the axial plane, from
 * the posterior superior iliac spine past the sacroiliac joint, round the
 * iliac fossa to the anterior superior iliac spine. Thick posteriorly, thin in
 * the fossa; the crest is highest half-way along.
 */
export interface IliumModel {
  /** Crest height at the highest point (mm). */
  readonly zTop: number;
  /** Mid-surface polyline for the left side (x > 0), posterior to anterior. */
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** Cumulative length at each vertex (mm). */
  readonly arc: readonly number[];
}

export function buildIlium(sacrum: Segment, l45DiscZ: number): IliumModel {
  // Control points (x, y − sacrum centre y), smoothed by a Catmull–Rom spline.
  const ctrl = [
    [40, 42],
    [58, 16],
    [86, -12],
    [106, -48],
    [103, -88],
  ] as const;
  const xs: number[] = [];
  const ys: number[] = [];
  const steps = 4;
  for (let i = 0; i + 1 < ctrl.length; i++) {
    const p0 = ctrl[i === 0 ? 0 : i - 1]!;
    const p1 = ctrl[i]!;
    const p2 = ctrl[i + 1]!;
    const p3 = ctrl[i + 2 < ctrl.length ? i + 2 : i + 1]!;
    for (let j = 0; j < steps; j++) {
      const t = j / steps;
      xs.push(catmullRom(p0[0], p1[0], p2[0], p3[0], t));
      ys.push(sacrum.cy + catmullRom(p0[1], p1[1], p2[1], p3[1], t));
    }
  }
  const last = ctrl[ctrl.length - 1]!;
  xs.push(last[0]);
  ys.push(sacrum.cy + last[1]);
  const arc = [0];
  for (let i = 1; i < xs.length; i++) arc.push(arc[i - 1]! + Math.hypot(xs[i]! - xs[i - 1]!, ys[i]! - ys[i - 1]!));
  return { zTop: l45DiscZ + 2, xs, ys, arc };
}

function catmullRom(p0: number, p1: number, p2: number, p3: number, t: number): number {
  const t2 = t * t;
  return 0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (3 * p1 - p0 * 1 - 3 * p2 + p3) * t2 * t);
}

/** Depths (mm, positive inside) of the ilium and of the muscles on it, set by `ilium`. */
export const iliumHit = { bone: NONE, iliacus: NONE, gluteal: NONE };

export function ilium(m: IliumModel, x: number, y: number, z: number): void {
  iliumHit.bone = NONE;
  iliumHit.iliacus = NONE;
  iliumHit.gluteal = NONE;
  if (z > m.zTop + 3) return;
  // The wings flare: lower down the whole outline draws in towards the midline.
  const below = m.zTop - z;
  const scale = 1 - 0.0022 * (below < 0 ? 0 : below > 100 ? 100 : below);
  const px = (x < 0 ? -x : x) / scale;
  if (px < 20) return;
  // Nearest point on the polyline: distance, arc position and side.
  let best = 1e9;
  let along = 0;
  let side = 1;
  const n = m.xs.length;
  for (let i = 0; i + 1 < n; i++) {
    const ax = m.xs[i]!;
    const ay = m.ys[i]!;
    const dx = m.xs[i + 1]! - ax;
    const dy = m.ys[i + 1]! - ay;
    const len2 = dx * dx + dy * dy;
    let t = ((px - ax) * dx + (y - ay) * dy) / len2;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const qx = px - (ax + t * dx);
    const qy = y - (ay + t * dy);
    const d2 = qx * qx + qy * qy;
    if (d2 < best) {
      best = d2;
      along = m.arc[i]! + t * (m.arc[i + 1]! - m.arc[i]!);
      side = dx * qy - dy * qx >= 0 ? 1 : -1;
    }
  }
  const total = m.arc[n - 1]!;
  const t = along / total;
  const dist = Math.sqrt(best) * scale;
  const crest = m.zTop - 150 * (t - 0.5) * (t - 0.5) - z;
  let tau: number;
  if (t < 0.25) tau = 20;
  else if (t < 0.45) tau = lerp(20, 5, (t - 0.25) / 0.2);
  else if (t < 0.85) tau = 5;
  else tau = lerp(5, 9, (t - 0.85) / 0.15);
  tau += 0.06 * (below > 40 ? below - 40 : 0);
  const half = tau / 2;
  iliumHit.bone = Math.min(half - dist, crest);
  // Signed offset from the mid-surface: positive lateral (gluteal side), negative medial (iliac fossa).
  const d = side * dist;
  const inner = 4 + 0.35 * (below < 0 ? 0 : below > 40 ? 40 : below);
  iliumHit.iliacus = Math.min(-d - half + 0.5, d + half + inner, (t - 0.3) * total, crest - 2);
  iliumHit.gluteal = Math.min(d - half + 0.5, half + 16 + 0.15 * (below > 0 ? below : 0) - d, (0.85 - t) * total, crest + 4);
}
