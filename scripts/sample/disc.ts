/**
 * The disc shapes (the ground truth is exactly `insideDisc`) and the facet
 * joints at each disc level. Both work in the frames of `spine.ts`.
 *
 * For speed the functions report secondary results through small module-level
 * scratch objects (`discHit`, `facetHit`) instead of allocating per sample;
 * read them right after the call.
 */

import { ellipseDepth, kidneyDepth, kidneyRadius2 } from './shapes.js';
import { lowerSurface, toLocal, upperSurface, type Disc } from './spine.js';

const NONE = -1e9;

/** Set by `insideDisc` on a hit: the disc's normalised radius² there (0 centre, 1 rim). */
export const discHit = { radius2: 0 };

const scratch = { a: 0, h: 0 };

/**
 * Whether a point lies inside the disc's analytic shape: below the (concave)
 * lower endplate of the upper segment, above the upper endplate of the lower
 * one, and inside the disc outline — the endplate outlines' mean, bulging by up
 * to 6 % half-way between the endplates. The ground truth uses exactly this.
 */
export function insideDisc(d: Disc, x: number, y: number, z: number): boolean {
  const ax = x < 0 ? -x : x;
  if (ax > d.halfWidth * 1.1) return false;
  toLocal(d.upper, y, z, scratch);
  const du = lowerSurface(d.upper, x, scratch.a) - scratch.h;
  if (du < 0) return false;
  toLocal(d.lower, y, z, scratch);
  const dl = scratch.h - upperSurface(d.lower, x, scratch.a);
  if (dl < 0) return false;
  toLocal(d, y, z, scratch);
  const sum = du + dl;
  const t = sum > 1e-9 ? (du - dl) / sum : 0;
  const f = 1 + 0.06 * (1 - t * t);
  const w = d.halfWidth * f;
  const dd = d.halfDepth * f;
  if (kidneyDepth(x, scratch.a, w, dd) < 0) return false;
  discHit.radius2 = kidneyRadius2(x, scratch.a, w, dd);
  return true;
}

/** Scratch for `facetDepth`: whether the last point fell in a facet joint space. */
export const facetHit = { joint: false };

/**
 * Bone depth of the facet joints at a disc level: a column of bone on each side
 * behind the canal, split by an oblique joint space into the superior articular
 * process of the lower segment (anterolateral) and the inferior articular
 * process of the upper one (posteromedial).
 */
export function facetDepth(d: Disc, x: number, y: number, z: number): number {
  facetHit.joint = false;
  toLocal(d, y, z, scratch);
  const a = scratch.a;
  const h = scratch.h;
  if (a < d.facetA - 10 || a > d.facetA + 10 || h < d.facetHMin - 1 || h > d.facetHMax + 1) return NONE;
  const s = x < 0 ? -1 : 1;
  const ax = x * s;
  if (ax < d.facetX - 8 || ax > d.facetX + 8) return NONE;
  const col = ellipseDepth(ax - d.facetX, a - d.facetA, 7, 8.5);
  if (col < 0) return NONE;
  // Signed distance from the joint line, positive towards anterolateral.
  const sd = (ax - d.facetX) * d.facetCos - (a - d.facetA) * d.facetSin;
  const gap = 1.1;
  const sap = Math.min(col, sd - gap, h - d.facetHMin, d.facetHMax - 5 - h);
  const iap = Math.min(col, -sd - gap, h - d.facetHMin - 5, d.facetHMax - h);
  const best = sap > iap ? sap : iap;
  if (best < 0 && (sd < gap && sd > -gap) && h > d.facetHMin + 5 && h < d.facetHMax - 5) facetHit.joint = true;
  return best;
}

