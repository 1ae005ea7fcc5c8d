/**
 * Issue 18: the document as an exchange format. A whole document (regions,
 * labels with codes, provenance, review decisions, the review record) goes
 * to JSON and back unchanged; what `toExchange` writes follows the shipped
 * JSON Schema; every invalid field is refused with a coded error naming it;
 * another series, a newer format and an older base revision are refused; and
 * the document counts its changes as revisions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import {
  checkRevision,
  checkSeries,
  readExchange,
  toExchange,
  validateSchema,
  type ExchangeDocument,
  type SchemaNode,
} from '../../src/core/annotation/exchange-format.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { SegmarkError } from '../../src/core/errors.js';
import type { ReviewRecord } from '../../src/core/review/record.js';
import { square, testSeries } from './support/test-series.js';

const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../../src/core/annotation/document.schema.json'), 'utf8')) as SchemaNode;

const SERIES = testSeries(4, 64);


const REVIEW: ReviewRecord = {
  status: 'changes-requested',
  audit: [
    { action: 'status', user: 'ann', role: 'annotator', at: '2026-12-01T10:00:00.000Z', from: 'draft', to: 'submitted' },
    { action: 'status', user: 'dr.li', role: 'reviewer', at: '2026-12-01T11:00:00.000Z', from: 'submitted', to: 'changes-requested', note: 'L4 too wide' },
  ],
  comments: [
    {
      id: 'c1', slice: 2, x: 20.5, y: 30.5, user: 'dr.li', role: 'reviewer', at: '2026-12-01T11:01:00.000Z', text: 'Check here', resolved: false,
      replies: [{ id: 'r1', user: 'ann', role: 'annotator', at: '2026-12-01T11:05:00.000Z', text: 'Will do' }],
    },
  ],
  activeTime: { totalMs: 123_000, byLabel: { '4': 100_000, '5': 23_000 }, bySlice: { '1': 60_000, '2': 63_000 } },
};

/** A document with drawn, interpolated, verified and rejected regions, provenance and a renamed label. */
function documentWithWork(): AnnotationDocument {
  let t = 1_700_000_000_000;
  const doc = new AnnotationDocument({ series: SERIES, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE), user: 'ann', clock: () => (t += 1000) });
  doc.setRegion(4, 1, square(10, 10, 12), { kind: 'draw' });
  doc.setRegion(4, 2, square(30, 30, 20), { kind: 'draw' });
  doc.setRegion(5, 2, square(2, 2, 6), { kind: 'assist', provenance: { algorithm: 'grow', parameters: { radius: 3, range: '50..150' } } });
  doc.setVerified(4, 1, true);
  doc.user = 'dr.li';
  doc.setReview(4, 2, { state: 'rejected', reason: 'boundary-wrong', note: 'too wide' });
  doc.updateLabel(5, { name: 'Disc L4/L5 (checked)', color: [1, 2, 3] });
  return doc;
}

function exchanged(doc = documentWithWork()): ExchangeDocument {
  return JSON.parse(JSON.stringify(toExchange(doc.snapshot(), REVIEW, doc.revision))) as ExchangeDocument;
}

function refusal(run: () => unknown): SegmarkError {
  try {
    run();
  } catch (error) {
    if (error instanceof SegmarkError) return error;
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('the exchange form', () => {
  it('a whole document survives JSON and back: regions, provenance, rejections, labels, review record and revision', () => {
    const doc = documentWithWork();
    const json = exchanged(doc);
    expect([json.format, json.formatVersion, json.revision]).toEqual(['segmark-document', 1, doc.revision]);
    const read = readExchange(json);
    const opened = AnnotationDocument.fromSnapshot(read.snapshot, REGION_OPS);
    expect(opened.snapshot()).toEqual(doc.snapshot());
    expect(opened.revision).toBe(doc.revision);
    expect(read.review).toEqual(REVIEW);
    expect(opened.reviewStateAt(4, 2)).toBe('rejected');
    expect(opened.metaAt(4, 2)?.review).toMatchObject({ state: 'rejected', by: 'dr.li', reason: 'boundary-wrong', note: 'too wide' });
    expect(opened.metaAt(5, 2)?.provenance).toEqual({ by: 'ann', algorithm: 'grow', parameters: { radius: 3, range: '50..150' } });
  });

  it('what toExchange writes follows the shipped JSON Schema; missed-structure flags and fields a later review adds are carried', () => {
    expect(validateSchema(exchanged(), SCHEMA)).toBeUndefined();
    const missed = [{ labelId: 4, slice: 3, user: 'dr.li', role: 'reviewer', at: '2026-12-01T11:02:00.000Z', reason: 'missed-structure' }];
    const withMissed = { ...exchanged(), review: { ...REVIEW, missed, later: { kept: true } } };
    expect(validateSchema(withMissed, SCHEMA)).toBeUndefined();
    expect(readExchange(withMissed).review).toEqual({ ...REVIEW, missed, later: { kept: true } });
    const error = refusal(() => readExchange({ ...withMissed, review: { ...REVIEW, missed: [{ ...missed[0], slice: -1 }] } }));
    expect([error.code, error.params.field]).toEqual(['document-invalid', 'review.missed[0].slice']);
    const beyond = refusal(() => readExchange({ ...withMissed, review: { ...REVIEW, missed: [{ ...missed[0], slice: 4 }] } }));
    expect([beyond.code, beyond.params.field]).toEqual(['document-invalid', 'review.missed[0].slice']);
  });

  const broken: [string, (d: ExchangeDocument & Record<string, unknown>) => void, string][] = [
    ['format', (d) => void (d.format = 'other' as never), 'format'],
    ['revision missing', (d) => void delete (d as Partial<ExchangeDocument>).revision, 'revision'],
    ['revision negative', (d) => void (d.revision = -1), 'revision'],
    ['study UID', (d) => void (d.series.studyInstanceUID = 7 as never), 'series.studyInstanceUID'],
    ['one UID short', (d) => void d.series.sopInstanceUIDs.pop(), 'series.sopInstanceUIDs'],
    ['label colour', (d) => void (d.labels[1]!.color = [0, 0, 300]), 'labels[1].color[2]'],
    ['label code', (d) => void delete (d.labels[0]!.code as { type?: unknown }).type, 'labels[0].code.type'],
    ['label id twice', (d) => void (d.labels[1]!.id = d.labels[0]!.id), 'labels[1].id'],
    ['region origin', (d) => void (d.regions[2]!.origin = 'guessed' as never), 'regions[2].origin'],
    ['odd ring', (d) => void d.regions[0]!.rings[0]!.pop(), 'regions[0].rings[0]'],
    ['ring value', (d) => void (d.regions[1]!.rings[0]![3] = 'x' as never), 'regions[1].rings[0][3]'],
    ['unknown label', (d) => void (d.regions[0]!.labelId = 99), 'regions[0].labelId'],
    ['slice beyond', (d) => void (d.regions[0]!.slice = 4), 'regions[0].slice'],
    ['two on one slice', (d) => void (d.regions[1]!.slice = d.regions[0]!.slice), 'regions[1]'],
    ['reject reason', (d) => void ((d.regions[1]!.review as { reason?: string }).reason = 'bad'), 'regions[1].review.reason'],
    ['provenance parameter', (d) => void ((d.regions[2]!.provenance as { parameters?: unknown }).parameters = { radius: true }), 'regions[2].provenance.parameters.radius'],
    ['paint mode', (d) => void (d.settings.paintMode = 'any' as never), 'settings.paintMode'],
    ['review status', (d) => void (d.review.status = 'done' as never), 'review.status'],
    ['audit time', (d) => void delete (d.review.audit[1] as Partial<ReviewRecord['audit'][number]>).at, 'review.audit[1].at'],
    ['reply text', (d) => void (d.review.comments[0]!.replies[0]!.text = 5 as never), 'review.comments[0].replies[0].text'],
    ['active time', (d) => void (d.review.activeTime.byLabel['4'] = -1), 'review.activeTime.byLabel.4'],
  ];
  it.each(broken)('an invalid field (%s) is refused as document-invalid naming it', (_name, breakIt, field) => {
    const doc = exchanged();
    breakIt(doc as ExchangeDocument & Record<string, unknown>);
    const error = refusal(() => readExchange(doc));
    expect([error.code, error.params.field]).toEqual(['document-invalid', field]);
  });

  it('a newer format version is refused as schema-version, not guessed at', () => {
    const error = refusal(() => readExchange({ ...exchanged(), formatVersion: 2 }));
    expect([error.code, error.params.found, error.params.expected]).toEqual(['schema-version', 2, 1]);
  });

  it('another series or grid is refused as document-other-series naming what differs', () => {
    const doc = readExchange(exchanged()).snapshot;
    const cases: [Partial<typeof SERIES>, string][] = [
      [{ seriesInstanceUID: '9.9' }, 'series.seriesInstanceUID'],
      [{ studyInstanceUID: '9.8' }, 'series.studyInstanceUID'],
      [{ rows: 32 }, 'series.rows'],
      [{ sopInstanceUIDs: ['1.2.3.4.1', '1.2.3.4.2', '1.2.3.4.9', '1.2.3.4.4'] }, 'series.sopInstanceUIDs[2]'],
    ];
    for (const [change, field] of cases) {
      const error = refusal(() => checkSeries(doc, { ...SERIES, ...change }));
      expect([error.code, error.params.field]).toEqual(['document-other-series', field]);
    }
    expect(() => checkSeries(doc, SERIES)).not.toThrow();
  });

  it('a document based on a revision older than the host’s current one is a document-conflict with both revisions', () => {
    const json = exchanged();
    const read = readExchange({ ...json, baseRevision: 3 });
    const error = refusal(() => checkRevision(read, 5));
    expect([error.code, error.params.revision, error.params.current]).toEqual(['document-conflict', 3, 5]);
    expect(() => checkRevision(read, 3)).not.toThrow();
    expect(() => checkRevision(readExchange(json), json.revision)).not.toThrow();
  });
});

describe('revisions', () => {
  it('every change is a new revision (draw, verify, label, undo, redo) naming the (label, slice) pairs it changed; a language switch is none', () => {
    const doc = new AnnotationDocument({ series: SERIES, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE) });
    expect(doc.revision).toBe(0);
    doc.setRegion(4, 1, square(10, 10, 12), { kind: 'draw' });
    expect([doc.revision, doc.lastChanged]).toEqual([1, [{ labelId: 4, slice: 1 }]]);
    // Painting over another label cuts it: both pairs are in the one revision.
    doc.setRegion(5, 1, square(5, 5, 10), { kind: 'draw' });
    expect([doc.revision, doc.lastChanged]).toEqual([2, [{ labelId: 5, slice: 1 }, { labelId: 4, slice: 1 }]]);
    doc.setVerified(5, 1, true);
    doc.updateLabel(4, { name: 'L4' });
    expect(doc.revision).toBe(4);
    expect(doc.lastChanged).toEqual([{ labelId: 4, slice: null }]);
    doc.undo();
    doc.redo();
    expect(doc.revision).toBe(6);
    doc.locale = 'zh-CN';
    expect(doc.revision).toBe(6);
    expect(doc.noteRecordChange()).toBe(7);
    expect(doc.lastChanged).toEqual([]);
  });

  it('restore with a record replaces the record beside the regions in the same undo step, adopts a higher revision, and undo gives back both', () => {
    const doc = documentWithWork();
    const before = doc.snapshot();
    const records: unknown[] = [];
    doc.subscribeRecord((r) => records.push(r));
    const target = AnnotationDocument.fromSnapshot(before, REGION_OPS);
    target.setRegion(4, 3, square(1, 1, 5), { kind: 'draw' });
    doc.restore(target.snapshot(), 'Open document', { record: { before: { status: 'draft' }, after: { status: 'approved' } }, revision: 40 });
    expect(doc.revision).toBe(40);
    expect(doc.slicesOf(4)).toEqual([1, 2, 3]);
    expect(records).toEqual([{ status: 'approved' }]);
    expect(doc.undo()).toBe(true);
    expect(doc.snapshot()).toEqual(before);
    expect(records).toEqual([{ status: 'approved' }, { status: 'draft' }]);
    expect(doc.revision).toBe(41);
  });
});
