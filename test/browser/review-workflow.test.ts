/**
 * The review workflow in the real annotator with real IndexedDB: status steps
 * per role with `segmark-status`, approved documents opening read-only (real
 * mouse edits refused) until a reviewer reopens them, the review panel's
 * buttons from the keyboard and in Chinese, the status following another
 * page, and active editing time accumulating across a reload into the
 * dataset package's provenance.json.
 */
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page as browserPage } from 'vitest/browser';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { ErrorDetail, StatusDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { openSample, unmountAll } from './support/mount.js';
import { frames } from './support/sample.js';
import { DOCUMENT_SCHEMA_VERSION, type DocumentSnapshot } from '../../src/core/annotation/document-data.js';
import { openSegmarkDb } from '../../src/store/db.js';
import { saveDocument } from '../../src/store/documents.js';
import { loadReview } from '../../src/store/review.js';
import { documentId } from '../../src/store/schema.js';
import { framePage, removeFramePages } from './support/frame-page.js';
import { until } from './support/wait.js';

afterEach(() => {
  unmountAll();
  removeFramePages();
});

type Internals = { annotations: { document: AnnotationDocument } };

const open = (user: string, role: string, options: { autosave?: boolean; lang?: string } = {}): Promise<SegmarkAnnotator> => openSample(user, role, options);

function draw(a: SegmarkAnnotator, label: number, slice: number, x: number): void {
  (a as unknown as Internals).annotations.document.setRegion(label, slice, { rings: [[x, 10, x + 30, 10, x + 30, 40, x, 40]] }, { kind: 'draw' });
}

function listen(a: SegmarkAnnotator): { statuses: StatusDetail[]; errors: ErrorDetail[] } {
  const out = { statuses: [] as StatusDetail[], errors: [] as ErrorDetail[] };
  a.addEventListener('segmark-status', (e) => out.statuses.push(e.detail));
  a.addEventListener('segmark-error', (e) => out.errors.push(e.detail));
  return out;
}

const panel = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector('segmark-review-panel')!;
const banner = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector<HTMLElement>('.review-banner');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('statuses and read-only', () => {
  it('REQ-WORKFLOW-B1: an annotator submits, a reviewer approves; approved opens read-only after a reload, mouse edits are refused, a reviewer reopens', async () => {
    const user = `workflow-${Date.now()}`;
    const a = await open(user, 'annotator');
    const heard = listen(a);
    draw(a, 1, 2, 10);
    const regions = JSON.stringify(a.getDocument()!.regions);
    expect(a.getStatus()).toBe('draft');
    expect(a.getAttribute('review-status')).toBe('draft');

    // An annotator may not approve: refused with a stable code and a catalogue message.
    expect(() => a.setStatus('approved')).toThrow();
    expect(heard.errors.map((e) => [e.code, e.message])).toEqual([['review-step-refused', 'The status cannot go from Draft to Approved for the role annotator.']]);
    expect(a.getStatus()).toBe('draft');

    const before = Date.now();
    const submitted = a.setStatus('submitted', 'all discs traced');
    const after = Date.now();
    expect(heard.statuses).toEqual([submitted]);
    expect(submitted).toMatchObject({ status: 'submitted', previous: 'draft', user, role: 'annotator', note: 'all discs traced' });
    expect(Date.parse(submitted.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(submitted.at)).toBeLessThanOrEqual(after);

    a.role = 'reviewer';
    // The outline was never verified: approving without a word is refused with the open items counted (issue 18) …
    expect(() => a.setStatus('approved')).toThrow();
    expect(heard.errors.at(-1)).toMatchObject({ code: 'review-open-items' });
    expect(a.getStatus()).toBe('submitted');
    // … and goes through with a note saying why.
    a.setStatus('approved', 'outline checked on screen');
    await a.updateComplete;
    expect(heard.statuses.map((s) => [s.previous, s.status, s.role])).toEqual([['draft', 'submitted', 'annotator'], ['submitted', 'approved', 'reviewer']]);
    expect(a.editable).toBe(false);
    expect(a.getAttribute('review-status')).toBe('approved');
    expect(a.undo()).toBe(false);
    expect(banner(a)!.textContent).toContain(`Approved by ${user}`);

    // A real brush stroke over the image changes nothing.
    a.tool = 'brush';
    a.activeLabel = 1;
    await frames(2);
    const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
    const p0 = viewport.imageToClient(60, 60)!;
    const p1 = viewport.imageToClient(90, 70)!;
    await commands.pointerPath([[p0.x, p0.y], [p1.x, p1.y]], { stepsPerSegment: 4 });
    await frames(2);
    expect(JSON.stringify(a.getDocument()!.regions)).toBe(regions);
    await a.flushSave();
    a.remove();

    // Reopened by the annotator: read-only, no Reopen button for that role.
    const b = await open(user, 'annotator');
    const heardB = listen(b);
    expect(b.getStatus()).toBe('approved');
    expect(b.editable).toBe(false);
    expect(banner(b)).not.toBeNull();
    expect(banner(b)!.querySelector('button.reopen')).toBeNull();
    expect(JSON.stringify(b.getDocument()!.regions)).toBe(regions);

    // A reviewer reopens it from the banner: editable again.
    b.role = 'reviewer';
    await b.updateComplete;
    banner(b)!.querySelector<HTMLButtonElement>('button.reopen')!.click();
    await b.updateComplete;
    expect(heardB.statuses.map((s) => [s.previous, s.status, s.user, s.role])).toEqual([['approved', 'changes-requested', user, 'reviewer']]);
    expect(b.editable).toBe(true);
    expect(banner(b)).toBeNull();
    expect(b.getDocument()!.review!.audit.filter((e) => e.action === 'status').map((e) => `${e.from}>${e.to}`)).toEqual([
      'draft>submitted',
      'submitted>approved',
      'approved>changes-requested',
    ]);
    expect(b.getDocument()!.review!.audit[0]!.note).toBe('all discs traced');
  });

  it('REQ-WORKFLOW-B2: the review panel offers the role’s steps as named buttons, works from the keyboard, and speaks Chinese', async () => {
    const a = await open('panel-user', '', { autosave: false });
    const heard = listen(a);
    a.sideTab = 'review';
    await a.updateComplete;
    // No role: every step the table lists from draft (just Submit).
    await expect.element(browserPage.getByRole('button', { name: 'Submit' })).toBeInTheDocument();
    a.role = 'reviewer';
    await a.updateComplete;
    await panel(a).updateComplete;
    expect(panel(a).shadowRoot!.querySelectorAll('button.step').length).toBe(0);
    expect(panel(a).shadowRoot!.textContent).toContain('No step is open to your role now.');

    a.role = 'annotator';
    await a.updateComplete;
    await panel(a).updateComplete;
    const note = panel(a).shadowRoot!.querySelector('textarea')!;
    note.focus();
    await commands.keyPress(['r', 'e', 'a', 'd', 'y']);
    expect(note.value).toBe('ready');
    // Typing in the note did not reach the annotator's shortcuts (R, E, A, D pick tools and zoom).
    expect(a.tool).toBe('window');
    panel(a).shadowRoot!.querySelector<HTMLButtonElement>('button.step')!.focus();
    await commands.keyPress(['Enter']);
    await a.updateComplete;
    expect(heard.statuses.map((s) => [s.status, s.note])).toEqual([['submitted', 'ready']]);

    a.role = 'reviewer';
    a.lang = 'zh-CN';
    await a.updateComplete;
    await panel(a).updateComplete;
    await expect.element(browserPage.getByRole('button', { name: '批准' })).toBeInTheDocument();
    await expect.element(browserPage.getByRole('button', { name: '要求修改' })).toBeInTheDocument();
    const text = panel(a).shadowRoot!.textContent!;
    expect(text).toContain('已提交');
    expect(text).not.toMatch(/Submitted|Approve|Audit|Active time/);
  });
});

describe('stored with the document', () => {
  it('REQ-WORKFLOW-B4: a record written without a review loads as draft; a saved review is kept by later saves that do not carry one', async () => {
    const docId = documentId('1.2.3', `4.5.${Date.now()}`, 'store-user');
    const snapshot: DocumentSnapshot = {
      version: DOCUMENT_SCHEMA_VERSION,
      series: { studyInstanceUID: '1.2.3', seriesInstanceUID: '4.5', sopInstanceUIDs: ['1.1', '1.2'], rows: 4, columns: 4, slices: 2 },
      labels: [],
      regions: [],
      settings: { paintMode: 'over-others' },
    };
    const db = await openSegmarkDb();
    try {
      expect(await loadReview(db, docId)).toBeUndefined();
      await saveDocument(db, docId, snapshot);
      expect(await loadReview(db, docId)).toEqual({ status: 'draft', audit: [], comments: [], activeTime: { totalMs: 0, byLabel: {}, bySlice: {} } });
      const review = {
        status: 'submitted' as const,
        audit: [{ action: 'status' as const, user: 'store-user', role: 'annotator', at: '2026-11-28T08:00:00.000Z', from: 'draft' as const, to: 'submitted' as const }],
        comments: [],
        activeTime: { totalMs: 1234, byLabel: { 1: 1234 }, bySlice: { 0: 1234 } },
      };
      await saveDocument(db, docId, snapshot, [], { review });
      await saveDocument(db, docId, snapshot);
      expect(await loadReview(db, docId)).toEqual(review);
    } finally {
      db.close();
    }
  });
});

describe('across pages', () => {
  /** A page of its own with one annotator for `user`. */
  const framed = async (user: string) => (await framePage(user, 8)).annotator;

  it('REQ-WORKFLOW-B3: the page that reads the document follows the writer’s status and comments, and cannot change them', async () => {
    const user = `review-tabs-${Date.now()}`;
    const writer = await framed(user);
    const reader = await framed(user);
    expect(reader.editable).toBe(false);
    writer.setStatus('submitted', 'to review');
    const c = writer.addComment({ slice: 3, x: 20, y: 30, text: 'look here' });
    await until('the reader to follow', () => reader.getStatus() === 'submitted' && reader.getComments().length === 1, 5000);
    expect(reader.getComments()[0]).toEqual(c);
    expect(() => reader.setStatus('approved')).toThrow();
    expect(reader.getStatus()).toBe('submitted');
  });
});

describe('active time', () => {
  it('REQ-TIME-B1: active editing time accumulates from edits, survives a reload, and reaches provenance.json (pseudonymised when de-identified)', async () => {
    const user = `time-${Date.now()}`;
    const a = await open(user, '');
    const t0 = Date.now();
    draw(a, 1, 2, 10);
    await sleep(300);
    draw(a, 1, 3, 10);
    await sleep(200);
    draw(a, 4, 3, 60);
    const t1 = Date.now();
    const time = a.getDocument()!.review!.activeTime;
    // The two gaps (≥ 300 and ≥ 200 ms by the timers), booked to the edit that ends each.
    expect(time.totalMs).toBeGreaterThanOrEqual(500);
    expect(time.totalMs).toBeLessThanOrEqual(t1 - t0);
    expect(Object.keys(time.byLabel).sort()).toEqual(['1', '4']);
    expect(time.byLabel['1']).toBeGreaterThanOrEqual(300);
    expect(time.bySlice['3']).toBe(time.totalMs);
    await a.updateComplete;
    await panel(a).updateComplete;
    // 0.5–1.5 s shows as one second (m:ss).
    expect(panel(a).shadowRoot!.querySelector('.total')!.textContent).toBe(time.totalMs < 1500 ? '0:01' : '0:02');
    await a.flushSave();
    a.remove();

    const b = await open(user, '');
    expect(b.getDocument()!.review!.activeTime).toEqual(time);
    draw(b, 2, 5, 10);
    await sleep(250);
    draw(b, 2, 6, 10);
    const grown = b.getDocument()!.review!.activeTime;
    expect(grown.totalMs - time.totalMs).toBeGreaterThanOrEqual(250);
    expect(grown.byLabel['2']).toBe(grown.totalMs - time.totalMs);
    b.setStatus('submitted');

    const provenance = async (options: object) => {
      const zip = unzipSync(new Uint8Array(await (await b.export('dataset', { ...options, acceptFindings: ['empty-label'] })).arrayBuffer()));
      const name = Object.keys(zip).find((n) => n.endsWith('provenance.json'))!;
      return JSON.parse(new TextDecoder().decode(zip[name])) as { review: { status: string; audit: { action: string; user?: string; at?: string; to?: string }[]; activeTime: { totalSeconds: number; idleGapSeconds: number; byLabel: { labelId: number; seconds: number }[] } } };
    };
    const open_ = await provenance({ deidentify: false });
    expect(open_.review.status).toBe('submitted');
    expect(open_.review.activeTime.totalSeconds).toBe(Math.round(grown.totalMs) / 1000);
    expect(open_.review.activeTime.idleGapSeconds).toBe(60);
    expect(open_.review.activeTime.byLabel.find((l) => l.labelId === 2)!.seconds).toBe(Math.round(grown.byLabel['2']!) / 1000);
    const step = open_.review.audit.find((e) => e.action === 'status')!;
    expect(step).toMatchObject({ to: 'submitted', user });
    expect(Date.parse(step.at!)).toBeGreaterThan(t0);
    // The first export is in the trail now.
    expect(b.getDocument()!.review!.audit.at(-1)).toMatchObject({ action: 'export', format: 'dataset', user });

    const hidden = await provenance({});
    const text = JSON.stringify(hidden.review);
    expect(text).not.toContain(user);
    expect(hidden.review.audit.find((e) => e.action === 'status')!.at).toBeUndefined();
    expect(hidden.review.status).toBe('submitted');
  });
});
