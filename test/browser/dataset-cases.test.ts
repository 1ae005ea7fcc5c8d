/**
 * The Dataset view's case list (src/store/dataset-cases.ts) over a real
 * IndexedDB: every stored document of every series and user, with its review
 * status and reviewer, verified share, labels and codes, and whether the
 * series' images are cached; the filters a team lead picks cases by.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB } from 'idb';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { emptyActiveTime } from '../../src/core/review/active-time.js';
import type { ReviewRecord } from '../../src/core/review/record.js';
import { openSegmarkDb, type SegmarkDb } from '../../src/store/db.js';
import { saveDocument } from '../../src/store/documents.js';
import { cacheSeries } from '../../src/store/image-cache.js';
import { documentId } from '../../src/store/schema.js';
import { filterCases, listDatasetCases } from '../../src/store/dataset-cases.js';

const opened: { db: SegmarkDb; name: string }[] = [];
afterEach(async () => {
  for (const { db, name } of opened.splice(0)) {
    db.close();
    await deleteDB(name);
  }
});

function documentOf(series: string, verify: boolean): AnnotationDocument {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: series, sopInstanceUIDs: ['9.1', '9.2', '9.3'], rows: 16, columns: 16, slices: 3 },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
  doc.setRegion(1, 0, { rings: [[2, 2, 8, 2, 8, 8, 2, 8]] }, { kind: 'draw' });
  doc.setRegion(2, 1, { rings: [[2, 2, 8, 2, 8, 8, 2, 8]] }, { kind: 'draw' });
  doc.setVerified(1, 0, true);
  if (verify) doc.setVerified(2, 1, true);
  else doc.setRegion(3, 2, { rings: [[2, 2, 8, 2, 8, 8, 2, 8]] }, { kind: 'import' });
  return doc;
}

const approvedBy = (reviewer: string): ReviewRecord => ({
  status: 'approved',
  audit: [
    { action: 'status', user: 'dr|a', role: 'annotator', at: '2026-12-01T10:00:00Z', from: 'draft', to: 'submitted' },
    { action: 'status', user: reviewer, role: 'reviewer', at: '2026-12-02T10:00:00Z', from: 'submitted', to: 'approved' },
  ],
  comments: [],
  activeTime: emptyActiveTime(),
});

describe('dataset cases', () => {
  it('REQ-DATASET-CASES-1: lists every stored document with status, reviewer, verified share, codes and cached images; filters', async () => {
    const name = `segmark-cases-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const db = await openSegmarkDb(name);
    opened.push({ db, name });
    await saveDocument(db, documentId('1.2', '1.2.3', 'dr|a'), documentOf('1.2.3', true).snapshot(), undefined, { now: 1000, description: 'CT L-SPINE', review: approvedBy('prof.b') });
    await saveDocument(db, documentId('1.2', '1.2.4', 'dr.c'), documentOf('1.2.4', false).snapshot(), undefined, { now: 2000 });
    await cacheSeries(db, '1.2|1.2.3', { description: 'CT L-SPINE' }, [{ name: 'a.dcm', bytes: new Uint8Array(10).buffer }], { capBytes: 1e6, now: 1 });

    const cases = await listDatasetCases(db);
    expect(cases.map((c) => [c.seriesInstanceUID, c.user])).toEqual([
      ['1.2.4', 'dr.c'],
      ['1.2.3', 'dr|a'],
    ]);
    const [draft, approved] = cases;
    expect(approved).toMatchObject({ status: 'approved', reviewer: 'prof.b', verifiedShare: 1, regionCount: 2, imagesCached: true, description: 'CT L-SPINE', slices: 3 });
    expect(draft).toMatchObject({ status: 'draft', reviewer: undefined, verifiedShare: 1 / 3, imagesCached: false, blocking: ['unverified-import:3'] });
    // The template's other labels are empty in both: not a finding for a dataset case.
    expect(approved!.blocking).toEqual([]);
    expect(approved!.drawn).toEqual(LUMBAR_SPINE_TEMPLATE.labels.slice(0, 2).map((l) => l.name));
    expect(draft!.drawn).toHaveLength(3);
    expect(filterCases(cases, { ready: true }).map((c) => c.user)).toEqual(['dr|a']);
    const disc = approved!.labels.find((l) => l.id === 1)!;
    expect(disc.code?.type.codeValue).toBe(LUMBAR_SPINE_TEMPLATE.labels[0]!.code?.type.codeValue);

    expect(filterCases(cases, { status: ['approved'] }).map((c) => c.user)).toEqual(['dr|a']);
    expect(filterCases(cases, { fullyVerified: true }).map((c) => c.user)).toEqual(['dr|a']);
    expect(filterCases(cases, { imagesCached: false }).map((c) => c.user)).toEqual(['dr.c']);
    expect(filterCases(cases, { code: 'no-such-code' })).toEqual([]);
    expect(filterCases(cases, { code: disc.code!.type.codeValue })).toHaveLength(2);
  });
});
