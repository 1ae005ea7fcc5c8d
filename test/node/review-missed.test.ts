/**
 * Missed-structure flags and the open items of a review (issue 18): a flag on
 * a (label, slice) without an outline is kept in the review record with who,
 * when and why, survives a store round trip (and old records without flags
 * still read), is exported like a rejection in the review provenance, and is
 * counted with rejected and unverified outlines as what approval asks about.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument, type SeriesIdentity } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { hasOpenItems, openCounts, openItems } from '../../src/core/review/open-items.js';
import { emptyReview, parseReview, reviewProvenance } from '../../src/core/review/record.js';
import { ReviewState } from '../../src/core/review/review-state.js';
import { square, testSeries } from './support/test-series.js';

const reviewer = { user: 'Dr. Li', role: 'reviewer' };
const SERIES: SeriesIdentity = testSeries(10, 32);

describe('missed-structure flags in the review record', () => {
  it('a flag records who, when, why and a note; a second flag on the same place replaces it; clearing removes it; both are audited', () => {
    const state = new ReviewState(() => Date.UTC(2026, 11, 5, 9, 0, 0));
    const kinds: string[] = [];
    state.subscribe((k) => kinds.push(k));
    state.flagMissed(reviewer, 3, 7, 'missed-structure', '  L4 disc not outlined ');
    state.flagMissed(reviewer, 1, 2, 'other');
    state.flagMissed(reviewer, 3, 7, 'missed-structure', 'L4 disc');
    expect(state.record.missed).toEqual([
      { labelId: 1, slice: 2, user: 'Dr. Li', role: 'reviewer', at: '2026-12-05T09:00:00.000Z', reason: 'other' },
      { labelId: 3, slice: 7, user: 'Dr. Li', role: 'reviewer', at: '2026-12-05T09:00:00.000Z', reason: 'missed-structure', note: 'L4 disc' },
    ]);
    expect(state.missedAt(3, 7)?.note).toBe('L4 disc');
    expect(state.clearMissed(reviewer, 3, 7)).toBe(true);
    expect(state.clearMissed(reviewer, 3, 7)).toBe(false);
    expect(state.record.missed!.map((f) => [f.labelId, f.slice])).toEqual([[1, 2]]);
    state.clearMissed(reviewer, 1, 2);
    expect('missed' in state.record).toBe(false);
    expect(state.record.audit.map((e) => [e.action, e.labelId, e.slice])).toEqual([
      ['missed', 3, 7],
      ['missed', 1, 2],
      ['missed', 3, 7],
      ['missed-cleared', 3, 7],
      ['missed-cleared', 1, 2],
    ]);
    expect(kinds).toEqual(['missed', 'missed', 'missed', 'missed', 'missed']);
  });

  it('survives a JSON round trip and parseReview; a record from before flags reads as none; malformed flags are left out', () => {
    const state = new ReviewState(() => Date.UTC(2026, 11, 5));
    state.flagMissed(reviewer, 4, 9, 'missed-structure', 'note');
    const stored: unknown = JSON.parse(JSON.stringify(state.snapshot()));
    expect(parseReview(stored).missed).toEqual(state.record.missed);
    const old = { status: 'submitted', audit: [], comments: [], activeTime: { totalMs: 0, byLabel: {}, bySlice: {} } };
    // Read as having no flags, and looking as it always did (no field added).
    expect(parseReview(old)).toEqual(old);
    expect(parseReview({}).missed).toBeUndefined();
    const bad = { missed: [{ labelId: 1, slice: -1, user: 'a', at: 'x' }, { labelId: 'x', slice: 1, user: 'a', at: 'x' }, null, { labelId: 2, slice: 3, user: 'b', at: 't' }] };
    expect(parseReview(bad).missed).toEqual([{ labelId: 2, slice: 3, user: 'b', role: '', at: 't', reason: 'missed-structure' }]);
  });

  it('the review provenance exports each flag like a rejection — place, reason, who, when — without the free-text note', () => {
    const state = new ReviewState(() => Date.UTC(2026, 11, 5));
    state.flagMissed(reviewer, 4, 9, 'missed-structure', 'patient name in a note');
    const p = reviewProvenance(state.snapshot()) as { missed: unknown[]; audit: { action: string }[] };
    expect(p.missed).toEqual([{ labelId: 4, slice: 9, reason: 'missed-structure', user: 'Dr. Li', at: '2026-12-05T00:00:00.000Z' }]);
    expect(JSON.stringify(p)).not.toContain('patient name');
    expect(p.audit.map((e) => e.action)).toEqual(['missed']);
    expect((reviewProvenance(emptyReview()) as { missed: unknown[] }).missed).toEqual([]);
  });
});

describe('open items of a review', () => {
  it('lists rejected (uncorrected), unverified and missed places; a corrected rejection comes back as unverified', () => {
    const doc = new AnnotationDocument({ series: SERIES, ops: REGION_OPS, labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE), user: 'model' });
    for (const k of [1, 2, 3]) doc.setRegion(1, k, square(2, 2, 6), { kind: 'draw' });
    doc.setReview(1, 1, { state: 'verified' });
    doc.setReview(1, 2, { state: 'rejected', reason: 'boundary-wrong' });
    const state = new ReviewState();
    state.flagMissed(reviewer, 2, 5, 'missed-structure');
    let items = openItems(doc, state.record.missed);
    expect(items).toEqual({ rejected: [{ labelId: 1, slice: 2 }], unverified: [{ labelId: 1, slice: 3 }], missed: [{ labelId: 2, slice: 5 }] });
    expect(openCounts(items)).toEqual({ rejected: 1, unverified: 1, missed: 1 });
    // The rejected outline is corrected: its decision is cleared, it waits for verification again.
    doc.setRegion(1, 2, square(3, 3, 6), { kind: 'draw' });
    items = openItems(doc, []);
    expect(items.rejected).toEqual([]);
    expect(items.unverified).toEqual([{ labelId: 1, slice: 2 }, { labelId: 1, slice: 3 }]);
    doc.setReview(1, 2, { state: 'verified' });
    doc.setReview(1, 3, { state: 'verified' });
    expect(hasOpenItems(openItems(doc, []))).toBe(false);
  });

  it('an approval taken with items open keeps their counts and the note in the audit entry', () => {
    const state = new ReviewState(() => Date.UTC(2026, 11, 5));
    state.setStatus('submitted', { user: 'A', role: '' });
    state.setStatus('approved', reviewer, 'vertebra outlines are enough for this study', { rejected: 4, unverified: 0, missed: 1 });
    expect(state.record.audit.at(-1)).toMatchObject({ action: 'status', to: 'approved', note: 'vertebra outlines are enough for this study', open: { rejected: 4, unverified: 0, missed: 1 } });
  });
});
