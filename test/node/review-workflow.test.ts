/**
 * The review record in Node: the status machine per role, active time with
 * idle gaps (fake clock values), the comments model, the stored record's
 * parsing (old records load as draft) and its provenance summary.
 */
import { describe, expect, it } from 'vitest';
import { ActivityClock, emptyActiveTime, IDLE_GAP_MS } from '../../src/core/review/active-time.js';
import { addReply, createComment, parseComments, setResolved, sortComments } from '../../src/core/review/comments.js';
import { emptyReview, parseReview, reviewProvenance } from '../../src/core/review/record.js';
import { ReviewState } from '../../src/core/review/review-state.js';
import { allowedSteps, checkStep, REVIEW_STATUSES, type ReviewStatus } from '../../src/core/review/workflow.js';
import { SegmarkError } from '../../src/core/errors.js';
import { deidentifyJson, type JsonValue } from '../../src/core/formats/deidentify-json.js';
import { Deidentifier } from '../../src/core/formats/deidentify.js';

const annotator = { user: 'Dr. Wang', role: 'annotator' };
const reviewer = { user: 'Dr. Li', role: 'reviewer' };

describe('status machine', () => {
  it('REQ-WORKFLOW-1: an annotator submits; a reviewer approves, requests changes and reopens; nothing else is allowed', () => {
    // The allowed steps, written out by hand from the issue: draft → submitted → approved | changes-requested → submitted …
    const allowed: Record<string, [ReviewStatus, ReviewStatus][]> = {
      annotator: [['draft', 'submitted'], ['changes-requested', 'submitted']],
      reviewer: [['submitted', 'approved'], ['submitted', 'changes-requested'], ['approved', 'changes-requested']],
    };
    for (const role of ['annotator', 'reviewer']) {
      for (const from of REVIEW_STATUSES) {
        for (const to of REVIEW_STATUSES) {
          const ok = allowed[role]!.some(([f, t]) => f === from && t === to);
          if (ok) expect(() => checkStep(from, to, role), `${role}: ${from} → ${to}`).not.toThrow();
          else expect(() => checkStep(from, to, role), `${role}: ${from} → ${to}`).toThrow(SegmarkError);
        }
      }
    }
    expect(allowedSteps('submitted', 'Reviewer')).toEqual(['approved', 'changes-requested']);
    expect(allowedSteps('approved', 'annotator')).toEqual([]);
  });

  it('REQ-WORKFLOW-2: with no role every listed step is allowed; an unknown role may take none; a refusal has a stable code', () => {
    expect(allowedSteps('draft', '')).toEqual(['submitted']);
    expect(allowedSteps('submitted', '')).toEqual(['approved', 'changes-requested']);
    expect(allowedSteps('approved', '')).toEqual(['changes-requested']);
    expect(allowedSteps('submitted', 'radiologist')).toEqual([]);
    expect(() => checkStep('draft', 'approved', '')).toThrow(SegmarkError);
    try {
      checkStep('draft', 'approved', 'reviewer');
      expect.unreachable();
    } catch (e) {
      expect((e as SegmarkError).code).toBe('review-step-refused');
      expect((e as SegmarkError).params).toMatchObject({ from: 'draft', to: 'approved', role: 'reviewer' });
    }
  });

  it('REQ-WORKFLOW-3: each step is audited with user, role, time and note; a refused step changes nothing', () => {
    let t = Date.UTC(2026, 10, 28, 8, 0, 0);
    const state = new ReviewState(() => t);
    const heard: string[] = [];
    state.subscribe((k) => heard.push(k));
    const step = state.setStatus('submitted', annotator, '  all discs done ');
    expect(step).toEqual({ status: 'submitted', previous: 'draft', user: 'Dr. Wang', role: 'annotator', at: '2026-11-28T08:00:00.000Z', note: 'all discs done' });
    t += 60_000;
    expect(() => state.setStatus('approved', annotator)).toThrow(SegmarkError);
    expect(state.status).toBe('submitted');
    state.setStatus('changes-requested', reviewer, 'L4/L5 too wide');
    t += 60_000;
    state.setStatus('submitted', annotator);
    state.setStatus('approved', reviewer);
    expect(state.record.audit.map((e) => [e.action, e.from, e.to, e.user, e.at])).toEqual([
      ['status', 'draft', 'submitted', 'Dr. Wang', '2026-11-28T08:00:00.000Z'],
      ['status', 'submitted', 'changes-requested', 'Dr. Li', '2026-11-28T08:01:00.000Z'],
      ['status', 'changes-requested', 'submitted', 'Dr. Wang', '2026-11-28T08:02:00.000Z'],
      ['status', 'submitted', 'approved', 'Dr. Li', '2026-11-28T08:02:00.000Z'],
    ]);
    expect(state.record.audit[1]!.note).toBe('L4/L5 too wide');
    expect(state.record.audit[2]!.note).toBeUndefined();
    expect(heard).toEqual(['status', 'status', 'status', 'status']);
  });

  it('REQ-WORKFLOW-4: verifications are counted per session in one entry; imports, exports and restores are logged', () => {
    const state = new ReviewState(() => Date.UTC(2026, 0, 1));
    state.verification(reviewer, true);
    state.verification(reviewer, true);
    state.verification(reviewer, false);
    state.log(reviewer, { action: 'export', format: 'dataset' });
    state.verification(reviewer, true);
    expect(state.record.audit.filter((e) => e.action === 'verification')).toEqual([
      { action: 'verification', user: 'Dr. Li', role: 'reviewer', at: '2026-01-01T00:00:00.000Z', verified: 3, rejected: 1 },
    ]);
    // A new session (the record loaded again) starts a new entry.
    state.load(state.snapshot());
    state.verification(reviewer, false);
    expect(state.record.audit.filter((e) => e.action === 'verification').map((e) => [e.verified, e.rejected])).toEqual([[3, 1], [0, 1]]);
  });
});

describe('active time', () => {
  it('REQ-TIME-1: gaps up to the idle limit count, longer gaps are idle; booked per label and slice', () => {
    const time = emptyActiveTime();
    const clock = new ActivityClock();
    const s = 1000;
    // t = 0 (first: nothing), 10 s, 20 s, 200 s (180 s gap: idle), 230 s, 290 s (exactly 60 s: counts), 351 s (61 s: idle).
    expect(clock.activity(time, 0, 1, 4)).toBe(0);
    expect(clock.activity(time, 10 * s, 1, 4)).toBe(10 * s);
    expect(clock.activity(time, 20 * s, 2, 5)).toBe(10 * s);
    expect(clock.activity(time, 200 * s, 2, 5)).toBe(0);
    expect(clock.activity(time, 230 * s, 1, 5)).toBe(30 * s);
    expect(clock.activity(time, 290 * s, 1, 6)).toBe(60 * s);
    expect(clock.activity(time, 351 * s, 1, 6)).toBe(0);
    expect(IDLE_GAP_MS).toBe(60 * s);
    expect(time).toEqual({ totalMs: 110 * s, byLabel: { 1: 100 * s, 2: 10 * s }, bySlice: { 4: 10 * s, 5: 40 * s, 6: 60 * s } });
  });

  it('REQ-TIME-2: time accumulates across sessions (a new session does not count the gap since the last one)', () => {
    let t = 0;
    const state = new ReviewState(() => t, 5000);
    for (t = 0; t <= 4000; t += 1000) state.activity(3, 7);
    expect(state.record.activeTime.totalMs).toBe(4000);
    const stored = JSON.parse(JSON.stringify(state.snapshot()));
    const next = new ReviewState(() => t, 5000);
    next.load(parseReview(stored));
    t = 4500; // 0.5 s after the last activity of the old session, but a new session: its first activity adds nothing
    next.activity(3, 7);
    t = 6500;
    next.activity(3, 8);
    expect(next.record.activeTime).toEqual({ totalMs: 6000, byLabel: { 3: 6000 }, bySlice: { 7: 4000, 8: 2000 } });
    // A clock that jumps back adds nothing.
    t = 1000;
    expect(next.activity(3, 8)).toBe(0);
  });
});

describe('comments', () => {
  it('REQ-COMMENT-1: a thread pins text to a point of a slice; replies and resolve/reopen return new lists', () => {
    const a = createComment(annotator, { slice: 12, x: 100.5, y: 80.25, text: ' check the endplate ' }, 'c1', '2026-11-28T08:00:00.000Z');
    expect(a).toEqual({ id: 'c1', slice: 12, x: 100.5, y: 80.25, user: 'Dr. Wang', role: 'annotator', at: '2026-11-28T08:00:00.000Z', text: 'check the endplate', resolved: false, replies: [] });
    const b = createComment(reviewer, { slice: 3, x: 1, y: 2, text: 'b' }, 'c2', '2026-11-28T08:01:00.000Z');
    const list = [a, b];
    const replied = addReply(list, 'c1', reviewer, 'agreed', 'r1', '2026-11-28T08:02:00.000Z');
    expect(list[0]!.replies).toEqual([]);
    expect(replied[0]!.replies).toEqual([{ id: 'r1', user: 'Dr. Li', role: 'reviewer', at: '2026-11-28T08:02:00.000Z', text: 'agreed' }]);
    const resolved = setResolved(replied, 'c1', true, reviewer, '2026-11-28T08:03:00.000Z');
    expect(resolved[0]).toMatchObject({ resolved: true, resolvedBy: 'Dr. Li', resolvedAt: '2026-11-28T08:03:00.000Z' });
    expect(replied[0]!.resolved).toBe(false);
    expect(setResolved(resolved, 'c1', false, annotator, '2026-11-28T08:04:00.000Z')[0]).toMatchObject({ resolved: false, resolvedBy: 'Dr. Wang' });
    // Open first, then by slice.
    expect(sortComments(resolved).map((c) => c.id)).toEqual(['c2', 'c1']);
    expect(sortComments(list).map((c) => c.id)).toEqual(['c2', 'c1']);
  });

  it('REQ-COMMENT-2: empty text, a bad point or an unknown thread are refused; damaged stored threads are dropped', () => {
    expect(() => createComment(annotator, { slice: 1, x: 1, y: 1, text: '   ' }, 'x', 't')).toThrow(RangeError);
    expect(() => createComment(annotator, { slice: -1, x: 1, y: 1, text: 'a' }, 'x', 't')).toThrow(RangeError);
    expect(() => createComment(annotator, { slice: 1, x: NaN, y: 1, text: 'a' }, 'x', 't')).toThrow(RangeError);
    expect(() => addReply([], 'nope', annotator, 'a', 'r', 't')).toThrow(RangeError);
    const good = createComment(annotator, { slice: 0, x: 0, y: 0, text: 'ok' }, 'g', 't');
    expect(parseComments([good, { id: 3 }, null, { ...good, id: 'h', x: 'a' }])).toEqual([good]);
    expect(parseComments('x')).toEqual([]);
  });

  it('REQ-COMMENT-3: comment actions go into the audit trail under the thread id', () => {
    const state = new ReviewState(() => Date.UTC(2026, 0, 1));
    const c = state.addComment(reviewer, { slice: 2, x: 10, y: 20, text: 'here' });
    state.reply(annotator, c.id, 'fixed');
    state.resolve(reviewer, c.id, true);
    state.resolve(annotator, c.id, false);
    expect(state.record.audit.map((e) => [e.action, e.user, e.comment])).toEqual([
      ['comment', 'Dr. Li', c.id],
      ['reply', 'Dr. Wang', c.id],
      ['resolve', 'Dr. Li', c.id],
      ['reopen-comment', 'Dr. Wang', c.id],
    ]);
    expect(state.record.comments[0]!.replies.map((r) => r.text)).toEqual(['fixed']);
  });
});

describe('stored record and provenance', () => {
  it('REQ-WORKFLOW-5: records without a review (or a damaged one) load as draft; a round trip through JSON keeps everything', () => {
    expect(parseReview({})).toEqual(emptyReview());
    expect(parseReview(undefined)).toEqual(emptyReview());
    expect(parseReview({ status: 'bogus', audit: 'x', activeTime: { totalMs: -5 } })).toEqual(emptyReview());
    let t = 0;
    const state = new ReviewState(() => t);
    state.setStatus('submitted', annotator, 'n');
    state.addComment(annotator, { slice: 1, x: 2, y: 3, text: 'a' });
    state.activity(1, 1);
    t = 2000;
    state.activity(1, 1);
    const back = parseReview(JSON.parse(JSON.stringify(state.snapshot())));
    expect(back).toEqual(state.snapshot());
  });

  it('REQ-WORKFLOW-6: provenance keeps status, audit (no notes), comment counts and seconds; de-identification pseudonymises users and removes times', () => {
    let t = Date.UTC(2026, 10, 28, 9, 0, 0);
    const state = new ReviewState(() => t);
    state.activity(1, 3);
    t += 90_500; // idle: more than 60 s
    state.activity(1, 3);
    t += 12_250;
    state.activity(2, 4);
    state.setStatus('submitted', annotator, 'Patient Zhang asked …');
    const c = state.addComment(annotator, { slice: 4, x: 5, y: 6, text: 'free text' });
    state.resolve(reviewer, c.id, true);
    const p = reviewProvenance(state.snapshot()) as { [k: string]: JsonValue };
    expect(p.status).toBe('submitted');
    expect(p.comments).toEqual({ threads: 1, open: 0, resolved: 1, replies: 0 });
    expect(p.activeTime).toEqual({ idleGapSeconds: 60, totalSeconds: 12.25, byLabel: [{ labelId: 2, seconds: 12.25 }], bySlice: [{ slice: 4, seconds: 12.25 }] });
    expect(JSON.stringify(p)).not.toContain('Patient Zhang');
    expect(JSON.stringify(p)).not.toContain('free text');
    expect((p.audit as { [k: string]: JsonValue }[])[0]).toEqual({ action: 'status', user: 'Dr. Wang', role: 'annotator', at: '2026-11-28T09:01:42.750Z', from: 'draft', to: 'submitted' });

    const d = new Deidentifier({ caseId: 'case_0001', secret: 'k' });
    const out = JSON.stringify(deidentifyJson({ review: p }, d));
    expect(out).not.toContain('Dr. Wang');
    expect(out).not.toContain('Dr. Li');
    expect(out).not.toContain('2026-11-28');
    expect(out).toContain('"status":"submitted"');
  });
});
