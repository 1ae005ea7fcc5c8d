/**
 * Export: the three big exports of a 512×512×300 series with a 5-label
 * document, end to end through an `ExportRunner` (its workers kept between
 * exports, as segmark-annotator keeps them), and the
 * import of the resulting 300-frame SEG, in the page (real Chromium, the
 * project's modules through vite). Synthetic and seeded; the series files are
 * not used.
 *
 * Setup (untimed, before the heap baseline) builds what an open annotator
 * holds: a `Volume` with 300 CT-like slices (../synthetic.ts: body ellipse,
 * bone, noise σ ≈ 20 HU, air outside) and the document (lumbar labels 1–5,
 * each on 60 consecutive slices, wavy ellipses of 200–400 vertices through
 * normalizeRegion).
 *
 * load() (timed):
 * - exports: per run, as segmark-annotator's runExport does it: the job
 *   (exportSeries(volume), document.snapshot()) built, then
 *   `await runner.run(job, volume.sliceData)`; timed from the job's first
 *   line to the File the annotator's export() returns (made in the worker:
 *   copying a 90 MB package into a File takes a few hundred ms). Formats 'nifti' (default options: bare .nii.gz),
 *   'dicom-seg' and 'dataset' in turn, REPEATS + 1 rounds (the dataset
 *   DATASET_WARM + 1): the first round (cold: first worker start and module
 *   load) is reported apart, the others' median is the headline.
 * - long tasks: a PerformanceObserver on 'longtask' (checked in setup with a
 *   deliberate 80 ms task) running through the whole load; a task counts for
 *   an export when it overlaps that export's window (job building included).
 *
 * afterLoad() (its own step, so that each stays inside the driver's 150 s; the
 * import first, then the breakdown while STEP_BUDGET_MS lasts):
 * - checks: the .nii.gz holds exactly the labelmap's voxels per label, the
 *   SEG is Part 10, the package a zip.
 * - breakdown (on the main thread, outside every timed window): the steps of
 *   each export one by one — rasterizing, NIfTI writing, native and fflate
 *   gzip, SEG writing, the dataset zip — the cost of posting one 2-slice CT
 *   chunk, and prototypes of faster paths (see packPrototype, importParts).
 * - import: as segmark-annotator's importMask does it — runner.readMask
 *   (bytes of the SEG export; read and traced into outlines in the worker),
 *   then applyImport onto a fresh document with the same labels, timed
 *   apart; first run apart, then the median of REPEATS. Also split: readSeg, readSegPlanes, and
 *   maskToRegion over all masks (the rest of applyImport is setRegion).
 */
import type { AnnotationDocument } from '../../../src/core/annotation/document.js';
import type { Label } from '../../../src/core/annotation/labels.js';
import { pixelSpacingOf, type Volume } from '../../../src/core/dicom/volume.js';
import type { ExportFormat, ExportJob } from '../../../src/core/formats/export-job.js';
import { ctSlice, discDocument, pickLabels } from '../synthetic';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { delay, median } from '../util';

type Modules = Awaited<ReturnType<typeof importModules>>;

const SIZE = 512;
const SLICES = 300;
const LABEL_IDS = [1, 2, 3, 4, 5] as const;
const SPAN = 60;
/** Warm runs per export after the cold one (and import runs after the first). */
const REPEATS = 3;
/**
 * The dataset's warm runs: fewer, so that load() stays inside the driver's
 * 150 s per step on a busy 2-core machine (a dataset export takes seconds).
 */
const DATASET_WARM = 1;
/**
 * No new export starts after this long in load(), and no further breakdown
 * step after this long in afterLoad(): the driver allows 150 s per step, and
 * on a busy machine one dataset export has taken 30 s. The runs done are
 * reported (`<format>Runs`).
 */
const STEP_BUDGET_MS = 80_000;
/** Between two exports: the last worker ends and its garbage goes. */
const PAUSE_MS = 300;
/** The runner's chunk (export-runner.ts CHUNK): what one chunk costs to post is measured with it. */
const CHUNK = 2;
const FORMATS = ['nifti', 'dicom-seg', 'dataset'] as const satisfies readonly ExportFormat[];
const KEY = { nifti: 'nifti', 'dicom-seg': 'seg', dataset: 'dataset' } as const;

function importModules() {
  return Promise.all([
    import('../../../src/core/annotation/document.js'),
    import('../../../src/core/annotation/labels.js'),
    import('../../../src/core/annotation/templates.js'),
    import('../../../src/core/annotation/region-ops.js'),
    import('../../../src/core/annotation/contour.js'),
    import('../../../src/core/formats/export-job.js'),
    import('../../../src/core/formats/export-runner.js'),
    import('../../../src/core/formats/import-apply.js'),
    import('../../../src/core/formats/seg-read.js'),
    import('../../../src/core/formats/import-seg-geometry.js'),
    import('../../../src/core/formats/nifti.js'),
    import('../../../src/core/formats/bytes.js'),
    import('../../../src/core/formats/dataset.js'),
    import('../../../src/core/formats/seg-bits.js'),
    import('fflate'),
  ]).then(([document, labels, templates, ops, contour, job, runner, apply, segRead, segGeometry, nifti, bytes, dataset, bits, fflate]) => ({
    AnnotationDocument: document.AnnotationDocument,
    labelsFromTemplate: labels.labelsFromTemplate,
    LUMBAR_SPINE_TEMPLATE: templates.LUMBAR_SPINE_TEMPLATE,
    REGION_OPS: ops.REGION_OPS,
    normalizeRegion: ops.normalizeRegion,
    maskToRegion: contour.maskToRegion,
    exportSeries: job.exportSeries,
    exportedLabels: job.exportedLabels,
    labelmapOf: job.labelmapOf,
    runExport: job.runExport,
    ExportRunner: runner.ExportRunner,
    applyImport: apply.applyImport,
    readSeg: segRead.readSeg,
    readSegPlanes: segGeometry.readSegPlanes,
    niftiLabelmap: nifti.niftiLabelmap,
    niftiVolume: nifti.niftiVolume,
    gzip: bytes.gzip,
    datasetPackage: dataset.datasetPackage,
    packFrame: bits.packFrame,
    unpackFrame: bits.unpackFrame,
    gzipSync: fflate.gzipSync,
  }));
}

interface World {
  m: Modules;
  volume: Volume;
  doc: AnnotationDocument;
  labels: Label[];
  /** One runner for every export, as an annotator holds one. */
  runner: InstanceType<Modules['ExportRunner']>;
}

let world: World | undefined;
let longTasksWork = false;

// ── the open series and document ─────────────────────────────────────────

const UID = '1.2.826.0.1.3680043.2.1143.9';

function makeVolume(slices: number, sliceData: Int16Array[]): Volume {
  const spacing: [number, number, number] = [0.7, 0.7, 1];
  const rowCosine: [number, number, number] = [1, 0, 0];
  const columnCosine: [number, number, number] = [0, 1, 0];
  const origin = -(SIZE / 2) * spacing[0];
  return {
    studyInstanceUID: UID,
    seriesInstanceUID: `${UID}.1`,
    description: 'Bench lumbar CT',
    modality: 'CT',
    columns: SIZE,
    rows: SIZE,
    slices,
    spacing,
    rowCosine,
    columnCosine,
    normal: [0, 0, 1],
    planes: Array.from({ length: slices }, (_, k) => ({
      position: [origin, origin, -150 + k] as [number, number, number],
      rowCosine,
      columnCosine,
      pixelSpacing: pixelSpacingOf({ spacing }),
    })),
    locations: Array.from({ length: slices }, (_, k) => -150 + k),
    sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `${UID}.1.${k + 1}`),
    fileNames: Array.from({ length: slices }, (_, k) => `bench-${k}.dcm`),
    sliceData,
    loaded: new Uint8Array(slices).fill(1),
    defaultWindow: { center: 40, width: 400 },
    invert: false,
    range: { min: -1100, max: 500 },
    header: {
      patientName: 'Bench^Patient',
      patientID: 'BENCH-1',
      patientBirthDate: '19700101',
      patientSex: 'O',
      studyInstanceUID: UID,
      studyDate: '20260101',
      studyTime: '120000',
      referringPhysicianName: '',
      studyID: '1',
      accessionNumber: 'A1',
      studyDescription: 'Bench study',
      seriesInstanceUID: `${UID}.1`,
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
      frameOfReferenceUID: `${UID}.2`,
    },
  };
}

function emptyDocument(m: Modules, volume: Volume, labels: readonly Label[]): AnnotationDocument {
  return new m.AnnotationDocument({
    series: {
      studyInstanceUID: volume.studyInstanceUID,
      seriesInstanceUID: volume.seriesInstanceUID,
      sopInstanceUIDs: [...volume.sopInstanceUIDs],
      rows: volume.rows,
      columns: volume.columns,
      slices: volume.slices,
    },
    ops: m.REGION_OPS,
    labels,
  });
}

// ── long tasks ───────────────────────────────────────────────────────────

interface TaskSpan {
  start: number;
  duration: number;
}

/** Whether Chromium reports a deliberate 80 ms task as a 'longtask' entry. */
function longTaskObserverWorks(): Promise<boolean> {
  if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(ok);
    };
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.duration >= 70)) done(true);
    });
    observer.observe({ type: 'longtask' });
    setTimeout(() => {
      const end = performance.now() + 80;
      while (performance.now() < end) {
        // a deliberate long task
      }
    }, 0);
    const timer = setTimeout(() => done(false), 2000);
  });
}

/** Every 'longtask' entry from now until stop(). */
function watchLongTasks(): { stop(): Promise<TaskSpan[]> } {
  const spans: TaskSpan[] = [];
  const take = (entries: PerformanceEntryList) => entries.forEach((e) => spans.push({ start: e.startTime, duration: e.duration }));
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ type: 'longtask' });
  return {
    async stop() {
      await delay(100); // entries arrive a little after their task
      take(observer.takeRecords());
      observer.disconnect();
      return spans;
    },
  };
}

interface TimeWindow {
  from: number;
  to: number;
}

interface Longest {
  /** ms; 0 when no long task overlapped. */
  duration: number;
  /** Its start, ms after the start of the window it overlapped. */
  at: number;
  /** Which window. */
  window: number;
}

/** The longest task overlapping any of `windows`. */
function longestIn(spans: readonly TaskSpan[], windows: readonly TimeWindow[]): Longest {
  let best: Longest = { duration: 0, at: 0, window: -1 };
  for (const s of spans) {
    const i = windows.findIndex((w) => s.start + s.duration >= w.from && s.start <= w.to);
    if (i >= 0 && s.duration > best.duration) best = { duration: s.duration, at: s.start - windows[i]!.from, window: i };
  }
  return best;
}

function countIn(spans: readonly TaskSpan[], windows: readonly TimeWindow[]): number {
  return spans.filter((s) => windows.some((w) => s.start + s.duration >= w.from && s.start <= w.to)).length;
}

// ── helpers ──────────────────────────────────────────────────────────────

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function gunzipped(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Voxels per label id (index = id) of a labelmap whose empty slices are undefined. */
function histogram(slices: readonly (Uint8Array | undefined)[]): number[] {
  const counts = new Array<number>(256).fill(0);
  for (const s of slices) {
    if (!s) counts[0]! += SIZE * SIZE;
    else for (let i = 0; i < s.length; i++) counts[s[i]!]!++;
  }
  return counts;
}

// ── the exports ──────────────────────────────────────────────────────────

interface ExportRun {
  totalMs: number;
  /** exportSeries + document.snapshot(): main thread. */
  jobMs: number;
  /** runner.run's synchronous start. */
  startMs: number;
  window: TimeWindow;
  /** What segmark-annotator's export() hands its caller: made in the worker. */
  result: File;
}

/** A File's bytes (untimed). */
async function bytesOf(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/** One export as segmark-annotator's runExport does it. */
async function exportOnce(w: World, format: ExportFormat): Promise<ExportRun> {
  const t0 = performance.now();
  const job: ExportJob = { format, options: {}, series: w.m.exportSeries(w.volume), snapshot: w.doc.snapshot(), user: 'bench' };
  const t1 = performance.now();
  const pending = w.runner.run(job, w.volume.sliceData);
  const t2 = performance.now();
  const result = await pending;
  const t3 = performance.now();
  return { totalMs: t3 - t0, jobMs: t1 - t0, startMs: t2 - t1, window: { from: t0, to: t3 }, result };
}

/** What the exports' bytes must be (untimed): a gzip of the right size holding the labelmap, a SEG, a zip. */
async function checkResults(w: World, results: ReadonlyMap<ExportFormat, File>, expected: readonly number[]): Promise<void> {
  const raw = await gunzipped(await bytesOf(results.get('nifti')!));
  const voxels = SIZE * SIZE * w.volume.slices;
  if (raw.length !== 352 + voxels) throw new Error(`export: the .nii.gz holds ${raw.length} bytes, not 352 + ${voxels}`);
  const counts = histogram([raw.subarray(352)]);
  for (const id of LABEL_IDS) {
    if (counts[id] !== expected[id]) throw new Error(`export: label ${id} has ${counts[id]} voxels in the NIfTI, ${expected[id]} in the labelmap`);
  }
  const seg = await bytesOf(results.get('dicom-seg')!);
  if (String.fromCharCode(...seg.subarray(128, 132)) !== 'DICM') throw new Error('export: the SEG is not a Part 10 file');
  const zip = await bytesOf(results.get('dataset')!);
  if (zip[0] !== 0x50 || zip[1] !== 0x4b) throw new Error('export: the dataset package is not a zip');
}

/**
 * The steps of each export, one by one on this thread (outside the timed
 * windows), the cost of posting one CT chunk, and prototypes of faster paths.
 */
async function breakdown(w: World, started: number): Promise<{ parts: Metrics; map: (Uint8Array | undefined)[] }> {
  const { m, volume } = w;
  const over = () => performance.now() - started > STEP_BUDGET_MS;
  const job: ExportJob = { format: 'nifti', options: {}, series: m.exportSeries(volume), snapshot: w.doc.snapshot(), user: 'bench' };
  const labels = m.exportedLabels(job);
  const [map, labelmapMs] = time(() => m.labelmapOf(job, labels));
  const [raw, niftiRawMs] = time(() => m.niftiLabelmap(job.series, map, { compress: false }));
  // niftiLabelmap's two passes apart: the copy into one buffer, the scan for the highest id.
  const [, niftiCopyMs] = time(() => {
    const out = new Uint8Array(raw.length);
    map.forEach((slice, k) => slice && out.set(slice, 352 + k * slice.length));
    return out;
  });
  const [, niftiScanMs] = time(() => {
    let highest = 0;
    for (let i = 352; i < raw.length; i++) if (raw[i]! > highest) highest = raw[i]!;
    return highest;
  });
  const [, niftiFflateMs] = time(() => m.gzip(raw));
  const [, niftiFflate1Ms] = time(() => m.gzip(raw, 1));
  await delay(50);
  const [, niftiInPageMs] = await timeAsync(() => m.runExport(job));
  await delay(50);
  // A worker's fixed cost: spawn, module load, the job's round trip, for an export with nothing to do.
  const trip: number[] = [];
  for (let i = 0; i < 3; i++) trip.push((await timeAsync(() => w.runner.run({ ...job, format: 'coco', options: { labels: [] } }, [])))[1]);
  await delay(50);
  const [, segInPageMs] = await timeAsync(() => m.runExport({ ...job, format: 'dicom-seg' }));
  await delay(50);
  // Every slice allocated, as the labelmap was before empty slices became undefined.
  const pack = packPrototype(m, map.map((slice) => slice ?? new Uint8Array(SIZE * SIZE)));
  await delay(50);
  // The dataset: the CT written and gzipped with fflate level 1 (as exportDataset does), then
  // datasetPackage, whose own work is the labelmap's NIfTI gzipped with fflate (level 6) and the zip.
  const ct = volume.sliceData;
  const dataset: Metrics = {};
  if (!over()) {
    const [ctRaw, ctRawMs] = time(() => m.niftiVolume({ ...job.series, sliceData: ct }, { compress: false }));
    const [ctGz, ctGzipMs] = time(() => m.gzip(ctRaw, 1));
    Object.assign(dataset, { ctRawMs, ctGzipMs, ctGzipBytes: ctGz.length });
    await delay(50);
    const [, labelFflateMs] = time(() => m.niftiLabelmap(job.series, map));
    const [, packageMs] = time(() =>
      m.datasetPackage({ geometry: job.series, image: { nifti: ctGz }, labelmap: map, document: job.snapshot, source: job.series.header, annotator: { user: 'bench', role: '' } }),
    );
    Object.assign(dataset, { labelFflateMs, packageMs });
    await delay(50);
    if (!over()) {
      const [ctGz1, ctFflate1Ms] = time(() => m.gzipSync(ctRaw, { level: 1, mtime: 0 }));
      Object.assign(dataset, { ctFflate1Ms, ctFflate1Bytes: ctGz1.length });
      await delay(50);
    }
  }
  // One chunk of the runner, copied and transferred by postMessage (synchronous on the sender, as to a
  // worker); and, for comparison, serialized by postMessage as a clone.
  const channel = new MessageChannel();
  const chunkMs: number[] = [];
  const cloneMs: number[] = [];
  for (let start = 0; start < ct.length; start += CHUNK) {
    const t0 = performance.now();
    const slices = ct.slice(start, start + CHUNK).map((s) => s.slice());
    channel.port1.postMessage({ type: 'slices', start, slices }, slices.map((s) => s.buffer));
    chunkMs.push(performance.now() - t0);
    await delay(0);
    const t1 = performance.now();
    channel.port1.postMessage({ type: 'slices', start, slices: ct.slice(start, start + CHUNK) });
    cloneMs.push(performance.now() - t1);
    await delay(0);
  }
  channel.port1.close();
  channel.port2.close();
  return {
    map,
    parts: {
      labelmapMs,
      niftiRawMs,
      niftiCopyMs,
      niftiScanMs,
      niftiFflateMs,
      niftiFflate1Ms,
      niftiInPageMs,
      workerTripMs: median(trip),
      segInPageMs,
      segWriteMs: segInPageMs - labelmapMs,
      ...pack,
      ...dataset,
      chunkPostMaxMs: Math.max(...chunkMs),
      chunkPostP50Ms: median(chunkMs),
      chunkCloneMaxMs: Math.max(...cloneMs),
      chunkCloneP50Ms: median(cloneMs),
    },
  };
}

/**
 * writeSeg's packFrames calls packFrame on every (segment, slice): 5 × 300
 * full passes over 512² pixels, though 1,200 of them hold none of the
 * segment's pixels. The prototype: find the first and last pixel of the
 * value with the native indexOf/lastIndexOf, skip the slice when there is
 * none, and pack only between them. Same bits (checked).
 */
function packPrototype(m: Modules, map: readonly Uint8Array[]): Metrics {
  const pixels = SIZE * SIZE;
  const frames = LABEL_IDS.length * map.length;
  const now = new Uint8Array((frames * pixels) / 8);
  const fast = new Uint8Array((frames * pixels) / 8);
  let n = 0;
  const [countNow, packNowMs] = time(() => {
    let count = 0;
    for (const id of LABEL_IDS) for (const slice of map) if (m.packFrame(slice, id, now, n++ * pixels) > 0) count++;
    return count;
  });
  n = 0;
  const [countFast, packFastMs] = time(() => {
    let count = 0;
    for (const id of LABEL_IDS) {
      for (const slice of map) {
        const offset = n++ * pixels;
        const first = slice.indexOf(id);
        if (first < 0) continue;
        const last = slice.lastIndexOf(id);
        for (let i = first; i <= last; i++) {
          if (slice[i] !== id) continue;
          const bit = offset + i;
          fast[bit >>> 3]! |= 1 << (bit & 7);
        }
        count++;
      }
    }
    return count;
  });
  if (countNow !== countFast || now.some((b, i) => b !== fast[i])) throw new Error('export: the packing prototype gives other bits');
  return { packNowMs, packFastMs, packFrames: countNow };
}

// ── the import ───────────────────────────────────────────────────────────

async function measureImport(w: World, seg: Uint8Array, runs: number): Promise<Metrics> {
  const { m, volume } = w;
  const read: number[] = [];
  const apply: number[] = [];
  const total: number[] = [];
  const windows: TimeWindow[] = [];
  let first: number | null = null;
  const watch = longTasksWork ? watchLongTasks() : undefined;
  let regions = 0;
  for (let i = 0; i <= runs; i++) {
    const fresh = emptyDocument(m, volume, w.labels);
    await delay(PAUSE_MS);
    // As segmark-annotator's importMask: the file's bytes (a copy, handed over) read and traced in the worker.
    const bytes = seg.slice();
    const t0 = performance.now();
    const imported = await w.runner.readMask(bytes, volume, 'bench-seg.dcm');
    const t1 = performance.now();
    const summary = m.applyImport(fresh, imported, { historyLabel: 'Import bench-seg.dcm' });
    const t2 = performance.now();
    windows.push({ from: t0, to: t2 });
    regions = summary.regions;
    if (summary.labels.some((l) => l.created)) throw new Error('export: the import created labels instead of matching the lumbar ones');
    if (i === 0) first = t2 - t0;
    else {
      read.push(t1 - t0);
      apply.push(t2 - t1);
      total.push(t2 - t0);
    }
  }
  const spans = (await watch?.stop()) ?? [];
  await delay(PAUSE_MS);
  const longest = longestIn(spans, windows);
  return {
    importMs: median(total),
    importReadMs: median(read),
    importApplyMs: median(apply),
    importFirstMs: first,
    importLongestTaskMs: watch ? longest.duration : null,
    importLongestTaskRun: longest.window,
    importRegions: regions,
    ...importParts(m, volume, seg),
  };
}

/**
 * The import's parts, once: readSeg (its unpackFrame bit by bit), readSegPlanes,
 * every mask traced by maskToRegion; and two prototypes — unpacking byte by
 * byte (skipping zero bytes), and maskToRegion on the rows that hold pixels
 * only (the rings then moved down by the first row). Both checked.
 */
function importParts(m: Modules, volume: Volume, seg: Uint8Array): Metrics {
  const [file, readSegMs] = time(() => m.readSeg(seg, 'bench-seg.dcm'));
  const [, readPlanesMs] = time(() => m.readSegPlanes(seg, 'bench-seg.dcm'));
  const pixels = volume.columns * volume.rows;
  const frames = file.frames.length;
  // The frames' packed bits again (as in the file), to unpack them both ways.
  const packed = new Uint8Array((frames * pixels) / 8);
  file.frames.forEach((f, i) => m.packFrame(f.mask, 1, packed, i * pixels));
  const [slow, unpackNowMs] = time(() => file.frames.map((_, i) => m.unpackFrame(packed, i * pixels, pixels)));
  const [fast, unpackFastMs] = time(() =>
    file.frames.map((_, i) => {
      const out = new Uint8Array(pixels);
      const from = (i * pixels) / 8;
      for (let b = 0; b < pixels / 8; b++) {
        const byte = packed[from + b]!;
        if (byte === 0) continue;
        for (let j = 0; j < 8; j++) out[b * 8 + j] = (byte >>> j) & 1;
      }
      return out;
    }),
  );
  if (slow.some((s, i) => s.some((v, p) => v !== fast[i]![p]))) throw new Error('export: the unpacking prototype differs');
  const masks = file.frames.map((f) => f.mask);
  const [full, contourMs] = time(() => masks.map((mask) => m.maskToRegion(mask, volume.columns, volume.rows)));
  const [cropped, contourCropMs] = time(() =>
    masks.map((mask) => {
      const first = mask.indexOf(1);
      if (first < 0) return { rings: [] };
      const r0 = Math.floor(first / volume.columns);
      const r1 = Math.floor(mask.lastIndexOf(1) / volume.columns);
      const region = m.maskToRegion(mask.subarray(r0 * volume.columns, (r1 + 1) * volume.columns), volume.columns, r1 - r0 + 1);
      return { rings: region.rings.map((ring) => ring.map((v, j) => (j % 2 ? v + r0 : v))) };
    }),
  );
  if (JSON.stringify(full) !== JSON.stringify(cropped)) throw new Error('export: the cropped maskToRegion prototype differs');
  return { importFrames: frames, importReadSegMs: readSegMs, importReadPlanesMs: readPlanesMs, unpackNowMs, unpackFastMs, importContourMs: contourMs, importContourCropMs: contourCropMs };
}

// ── the scenario ─────────────────────────────────────────────────────────

export async function setup(ctx: BenchContext): Promise<SetupResult> {
  let m: Modules;
  try {
    m = await importModules();
  } catch (error) {
    return { skip: `importing the export modules failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof Worker === 'undefined') return { skip: 'no Web Worker in this page' };
  longTasksWork = await longTaskObserverWorks();
  ctx.note(
    longTasksWork
      ? "export: long tasks from a PerformanceObserver on 'longtask' (checked in setup: an 80 ms task was reported)"
      : "export: 'longtask' entries are not reported here: the longest-task rows are n/a",
  );
  // The warm-up only needs every code path once: 5 labels × 4 slices on 20 slices.
  const span = ctx.warmup ? 4 : SPAN;
  const slices = LABEL_IDS.length * span;
  if (!ctx.warmup && slices !== SLICES) throw new Error(`export: ${LABEL_IDS.length} × ${span} slices is not ${SLICES}`);
  const sliceData: Int16Array[] = [];
  for (let k = 0; k < slices; k++) {
    sliceData.push(ctSlice(SIZE, SIZE, k));
    if (k % 10 === 9) await delay(0);
  }
  const volume = makeVolume(slices, sliceData);
  const labels = pickLabels(m.labelsFromTemplate(m.LUMBAR_SPINE_TEMPLATE), LABEL_IDS);
  const empty = emptyDocument(m, volume, labels).snapshot();
  const snapshot = discDocument({ empty, labelIds: LABEL_IDS, span, normalizeRegion: m.normalizeRegion });
  world?.runner.dispose();
  world = { m, volume, doc: m.AnnotationDocument.fromSnapshot(snapshot, m.REGION_OPS), labels, runner: new m.ExportRunner() };
  results = undefined;
  return {};
}

/** The last result of each format, kept from load() for afterLoad(). */
let results: Map<ExportFormat, File> | undefined;

/** The timed exports: every format in turn, `1 + warm` rounds (the dataset's warm runs capped by DATASET_WARM). */
export async function load(ctx: BenchContext): Promise<Metrics> {
  const w = world;
  if (!w) throw new Error('export: setup() did not run');
  const t0 = performance.now();
  const runs = new Map<ExportFormat, ExportRun[]>(FORMATS.map((f) => [f, []]));
  const last = new Map<ExportFormat, File>();
  const watch = longTasksWork ? watchLongTasks() : undefined;
  await delay(PAUSE_MS);
  for (let round = 0; round <= (ctx.warmup ? 0 : REPEATS); round++) {
    for (const format of FORMATS) {
      if (format === 'dataset' && round > DATASET_WARM) continue;
      // Every format has its cold run; warm runs only while the step's budget lasts.
      if (round > 0 && performance.now() - t0 > STEP_BUDGET_MS) continue;
      const run = await exportOnce(w, format);
      runs.get(format)!.push(run);
      last.set(format, run.result);
      await delay(PAUSE_MS);
    }
  }
  const spans = (await watch?.stop()) ?? [];
  const metrics: Metrics = {};
  const all: TimeWindow[] = [];
  let worst: { format: (typeof FORMATS)[number]; longest: Longest } | undefined;
  for (const format of FORMATS) {
    const list = runs.get(format)!;
    const warm = list.slice(1);
    const key = KEY[format];
    const windows = list.map((r) => r.window);
    all.push(...windows);
    const longest = longestIn(spans, windows);
    if (!worst || longest.duration > worst.longest.duration) worst = { format, longest };
    metrics[`${key}Ms`] = median((warm.length ? warm : list).map((r) => r.totalMs));
    metrics[`${key}FirstMs`] = list[0]!.totalMs;
    metrics[`${key}Runs`] = list.length;
    metrics[`${key}JobMs`] = median(list.map((r) => r.jobMs));
    metrics[`${key}StartMs`] = median(list.map((r) => r.startMs));
    metrics[`${key}LongestTaskMs`] = watch ? longest.duration : null;
    metrics[`${key}LongestTaskAtMs`] = watch && longest.window >= 0 ? longest.at : null;
    metrics[`${key}LongTasks`] = watch ? countIn(spans, windows) : null;
    metrics[`${key}Bytes`] = last.get(format)!.size;
  }
  metrics.longestTaskMs = watch ? worst!.longest.duration : null;
  metrics.longestTaskFormat = worst && worst.longest.window >= 0 ? FORMATS.indexOf(worst.format) : null;
  metrics.longTaskCount = watch ? countIn(spans, all) : null;
  results = last;
  return { ...metrics, allMs: performance.now() - t0 };
}

/** Untimed checks, the breakdown of each export, and the SEG import. */
export async function afterLoad(ctx: BenchContext): Promise<Metrics> {
  const w = world;
  if (!w || !results) throw new Error('export: load() did not run');
  const started = performance.now();
  await delay(PAUSE_MS);
  // The import first (its rows), then the breakdown within what is left of the budget.
  const imported = await measureImport(w, await bytesOf(results.get('dicom-seg')!), ctx.warmup ? 0 : REPEATS);
  await delay(PAUSE_MS);
  const { parts, map } = await breakdown(w, started);
  await checkResults(w, results, histogram(map));
  if (imported.importFrames !== LABEL_IDS.length * (w.volume.slices / LABEL_IDS.length)) {
    throw new Error(`export: the SEG has ${imported.importFrames} frames, not one per (label, slice)`);
  }
  if (imported.importRegions !== imported.importFrames) throw new Error(`export: the import gave ${imported.importRegions} regions for ${imported.importFrames} frames`);
  return { ...parts, ...imported };
}

const scenario: PageScenario = { setup, load, afterLoad };
export default scenario;
