/**
 * Labels do not overlap (ARCHITECTURE "One source of truth"): how the
 * annotation document keeps it when a region is committed on a slice.
 * Painting cuts the new region from the other labels there ('over-others'),
 * or trims it to the background ('background-only'); locked labels are never
 * cut, in either mode. The polygon booleans come from the injected
 * `RegionOps`, so this file does not depend on the clipping library.
 */
import { boundsOf, makeEntry, overlaps, ownRegion, sameRegion, type Entry, type PaintMode, type RegionOps } from './document-data.js';
import type { Label } from './labels.js';
import { withEditor } from './provenance.js';
import type { Region } from './region.js';

/** Another label's region on the slice being painted. */
export interface Neighbour {
  readonly label: Label;
  readonly entry: Entry;
}

/** `wanted` with locked labels, and in 'background-only' mode all others, taken out of it. */
export function keepOut(wanted: Region, others: readonly Neighbour[], mode: PaintMode, ops: RegionOps): Region {
  if (ops.isEmpty(wanted)) return wanted;
  const box = boundsOf(wanted);
  let guard: Region | undefined;
  for (const { label, entry } of others) {
    if (!(label.locked || mode === 'background-only') || !overlaps(entry.bounds, box)) continue;
    guard = guard ? ops.union(guard, entry.region) : entry.region;
  }
  return guard ? ownRegion(ops.difference(wanted, guard)) : wanted;
}

/**
 * In 'over-others' mode, each unlocked neighbour that `painted` overlaps,
 * with what is left of it (undefined when nothing is), one at a time, as
 * `user` edited it. The cut shape is no longer what anyone checked: it
 * needs verifying again.
 */
export function* cutsBy(painted: Entry, others: readonly Neighbour[], mode: PaintMode, ops: RegionOps, user: string): Generator<{ labelId: number; before: Entry; after: Entry | undefined }> {
  if (mode !== 'over-others') return;
  for (const { label, entry } of others) {
    if (label.locked || !overlaps(entry.bounds, painted.bounds)) continue;
    const cut = ownRegion(ops.difference(entry.region, painted.region));
    if (sameRegion(cut, entry.region)) continue;
    const after = ops.isEmpty(cut) ? undefined : makeEntry(cut, entry.origin, false, { provenance: withEditor(entry.provenance, user) });
    yield { labelId: label.id, before: entry, after };
  }
}
