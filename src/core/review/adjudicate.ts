/**
 * Adjudication: one document made from two, the reviewer picking a side per
 * (label, slice). Regions are taken verbatim — the chosen side's rings and
 * flags (origin, verified, provenance, review decision), no re-tracing — so the result rasterizes exactly
 * as the chosen side did. The overlap rule is not re-applied: where the
 * reviewer picks A for one label and B for another on the same slice, the two
 * may overlap, as a restored snapshot may.
 */
import type { DocumentSnapshot } from '../annotation/document-data.js';
import type { SnapshotRegion } from './pair-volume.js';

export type Side = 'a' | 'b';

/** `${labelId}:${slice}`, the key of one (label, slice) choice. */
export type ChoiceKey = `${number}:${number}`;

export function choiceKey(labelId: number, slice: number): ChoiceKey {
  return `${labelId}:${slice}`;
}

/**
 * A new snapshot: for each (label, slice) in `choices`, the chosen side's
 * region (none when that side has none there); everything else — other
 * regions, series, settings — from `base`. Labels are the union of both
 * documents', `base`'s definitions winning, `base`'s order first. Nothing is
 * shared with the inputs.
 */
export function adjudicate(a: DocumentSnapshot, b: DocumentSnapshot, choices: ReadonlyMap<ChoiceKey, Side>, base: Side): DocumentSnapshot {
  const docs = { a, b };
  const main = docs[base];
  const other = docs[base === 'a' ? 'b' : 'a'];
  const byKey = { a: regionsByKey(a), b: regionsByKey(b) };
  const chosen = new Map<string, SnapshotRegion[]>();
  for (const [key, side] of choices) {
    const match = /^(\d+):(\d+)$/.exec(key);
    if (!match) throw new RangeError(`choice key "${key}" is not "labelId:slice"`);
    if (side !== 'a' && side !== 'b') throw new RangeError(`choice for ${key} is ${String(side)}, not 'a' or 'b'`);
    // Re-keyed, so "07:3" and "7:3" name the same (label, slice).
    const own = choiceKey(Number(match[1]), Number(match[2]));
    chosen.set(own, byKey[side].get(own) ?? []);
  }
  const kept = [...byKey[base]].filter(([key]) => !chosen.has(key));
  const regions = [...kept.flatMap(([, list]) => list), ...[...chosen.values()].flat()];

  const ids = new Set(main.labels.map((l) => l.id));
  const labels = [...main.labels, ...other.labels.filter((l) => !ids.has(l.id))];
  const order = new Map(labels.map((l, i) => [l.id, i]));
  const unknown = regions.find((r) => !order.has(r.labelId));
  if (unknown) throw new RangeError(`a region of label ${unknown.labelId}, which neither document defines`);
  // The order of `getDocument()`: label order, then slice.
  regions.sort((x, y) => order.get(x.labelId)! - order.get(y.labelId)! || x.slice - y.slice);

  return {
    ...structuredClone({ ...main, regions: [] }),
    labels: structuredClone(labels),
    regions: structuredClone(regions),
  };
}

function regionsByKey(doc: DocumentSnapshot): Map<string, SnapshotRegion[]> {
  const out = new Map<string, SnapshotRegion[]>();
  for (const region of doc.regions) {
    const key = choiceKey(region.labelId, region.slice);
    const list = out.get(key);
    if (list) list.push(region);
    else out.set(key, [region]);
  }
  return out;
}
