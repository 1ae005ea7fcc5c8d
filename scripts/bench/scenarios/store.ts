/**
 * Store: autosave and reopening of a 300-slice document in the page's real
 * IndexedDB (the project's modules through vite). Synthetic and seeded, so
 * every run stores the same document; the series files are not used.
 *
 * The document: 512×512 × 300 slices, the five lumbar discs (template ids
 * 1–5), each on 60 consecutive slices (300 regions), each region a wavy
 * ellipse of ~120×80 px with 200–400 vertices, passed through normalizeRegion
 * as the tools commit it. It is built in memory (fromSnapshot, so its history
 * starts empty, as after opening), stored whole once (saveDocument without a
 * `changed` list) into a fresh database `segmark-bench-<random>`, which is
 * deleted at the end.
 *
 * - save latency: an Autosaver wired as annotation-controller.ts wires it;
 *   per edit, one setRegion on one (label, slice), timed from just before the
 *   call to the Autosaver's onState('saved'). Edits start one second apart
 *   (each after its predecessor's save and a short pause), so each is saved
 *   on its own; then a few edits back to back (50 ms after each save), which
 *   shows any minimum gap the Autosaver keeps between writes. Whatever
 *   batching it does is inside the time; nothing here reads its constants.
 * - long tasks: a PerformanceObserver on 'longtask' (checked in setup with a
 *   deliberate 80 ms task) over both save loops, or, when Chromium reports
 *   none, a MessageChannel ping loop whose gaps > 50 ms stand for long tasks.
 *   Also timed directly: each setRegion call (the Autosaver's listener
 *   included) and the synchronous part of each write (see measureSaves).
 * - reopen: loadDocument + AnnotationDocument.fromSnapshot, once cold (the
 *   first run), then REOPENS more for the median, each step timed.
 * - size: the stored region records (their `bytes`), read back from the store.
 */
import type { AnnotationDocument, DocumentSnapshot } from '../../../src/core/annotation/document.js';
import type { Region } from '../../../src/core/annotation/region.js';
import type { SegmarkDb } from '../../../src/store/db.js';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { discRing } from '../synthetic';
import { delay, median, percentile, withTimeout } from '../util';

type Modules = Awaited<ReturnType<typeof importModules>>;

const SIZE = 512;
const SLICES = 300;
/** The discs of the lumbar template, L1/L2 … L5/S1. */
const LABEL_IDS = [1, 2, 3, 4, 5] as const;
const SLICES_PER_LABEL = 60;
const EDITS = 40;
/**
 * Edits start this far apart (start to start): one committed stroke per
 * second, a brisk clinician's pace, and far above any batching window, so each
 * edit is saved on its own. The Autosaver's constants are not read.
 */
const EDIT_SPACING_MS = 1000;
/** Then this many edits back to back (each PAUSE_MS after the previous save): what fast editing sees. */
const RAPID_EDITS = 10;
const REOPENS = 5;
/** Between a save reported and the next edit: the page settles (IDB callbacks, GC) before the next timing. */
const PAUSE_MS = 50;
const SAVE_TIMEOUT_MS = 15_000;
/** What Chromium (and the issue) call a long task. */
const LONG_TASK_MS = 50;

function importModules() {
  return Promise.all([
    import('../../../src/core/annotation/document.js'),
    import('../../../src/core/annotation/labels.js'),
    import('../../../src/core/annotation/templates.js'),
    import('../../../src/core/annotation/region-ops.js'),
    import('../../../src/store/autosave.js'),
    import('../../../src/store/db.js'),
    import('../../../src/store/documents.js'),
    import('idb'),
  ]).then(([document, labels, templates, ops, autosave, db, documents, idb]) => ({
    AnnotationDocument: document.AnnotationDocument,
    labelsFromTemplate: labels.labelsFromTemplate,
    LUMBAR_SPINE_TEMPLATE: templates.LUMBAR_SPINE_TEMPLATE,
    REGION_OPS: ops.REGION_OPS,
    normalizeRegion: ops.normalizeRegion,
    Autosaver: autosave.Autosaver,
    openSegmarkDb: db.openSegmarkDb,
    saveDocument: documents.saveDocument,
    loadDocument: documents.loadDocument,
    deleteDB: idb.deleteDB,
  }));
}

let modules: Modules | undefined;
/** Which long-task detector setup found working. */
let detector: 'longtask' | 'gap' = 'gap';

// ── synthetic, seeded document ───────────────────────────────────────────

interface Edit {
  labelId: number;
  slice: number;
  region: Region;
}

function firstSlice(labelId: number, span: number): number {
  return (labelId - 1) * span;
}

/** The document, as the snapshot a tool-made document would give (normalised rings). */
function buildSnapshot(m: Modules, span: number): DocumentSnapshot {
  const labels = m.labelsFromTemplate(m.LUMBAR_SPINE_TEMPLATE).filter((l) => (LABEL_IDS as readonly number[]).includes(l.id));
  if (labels.length !== LABEL_IDS.length) throw new Error(`store: the lumbar template has ${labels.length} of the disc labels 1–5`);
  const empty = new m.AnnotationDocument({
    series: {
      studyInstanceUID: '1.2.826.0.1.3680043.2.1143.7',
      seriesInstanceUID: '1.2.826.0.1.3680043.2.1143.7.1',
      sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `1.2.826.0.1.3680043.2.1143.7.1.${k + 1}`),
      rows: SIZE,
      columns: SIZE,
      slices: SLICES,
    },
    ops: m.REGION_OPS,
    labels,
  });
  const snapshot = empty.snapshot();
  for (const labelId of LABEL_IDS) {
    for (let j = 0; j < span; j++) {
      const slice = firstSlice(labelId, span) + j;
      const region = m.normalizeRegion({ rings: [discRing(labelId, j, span, 1000 * labelId + j)] });
      snapshot.regions.push({ labelId, slice, rings: region.rings, origin: 'drawn', verified: false });
    }
  }
  return snapshot;
}

/** `count` corrections on distinct (label, slice) pairs, labels in turn, slices spread over each disc. */
function buildEdits(m: Modules, span: number, count: number): Edit[] {
  const edits: Edit[] = [];
  const perLabel = Math.ceil(count / LABEL_IDS.length);
  // A stride coprime with the span visits distinct slices of the disc.
  const stride = span % 7 === 0 ? 11 : 7;
  for (let i = 0; i < count; i++) {
    const labelId = LABEL_IDS[i % LABEL_IDS.length]!;
    const k = Math.floor(i / LABEL_IDS.length);
    if (k >= span) throw new Error(`store: ${perLabel} edits per label do not fit in ${span} slices`);
    const j = (3 + k * stride) % span;
    const region = m.normalizeRegion({ rings: [discRing(labelId, j, span, 500_000 + i, 1.5 + (i % 3))] });
    edits.push({ labelId, slice: firstSlice(labelId, span) + j, region });
  }
  return edits;
}

function vertexCount(snapshot: DocumentSnapshot): number {
  return snapshot.regions.reduce((n, r) => n + r.rings.reduce((v, ring) => v + ring.length / 2, 0), 0);
}

// ── long tasks ───────────────────────────────────────────────────────────

interface TaskSpan {
  start: number;
  duration: number;
}

/** Collects main-thread tasks > 50 ms from now on, with the detector setup chose. */
interface TaskWatch {
  /** Stops watching (once; later calls give the same answer) and returns every long task seen. */
  stop(): Promise<TaskSpan[]>;
}

function watchLongTasks(): TaskWatch {
  const watch = startWatch();
  let stopped: Promise<TaskSpan[]> | undefined;
  return { stop: () => (stopped ??= watch.stop()) };
}

function startWatch(): TaskWatch {
  const spans: TaskSpan[] = [];
  if (detector === 'longtask') {
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) spans.push({ start: e.startTime, duration: e.duration });
    });
    observer.observe({ type: 'longtask' });
    return {
      async stop() {
        // Entries are delivered a little after their task: let the last ones arrive.
        await delay(100);
        for (const e of observer.takeRecords()) spans.push({ start: e.startTime, duration: e.duration });
        observer.disconnect();
        return spans;
      },
    };
  }
  // Fallback: a ping that re-posts itself as soon as it runs; a gap between two pings is a task that ran in between.
  const channel = new MessageChannel();
  let last = performance.now();
  let running = true;
  channel.port1.onmessage = () => {
    const now = performance.now();
    if (now - last > LONG_TASK_MS) spans.push({ start: last, duration: now - last });
    last = now;
    if (running) channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  return {
    async stop() {
      running = false;
      await delay(0);
      channel.port1.close();
      return spans;
    },
  };
}

/** Whether Chromium reports a deliberate 80 ms task as a 'longtask' entry. */
function longTaskObserverWorks(): Promise<boolean> {
  if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return Promise.resolve(false);
  return new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.duration >= 70)) {
        observer.disconnect();
        clearTimeout(timer);
        resolve(true);
      }
    });
    observer.observe({ type: 'longtask' });
    setTimeout(() => {
      const end = performance.now() + 80;
      while (performance.now() < end) {
        // a deliberate long task
      }
    }, 0);
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve(false);
    }, 2000);
  });
}

function within(spans: readonly TaskSpan[], from: number, to: number): TaskSpan[] {
  return spans.filter((s) => s.start + s.duration >= from && s.start <= to);
}

function longest(spans: readonly TaskSpan[]): number {
  return spans.reduce((max, s) => Math.max(max, s.duration), 0);
}

// ── the measurements ─────────────────────────────────────────────────────

interface SaveTimes {
  /** setRegion call → onState('saved'), per edit. */
  latency: number[];
  /** The setRegion call (the Autosaver's listener included), per edit. */
  setRegion: number[];
  /** The Autosaver's write, from its snapshot() call to its first await, per write. */
  writeSync: number[];
  /** Per edit, setRegion → the write's start (the Autosaver's batching and the timer's delay). */
  queued: number[];
  /** Per edit, the write's start → onState('saved') (the IndexedDB transaction, mostly). */
  written: number[];
}

/**
 * The Autosaver's save of each edit: setRegion → onState('saved'). An edit
 * starts `spacingMs` after the previous one began, and never before
 * PAUSE_MS after the previous save was reported.
 *
 * The document instance's snapshot() is wrapped (the class is untouched) to
 * see the synchronous part of each write: the Autosaver calls it first thing
 * in the task its timer runs, and a microtask queued there runs once that
 * task's synchronous work (snapshot, encoding, opening the transaction) is done.
 */
async function measureSaves(
  m: Modules,
  db: SegmarkDb,
  docId: string,
  doc: AnnotationDocument,
  edits: readonly Edit[],
  spacingMs: number,
): Promise<SaveTimes> {
  let waiting: { resolve(t: number): void; reject(e: unknown): void } | undefined;
  let writes = 0;
  // As annotation-controller.ts constructs it (its onSaved also tells other tabs and takes checkpoints).
  const saver = new m.Autosaver(db, docId, doc, { description: 'bench store', geometry: `bench:${SIZE}x${SIZE}x${SLICES}` }, {
    onState: (state, _lastSaved, error) => {
      const t = performance.now();
      if (state === 'saved') waiting?.resolve(t);
      else if (state === 'error') waiting?.reject(error ?? new Error('store: autosave failed'));
    },
    onSaved: () => void writes++,
    canWrite: () => true,
  });
  const times: SaveTimes = { latency: [], setRegion: [], writeSync: [], queued: [], written: [] };
  const snapshot = doc.snapshot;
  let writeStart: number | undefined;
  doc.snapshot = (...args: Parameters<AnnotationDocument['snapshot']>) => {
    const t = performance.now();
    writeStart ??= t;
    queueMicrotask(() => times.writeSync.push(performance.now() - t));
    return snapshot.apply(doc, args);
  };
  try {
    let previous = -Infinity;
    for (const [i, edit] of edits.entries()) {
      const wait = previous + spacingMs - performance.now();
      if (wait > 0) await delay(wait);
      const saved = new Promise<number>((resolve, reject) => (waiting = { resolve, reject }));
      writeStart = undefined;
      const t0 = performance.now();
      doc.setRegion(edit.labelId, edit.slice, edit.region, { kind: 'edit' });
      const t1 = performance.now();
      previous = t0;
      if (saver.state !== 'saving') throw new Error(`store: edit ${i} left the Autosaver '${saver.state}' (no save started)`);
      const t2 = await withTimeout(saved, SAVE_TIMEOUT_MS, `store: the save of edit ${i}`);
      waiting = undefined;
      times.latency.push(t2 - t0);
      times.setRegion.push(t1 - t0);
      if (writeStart !== undefined) {
        times.queued.push(writeStart - t0);
        times.written.push(t2 - writeStart);
      }
      await delay(PAUSE_MS);
    }
  } finally {
    saver.dispose();
    Reflect.deleteProperty(doc, 'snapshot'); // the prototype's method again
  }
  if (writes !== edits.length) throw new Error(`store: ${edits.length} edits gave ${writes} writes`);
  return times;
}

/** loadDocument + fromSnapshot: the first (cold) run apart, then the median of `runs`. */
async function measureReopen(m: Modules, db: SegmarkDb, docId: string, doc: AnnotationDocument, runs: number): Promise<Metrics> {
  const total: number[] = [];
  const load: number[] = [];
  const live: number[] = [];
  let first: number | null = null;
  let reopened: AnnotationDocument | undefined;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const snapshot = await m.loadDocument(db, docId);
    const t1 = performance.now();
    if (!snapshot) throw new Error('store: loadDocument found no document');
    reopened = m.AnnotationDocument.fromSnapshot(snapshot, m.REGION_OPS);
    const t2 = performance.now();
    if (i === 0) first = t2 - t0;
    else {
      total.push(t2 - t0);
      load.push(t1 - t0);
      live.push(t2 - t1);
    }
    await delay(PAUSE_MS);
  }
  // What was reopened is what is in memory (untimed).
  const a = doc.snapshot();
  const b = reopened!.snapshot();
  if (JSON.stringify(a.regions) !== JSON.stringify(b.regions)) throw new Error('store: the reopened document differs from the saved one');
  // The raw read alone (the key range loadDocument reads), for the split between IndexedDB and decoding.
  const range = IDBKeyRange.bound([docId, -Infinity, -Infinity], [docId, Infinity, Infinity]);
  const getAll: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await db.getAll('regions', range);
    getAll.push(performance.now() - t0);
  }
  return {
    reopenMs: median(total),
    reopenFirstMs: first,
    reopenLoadMs: median(load),
    reopenLiveMs: median(live),
    reopenGetAllMs: median(getAll),
  };
}

// ── the scenario ─────────────────────────────────────────────────────────

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  try {
    modules = await importModules();
  } catch (error) {
    return { skip: `importing the store modules failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof indexedDB === 'undefined') return { skip: 'no IndexedDB in this page' };
  if (!crossOriginIsolated) ctx.note('store: the page is not cross-origin isolated: performance.now() steps by ~0.1 ms, so sub-ms timings are coarse');
  detector = (await longTaskObserverWorks()) ? 'longtask' : 'gap';
  ctx.note(
    detector === 'longtask'
      ? "store: long tasks from a PerformanceObserver on 'longtask' (checked in setup: an 80 ms task was reported)"
      : "store: 'longtask' entries are not reported here; long tasks are the largest gaps of a MessageChannel ping loop",
  );
  return {};
}

function max(values: readonly number[]): number | null {
  return values.length ? Math.max(...values) : null;
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const m = modules;
  if (!m) throw new Error('store: setup() did not run');
  const small = ctx.warmup; // the warm-up only needs every code path to run once
  const span = small ? 4 : SLICES_PER_LABEL;
  const paced = small ? 2 : EDITS;
  const rapid = small ? 2 : RAPID_EDITS;
  const t0 = performance.now();
  const snapshot = buildSnapshot(m, span);
  const edits = buildEdits(m, span, paced + rapid);
  const doc = m.AnnotationDocument.fromSnapshot(snapshot, m.REGION_OPS);
  const name = `segmark-bench-${Math.random().toString(36).slice(2, 10)}`;
  const docId = `${snapshot.series.studyInstanceUID}|${snapshot.series.seriesInstanceUID}|bench`;
  const db = await m.openSegmarkDb(name);
  const watch = watchLongTasks();
  try {
    const w0 = performance.now();
    await m.saveDocument(db, docId, doc.snapshot(), undefined, { description: 'bench store' });
    const w1 = performance.now();
    const records = await db.getAllFromIndex('regions', 'by-doc', docId);
    const documentBytes = records.reduce((sum, r) => sum + r.bytes.byteLength, 0);
    if (records.length !== snapshot.regions.length) throw new Error(`store: ${records.length} region records stored for ${snapshot.regions.length} regions`);
    await delay(PAUSE_MS);

    const s0 = performance.now();
    const saves = await measureSaves(m, db, docId, doc, edits.slice(0, paced), small ? 0 : EDIT_SPACING_MS);
    const fast = await measureSaves(m, db, docId, doc, edits.slice(paced), 0);
    const s1 = performance.now();
    const r0 = performance.now();
    const reopen = await measureReopen(m, db, docId, doc, small ? 1 : REOPENS);
    const r1 = performance.now();

    const spans = await watch.stop();
    const saving = within(spans, s0, s1);
    const regions = snapshot.regions.length;
    const vertices = vertexCount(snapshot);
    const writeSync = [...saves.writeSync, ...fast.writeSync];
    const setRegion = [...saves.setRegion, ...fast.setRegion];
    if (writeSync.length === 0) ctx.note("store: the Autosaver's write did not call document.snapshot(): its synchronous part was not timed");
    return {
      saveP50Ms: percentile(saves.latency, 50),
      saveP95Ms: percentile(saves.latency, 95),
      saveMinMs: saves.latency.length ? Math.min(...saves.latency) : null,
      saveMaxMs: max(saves.latency),
      saveFirstMs: saves.latency[0] ?? null,
      saveCount: saves.latency.length,
      saveQueuedP50Ms: percentile(saves.queued, 50),
      saveQueuedP95Ms: percentile(saves.queued, 95),
      saveWrittenP50Ms: percentile(saves.written, 50),
      saveWrittenP95Ms: percentile(saves.written, 95),
      rapidP50Ms: percentile(fast.latency, 50),
      rapidQueuedP50Ms: percentile(fast.queued, 50),
      rapidP95Ms: percentile(fast.latency, 95),
      setRegionP50Ms: percentile(setRegion, 50),
      setRegionMaxMs: max(setRegion),
      writeSyncP50Ms: percentile(writeSync, 50),
      writeSyncMaxMs: max(writeSync),
      longestSyncMs: Math.max(max(setRegion) ?? 0, max(writeSync) ?? 0),
      longTaskMaxMs: longest(saving),
      longTaskCount: saving.length,
      longTaskDetector: detector === 'longtask' ? 1 : 2,
      saveWholeLongTaskMs: longest(within(spans, w0, w1)),
      reopenLongTaskMs: longest(within(spans, r0, r1)),
      ...reopen,
      saveWholeMs: w1 - w0,
      regions,
      vertices,
      verticesPerRegion: vertices / regions,
      documentBytes,
      bytesPerRegion: documentBytes / regions,
      allMs: performance.now() - t0,
    };
  } finally {
    await watch.stop();
    db.close();
    await m.deleteDB(name);
  }
}

const scenario: PageScenario = { setup, load };
export default scenario;
