/**
 * Agreement between two annotations of one series (two annotators, or a
 * model import and an expert): per label, overlap (Dice, Jaccard), volumes,
 * surface distances, and the slices where the two disagree — what a review
 * screen lists and the adjudication walks through.
 *
 * Both documents are rasterized with the project's pixel-centre rule, label by
 * label, each label on its own (a hand-made snapshot where labels overlap is
 * measured as drawn, not as the exported labelmap would resolve it). Work per
 * label is bounded by the box of both sides (`pair-volume.ts`); the surface
 * conventions are in `surface-distance.ts`.
 *
 * Empty sides, chosen so that nothing is silently averaged as a number:
 * - both empty: Dice = Jaccard = 1 (the two agree the structure is absent);
 *   surface distances are null (there is no surface to measure);
 * - one side empty: Dice = Jaccard = 0; surface distances are null (the
 *   Hausdorff distance to an empty set is undefined); `status` says which side.
 */
import type { DocumentSnapshot } from '../annotation/document-data.js';
import { rasterizeRegion } from '../annotation/rasterize.js';
import { pairVolume, sliceCounts, type SnapshotRegion } from './pair-volume.js';
import { markSurfaces, surfaceDistances } from './surface-distance.js';

/** The series both documents annotate. */
export interface ReviewGeometry {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  /** DICOM PixelSpacing order: `[Δrow, Δcol]`, mm. */
  readonly pixelSpacing: readonly [number, number];
  /** Position of each slice along the normal, mm, strictly ascending (the sorted slice order). */
  readonly slicePositions: readonly number[];
  /** Slice thickness for volumes when the series has a single slice (no neighbour to take it from), mm. */
  readonly sliceThicknessMm?: number;
}

export interface CompareOptions {
  /**
   * Label id in A → label id in B, for labels named differently (a model's
   * label 1 is the expert's label 3). Labels not in the map match by id.
   */
  readonly labelMapping?: ReadonlyMap<number, number>;
}

/** A label's id on each side; null on the side that does not define it. */
export interface LabelPair {
  readonly a: number | null;
  readonly b: number | null;
}

export type AgreementStatus = 'both' | 'a-empty' | 'b-empty' | 'both-empty';

export interface SliceDisagreement {
  readonly slice: number;
  /** Voxels in A only, and in B only. */
  readonly aOnly: number;
  readonly bOnly: number;
}

export interface LabelAgreement {
  readonly ids: LabelPair;
  /** A's name for the label, else B's. */
  readonly name: string;
  /** Which sides have voxels (see the empty-side conventions above). */
  readonly status: AgreementStatus;
  readonly voxels: { readonly a: number; readonly b: number; readonly both: number };
  readonly dice: number;
  readonly jaccard: number;
  readonly volumeAMl: number;
  readonly volumeBMl: number;
  /** B − A, mL. */
  readonly volumeDifferenceMl: number;
  /** (B − A) / A × 100, A being the reference; null when A is empty. */
  readonly volumeDifferencePercent: number | null;
  /** Null unless both sides have voxels. */
  readonly hausdorffMm: number | null;
  readonly hd95Mm: number | null;
  readonly meanSurfaceDistanceMm: number | null;
  /** Slices with at least one voxel in one side only, most disagreement first (then by slice). */
  readonly slices: readonly SliceDisagreement[];
}

export interface AgreementResult {
  /** A's labels in A's order, then the labels only B has, in B's order. */
  readonly labels: readonly LabelAgreement[];
}

/** Overlay values of `agreementOverlay`. */
export const OVERLAY_NEITHER = 0;
export const OVERLAY_BOTH = 1;
export const OVERLAY_A_ONLY = 2;
export const OVERLAY_B_ONLY = 3;

/** Compares every label present in either document (by id, or through `labelMapping`). */
export function compareDocuments(
  a: DocumentSnapshot,
  b: DocumentSnapshot,
  geometry: ReviewGeometry,
  options: CompareOptions = {},
): AgreementResult {
  checkGeometry(geometry, a, b);
  const thickness = sliceThicknesses(geometry);
  const regionsA = regionsByLabel(a, geometry.slices);
  const regionsB = regionsByLabel(b, geometry.slices);
  const scratch = new Uint8Array(geometry.columns * geometry.rows);
  const labels = labelPairs(a, b, options.labelMapping).map(({ ids, name }) =>
    compareLabel(ids, name, ids.a === null ? [] : (regionsA.get(ids.a) ?? []), ids.b === null ? [] : (regionsB.get(ids.b) ?? []), geometry, thickness, scratch),
  );
  return { labels };
}

/**
 * One slice of one label as the review overlay: `columns × rows` values,
 * `OVERLAY_NEITHER`, `OVERLAY_BOTH`, `OVERLAY_A_ONLY`, `OVERLAY_B_ONLY`. A
 * number for `label` means the same id on both sides.
 */
export function agreementOverlay(a: DocumentSnapshot, b: DocumentSnapshot, label: LabelPair | number, slice: number): Uint8Array {
  const { columns, rows } = a.series;
  if (b.series.columns !== columns || b.series.rows !== rows) {
    throw new RangeError(`documents of ${columns} × ${rows} and ${b.series.columns} × ${b.series.rows} pixels cannot be compared`);
  }
  const ids = typeof label === 'number' ? { a: label, b: label } : label;
  const out = new Uint8Array(columns * rows);
  const other = new Uint8Array(columns * rows);
  for (const r of a.regions) if (r.labelId === ids.a && r.slice === slice) rasterizeRegion(r, columns, rows, out, 1);
  for (const r of b.regions) if (r.labelId === ids.b && r.slice === slice) rasterizeRegion(r, columns, rows, other, 1);
  // Index: A bit + 2 × B bit.
  const code = [OVERLAY_NEITHER, OVERLAY_A_ONLY, OVERLAY_B_ONLY, OVERLAY_BOTH];
  for (let i = 0; i < out.length; i++) out[i] = code[out[i]! | (other[i]! << 1)]!;
  return out;
}

function compareLabel(
  ids: LabelPair,
  name: string,
  regionsA: readonly SnapshotRegion[],
  regionsB: readonly SnapshotRegion[],
  geometry: ReviewGeometry,
  thickness: Float64Array,
  scratch: Uint8Array,
): LabelAgreement {
  const [dRow, dCol] = geometry.pixelSpacing;
  const volume = pairVolume(regionsA, regionsB, geometry.columns, geometry.rows, scratch);
  const counts = volume ? sliceCounts(volume) : null;
  let voxelsA = 0;
  let voxelsB = 0;
  let voxelsBoth = 0;
  let mm3A = 0;
  let mm3B = 0;
  const slices: SliceDisagreement[] = [];
  if (volume && counts) {
    for (let k = 0; k < volume.depth; k++) {
      const aOnly = counts.aOnly[k]!;
      const bOnly = counts.bOnly[k]!;
      const both = counts.both[k]!;
      const voxel = dRow * dCol * thickness[volume.k0 + k]!;
      voxelsA += aOnly + both;
      voxelsB += bOnly + both;
      voxelsBoth += both;
      mm3A += (aOnly + both) * voxel;
      mm3B += (bOnly + both) * voxel;
      if (aOnly + bOnly > 0) slices.push({ slice: volume.k0 + k, aOnly, bOnly });
    }
  }
  slices.sort((x, y) => y.aOnly + y.bOnly - (x.aOnly + x.bOnly) || x.slice - y.slice);
  const status: AgreementStatus = voxelsA > 0 ? (voxelsB > 0 ? 'both' : 'b-empty') : voxelsB > 0 ? 'a-empty' : 'both-empty';
  const union = voxelsA + voxelsB - voxelsBoth;
  let distances = null;
  if (status === 'both' && volume) {
    const surfaces = markSurfaces(volume);
    const z = Float64Array.from(geometry.slicePositions.slice(volume.k0, volume.k0 + volume.depth));
    distances = surfaceDistances(volume, surfaces, z, geometry.pixelSpacing);
  }
  const volumeAMl = mm3A / 1000;
  const volumeBMl = mm3B / 1000;
  return {
    ids,
    name,
    status,
    voxels: { a: voxelsA, b: voxelsB, both: voxelsBoth },
    dice: status === 'both-empty' ? 1 : (2 * voxelsBoth) / (voxelsA + voxelsB),
    jaccard: status === 'both-empty' ? 1 : voxelsBoth / union,
    volumeAMl,
    volumeBMl,
    volumeDifferenceMl: volumeBMl - volumeAMl,
    volumeDifferencePercent: voxelsA > 0 ? ((mm3B - mm3A) / mm3A) * 100 : null,
    hausdorffMm: distances?.hausdorffMm ?? null,
    hd95Mm: distances?.hd95Mm ?? null,
    meanSurfaceDistanceMm: distances?.meanMm ?? null,
    slices,
  };
}

/**
 * Pairs A's labels with B's: through the mapping, else by id. A's labels come
 * first in A's order; B's unpaired labels follow in B's order.
 */
function labelPairs(a: DocumentSnapshot, b: DocumentSnapshot, mapping: ReadonlyMap<number, number> | undefined): { ids: LabelPair; name: string }[] {
  const namesB = new Map(b.labels.map((l) => [l.id, l.name]));
  const taken = new Map<number, number>();
  const pairs: { ids: LabelPair; name: string }[] = [];
  for (const label of a.labels) {
    const target = mapping?.get(label.id) ?? label.id;
    const inB = namesB.has(target);
    if (inB) {
      const earlier = taken.get(target);
      if (earlier !== undefined) throw new RangeError(`labels ${earlier} and ${label.id} of A both match label ${target} of B`);
      taken.set(target, label.id);
    }
    pairs.push({ ids: { a: label.id, b: inB ? target : null }, name: label.name });
  }
  for (const label of b.labels) if (!taken.has(label.id)) pairs.push({ ids: { a: null, b: label.id }, name: label.name });
  return pairs;
}

/** A document's regions per label id; a region of an undefined label, or outside the series, is an error. */
function regionsByLabel(doc: DocumentSnapshot, slices: number): Map<number, SnapshotRegion[]> {
  const byLabel = new Map<number, SnapshotRegion[]>(doc.labels.map((l) => [l.id, []]));
  for (const region of doc.regions) {
    const list = byLabel.get(region.labelId);
    if (!list) throw new RangeError(`a region of label ${region.labelId}, which the document does not define`);
    if (!Number.isInteger(region.slice) || region.slice < 0 || region.slice >= slices) {
      throw new RangeError(`a region of label ${region.labelId} on slice ${region.slice}, outside the series' ${slices} slices`);
    }
    list.push(region);
  }
  return byLabel;
}

function checkGeometry(g: ReviewGeometry, a: DocumentSnapshot, b: DocumentSnapshot): void {
  for (const key of ['columns', 'rows', 'slices'] as const) {
    if (!Number.isInteger(g[key]) || g[key] < 1) throw new RangeError(`geometry: ${key} ${g[key]} is not a positive integer`);
    if (a.series[key] !== g[key] || b.series[key] !== g[key]) {
      throw new RangeError(`geometry: the documents have ${a.series[key]} and ${b.series[key]} ${key}, the series ${g[key]}`);
    }
  }
  const [dRow, dCol] = g.pixelSpacing;
  if (!(dRow > 0 && dCol > 0 && Number.isFinite(dRow) && Number.isFinite(dCol))) {
    throw new RangeError(`geometry: pixel spacing [${dRow}, ${dCol}] mm is not two positive numbers`);
  }
  const p = g.slicePositions;
  if (p.length !== g.slices) throw new RangeError(`geometry: ${p.length} slice positions for ${g.slices} slices`);
  for (let k = 0; k < p.length; k++) {
    if (!Number.isFinite(p[k]!) || (k > 0 && !(p[k]! > p[k - 1]!))) {
      throw new RangeError(`geometry: slice positions must be finite and strictly ascending (slice ${k}: ${p[k]})`);
    }
  }
}

/**
 * Thickness of each slice for volumes: from halfway to the previous slice to
 * halfway to the next (the end slices mirror their one gap), so uneven
 * spacing is neither lost nor double counted; even spacing gives the spacing.
 */
function sliceThicknesses(g: ReviewGeometry): Float64Array {
  const p = g.slicePositions;
  const n = p.length;
  const out = new Float64Array(n);
  if (n === 1) {
    const t = g.sliceThicknessMm;
    if (t === undefined || !(t > 0) || !Number.isFinite(t)) throw new RangeError('geometry: a single-slice series needs sliceThicknessMm for volumes');
    out[0] = t;
    return out;
  }
  for (let k = 0; k < n; k++) {
    const before = k > 0 ? p[k]! - p[k - 1]! : p[1]! - p[0]!;
    const after = k + 1 < n ? p[k + 1]! - p[k]! : p[n - 1]! - p[n - 2]!;
    out[k] = (before + after) / 2;
  }
  return out;
}
