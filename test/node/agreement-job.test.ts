/**
 * The agreement workflow (src/session/agreement-job.ts) without a browser,
 * driven through failures: a worker that dies mid-job, the other side
 * annotating another series, a cancel, a second comparison started before the
 * first ends, and an adjudication. The series is the committed sample
 * (sample-dicom/, six slices, loaded with the real loader); the store is an
 * in-memory map standing where IndexedDB is in the page.
 *
 * Workers: Node has no Web Worker, so `runAgreement` is given fake workers
 * (support/fake-worker.ts) that run the agreement worker's work
 * (`runAgreementJob`, answering progress per label, then the result, as
 * agreement-worker.ts does) on this thread, and die when a test says.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { DocumentSnapshot } from '../../src/core/annotation/document-data.js';
import { DEFAULT_CODE } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { SegmarkError } from '../../src/core/errors.js';
import { choiceKey } from '../../src/core/review/adjudicate.js';
import { compareDocuments } from '../../src/core/review/agreement.js';
import { runAgreementJob } from '../../src/core/review/agreement-job.js';
import type { AgreementCalls } from '../../src/core/review/agreement-worker.js';
import { AgreementJobs, reviewGeometry, type AgreementJobDeps, type AgreementJobListener, type StoredDocuments } from '../../src/session/agreement-job.js';
import { documentId } from '../../src/store/schema.js';
import { servingWorker, type FakeWorker } from './support/fake-worker.js';
import { sampleVolume } from './support/sample-volume.js';

type Region = DocumentSnapshot['regions'][number];

let volume: Volume;

beforeAll(async () => {
  volume = await sampleVolume(6);
});

function square(labelId: number, slice: number, x: number, y: number, size: number): Region {
  return { labelId, slice, rings: [[x, y, x + size, y, x + size, y + size, x, y + size]], origin: 'drawn', verified: false };
}

/** A snapshot of the open series (or of `other`'s UIDs), with labels 1 and 2 and the given regions. */
function snapshotOf(regions: Region[], other?: { seriesInstanceUID: string }): DocumentSnapshot {
  const label = (id: number, name: string) => ({ id, name, color: [230, 159, 0] as [number, number, number], code: DEFAULT_CODE, opacity: 0.5, visible: true, locked: false, display: 'filled' as const });
  return {
    version: 1,
    series: {
      studyInstanceUID: volume.studyInstanceUID,
      seriesInstanceUID: other?.seriesInstanceUID ?? volume.seriesInstanceUID,
      sopInstanceUIDs: [...volume.sopInstanceUIDs],
      rows: volume.rows,
      columns: volume.columns,
      slices: volume.slices,
    },
    labels: [label(1, 'disc'), label(2, 'body')],
    regions,
    settings: { paintMode: 'over-others' },
  };
}

const A = () => snapshotOf([square(1, 1, 100, 100, 40), square(1, 2, 100, 100, 40), square(2, 3, 200, 200, 30)]);
const B = () => snapshotOf([square(1, 1, 110, 100, 40), square(1, 3, 100, 100, 40), square(2, 3, 205, 200, 30)]);

/** In-memory stored documents, keyed as the store keys them. */
function store(docs: Record<string, DocumentSnapshot>): StoredDocuments & { loads: string[] } {
  const loads: string[] = [];
  const key = (user: string) => documentId(volume.studyInstanceUID, volume.seriesInstanceUID, user);
  const byId = new Map(Object.entries(docs).map(([user, doc]) => [user.includes('|') ? user : key(user), doc]));
  return {
    loads,
    list: async () => [...byId].map(([id, doc]) => ({ id, regionCount: doc.regions.length, updatedAt: 1 })),
    load: async (id) => {
      loads.push(id);
      const doc = byId.get(id);
      return doc && structuredClone(doc);
    },
  };
}

/**
 * Agreement workers; `crashAfter` progress messages the next one made dies (once).
 * Between labels each yields a task, as a busy thread would, so a page can be heard in between.
 */
function agreementWorkers() {
  const made: FakeWorker[] = [];
  let crashAfter: number | undefined;
  const createWorker = () => {
    const dieAfter = crashAfter;
    crashAfter = undefined;
    let sent = 0;
    const worker = servingWorker<AgreementCalls>(
      {
        agree: (job, call) =>
          runAgreementJob(
            job,
            (done, total) => {
              call.progress({ done, total });
              if (++sent === dieAfter) worker.crash('out of memory');
            },
            () => new Promise((resolve) => setTimeout(resolve, 5)),
          ),
      },
      'internal',
    );
    made.push(worker);
    return worker.asWorker();
  };
  return { made, createWorker, crashNextAfter: (n: number) => (crashAfter = n) };
}

function setup(docs: Record<string, DocumentSnapshot>, options: { editable?: boolean } = {}) {
  const document = AnnotationDocument.fromSnapshot(A(), REGION_OPS);
  const stored = store(docs);
  const workers = agreementWorkers();
  const errors: SegmarkError[] = [];
  const compared: Parameters<AgreementJobListener['onCompared']>[0][] = [];
  const adjudicated: Parameters<AgreementJobListener['onAdjudicated']>[0][] = [];
  const progress: [number, number][] = [];
  let clock = 0;
  let progressed: (() => void) | undefined;
  /** Resolves when the comparison under way has finished its first label (mid-job: one of two done). */
  const midJob = () => new Promise<void>((resolve) => (progressed = resolve));
  const checkpoints: DocumentSnapshot[] = [];
  const deps: AgreementJobDeps = {
    openVolume: () => volume,
    openDocument: () => document,
    documentKey: () => documentId(volume.studyInstanceUID, volume.seriesInstanceUID, 'ana'),
    storedDocuments: async () => stored,
    sideA: () => 'ana',
    editRefusal: () => (options.editable === false ? new SegmarkError('read-only', 'the document is read-only here') : undefined),
    checkpoint: async () => (checkpoints.push(document.snapshot()), checkpoints.length),
    readMask: () => Promise.reject(new Error('no masks in these tests')),
    cancelTool: () => undefined,
    createWorker: workers.createWorker,
    now: () => (clock += 10),
  };
  const listener: AgreementJobListener = {
    onError: (e) => errors.push(e),
    onCompared: (o) => compared.push(o),
    onAdjudicated: (o) => adjudicated.push(o),
    onChange: () => {
      if (!jobs.progress) return;
      progress.push([jobs.progress.done, jobs.progress.total]);
      if (jobs.progress.done >= 1) progressed?.();
    },
  };
  const jobs = new AgreementJobs(deps, listener);
  return { jobs, document, stored, workers, errors, compared, adjudicated, progress, checkpoints, midJob };
}

describe('agreement job (Node, fake agreement workers)', () => {
  it('REQ-AGREE-WF-1: compares with a colleague\'s stored document in a worker: the same result as comparing here, progress per label, told once', async () => {
    const other = snapshotOf([square(1, 1, 0, 0, 8)], { seriesInstanceUID: '9.9.9' });
    const s = setup({ ana: A(), bo: B(), [documentId(volume.studyInstanceUID, '9.9.9', 'cy')]: other });
    await s.jobs.listOthers();
    // Only other users' documents of this series: not ana's own, not cy's of another series.
    expect(s.jobs.candidates.map((c) => [c.user, c.regions])).toEqual([['bo', 3]]);
    const result = await s.jobs.compare({ user: 'bo' });
    expect(result).toEqual(compareDocuments(A(), B(), reviewGeometry(volume)));
    expect(s.progress.filter(([, total]) => total > 0)).toEqual([[1, 2], [2, 2]]);
    expect(s.compared).toEqual([{ sideA: 'ana', sideB: 'bo', result, elapsedMs: 10 }]);
    expect(s.errors).toEqual([]);
    expect(s.jobs.progress).toBeUndefined();
    expect(s.jobs.sides?.b).toEqual(B());
    expect(s.workers.made).toHaveLength(1);
    expect(s.workers.made[0]!.terminated).toBe(true);
  });

  it('REQ-AGREE-WF-2: a worker that dies mid-job fails the comparison with worker-failed (not internal); the next comparison starts a fresh worker', async () => {
    const s = setup({ bo: B() });
    s.workers.crashNextAfter(1);
    const failed = s.jobs.compare({ user: 'bo' });
    await expect(failed).rejects.toMatchObject({ code: 'worker-failed' });
    expect(s.errors.map((e) => e.code)).toEqual(['worker-failed']);
    expect(s.compared).toEqual([]);
    expect(s.jobs.result).toBeUndefined();
    expect(s.jobs.progress).toBeUndefined();
    expect(s.workers.made[0]!.dead).toBe(true);
    expect(s.workers.made[0]!.terminated).toBe(true);
    const result = await s.jobs.compare({ user: 'bo' });
    expect(s.workers.made).toHaveLength(2);
    expect(result).toEqual(compareDocuments(A(), B(), reviewGeometry(volume)));
    expect(s.compared.map((c) => c.sideB)).toEqual(['bo']);
    expect(s.errors).toHaveLength(1);
  });

  it('REQ-AGREE-WF-3: the other side annotates another series: agreement-other-series naming it, and no worker is started', async () => {
    const otherSeries = snapshotOf(B().regions, { seriesInstanceUID: '9.9.9' });
    const otherGrid = { ...B(), series: { ...B().series, sopInstanceUIDs: [...B().series.sopInstanceUIDs].reverse() } };
    const s = setup({ bo: otherSeries });
    await expect(s.jobs.compare({ user: 'bo' })).rejects.toMatchObject({ code: 'agreement-other-series', file: 'bo' });
    await expect(s.jobs.compare({ snapshot: otherGrid, name: 'model output' })).rejects.toMatchObject({ code: 'agreement-other-series', file: 'model output' });
    await expect(s.jobs.compare({ user: 'nobody' })).rejects.toMatchObject({ code: 'read-failed', file: 'nobody' });
    expect(s.errors.map((e) => [e.code, e.file])).toEqual([
      ['agreement-other-series', 'bo'],
      ['agreement-other-series', 'model output'],
      ['read-failed', 'nobody'],
    ]);
    expect(s.errors[0]!.params.theirs).toContain('9.9.9');
    expect(s.workers.made).toEqual([]);
    expect(s.compared).toEqual([]);
  });

  it('REQ-AGREE-WF-4: a cancel mid-job rejects with aborted, says so once, and ends the worker', async () => {
    const s = setup({ bo: B() });
    const halfway = s.midJob();
    const pending = s.jobs.compare({ user: 'bo' });
    await halfway;
    s.jobs.cancel();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.errors.map((e) => e.code)).toEqual(['aborted']);
    expect(s.compared).toEqual([]);
    expect(s.jobs.progress).toBeUndefined();
    expect(s.workers.made[0]!.terminated).toBe(true);
  });

  it('REQ-AGREE-WF-5: a second comparison started before the first ends replaces it: the first rejects quietly and only the second is told', async () => {
    const s = setup({ bo: B(), cy: A() });
    const halfway = s.midJob();
    const first = s.jobs.compare({ user: 'bo' });
    await halfway;
    const second = s.jobs.compare({ user: 'cy' });
    await expect(first).rejects.toMatchObject({ code: 'aborted' });
    const result = await second;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(result.labels.every((l) => l.dice === 1)).toBe(true);
    expect(s.compared.map((c) => c.sideB)).toEqual(['cy']);
    expect(s.errors).toEqual([]);
    expect(s.jobs.sideB).toBe('cy');
    expect(s.workers.made.every((w) => w.terminated)).toBe(true);
  });

  it('REQ-AGREE-WF-6: adjudication takes B where chosen as one undo step, after a checkpoint of A; B is never written', async () => {
    const s = setup({ bo: B() });
    await s.jobs.compare({ user: 'bo' });
    const loadsBefore = s.stored.loads.length;
    const adjudicated = await s.jobs.adjudicate(new Map([[choiceKey(1, 3), 'b' as const], [choiceKey(1, 1), 'a' as const]]));
    expect(s.checkpoints.map((c) => c.regions)).toEqual([A().regions]);
    expect(s.adjudicated).toEqual([{ sideB: 'bo', fromA: 1, fromB: 1, revision: 1 }]);
    const slices = (doc: DocumentSnapshot) => doc.regions.filter((r) => r.labelId === 1).map((r) => r.slice);
    expect(slices(adjudicated)).toEqual([1, 2, 3]);
    expect(slices(s.document.snapshot())).toEqual([1, 2, 3]);
    // The table described the old A: it is gone, and a second adjudication has nothing to work on.
    expect(s.jobs.result).toBeUndefined();
    await expect(s.jobs.adjudicate(new Map())).rejects.toMatchObject({ code: 'nothing-compared' });
    expect(s.document.undo()).toBe(true);
    expect(slices(s.document.snapshot())).toEqual([1, 2]);
    expect(s.stored.loads.length).toBe(loadsBefore);
  });

  it('REQ-AGREE-WF-7: adjudication on a document that cannot be edited here is refused, and the document stays', async () => {
    const s = setup({ bo: B() }, { editable: false });
    await s.jobs.compare({ user: 'bo' });
    await expect(s.jobs.adjudicate(new Map([[choiceKey(1, 3), 'b' as const]]))).rejects.toMatchObject({ code: 'read-only' });
    expect(s.document.snapshot().regions).toEqual(A().regions);
    expect(s.checkpoints).toEqual([]);
  });
});
