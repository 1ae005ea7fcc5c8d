/**
 * Dataset: issue 16's multi-case build — five synthetic CT cases of
 * 300 × 512² int16 built by `buildDataset` into a `DirectorySink` on the
 * origin private file system (the API of a folder the user picks), in the
 * page (real Chromium, the project's modules through vite).
 *
 * The cases are made as test/node/support/dataset-build-cases.ts makes its
 * small ones (series geometry, stored document, `ct(k)`), at full size:
 * - series: axial, 0.7 × 0.7 mm, 1 mm slices, no tilt and even steps (so
 *   every case is written on its acquired grid; the resampled path is not
 *   measured here); five patients.
 * - document: the lumbar template's discs L3/L4, L4/L5 and L5/S1 (ids 3–5,
 *   dataset values 1–3: the builder remaps them), each on 10 consecutive
 *   slices (30 in all, from slice 120) as wavy ellipses of 200–400 vertices
 *   (../synthetic.ts `discDocument`), made in setup.
 * - CT: the loader makes the case's whole volume (one Int16Array, 157 MB)
 *   when the build reaches the case, as a loader from the image cache or the
 *   PACS hands over a loaded series; `ct(k)` is a view of slice k. It fills
 *   the buffer the builder released after the previous case (`release`)
 *   rather than allocating one per case: a dropped volume waits for a full
 *   GC, which seldom comes before the next is allocated (two CTs at once). Its
 *   slices are copied from a pool of POOL CT-like slices (../synthetic.ts
 *   `ctSlice`: body, bone, noise σ ≈ 20 HU) made in setup, in an order of
 *   the case's own; a slice repeats only 512 KB later, beyond DEFLATE's
 *   32 KB window, so it compresses as a fresh one would. So only one case's
 *   CT is referenced at a time, and making it (a copy) costs tens of ms, not
 *   the seconds of generating noise.
 *
 * load() (timed): the whole build, `buildDataset(def, loader, sink)`, from
 * the call to its result: cases per minute = 5 / wall time. Then the folder
 * is removed (a fresh one per run, `segmark-bench-dataset-*`).
 *
 * Peak heap: `performance.memory.usedJSHeapSize`, which Chromium reports
 * precisely on a site-locked page (checked in setup: an 8 MB buffer must
 * show) and which counts ArrayBuffer backing stores (the voxels) as well as
 * V8's heap, sampled at every `ct(k)` the builder asks for (the CT is deflated
 * in synchronous parts of 16 slices: timers run only between them), before
 * and after every sink write and at each piece a write takes, at every
 * progress step, and by a 5 ms timer between them
 * (Chromium refreshes the value at most every 50 ms: a peak shorter than
 * that can be missed; the CT and its compressed pieces last seconds). The
 * ratio is (peak − the value when the build starts, right after the driver's
 * GC) ÷ one case's voxels in bytes (300 · 512² · 2): what the build adds on
 * top of the page, garbage not yet collected included. Each sample is
 * booked to the phase the build is in, so the summary says where the peak
 * was: the loader (the case's CT), the label image (rasterize, remap,
 * gzip), the CT's DEFLATE (CT + the part being compressed + pieces not yet
 * collected), the CT write (a piece handed to the sink as it is made), the
 * rest. Sink write time leaves out the time the CT's pieces take to make.
 */
import type { DocumentSnapshot } from '../../../src/core/annotation/document-data.js';
import type { CaseLoader, DatasetCaseData, DatasetSink, SinkData } from '../../../src/core/formats/dataset-build.js';
import type { DatasetDefinition } from '../../../src/core/formats/dataset-definition.js';
import type { ExportSeries } from '../../../src/core/formats/export-job.js';
import type { Vec3 } from '../../../src/core/dicom/types.js';
import { ctSlice, discDocument, pickLabels } from '../synthetic';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { delay } from '../util';

type Modules = Awaited<ReturnType<typeof importModules>>;

const SIZE = 512;
const SLICES = 300;
const CASES = 5;
/** Lumbar template ids of the drawn discs: L3/L4, L4/L5, L5/S1. */
const DISC_IDS = [3, 4, 5];
/** Slices per disc, and the first drawn slice. */
const SPAN = 10;
const FIRST_DRAWN = 120;
/** Distinct CT slices the cases' volumes are copied from. */
const POOL = 24;
/** One case's voxels in bytes: what the peak heap is divided by. */
const CASE_BYTES = SLICES * SIZE * SIZE * 2;
/** Chromium's precise `performance.memory` is refreshed at most this often (then cached). */
const REFRESH_MS = 60;
const FOLDER_PREFIX = 'segmark-bench-dataset-';
const SECRET = '0b16d5e7a9c3f1e2d4b6a8c0e2f4a6b8';
const PHASES = ['start', 'load', 'label', 'ct-deflate', 'ct-write', 'other'] as const;
type Phase = (typeof PHASES)[number];

function importModules() {
  return Promise.all([
    import('../../../src/core/formats/dataset-build.js'),
    import('../../../src/core/formats/dataset-definition.js'),
    import('../../../src/core/formats/dataset-sinks.js'),
    import('../../../src/core/annotation/document.js'),
    import('../../../src/core/annotation/labels.js'),
    import('../../../src/core/annotation/templates.js'),
    import('../../../src/core/annotation/region-ops.js'),
  ]).then(([build, definition, sinks, document, labels, templates, ops]) => ({
    buildDataset: build.buildDataset,
    createDefinition: definition.createDefinition,
    addCases: definition.addCases,
    DirectorySink: sinks.DirectorySink,
    AnnotationDocument: document.AnnotationDocument,
    labelsFromTemplate: labels.labelsFromTemplate,
    LUMBAR_SPINE_TEMPLATE: templates.LUMBAR_SPINE_TEMPLATE,
    REGION_OPS: ops.REGION_OPS,
    normalizeRegion: ops.normalizeRegion,
  }));
}

// ── the cases ────────────────────────────────────────────────────────────

const studyUid = (n: number) => `1.2.826.0.1.3680043.10.16.${n}`;
const seriesUid = (n: number) => `1.2.826.0.1.3680043.10.16.${n}.2`;

interface BenchCase {
  readonly n: number;
  readonly series: ExportSeries;
  readonly snapshot: DocumentSnapshot;
}

/** Case n's series: axial, 0.7 × 0.7 mm in plane, 1 mm even steps. */
function seriesOf(n: number, slices: number): ExportSeries {
  const positions = Array.from({ length: slices }, (_, k) => [-179.2 + n, -150, -400 + k] as Vec3);
  return {
    columns: SIZE,
    rows: SIZE,
    slices,
    spacing: [0.7, 0.7, 1],
    rowCosine: [1, 0, 0],
    columnCosine: [0, 1, 0],
    planes: positions.map((position) => ({ position })),
    description: `BENCH LUMBAR ${n}`,
    modality: 'CT',
    sopInstanceUIDs: positions.map((_, k) => `${seriesUid(n)}.${k + 1}`),
    header: {
      patientName: `BENCH^PATIENT${n}`,
      patientID: `BENCH-${n}`,
      patientBirthDate: '19600102',
      patientSex: n % 2 ? 'F' : 'M',
      studyInstanceUID: studyUid(n),
      studyDate: '20240305',
      studyTime: '101500',
      referringPhysicianName: 'REFERRER^DOCTOR',
      studyID: `S${n}`,
      accessionNumber: `ACC${n}`,
      studyDescription: 'CT LUMBAR SPINE',
      seriesInstanceUID: seriesUid(n),
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
      frameOfReferenceUID: `${studyUid(n)}.9`,
    },
    defaultWindow: { center: 40, width: 400 },
  };
}

/** Case n's stored document: the three discs, `span` slices each, from slice `first`. */
function snapshotOf(m: Modules, series: ExportSeries, span: number, first: number): DocumentSnapshot {
  const labels = pickLabels(m.labelsFromTemplate(m.LUMBAR_SPINE_TEMPLATE), DISC_IDS);
  const empty = new m.AnnotationDocument({
    series: {
      studyInstanceUID: series.header.studyInstanceUID,
      seriesInstanceUID: series.header.seriesInstanceUID,
      sopInstanceUIDs: [...series.sopInstanceUIDs],
      rows: series.rows,
      columns: series.columns,
      slices: series.slices,
    },
    ops: m.REGION_OPS,
    labels,
  }).snapshot();
  const drawn = discDocument({ empty, labelIds: DISC_IDS, span, normalizeRegion: m.normalizeRegion });
  return { ...drawn, regions: drawn.regions.map((r) => ({ ...r, slice: r.slice + first })) };
}

function definitionOf(m: Modules, cases: readonly BenchCase[]): DatasetDefinition {
  const def = m.createDefinition({ id: 16, name: 'BenchLumbar', seed: 'segmark-bench-dataset', testFraction: 0.2, secret: SECRET });
  return m.addCases(
    def,
    cases.map((c) => ({
      studyInstanceUID: studyUid(c.n),
      seriesInstanceUID: seriesUid(c.n),
      patientId: `BENCH-${c.n}`,
      docId: `${studyUid(c.n)}|${seriesUid(c.n)}|bench`,
      labels: c.snapshot.labels.map((l) => ({ name: l.name, code: l.code })),
    })),
  );
}

// ── the heap ─────────────────────────────────────────────────────────────

/** Chromium's `performance.memory` (not in the DOM types). */
function usedHeap(): number {
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

/**
 * Whether `usedJSHeapSize` is precise here and counts ArrayBuffer backing
 * stores: an 8 MB buffer must show. Chromium refreshes the precise value at
 * most every 50 ms, hence the waits.
 */
async function heapIsPrecise(): Promise<boolean> {
  if (!('memory' in performance)) return false;
  await delay(REFRESH_MS);
  const before = usedHeap();
  const probe = new Uint8Array(8 << 20).fill(1);
  await delay(REFRESH_MS);
  const grown = usedHeap() - before;
  return probe[0] === 1 && grown >= 7 << 20;
}

/** The highest heap seen, overall and per phase of the build. */
class HeapPeaks {
  phase: Phase = 'start';
  readonly base = usedHeap();
  peak = this.base;
  peakPhase: Phase = 'start';
  readonly byPhase = new Map<Phase, number>();
  samples = 0;

  sample(): void {
    const v = usedHeap();
    this.samples++;
    if (v > (this.byPhase.get(this.phase) ?? 0)) this.byPhase.set(this.phase, v);
    if (v > this.peak) {
      this.peak = v;
      this.peakPhase = this.phase;
    }
  }

  ratio(v: number | undefined): number | null {
    return v === undefined ? null : (v - this.base) / CASE_BYTES;
  }
}

/**
 * The folder sink with the heap sampled around each write and each piece,
 * and what went into it counted. The CT's pieces are made while the sink
 * writes them: the time its source takes to make a piece (the DEFLATE) is
 * not counted as writing, and each piece handed on is booked to 'ct-write'.
 */
class MeasuredSink implements DatasetSink {
  ctBytes = 0;
  labelBytes = 0;
  writeMs = 0;
  constructor(
    private readonly inner: DatasetSink,
    private readonly heap: HeapPeaks,
  ) {}

  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }

  async write(path: string, data: SinkData, signal?: AbortSignal): Promise<void> {
    const image = /\/images(Tr|Ts)\//.test(path);
    const label = /\/labels(Tr|Ts)\//.test(path);
    const heap = this.heap;
    const timing = { size: 0, makingMs: 0 };
    async function* measured(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      const it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
      for (;;) {
        const t0 = performance.now();
        const next = await it.next();
        timing.makingMs += performance.now() - t0;
        if (next.done) return;
        timing.size += next.value.length;
        if (image) heap.phase = 'ct-write';
        heap.sample();
        yield next.value;
      }
    }
    if (image) this.heap.phase = 'ct-write';
    this.heap.sample();
    const t0 = performance.now();
    if (data instanceof Uint8Array) {
      timing.size = data.length;
      await this.inner.write(path, data, signal);
    } else {
      await this.inner.write(path, measured(data), signal);
    }
    this.writeMs += performance.now() - t0 - timing.makingMs;
    if (image) this.ctBytes += timing.size;
    else if (label) this.labelBytes += timing.size;
    this.heap.sample();
    this.heap.phase = 'other';
  }

  caseDone(): Promise<void> {
    return this.inner.caseDone?.() ?? Promise.resolve();
  }

  finish(): Promise<void> {
    return this.inner.finish?.() ?? Promise.resolve();
  }

  abort(): Promise<void> {
    return this.inner.abort?.() ?? Promise.resolve();
  }
}

// ── the scenario ─────────────────────────────────────────────────────────

interface World {
  m: Modules;
  cases: BenchCase[];
  definition: DatasetDefinition;
  pool: Int16Array[];
  slices: number;
  precise: boolean;
}

let world: World | undefined;

async function removeOurFolders(root: FileSystemDirectoryHandle): Promise<void> {
  const names: string[] = [];
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) if (name.startsWith(FOLDER_PREFIX)) names.push(name);
  for (const name of names) await root.removeEntry(name, { recursive: true });
}

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  let m: Modules;
  try {
    m = await importModules();
  } catch (error) {
    return { skip: `importing the dataset builder failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!navigator.storage?.getDirectory) return { skip: 'no origin private file system (navigator.storage.getDirectory) in this page' };
  // Folders an interrupted run left behind.
  await removeOurFolders(await navigator.storage.getDirectory());
  const precise = await heapIsPrecise();
  ctx.note(
    precise
      ? 'dataset: peak_heap_ratio = (highest performance.memory.usedJSHeapSize during the build − its value at the start, after GC) ÷ one case’s voxels (300·512²·2 B); ArrayBuffers included, sampled at every ct(k), sink write, progress step and every 5 ms'
      : 'dataset: performance.memory is not precise here (an 8 MB buffer did not show): peak_heap_ratio is n/a',
  );
  ctx.note('dataset: the OPFS of a Playwright browser context (off the record) may be held in memory by the browser process, not on disk; not in the page heap either way');
  // The warm-up only needs every code path once: two cases of 12 slices.
  const slices = ctx.warmup ? 12 : SLICES;
  const span = ctx.warmup ? 2 : SPAN;
  const first = ctx.warmup ? 2 : FIRST_DRAWN;
  const cases = Array.from({ length: ctx.warmup ? 2 : CASES }, (_, i) => {
    const series = seriesOf(i + 1, slices);
    return { n: i + 1, series, snapshot: snapshotOf(m, series, span, first) };
  });
  const pool = Array.from({ length: POOL }, (_, k) => ctSlice(SIZE, SIZE, 100 + k * 5));
  world = { m, cases, definition: definitionOf(m, cases), pool, slices, precise };
  return {};
}

/**
 * The loader: case n's whole CT made when the build reaches it (one buffer),
 * `ct(k)` a view of it. The buffer the builder released (`release`, after
 * the previous case) is filled again when it fits, as a loader that decodes
 * into recycled slices would: a new one per case is allocated while the
 * dropped one still waits for a full GC (two CTs at once).
 */
function loaderOf(w: World, heap: HeapPeaks, timing: { loadMs: number }): CaseLoader {
  const n = SIZE * SIZE;
  let spare: Int16Array | undefined;
  return async (entry) => {
    heap.phase = 'load';
    heap.sample();
    const c = w.cases.find((x) => x.series.header.seriesInstanceUID === entry.seriesInstanceUID);
    if (!c) throw new Error(`dataset: no bench case for ${entry.seriesInstanceUID}`);
    const t0 = performance.now();
    const voxels = spare?.length === w.slices * n ? spare : new Int16Array(w.slices * n);
    spare = undefined;
    // 7 and POOL are coprime: consecutive slices differ; the case number shifts the order.
    for (let k = 0; k < w.slices; k++) voxels.set(w.pool[(k * 7 + c.n * 5) % POOL]!, k * n);
    timing.loadMs += performance.now() - t0;
    heap.sample();
    const data: DatasetCaseData = {
      series: c.series,
      snapshot: c.snapshot,
      ct: (k) => {
        heap.phase = 'ct-deflate';
        heap.sample();
        return voxels.subarray(k * n, (k + 1) * n);
      },
      user: 'Dr. Bench Annotator',
      role: 'radiologist',
      created: new Date(Date.UTC(2026, 0, 2, 8, 0, 0)),
      updated: new Date(Date.UTC(2026, 0, 3, 9, 30, 0)),
      release: () => {
        spare = voxels;
      },
    };
    return data;
  };
}

export async function load(_ctx: BenchContext): Promise<Metrics> {
  const w = world;
  if (!w) throw new Error('dataset: setup() did not run');
  const root = await navigator.storage.getDirectory();
  const name = `${FOLDER_PREFIX}${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const dir = await root.getDirectoryHandle(name, { create: true });
  // A fresh value for the start (the driver's GC has just run).
  await delay(REFRESH_MS);
  const heap = new HeapPeaks();
  const sink = new MeasuredSink(new w.m.DirectorySink(dir), heap);
  const timing = { loadMs: 0 };
  const timer = setInterval(() => heap.sample(), 5);
  let wallMs: number;
  let written: number;
  try {
    const t0 = performance.now();
    const result = await w.m.buildDataset(w.definition, loaderOf(w, heap, timing), sink, {
      now: new Date(Date.UTC(2026, 1, 1, 12, 0, 0)),
      onProgress: (p) => {
        heap.sample();
        if (p.step === 'writing') heap.phase = 'label';
        else if (p.step !== 'loading') heap.phase = 'other';
      },
    });
    wallMs = performance.now() - t0;
    heap.sample();
    written = result.cases.filter((c) => c.outcome === 'written').length;
    if (written !== w.cases.length) throw new Error(`dataset: ${written} of ${w.cases.length} cases written: ${JSON.stringify(result.cases.map((c) => c.outcome))}`);
    if (!(await sink.exists(`${result.folder}/dataset.json`))) throw new Error('dataset: the build wrote no dataset.json');
  } finally {
    clearInterval(timer);
    await root.removeEntry(name, { recursive: true }).catch(() => {});
  }
  const phaseRatio = (p: Phase) => (w.precise ? heap.ratio(heap.byPhase.get(p)) : null);
  return {
    buildMs: wallMs,
    cases: written,
    casesPerMin: written / (wallMs / 60_000),
    caseMs: wallMs / written,
    loaderMs: timing.loadMs / written,
    sinkWriteMs: sink.writeMs / written,
    ctGzBytes: sink.ctBytes / written,
    labelGzBytes: sink.labelBytes / written,
    peakHeapRatio: w.precise ? heap.ratio(heap.peak) : null,
    peakHeapBytes: w.precise ? heap.peak - heap.base : null,
    baseHeapBytes: w.precise ? heap.base : null,
    peakPhase: PHASES.indexOf(heap.peakPhase),
    peakLoadRatio: phaseRatio('load'),
    peakLabelRatio: phaseRatio('label'),
    peakCtDeflateRatio: phaseRatio('ct-deflate'),
    peakCtWriteRatio: phaseRatio('ct-write'),
    peakOtherRatio: phaseRatio('other'),
    heapSamples: heap.samples,
  };
}

const scenario: PageScenario = { setup, load };
export default scenario;
