/**
 * Issue 18 in the real annotator: `getDocument()` gives the exchange form
 * (valid against the shipped schema), `segmark-change` carries the revision
 * and the (label, slice) pairs it changed, and `openDocument()` opens a
 * document from another annotator as one undo step with its review record,
 * while an invalid document, another series or an older base revision
 * (`segmark-conflict`) changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import { validateSchema, type ExchangeDocument, type SchemaNode } from '../../src/core/annotation/exchange-format.js';
import schema from '../../src/core/annotation/document.schema.json';
import type { ChangeDetail, ConflictDetail, ErrorDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { ReviewState } from '../../src/core/review/review-state.js';
import { openSample, unmountAll } from './support/mount.js';
import { until } from './support/wait.js';

afterEach(unmountAll);

type Internals = { annotations: { document: AnnotationDocument } };

const open = (user: string, role = 'annotator'): Promise<SegmarkAnnotator> => openSample(user, role, { autosave: false });

function draw(a: SegmarkAnnotator, label: number, slice: number, x: number): void {
  (a as unknown as Internals).annotations.document.setRegion(label, slice, { rings: [[x, 10, x + 30, 10, x + 30, 40, x, 40]] }, { kind: 'draw' });
}

function refusal(run: () => unknown): { code?: string; params?: Record<string, unknown> } {
  try {
    run();
  } catch (error) {
    return error as { code: string; params: Record<string, unknown> };
  }
  throw new Error('nothing was refused');
}

describe('the document as an exchange format, in the annotator', () => {
  it('getDocument gives the versioned form, valid against the shipped schema; segmark-change carries the revision and its pairs', async () => {
    const a = await open('ann');
    const changes: ChangeDetail[] = [];
    a.addEventListener('segmark-change', (e) => changes.push(e.detail));
    const start = a.revision;
    draw(a, 4, 2, 10);
    expect(changes).toEqual([{ labelId: 4, slice: 2, kind: 'draw', revision: start + 1, changed: [{ labelId: 4, slice: 2 }] }]);
    a.addComment({ slice: 2, x: 12, y: 12, text: 'check the edge' });
    expect(changes.at(-1)).toEqual({ labelId: 0, slice: null, kind: 'review', revision: start + 2, changed: [] });
    // A missed-structure flag is a change of the review record too (flagged here as the review panel does).
    const { session } = a as unknown as { session: { review: ReviewState; actor: Parameters<ReviewState['flagMissed']>[0] } };
    session.review.flagMissed(session.actor, 5, 4, 'missed-structure');
    expect(changes.at(-1)).toEqual({ labelId: 0, slice: null, kind: 'review', revision: start + 3, changed: [] });
    const doc = a.getDocument()!;
    expect([doc.format, doc.formatVersion, doc.revision]).toEqual(['segmark-document', 1, start + 3]);
    expect(doc.review.missed?.map((m) => [m.labelId, m.slice])).toEqual([[5, 4]]);
    expect(validateSchema(JSON.parse(JSON.stringify(doc)), schema as SchemaNode)).toBeUndefined();
    expect(doc.review.comments.map((c) => c.text)).toEqual(['check the edge']);
    // An export writes its audit entry: a revision too, so the host's saved copy stays what getDocument() gives.
    await a.export('nifti', { acceptFindings: ['empty-label', 'unverified-import', 'missed-structure'] });
    expect(a.getDocument()!.review.audit.at(-1)?.action).toBe('export');
    expect(changes.at(-1)).toEqual({ labelId: 0, slice: null, kind: 'review', revision: start + 4, changed: [] });
    expect(a.getDocument()!.revision).toBe(start + 4);
  });

  it('openDocument opens another machine’s document with its review as one undo step; undo brings back what was there', async () => {
    const author = await open('ann');
    draw(author, 4, 2, 10);
    draw(author, 5, 3, 50);
    author.rejectRegion(4, 2, 'boundary-wrong', 'too wide');
    author.addComment({ slice: 3, x: 60, y: 20, text: 'is this L5?' });
    const sent = JSON.parse(JSON.stringify(author.getDocument())) as ExchangeDocument;
    author.remove();

    const reviewer = await open('dr.li', 'reviewer');
    draw(reviewer, 6, 1, 100);
    const mine = reviewer.getDocument()!;
    const kinds: string[] = [];
    reviewer.addEventListener('segmark-change', (e) => kinds.push(e.detail.kind));
    const revision = reviewer.openDocument(sent);
    const opened = reviewer.getDocument()!;
    expect(opened.regions).toEqual(sent.regions);
    expect(opened.labels).toEqual(sent.labels);
    expect(opened.review).toEqual(sent.review);
    expect(revision).toBeGreaterThanOrEqual(sent.revision);
    expect(opened.revision).toBe(revision);
    expect(new Set(kinds)).toEqual(new Set(['restore']));
    expect(reviewer.getComments().map((c) => c.text)).toEqual(['is this L5?']);

    expect(reviewer.undo()).toBe(true);
    const back = reviewer.getDocument()!;
    expect([back.regions, back.labels, back.review]).toEqual([mine.regions, mine.labels, mine.review]);
    expect(back.revision).toBeGreaterThan(revision);
    expect(reviewer.redo()).toBe(true);
    expect(reviewer.getDocument()!.review).toEqual(sent.review);
  });

  it('an invalid document, another series or an older base revision is refused with a coded error (and segmark-conflict), and nothing changes', async () => {
    const a = await open('ann');
    draw(a, 4, 2, 10);
    const good = a.getDocument()!;
    draw(a, 4, 3, 10);
    const before = a.getDocument()!;
    const errors: ErrorDetail[] = [];
    const conflicts: ConflictDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    a.addEventListener('segmark-conflict', (e) => conflicts.push(e.detail));

    const broken = structuredClone(good);
    broken.regions[0]!.rings[0]!.pop();
    expect(refusal(() => a.openDocument(broken))).toMatchObject({ code: 'document-invalid', params: { field: 'regions[0].rings[0]' } });

    const other = structuredClone(good);
    other.series.seriesInstanceUID = '1.2.999';
    expect(refusal(() => a.openDocument(other))).toMatchObject({ code: 'document-other-series', params: { field: 'series.seriesInstanceUID' } });

    expect(refusal(() => a.openDocument({ ...good, formatVersion: 2 }))).toMatchObject({ code: 'schema-version' });

    const stale = { ...good, baseRevision: good.revision };
    expect(refusal(() => a.openDocument(stale, { currentRevision: good.revision + 3 }))).toMatchObject({ code: 'document-conflict' });
    expect(conflicts).toEqual([{ revision: good.revision, current: good.revision + 3 }]);

    expect(errors.map((e) => e.code)).toEqual(['document-invalid', 'document-other-series', 'schema-version', 'document-conflict']);
    expect(a.getDocument()).toEqual(before);
    // The same document with the host's current revision opens.
    a.openDocument(stale, { currentRevision: good.revision });
    expect(a.getDocument()!.regions).toEqual(good.regions);
  });
});

describe('the revision is kept', () => {
  it('survives autosave and a reload: the document opened again counts on from its stored revision', async () => {
    const user = `rev-${Date.now()}`;
    const a = await openSample(user, '');
    draw(a, 4, 2, 10);
    draw(a, 4, 3, 10);
    draw(a, 5, 3, 60);
    const revision = a.revision;
    await a.flushSave();
    a.remove();
    const b = await openSample(user, '');
    expect(b.revision).toBe(revision);
    expect(b.getDocument()!.regions).toHaveLength(3);
  });
});
