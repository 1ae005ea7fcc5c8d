/**
 * The annotation document's data and contracts: the series identity, what is
 * stored per (label, slice), the history deltas, the change announcements,
 * the versioned snapshot shape of `getDocument()`, and the checks that guard
 * them. Split from `document.ts`, which holds the behaviour (mutation path,
 * overlap rule, history, announcements).
 */
import type { SegmentCode } from './codes.js';
import { SegmarkError } from '../errors.js';
import type { Label, LabelDisplay } from './labels.js';
import type { Region } from './region.js';
import type { ReviewRecord } from '../review/record.js';

export const DOCUMENT_SCHEMA_VERSION = 1;

export interface SeriesIdentity {
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  /** One per slice, in sorted slice order. */
  readonly sopInstanceUIDs: readonly string[];
  readonly rows: number;
  readonly columns: number;
  readonly slices: number;
}

/**
 * What made a (label, slice) region as it is now: a person, interpolation, an
 * import, or an assisted tool (grow from seeds, one-click region, islands,
 * smoothing, margin, segment nearby slices).
 */
export type RegionOrigin = 'drawn' | 'interpolated' | 'imported' | 'assisted';
/** The origins that are machine work: they start unverified, and a person's edit keeps them as `editedFrom`. */
export type MachineOrigin = Exclude<RegionOrigin, 'drawn'>;
/** An assisted method's parameters as recorded with its regions: names to numbers or short texts. */
export type AlgorithmParameters = Readonly<Record<string, number | string>>;
export type PaintMode = 'over-others' | 'background-only';

export interface SliceFlags {
  readonly origin: RegionOrigin;
  readonly verified: boolean;
}

/**
 * A sagittal plane (through one column of every slice) or a coronal plane
 * (through one row), as `reformat.ts` lays them out.
 */
export interface PlaneLine {
  readonly plane: 'sagittal' | 'coronal';
  /** The column (sagittal) or row (coronal) of the volume it cuts through. */
  readonly index: number;
}

/** Whether `v` is a plane line (a known plane and a whole, non-negative index). */
export function isPlaneLine(v: unknown): v is PlaneLine {
  if (typeof v !== 'object' || v === null) return false;
  const { plane, index } = v as { plane?: unknown; index?: unknown };
  return (plane === 'sagittal' || plane === 'coronal') && Number.isInteger(index) && (index as number) >= 0;
}

/** SegmentAlgorithmType (PS3.3 C.8.20.2). */
export type AlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

/**
 * Who or what made a region, beyond its origin. Every field is optional:
 * documents saved before provenance was kept have none.
 */
export interface RegionProvenance {
  /** The person who drew it, or who ran the interpolation or the import (the annotator's `user`). */
  readonly by?: string;
  /** Imported: the file it came from. */
  readonly file?: string;
  /**
   * Imported: the model or algorithm that made it (the SEG's SegmentAlgorithmName, the NIfTI sidecar's).
   * Assisted: the method (e.g. the grow-from-seeds algorithm).
   */
  readonly algorithm?: string;
  /** Assisted: the method's parameters (radius in mm, HU range, seed count …), finite numbers or texts. */
  readonly parameters?: AlgorithmParameters;
  /** Imported: SegmentAlgorithmType, where the file says it. */
  readonly algorithmType?: AlgorithmType;
  /**
   * The origin it had before a person first edited it, when that was machine
   * work; the region is 'drawn' from that edit on, and this stays.
   */
  readonly editedFrom?: MachineOrigin;
  /** People other than `by` who changed its shape, in the order of their first edit. */
  readonly editedBy?: readonly string[];
  /**
   * The region was drawn only on sagittal or coronal views, not on this axial
   * slice: the planes whose edits crossed it, in the order first drawn. A
   * plane edit sets it where the slice had no region of the label (or had
   * this marker already); any edit made on the axial slice itself drops it,
   * and a plane edit over axial work does not add it. Interpolation does not
   * take such a slice as a key (a line one voxel wide is no shape) but keeps
   * the voxels on these lines as drawn and fits the shape between the axial
   * keys to them; the region it fills in keeps the marker, so running it
   * again sees the same drawn lines (`interpolate-label.ts`).
   */
  readonly drawnOn?: readonly PlaneLine[];
}

/** The short list a reviewer picks a rejection's reason from. */
export const REJECT_REASONS = ['boundary-wrong', 'wrong-label', 'missed-structure', 'not-this-structure', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Verified / not verified / rejected, per (label, slice). */
export type ReviewState = 'verified' | 'unverified' | 'rejected';

/** A reviewer's latest decision on a region: who, when (ms since the epoch), and for a rejection why. */
export interface RegionReview {
  readonly state: 'verified' | 'rejected';
  readonly by: string;
  readonly at: number;
  readonly reason?: RejectReason;
  /** Free text with a rejection. */
  readonly note?: string;
}

/** The optional provenance and review parts of a region, as the snapshot, the store and the history carry them. */
export interface RegionMeta {
  provenance?: RegionProvenance;
  review?: RegionReview;
}

/** `getDocument()`: plain data, structured-clone safe. Fields may be added, never renamed. */
export interface DocumentSnapshot {
  version: number;
  /**
   * How many changes the document has had (regions, labels, verification,
   * review record): it grows with every change, undo and redo included, and
   * never goes back. Absent in snapshots written before it was kept (read as 0).
   */
  revision?: number;
  series: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUIDs: string[];
    rows: number;
    columns: number;
    slices: number;
  };
  labels: {
    id: number;
    name: string;
    color: [number, number, number];
    code: SegmentCode;
    opacity: number;
    visible: boolean;
    locked: boolean;
    display: LabelDisplay;
    /** `<template id>/<entry id>` of a template label not renamed since (its name follows the interface language). */
    template?: string;
  }[];
  /** Rings in pixel coordinates, `[x0, y0, x1, y1, …]` (see `region.ts`). */
  regions: ({ labelId: number; slice: number; rings: number[][]; origin: RegionOrigin; verified: boolean } & RegionMeta)[];
  settings: { paintMode: PaintMode };
  /** The review record (status, audit trail, comments, active time), kept apart from the undoable regions; `getDocument()` adds it. */
  review?: ReviewRecord;
}

/** Polygon booleans on regions (the real one lives in `region-ops.ts`, over a clipping library). */
export interface RegionOps {
  union(a: Region, b: Region): Region;
  difference(a: Region, b: Region): Region;
  isEmpty(region: Region): boolean;
}

export type RegionChangeKind = 'draw' | 'erase' | 'edit' | 'interpolate' | 'import' | 'assist';
export type ChangeKind = RegionChangeKind | 'verify' | 'label' | 'restore' | 'undo' | 'redo';

/** What `subscribe` listeners receive; the detail of `segmark-change`. */
export interface AnnotationChange {
  readonly labelId: number;
  /** The slice whose region changed, or null when the label as a whole changed (metadata, or all its slices). */
  readonly slice: number | null;
  readonly kind: ChangeKind;
}

export interface SetRegionOptions {
  kind: RegionChangeKind;
  /** Default: 'interpolated' for interpolate, 'imported' for import, 'assisted' for assist, else 'drawn'. */
  origin?: RegionOrigin;
  verified?: boolean;
  /** Interpolate, import and assist: what made it (file, algorithm, parameters); `by` defaults to the document's user. */
  provenance?: RegionProvenance;
  /** Undo-menu text; default e.g. "Draw L4/L5 disc". */
  label?: string;
  /**
   * Draw, edit or erase: the sagittal or coronal plane the edit was made on
   * (`PlaneDocument` passes it for each axial slice its edit crosses). It is
   * recorded in `provenance.drawnOn` where the slice had no region of the
   * label or only plane-drawn work; without it (an edit on the axial slice)
   * that marker is dropped.
   */
  drawnOn?: PlaneLine;
}

export type LabelFields = Partial<Omit<Label, 'id'>>;
type LabelListDelta = {
  readonly label: Label;
  readonly index: number;
  /** The label's regions, restored with it when a delete is undone. */
  readonly entries: readonly (readonly [number, Entry])[];
};
/** One recorded change; the history replays these (see `history.ts`). */
export type Delta =
  | {
      readonly type: 'region';
      readonly labelId: number;
      readonly slice: number;
      readonly before?: Entry;
      readonly after?: Entry;
    }
  | { readonly type: 'label'; readonly id: number; readonly before: LabelFields; readonly after: LabelFields }
  | ({ readonly type: 'add-label' | 'remove-label' } & LabelListDelta)
  | { readonly type: 'move-label'; readonly id: number; readonly from: number; readonly to: number }
  /**
   * The record kept beside the regions (the review record: status, audit,
   * comments, time) replaced with them, as opening a whole document does.
   * Opaque plain data here; the document's owner applies it (`subscribeRecord`).
   */
  | { readonly type: 'record'; readonly before: unknown; readonly after: unknown };

/** Estimated bytes a delta keeps alive in the history. */
export function deltaBytes(d: Delta): number {
  switch (d.type) {
    case 'region':
      return 64 + entryBytes(d.before) + entryBytes(d.after);
    case 'label':
      return 96 + 2 * (JSON.stringify(d.before).length + JSON.stringify(d.after).length);
    case 'move-label':
      return 48;
    case 'record':
      return 64 + 2 * (JSON.stringify(d.before ?? null).length + JSON.stringify(d.after ?? null).length);
    default:
      return 256 + d.entries.reduce((sum, [, e]) => sum + entryBytes(e), 0);
  }
}

export type Bounds = readonly [number, number, number, number];

/** What the document stores per (label, slice). Frozen, and shared with history deltas. */
export interface Entry extends SliceFlags {
  readonly region: Region;
  readonly bounds: Bounds;
  readonly provenance?: RegionProvenance;
  readonly review?: RegionReview;
}

const ORIGINS: readonly string[] = ['drawn', 'interpolated', 'imported', 'assisted'];
const MACHINE_ORIGINS: readonly string[] = ['interpolated', 'imported', 'assisted'];
const ALGORITHM_TYPES: readonly string[] = ['AUTOMATIC', 'SEMIAUTOMATIC', 'MANUAL'];

export function makeEntry(region: Region, origin: RegionOrigin, verified: boolean, meta: RegionMeta = {}): Entry {
  const own = ownRegion(region);
  return Object.freeze({ region: own, origin, verified, bounds: boundsOf(own), ...frozenMeta(meta) });
}

/** Frozen copies of the present meta parts (absent ones stay absent, so old and new entries compare alike). */
export function frozenMeta(meta: RegionMeta): RegionMeta {
  const out: RegionMeta = {};
  if (meta.provenance) {
    const p = meta.provenance;
    out.provenance = Object.freeze({
      ...p,
      ...(p.parameters ? { parameters: Object.freeze({ ...p.parameters }) } : {}),
      ...(p.editedBy ? { editedBy: Object.freeze([...p.editedBy]) } : {}),
      ...(p.drawnOn ? { drawnOn: Object.freeze(p.drawnOn.map((l) => Object.freeze({ plane: l.plane, index: l.index }))) } : {}),
    });
  }
  if (meta.review) out.review = Object.freeze({ ...meta.review });
  return out;
}

/** Plain, detached copies of an entry's meta parts, for a snapshot. */
export function copyMeta(meta: RegionMeta): RegionMeta {
  const out: RegionMeta = {};
  if (meta.provenance) {
    const p = meta.provenance;
    out.provenance = {
      ...p,
      ...(p.parameters ? { parameters: { ...p.parameters } } : {}),
      ...(p.editedBy ? { editedBy: [...p.editedBy] } : {}),
      ...(p.drawnOn ? { drawnOn: p.drawnOn.map((l) => ({ plane: l.plane, index: l.index })) } : {}),
    };
  }
  if (meta.review) out.review = { ...meta.review };
  return out;
}

/** The review state of an entry: rejected and verified come from the decision, else from the flag. */
export function reviewStateOf(e: Pick<Entry, 'verified' | 'review'>): ReviewState {
  if (e.verified) return 'verified';
  return e.review?.state === 'rejected' ? 'rejected' : 'unverified';
}

export function boundsOf(region: Region): Bounds {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const ring of region.rings) {
    for (let i = 0; i + 1 < ring.length; i += 2) {
      const x = ring[i]!, y = ring[i + 1]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return Object.freeze([x0, y0, x1, y1] as const);
}

/** Whether two bounding boxes touch; an empty box (Infinity) touches nothing. */
export function overlaps(a: Bounds, b: Bounds): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** A validated, deeply frozen copy (or the region itself when it already is one). */
export function ownRegion(region: Region): Region {
  const rings = (region as { rings?: unknown } | null)?.rings;
  if (!Array.isArray(rings)) throw new SegmarkError('invalid-region', 'a region needs an array of rings');
  if (Object.isFrozen(region) && Object.isFrozen(rings) && rings.every((r) => Object.isFrozen(r))) return region;
  const copy = rings.map((ring: unknown) => {
    if (!Array.isArray(ring) || ring.length % 2 !== 0 || !ring.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new SegmarkError('invalid-region', 'a ring is a flat array of finite x, y pairs');
    }
    return Object.freeze(ring.slice() as number[]);
  });
  return Object.freeze({ rings: Object.freeze(copy) as number[][] });
}

/** Same rings, same order, same numbers. */
export function sameRegion(a: Region, b: Region): boolean {
  if (a === b) return true;
  if (a.rings.length !== b.rings.length) return false;
  return a.rings.every((ring, i) => {
    const other = b.rings[i]!;
    return ring.length === other.length && ring.every((v, j) => v === other[j]);
  });
}

export function sameEntry(a: Entry | undefined, b: Entry | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.origin === b.origin &&
    a.verified === b.verified &&
    JSON.stringify(a.provenance) === JSON.stringify(b.provenance) &&
    JSON.stringify(a.review) === JSON.stringify(b.review) &&
    sameRegion(a.region, b.region)
  );
}

/** Estimated bytes an entry keeps alive (numbers are 8 bytes; arrays and objects carry overhead). */
export function entryBytes(e: Entry | undefined): number {
  if (!e) return 0;
  return e.region.rings.reduce((sum, ring) => sum + 32 + 8 * ring.length, 96);
}

export function validateSeries(series: SeriesIdentity): SeriesIdentity {
  const bad = (why: string): never => {
    throw new SegmarkError('invalid-series', `series identity: ${why}`);
  };
  if (typeof series !== 'object' || series === null) bad('missing');
  for (const key of ['studyInstanceUID', 'seriesInstanceUID'] as const) {
    if (typeof series[key] !== 'string') bad(`${key} must be a string`);
  }
  for (const key of ['rows', 'columns', 'slices'] as const) {
    if (!Number.isInteger(series[key]) || series[key] < 1) bad(`${key} must be a positive integer`);
  }
  const uids = series.sopInstanceUIDs;
  if (!Array.isArray(uids) || uids.length !== series.slices || !uids.every((u) => typeof u === 'string')) {
    bad('sopInstanceUIDs must hold one UID string per slice');
  }
  return Object.freeze({
    studyInstanceUID: series.studyInstanceUID,
    seriesInstanceUID: series.seriesInstanceUID,
    sopInstanceUIDs: Object.freeze([...uids]),
    rows: series.rows,
    columns: series.columns,
    slices: series.slices,
  });
}

export interface ParsedSnapshot {
  series: SeriesIdentity;
  labels: Label[];
  paintMode: PaintMode;
  regions: ({ labelId: number; slice: number; region: Region; origin: RegionOrigin; verified: boolean } & RegionMeta)[];
  revision: number;
}

/**
 * Checks a snapshot's version and shape. A different version is refused
 * (`schema-version`) rather than guessed at; when version 2 exists, its
 * upgrade from 1 goes here. Labels and series are validated by their owners.
 */
export function parseSnapshot(snapshot: DocumentSnapshot): ParsedSnapshot {
  const bad = (why: string): never => {
    throw new SegmarkError('bad-snapshot', `snapshot: ${why}`);
  };
  if (typeof snapshot !== 'object' || snapshot === null) bad('not an object');
  if (!Number.isInteger(snapshot.version)) bad('no version');
  if (snapshot.version !== DOCUMENT_SCHEMA_VERSION) {
    throw new SegmarkError(
      'schema-version',
      `snapshot version ${snapshot.version}; this build reads ${DOCUMENT_SCHEMA_VERSION}`,
      { params: { found: snapshot.version, expected: DOCUMENT_SCHEMA_VERSION } },
    );
  }
  if (!Array.isArray(snapshot.labels) || !Array.isArray(snapshot.regions)) bad('labels and regions must be arrays');
  const revision = snapshot.revision ?? 0;
  if (!Number.isSafeInteger(revision) || revision < 0) bad('revision must be a whole number, 0 or more');
  const paintMode = snapshot.settings?.paintMode ?? 'over-others';
  if (paintMode !== 'over-others' && paintMode !== 'background-only') bad(`paint mode ${String(paintMode)}`);
  const regions = snapshot.regions.map((r) => {
    if (typeof r !== 'object' || r === null || !Number.isInteger(r.labelId)) bad('a region without a label id');
    const origin = r.origin ?? 'drawn';
    if (!ORIGINS.includes(origin)) bad(`region origin ${String(origin)}`);
    const verified = r.verified ?? false;
    if (typeof verified !== 'boolean') bad('region verified flag must be a boolean');
    const meta = parseMeta(r, bad);
    return { labelId: r.labelId, slice: r.slice, region: ownRegion({ rings: r.rings }), origin, verified, ...meta };
  });
  return { series: snapshot.series, labels: snapshot.labels as unknown as Label[], paintMode, regions, revision };
}

/** Whether `v` is a plain record of finite numbers and strings (`RegionProvenance.parameters`). */
export function isParameters(v: unknown): v is AlgorithmParameters {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)));
}

/** Checks the optional provenance and review of a stored or given region; `bad` raises the caller's error. */
export function parseMeta(r: RegionMeta, bad: (why: string) => never): RegionMeta {
  const out: RegionMeta = {};
  const isText = (v: unknown) => v === undefined || typeof v === 'string';
  const p = r.provenance;
  if (p !== undefined) {
    if (typeof p !== 'object' || p === null) bad('region provenance must be an object');
    if (!isText(p.by) || !isText(p.file) || !isText(p.algorithm)) bad('region provenance fields must be strings');
    if (p.algorithmType !== undefined && !ALGORITHM_TYPES.includes(p.algorithmType)) bad(`algorithm type ${String(p.algorithmType)}`);
    if (p.editedFrom !== undefined && !MACHINE_ORIGINS.includes(p.editedFrom)) bad(`edited from ${String(p.editedFrom)}`);
    if (p.parameters !== undefined && !isParameters(p.parameters)) {
      bad('region parameters must be an object of finite numbers and strings');
    }
    if (p.editedBy !== undefined && !(Array.isArray(p.editedBy) && p.editedBy.every((u) => typeof u === 'string'))) {
      bad('region editedBy must be an array of strings');
    }
    if (p.drawnOn !== undefined && !(Array.isArray(p.drawnOn) && p.drawnOn.every(isPlaneLine))) {
      bad('region drawnOn must be an array of { plane: sagittal | coronal, index }');
    }
    out.provenance = p;
  }
  const v = r.review;
  if (v !== undefined) {
    if (typeof v !== 'object' || v === null || (v.state !== 'verified' && v.state !== 'rejected')) bad('region review state');
    if (typeof v.by !== 'string' || !Number.isFinite(v.at)) bad('region review needs who and when');
    if (v.reason !== undefined && !(REJECT_REASONS as readonly string[]).includes(v.reason)) bad(`reject reason ${String(v.reason)}`);
    if (!isText(v.note)) bad('region review note must be a string');
    out.review = v;
  }
  return out;
}
