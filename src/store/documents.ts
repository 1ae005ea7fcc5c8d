/**
 * Saving and loading annotation documents and their revisions. Each save is
 * one readwrite transaction over `documents` and `regions`: it commits whole
 * or not at all, so a stored document is never half-written. Everything a
 * transaction writes is encoded before it opens (an `await` on anything but an
 * IndexedDB request would let it auto-commit early).
 */
import { version as packageVersion } from '../../package.json';
import { DOCUMENT_SCHEMA_VERSION, type DocumentSnapshot } from '../core/annotation/document-data.js';
import { SegmarkError } from '../core/errors.js';
import type { SegmarkDb } from './db.js';
import { decodeMeta, decodeRegion, encodeMeta, encodeRegion } from './encode.js';
import { run, storageError, Writes } from './transaction.js';
import type {
  DocId,
  DocumentRecord,
  EncodedSnapshot,
  RegionKey,
  RegionRecord,
  ReviewFields,
  SegmarkSchema,
} from './schema.js';

export const APP_VERSION: string = packageVersion;
export const DEFAULT_REVISIONS_KEPT = 50;

/** What changed since the last save; `slice: null` means every slice of the label (as `AnnotationChange` says). */
export interface ChangedRegion {
  labelId: number;
  slice: number | null;
}

export interface SaveOptions {
  /** Series Description for the recent-work list. */
  description?: string;
  /** Geometry fingerprint of the series; default: a weak one from rows × columns × slices. */
  geometry?: string;
  /** Clock, for tests. */
  now?: number;
  /**
   * The document's region counts, when `changed` is given and the snapshot
   * holds only the changed regions (as autosave passes it).
   */
  counts?: { regions: number; verified: number };
  /** The review record to store with the document; default: the stored one is kept. */
  review?: ReviewFields;
  /** The document's revision (its change count); default: the snapshot's, else the stored one. */
  revision?: number;
}

export interface DocumentSummary {
  id: DocId;
  description: string | undefined;
  updatedAt: number;
  labelCount: number;
  /** Number of (label, slice) regions. */
  regionCount: number;
  /** How many regions are verified; undefined for documents stored before this was counted. */
  verifiedCount: number | undefined;
}

export interface RevisionSummary {
  id: number;
  docId: DocId;
  time: number;
  summary: string;
  regionCount: number;
}

/**
 * Writes the document record and its regions in one atomic transaction.
 * Without `changed`, every region is written and stored ones the snapshot no
 * longer has are deleted; with it, only those (label, slice) pairs are
 * written (or deleted when the snapshot has none there), and the snapshot
 * needs to hold only those regions (pass `options.counts` then).
 */
export async function saveDocument(
  db: SegmarkDb,
  docId: DocId,
  snapshot: DocumentSnapshot,
  changed?: readonly ChangedRegion[],
  options: SaveOptions = {},
): Promise<void> {
  const now = options.now ?? Date.now();
  checkSnapshot(snapshot);
  const touched = changed ? changedFilter(changed) : undefined;
  const records = snapshot.regions
    .filter((r) => !touched || touched(r.labelId, r.slice))
    .map((r): RegionRecord => ({ docId, labelId: r.labelId, slice: r.slice, bytes: encodeRegion(r), origin: r.origin, verified: r.verified, ...encodeMeta(r) }));
  const present = new Set(snapshot.regions.map((r) => regionKeyString(r.labelId, r.slice)));

  await run(db, ['documents', 'regions'], 'readwrite', async (tx) => {
    const documents = tx.objectStore('documents');
    const regions = tx.objectStore('regions');
    const before = await documents.get(docId);
    const record: DocumentRecord = {
      id: docId,
      snapshotVersion: snapshot.version,
      revision: options.revision ?? snapshot.revision ?? before?.revision ?? 0,
      series: {
        ...snapshot.series,
        sopInstanceUIDs: [...snapshot.series.sopInstanceUIDs],
        description: options.description ?? before?.series.description,
        geometry: options.geometry ?? before?.series.geometry ?? weakGeometry(snapshot),
      },
      labels: snapshot.labels,
      settings: snapshot.settings,
      review: options.review ?? before?.review ?? {},
      regionCount: options.counts?.regions ?? snapshot.regions.length,
      verifiedCount: options.counts?.verified ?? snapshot.regions.filter((r) => r.verified).length,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
      appVersion: APP_VERSION,
    };
    const writes = new Writes();
    writes.add(documents.put(record));
    for (const r of records) writes.add(regions.put(r));
    // Stored regions the snapshot no longer has, among those this save may touch.
    const stored = await regions.getAllKeys(docRange(docId));
    for (const key of stored) {
      const [, labelId, slice] = key;
      if ((!touched || touched(labelId, slice)) && !present.has(regionKeyString(labelId, slice))) {
        writes.add(regions.delete(key));
      }
    }
    await writes.all();
  });
}

/**
 * The stored document as the snapshot that was saved (regions in label order, then slice order), or undefined.
 * With `options.revision`, it carries the stored revision too (last, 0 for records written before it was kept),
 * for `AnnotationDocument.fromSnapshot`; without, the content only, as `snapshot()` gives it.
 */
export async function loadDocument(db: SegmarkDb, docId: DocId, options: { revision?: boolean } = {}): Promise<DocumentSnapshot | undefined> {
  const [record, regions] = await run(db, ['documents', 'regions'], 'readonly', (tx) =>
    Promise.all([tx.objectStore('documents').get(docId), tx.objectStore('regions').getAll(docRange(docId))]),
  );
  if (!record) return undefined;
  const { description: _d, geometry: _g, ...series } = record.series;
  const snapshot = assemble({ version: record.snapshotVersion, series, labels: record.labels, settings: record.settings, regions });
  return options.revision ? { ...snapshot, revision: record.revision ?? 0 } : snapshot;
}

/** Every stored document, most recently saved first. */
export async function listDocuments(db: SegmarkDb): Promise<DocumentSummary[]> {
  const records = await run(db, ['documents'], 'readonly', (tx) => tx.objectStore('documents').getAll());
  return records
    .map((r) => ({
      id: r.id,
      description: r.series.description,
      updatedAt: r.updatedAt,
      labelCount: r.labels.length,
      regionCount: r.regionCount,
      verifiedCount: r.verifiedCount,
    }))
    .sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Removes the document, its regions and its revisions, atomically. */
export async function deleteDocument(db: SegmarkDb, docId: DocId): Promise<void> {
  await run(db, ['documents', 'regions', 'revisions'], 'readwrite', async (tx) => {
    const revisionKeys = await tx.objectStore('revisions').index('by-doc').getAllKeys(docId);
    const writes = new Writes();
    writes.add(tx.objectStore('documents').delete(docId));
    writes.add(tx.objectStore('regions').delete(docRange(docId)));
    for (const k of revisionKeys) writes.add(tx.objectStore('revisions').delete(k));
    await writes.all();
  });
}

/** Stores a checkpoint and keeps only the newest `keep`, in one transaction; returns its id. */
export async function addRevision(
  db: SegmarkDb,
  docId: DocId,
  snapshot: DocumentSnapshot,
  summary: string,
  keep: number = DEFAULT_REVISIONS_KEPT,
  now: number = Date.now(),
): Promise<number> {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a positive integer, not ${keep}`);
  checkSnapshot(snapshot);
  const encoded: EncodedSnapshot = {
    version: snapshot.version,
    series: { ...snapshot.series, sopInstanceUIDs: [...snapshot.series.sopInstanceUIDs] },
    labels: snapshot.labels,
    settings: snapshot.settings,
    regions: snapshot.regions.map((r) => ({ labelId: r.labelId, slice: r.slice, bytes: encodeRegion(r), origin: r.origin, verified: r.verified, ...encodeMeta(r) })),
  };
  return run(db, ['revisions'], 'readwrite', async (tx) => {
    const store = tx.objectStore('revisions');
    const id = await store.add({ docId, time: now, summary, snapshot: encoded });
    // Auto-increment keys grow, so key order is age order.
    const keys = await store.index('by-doc').getAllKeys(docId);
    keys.sort((a, b) => a - b);
    const writes = new Writes();
    for (const k of keys.slice(0, Math.max(0, keys.length - keep))) writes.add(store.delete(k));
    await writes.all();
    return id;
  });
}

/** The document's revisions, newest first. */
export async function listRevisions(db: SegmarkDb, docId: DocId): Promise<RevisionSummary[]> {
  // Reads whole revisions (regions included); fine for tens of them, see the report on a meta-only store.
  const records = await run(db, ['revisions'], 'readonly', (tx) => tx.objectStore('revisions').index('by-doc').getAll(docId));
  return records
    .map((r) => ({ id: r.id!, docId: r.docId, time: r.time, summary: r.summary, regionCount: r.snapshot.regions.length }))
    .sort((a, b) => b.id - a.id);
}

/** The snapshot a revision holds, exactly as it was added, or undefined. */
export async function loadRevision(db: SegmarkDb, id: number): Promise<DocumentSnapshot | undefined> {
  const record = await run(db, ['revisions'], 'readonly', (tx) => tx.objectStore('revisions').get(id));
  if (!record) return undefined;
  const { version, series, labels, settings, regions } = record.snapshot;
  return assemble({ version, series, labels, settings, regions: regions.map((r) => ({ ...r, docId: record.docId })) }, false);
}

// ── internals ────────────────────────────────────────────────────────────

function assemble(
  parts: Omit<DocumentSnapshot, 'regions'> & { regions: Omit<RegionRecord, 'docId'>[] },
  reorder = true,
): DocumentSnapshot {
  const corrupt = (why: string): never => {
    throw new SegmarkError('storage-corrupt', `stored document: ${why}`);
  };
  if (!Array.isArray(parts.labels) || !Array.isArray(parts.regions) || typeof parts.series !== 'object') corrupt('missing fields');
  let regions = parts.regions;
  if (reorder) {
    // The store returns [labelId, slice] order; the snapshot lists labels in their display order.
    const rank = new Map(parts.labels.map((l, i) => [l.id, i]));
    if (regions.some((r) => !rank.has(r.labelId))) corrupt('a region of a label the document does not have');
    regions = [...regions].sort((a, b) => rank.get(a.labelId)! - rank.get(b.labelId)! || a.slice - b.slice);
  }
  return {
    version: parts.version,
    series: { ...parts.series, sopInstanceUIDs: [...parts.series.sopInstanceUIDs] },
    labels: parts.labels,
    regions: regions.map((r) => ({ labelId: r.labelId, slice: r.slice, rings: decodeRegion(r.bytes).rings, origin: r.origin, verified: r.verified, ...decodeMeta(r) })),
    settings: parts.settings,
  };
}

function checkSnapshot(snapshot: DocumentSnapshot): void {
  if (snapshot.version !== DOCUMENT_SCHEMA_VERSION) {
    throw new SegmarkError('internal', `cannot store snapshot version ${snapshot.version}; this build writes ${DOCUMENT_SCHEMA_VERSION}`);
  }
  for (const r of snapshot.regions) {
    if (!Number.isInteger(r.labelId) || !Number.isInteger(r.slice)) {
      throw new SegmarkError('internal', `region key (${r.labelId}, ${r.slice}) is not a pair of integers`);
    }
  }
}

/** Whether a (label, slice) is among the changed ones (`slice: null` stands for every slice of the label). */
export function changedFilter(changed: readonly ChangedRegion[]): (labelId: number, slice: number) => boolean {
  const labels = new Set<number>();
  const pairs = new Set<string>();
  for (const c of changed) {
    if (c.slice === null) labels.add(c.labelId);
    else pairs.add(regionKeyString(c.labelId, c.slice));
  }
  return (labelId, slice) => labels.has(labelId) || pairs.has(regionKeyString(labelId, slice));
}

function regionKeyString(labelId: number, slice: number): string {
  return `${labelId}/${slice}`;
}

/** Every region key of one document: numbers sort below strings, so [docId, -∞…+∞] covers them all. */
function docRange(docId: DocId): IDBKeyRange {
  return IDBKeyRange.bound([docId, -Infinity, -Infinity] satisfies RegionKey, [docId, Infinity, Infinity] satisfies RegionKey);
}

function weakGeometry(snapshot: DocumentSnapshot): string {
  const s = snapshot.series;
  return `dims:${s.columns}x${s.rows}x${s.slices}`;
}
