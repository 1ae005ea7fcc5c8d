/**
 * The IndexedDB schema of Segmark's local store, as an idb `DBSchema`, so
 * every store, key and index name is checked by the compiler.
 *
 * Version 1:
 * - `documents`: one record per (study, series, user), key `docId`.
 * - `regions`: one record per (document, label, slice), key `[docId, labelId, slice]`,
 *   so an edit rewrites only the slices it changed; index `by-doc`.
 * - `revisions`: checkpoints (auto-increment key, so key order is time order),
 *   each a full encoded snapshot; index `by-doc`.
 *
 * Version 2 adds the image cache (`image-cache.ts`), and touches nothing above:
 * - `image-series`: one record per cached series, key `${study}|${series}`.
 * - `image-files`: the source files of a cached series, key `[seriesKey, index]`
 *   in the order they were given; index `by-series`.
 *
 * Version 3 adds the dataset definitions (`datasets.ts`), and touches nothing above:
 * - `datasets`: one record per dataset definition, key its nnU-Net id (1..999).
 *
 * Version 4 adds what the store knows of itself (`generations.ts`), and touches nothing above:
 * - `meta`: small records keyed by name; `generation` marks a database that
 *   an erase (`erase.ts`) finished copying into.
 *
 * Records are only ever added fields (like `DocumentSnapshot`); a change of
 * shape is a new DB_VERSION with an upgrade step in `db.ts`.
 */
import type { DBSchema } from 'idb';
import type { ReviewRecord } from '../core/review/record.js';
import type { DocumentSnapshot, RegionMeta, RegionOrigin } from '../core/annotation/document-data.js';
import type { DatasetDefinition } from '../core/formats/dataset-definition.js';

export const DB_NAME = 'segmark';
export const DB_VERSION = 4;

/** `${studyInstanceUID}|${seriesInstanceUID}|${user}`. */
export type DocId = string;

/**
 * The key of a document. UIDs are digits and dots (PS3.5 §9.1), so the first
 * two `|` always split study and series; the user part may contain anything.
 */
export function documentId(studyInstanceUID: string, seriesInstanceUID: string, user: string): DocId {
  return `${studyInstanceUID}|${seriesInstanceUID}|${user}`;
}

/**
 * The review record (`core/review/record.ts`: status, audit trail, comments,
 * active time). Stored from version 1 as a placeholder, so records written
 * before reviews existed hold `{}` and load as draft; no upgrade is needed.
 */
export type ReviewFields = ReviewRecord | { readonly [field: string]: unknown };

export interface StoredSeries {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  /** One per slice, in slice order. */
  sopInstanceUIDs: string[];
  rows: number;
  columns: number;
  slices: number;
  /** Series Description, for the recent-work list, when the caller knows it. */
  description?: string;
  /** Identifies the geometry (orientation, spacing, positions) the regions were drawn on; opaque here. */
  geometry: string;
}

export interface DocumentRecord {
  id: DocId;
  /** `DocumentSnapshot.version` of what is stored. */
  snapshotVersion: number;
  /** `DocumentSnapshot.revision`: the document's change count (absent in records written before it was kept: 0). */
  revision?: number;
  series: StoredSeries;
  labels: DocumentSnapshot['labels'];
  settings: DocumentSnapshot['settings'];
  review: ReviewFields;
  /** Number of (label, slice) records in `regions`. */
  regionCount: number;
  /** How many of those a person has verified (absent in records written before it was kept). */
  verifiedCount?: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  /** The Segmark version that last wrote the record. */
  appVersion: string;
}

export interface RegionRecord {
  docId: DocId;
  labelId: number;
  slice: number;
  /** `encodeRegion` output. */
  bytes: ArrayBuffer;
  origin: RegionOrigin;
  verified: boolean;
  /** Absent in records written before provenance was kept (`encodeMeta`). */
  provenance?: RegionMeta['provenance'];
  /** The latest review decision; absent when none, or in older records. */
  review?: RegionMeta['review'];
}

export type RegionKey = [DocId, number, number];

/** A whole snapshot with its regions encoded, as a revision keeps it. */
export interface EncodedSnapshot {
  version: number;
  series: DocumentSnapshot['series'];
  labels: DocumentSnapshot['labels'];
  settings: DocumentSnapshot['settings'];
  regions: ({ labelId: number; slice: number; bytes: ArrayBuffer; origin: RegionOrigin; verified: boolean } & RegionMeta)[];
}

export interface RevisionRecord {
  /** Assigned by the store. */
  id?: number;
  docId: DocId;
  /** Milliseconds since the epoch. */
  time: number;
  summary: string;
  snapshot: EncodedSnapshot;
}

/**
 * `${studyInstanceUID}|${seriesInstanceUID}`: images are the same for every
 * user, so one cached copy serves all documents of the series.
 */
export type SeriesKey = string;

export function seriesKey(studyInstanceUID: string, seriesInstanceUID: string): SeriesKey {
  return `${studyInstanceUID}|${seriesInstanceUID}`;
}

export interface CachedSeriesRecord {
  key: SeriesKey;
  /** Series Description, for the recent-work list, when the caller knows it. */
  description?: string;
  fileCount: number;
  /** Sum of the files' sizes; what counts against the cache's cap. */
  totalBytes: number;
  /** Milliseconds since the epoch: written, or last loaded (least recently used goes first). */
  lastUsed: number;
  createdAt: number;
  /** One per file, in index order, so the list shows them without reading `image-files`. */
  fileNames: string[];
}

export interface CachedFileRecord {
  seriesKey: SeriesKey;
  /** Position in the list the series was cached with. */
  index: number;
  /** The file's name as picked, so the loader's messages name it. */
  name: string;
  /** A Blob, not an ArrayBuffer: Chromium keeps large ones as files beside the database and reads them only when asked. */
  bytes: Blob;
}

export type CachedFileKey = [SeriesKey, number];

export interface DatasetRecord {
  /** The definition's nnU-Net id: one definition per `DatasetNNN` folder in this browser. */
  id: number;
  /** Validated again on every read (`validateDefinition`). */
  definition: DatasetDefinition;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
}

/**
 * Written last by an erase into the database it copied the kept records to:
 * without it that database is an interrupted copy, and the one before it is
 * still the store.
 */
export interface GenerationRecord {
  key: 'generation';
  /** 1, 2, … (the first database, named without a number, is 0). */
  generation: number;
  /** Milliseconds since the epoch. */
  completedAt: number;
}

export interface SegmarkSchema extends DBSchema {
  documents: { key: DocId; value: DocumentRecord };
  regions: { key: RegionKey; value: RegionRecord; indexes: { 'by-doc': DocId } };
  revisions: { key: number; value: RevisionRecord; indexes: { 'by-doc': DocId } };
  'image-series': { key: SeriesKey; value: CachedSeriesRecord };
  'image-files': { key: CachedFileKey; value: CachedFileRecord; indexes: { 'by-series': SeriesKey } };
  datasets: { key: number; value: DatasetRecord };
  meta: { key: GenerationRecord['key']; value: GenerationRecord };
}
