/**
 * The cases a dataset can be built from: every stored document in this
 * browser (each series and user), with what a team lead picks them by — the
 * review status and who reviewed it, the share of outlines a person has
 * verified, the labels with their codes, and whether the series' images are
 * still cached here (else the build needs the files again, or the PACS),
 * and what the checklist would block on its outlines. Read-only over the
 * `documents`, `regions` and `image-series` stores.
 */
import type { SegmentCode } from '../core/annotation/codes.js';
import type { DocumentSnapshot } from '../core/annotation/document-data.js';
import type { Label } from '../core/annotation/labels.js';
import { labelFindings } from '../core/formats/checklist.js';
import { loadDocument } from './documents.js';
import { parseReview } from '../core/review/record.js';
import type { ReviewStatus } from '../core/review/workflow.js';
import type { SegmarkDb } from './db.js';
import { seriesKey, type DocId, type DocumentRecord } from './schema.js';
import { run } from './transaction.js';

export interface DatasetCase {
  docId: DocId;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  /** Whose work the document is. */
  user: string;
  description: string | undefined;
  status: ReviewStatus;
  /** Who took the last reviewer's step (approved or asked for changes), if anyone. */
  reviewer: string | undefined;
  /** Verified (label, slice) outlines ÷ all of them; undefined when not counted (older records) or empty. */
  verifiedShare: number | undefined;
  regionCount: number;
  labels: { id: number; name: string; code?: SegmentCode }[];
  /** The names of the labels with at least one outline (what the case holds). */
  drawn: string[];
  slices: number;
  updatedAt: number;
  /** The series' images are in this browser's cache. */
  imagesCached: boolean;
  /**
   * The checklist's blocking findings on the case's drawn labels (`labelFindings`: interpolations not accepted,
   * rejected or unverified outlines), as `code` or `code:labelId`; empty when the case is ready. Labels with nothing
   * drawn are absent from a dataset case, not a finding.
   */
  blocking: string[];
}

export interface CaseFilter {
  /** Only these review statuses (e.g. `['approved']`). */
  status?: readonly ReviewStatus[];
  /** Only cases whose every outline is verified. */
  fullyVerified?: boolean;
  /** Only cases with a label of this property type code value (e.g. SNOMED 360499006, intervertebral disc). */
  code?: string;
  /** Only cases whose images are cached. */
  imagesCached?: boolean;
  /** Only cases the checklist lets through (no blocking finding). */
  ready?: boolean;
}

/** Every stored document as a dataset case, most recently saved first. */
export async function listDatasetCases(db: SegmarkDb): Promise<DatasetCase[]> {
  const [records, cachedKeys] = await run(db, ['documents', 'image-series'], 'readonly', (tx) =>
    Promise.all([tx.objectStore('documents').getAll(), tx.objectStore('image-series').getAllKeys()]),
  );
  const cached = new Set<string>(cachedKeys.map(String));
  const cases = await Promise.all(records.map(async (r) => datasetCase(r, cached, await loadDocument(db, r.id))));
  return cases.sort((a, b) => b.updatedAt - a.updatedAt);
}

/** The cases `filter` keeps, in their order. */
export function filterCases(cases: readonly DatasetCase[], filter: CaseFilter): DatasetCase[] {
  return cases.filter(
    (c) =>
      (!filter.status || filter.status.includes(c.status)) &&
      (!filter.fullyVerified || c.verifiedShare === 1) &&
      (filter.code === undefined || c.labels.some((l) => l.code?.type.codeValue === filter.code)) &&
      (filter.imagesCached === undefined || c.imagesCached === filter.imagesCached) &&
      (filter.ready === undefined || (c.blocking.length === 0) === filter.ready),
  );
}

function datasetCase(r: DocumentRecord, cached: ReadonlySet<string>, snapshot: DocumentSnapshot | undefined): DatasetCase {
  const { studyInstanceUID, seriesInstanceUID, description, slices } = r.series;
  // The id is `${study}|${series}|${user}`; UIDs hold no `|`, the user may.
  const user = r.id.split('|').slice(2).join('|');
  const review = parseReview(r.review);
  const step = [...review.audit].reverse().find((e) => e.action === 'status' && (e.to === 'approved' || e.to === 'changes-requested'));
  return {
    docId: r.id,
    studyInstanceUID,
    seriesInstanceUID,
    user,
    description,
    status: review.status,
    reviewer: step?.user,
    verifiedShare: r.verifiedCount === undefined || r.regionCount === 0 ? undefined : r.verifiedCount / r.regionCount,
    regionCount: r.regionCount,
    labels: r.labels.map(({ id, name, code }) => ({ id, name, ...(code ? { code } : {}) })),
    slices,
    updatedAt: r.updatedAt,
    imagesCached: cached.has(seriesKey(studyInstanceUID, seriesInstanceUID)),
    drawn: snapshot ? drawnLabels(snapshot).map((l) => l.name) : [],
    blocking: snapshot ? blockingOf(snapshot) : ['storage-corrupt'],
  };
}

/** The labels of a stored document that have at least one outline, in its order. */
function drawnLabels(snapshot: DocumentSnapshot): Label[] {
  const drawn = new Set(snapshot.regions.map((r) => r.labelId));
  return (snapshot.labels as unknown as Label[]).filter((l) => drawn.has(l.id));
}

/** The blocking label findings of a stored document, over the labels it has drawn. */
function blockingOf(snapshot: DocumentSnapshot): string[] {
  return labelFindings(snapshot, drawnLabels(snapshot))
    .filter((f) => f.severity === 'block')
    .map((f) => (f.labelId === undefined ? f.code : `${f.code}:${f.labelId}`));
}
