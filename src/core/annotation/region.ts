/**
 * The truth of an annotation on one (label, slice): a region, a set of closed
 * rings in continuous pixel coordinates (ARCHITECTURE "Coordinates": pixel
 * (c, r) covers [c, c+1) × [r, r+1), its centre is (c + 0.5, r + 0.5)).
 *
 * Rings are flat `[x0, y0, x1, y1, …]`, implicitly closed (the last point is
 * not repeated). The inside is decided by the even–odd rule over all rings, so
 * outer boundaries and holes need no separate marking; after a boolean
 * operation rings do not cross each other. This is also the shape of
 * `getDocument().regions[].rings`.
 */
export type Ring = number[];

export interface Region {
  rings: Ring[];
}

export const EMPTY_REGION: Region = Object.freeze({ rings: [] }) as Region;

export function isEmptyRegion(region: Region): boolean {
  return region.rings.every((r) => r.length < 6);
}
