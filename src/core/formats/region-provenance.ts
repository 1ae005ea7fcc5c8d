/**
 * What every export says about how a label's regions came to be and who
 * checked them: counts by origin and review state, the imported files and
 * algorithms, interpolation and the assisted methods (with their parameters)
 * behind them, the people who drew, edited, verified or rejected them, the
 * slices a reviewer flagged as a missed structure (kept in the review
 * record, exported like rejections), and the SEG's
 * SegmentAlgorithmType/Name. One place, so the dataset's provenance.json,
 * the NIfTI and PNG labels.json, COCO's categories and the SEG describe a
 * label alike.
 *
 * People appear under the key `user`, file names under `file` and the
 * reviewers' free text under `note`, so `deidentifyJson` pseudonymizes the
 * first and leaves out the others; the SEG name never uses a file name when
 * de-identifying.
 */
import type { AlgorithmParameters, AlgorithmType, DocumentSnapshot, MachineOrigin } from '../annotation/document-data.js';
import type { MissedFlag } from '../review/record.js';
import type { JsonValue } from './deidentify-json.js';

type SnapshotRegion = DocumentSnapshot['regions'][number];

/** The name the SEG and the records give our own interpolation. */
export const INTERPOLATION_ALGORITHM = 'Segmark shape-based interpolation';
/** The SEG name of imported content whose file named no algorithm (and whose file name may not be shown). */
export const IMPORTED_ALGORITHM = 'imported segmentation';
/** The records' name of assisted work whose method was not recorded; the SEG names a method `Segmark <method>`. */
export const ASSISTED_ALGORITHM = 'Segmark assisted segmentation';

/** Regions of one label by how they came to be and by review state. */
export interface ReviewCounts {
  regions: number;
  verified: number;
  unverified: number;
  rejected: number;
  drawn: number;
  interpolated: number;
  imported: number;
  assisted: number;
  /** Machine work (imported, interpolated or assisted) a person then edited; counted as `drawn` too. */
  edited: number;
}

/** Regions that came from one import (file and algorithm), from interpolation, or from one assisted method with its parameters. */
export interface SourceCount {
  origin: MachineOrigin;
  file?: string;
  algorithm?: string;
  algorithmType?: AlgorithmType;
  /** Assisted: the method's parameters. */
  parameters?: AlgorithmParameters;
  regions: number;
  /** Of those, how many a person has since edited. */
  edited: number;
}

/** What one person did to the label's regions. */
export interface PersonCount {
  user: string;
  /** Regions they drew, imported, interpolated or made with an assisted tool. */
  made: number;
  /** Regions made by another (or a machine) that they changed. */
  edited: number;
  verified: number;
  rejected: number;
}

export interface LabelProvenance {
  review: ReviewCounts;
  sources: SourceCount[];
  people: PersonCount[];
  /** Rejected slices, ascending, with the reviewer's reason. */
  rejections: { slice: number; reason: string; note?: string; user: string }[];
  /** Slices flagged as a missed structure (no outline there), ascending, with the reviewer's reason, like rejections. */
  missed: { slice: number; reason: string; note?: string; user: string }[];
}

export function emptyCounts(): ReviewCounts {
  return { regions: 0, verified: 0, unverified: 0, rejected: 0, drawn: 0, interpolated: 0, imported: 0, assisted: 0, edited: 0 };
}

/** The machine source behind a region (its import, interpolation or assisted tool, edited since or not), if any. */
function machineOrigin(r: SnapshotRegion): MachineOrigin | undefined {
  if (r.origin !== 'drawn') return r.origin;
  return r.provenance?.editedFrom;
}

/**
 * The provenance of the regions of one label (pass only that label's regions)
 * and of the review record's missed-structure flags on it (only that label's:
 * `missedByLabel`).
 */
export function labelProvenance(regions: readonly SnapshotRegion[], missedFlags: readonly MissedFlag[] = []): LabelProvenance {
  const review = emptyCounts();
  const sources = new Map<string, SourceCount>();
  const people = new Map<string, PersonCount>();
  const rejections: LabelProvenance['rejections'] = [];
  const person = (user: string): PersonCount => {
    let p = people.get(user);
    if (!p) people.set(user, (p = { user, made: 0, edited: 0, verified: 0, rejected: 0 }));
    return p;
  };
  for (const r of regions) {
    const p = r.provenance;
    review.regions++;
    review[r.origin]++;
    const edited = !!p?.editedFrom || (p?.editedBy?.length ?? 0) > 0;
    if (p?.editedFrom) review.edited++;
    const state = r.verified ? 'verified' : r.review?.state === 'rejected' ? 'rejected' : 'unverified';
    review[state]++;
    const machine = machineOrigin(r);
    if (machine) {
      const s: SourceCount =
        machine === 'interpolated'
          ? { origin: machine, algorithm: INTERPOLATION_ALGORITHM, algorithmType: 'SEMIAUTOMATIC', regions: 0, edited: 0 }
          : machine === 'assisted'
          ? {
              origin: machine,
              algorithm: p?.algorithm ?? ASSISTED_ALGORITHM,
              algorithmType: 'SEMIAUTOMATIC',
              ...(p?.parameters ? { parameters: { ...p.parameters } } : {}),
              regions: 0,
              edited: 0,
            }
          : {
              origin: machine,
              ...(p?.file ? { file: p.file } : {}),
              ...(p?.algorithm ? { algorithm: p.algorithm } : {}),
              ...(p?.algorithmType ? { algorithmType: p.algorithmType } : {}),
              regions: 0,
              edited: 0,
            };
      const key = JSON.stringify([s.origin, s.file, s.algorithm, s.algorithmType, s.parameters && sortedEntries(s.parameters)]);
      const known = sources.get(key) ?? s;
      sources.set(key, known);
      known.regions++;
      if (edited) known.edited++;
    }
    if (p?.by) person(p.by).made++;
    for (const user of p?.editedBy ?? []) person(user).edited++;
    if (r.review?.by && state !== 'unverified') person(r.review.by)[state]++;
    if (state === 'rejected') {
      const v = r.review!;
      rejections.push({ slice: r.slice, reason: v.reason ?? 'other', ...(v.note ? { note: v.note } : {}), user: v.by });
    }
  }
  rejections.sort((a, b) => a.slice - b.slice);
  const missed: LabelProvenance['missed'] = missedFlags
    .map((f) => ({ slice: f.slice, reason: f.reason, ...(f.note ? { note: f.note } : {}), user: f.user }))
    .sort((a, b) => a.slice - b.slice);
  return { review, sources: [...sources.values()], people: [...people.values()], rejections, missed };
}

function sortedEntries(p: AlgorithmParameters): [string, number | string][] {
  return Object.entries(p).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The SEG's name for regions an assisted method made. */
export function assistedAlgorithmName(method: string | undefined): string {
  return method ? `Segmark ${method}` : ASSISTED_ALGORITHM;
}

/**
 * SegmentAlgorithmType and Name of a label's segment: MANUAL when people drew
 * everything (an import its file called MANUAL counts as drawn); AUTOMATIC when every region is an unedited import its file called
 * AUTOMATIC; else SEMIAUTOMATIC (so any interpolated or assisted region, edited
 * since or not, makes it SEMIAUTOMATIC). The name lists the imported algorithms
 * (the file name where none was given, unless `deidentify`), our interpolation
 * and the assisted methods.
 */
export function segmentAlgorithm(
  regions: readonly SnapshotRegion[],
  deidentify: boolean,
): { type: 'MANUAL' } | { type: 'AUTOMATIC' | 'SEMIAUTOMATIC'; name: string } {
  let manual = 0;
  let automatic = 0;
  const names: string[] = [];
  for (const r of regions) {
    const p = r.provenance;
    const machine = machineOrigin(r);
    const untouched = r.origin !== 'drawn';
    if (!machine) {
      manual++;
      continue;
    }
    if (machine === 'imported' && p?.algorithmType === 'MANUAL') {
      manual++;
      continue;
    }
    if (machine === 'imported' && untouched && p?.algorithmType === 'AUTOMATIC') automatic++;
    const name =
      machine === 'interpolated'
        ? INTERPOLATION_ALGORITHM
        : machine === 'assisted'
          ? assistedAlgorithmName(p?.algorithm)
          : (p?.algorithm ?? (deidentify ? undefined : p?.file) ?? IMPORTED_ALGORITHM);
    if (!names.includes(name)) names.push(name);
  }
  if (manual === regions.length) return { type: 'MANUAL' };
  return { type: automatic === regions.length ? 'AUTOMATIC' : 'SEMIAUTOMATIC', name: names.join('; ') };
}

/** Per label id, the regions of that label, in snapshot order. */
export function regionsByLabel(snapshot: Pick<DocumentSnapshot, 'regions'>): Map<number, SnapshotRegion[]> {
  const out = new Map<number, SnapshotRegion[]>();
  for (const r of snapshot.regions) {
    let list = out.get(r.labelId);
    if (!list) out.set(r.labelId, (list = []));
    list.push(r);
  }
  return out;
}

/** Per label id, the review record's missed-structure flags on that label (none without a record). */
export function missedByLabel(snapshot: Pick<DocumentSnapshot, 'review'>): Map<number, MissedFlag[]> {
  const out = new Map<number, MissedFlag[]>();
  for (const f of snapshot.review?.missed ?? []) {
    let list = out.get(f.labelId);
    if (!list) out.set(f.labelId, (list = []));
    list.push(f);
  }
  return out;
}

/** `review`, `sources`, `people`, `rejections` and `missed` of a label, as plain JSON for a provenance record. */
export function provenanceJson(regions: readonly SnapshotRegion[], missedFlags: readonly MissedFlag[] = []): { [key: string]: JsonValue } {
  const p = labelProvenance(regions, missedFlags);
  return {
    review: { ...p.review },
    sources: p.sources.map((s) => ({ ...s })),
    people: p.people.map((x) => ({ ...x })),
    rejections: p.rejections.map((x) => ({ ...x })),
    missed: p.missed.map((x) => ({ ...x })),
  };
}
