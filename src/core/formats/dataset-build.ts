/**
 * A whole nnU-Net v2 dataset from many cases, written one case at a time
 * into a sink (`dataset-sinks.ts`: a folder the user picked, or a zip in
 * parts), so memory holds about one case whatever the dataset's size:
 *
 *     Dataset<NNN>_<Name>/imagesTr/<case>_0000.nii.gz   training cases' CT
 *     Dataset<NNN>_<Name>/labelsTr/<case>.nii.gz
 *     Dataset<NNN>_<Name>/imagesTs/<case>_0000.nii.gz   test cases' CT
 *     Dataset<NNN>_<Name>/labelsTs/<case>.nii.gz        test labels, for evaluation (nnU-Net needs none)
 *     Dataset<NNN>_<Name>/provenance/<case>.json        per case: provenance and checklist (ours)
 *     Dataset<NNN>_<Name>/provenance.json               the build: definition, cases, split (ours)
 *     Dataset<NNN>_<Name>/dataset.json                  written last
 *
 * Label values come from the definition (`dataset-definition.ts`), by code:
 * the same in every case and every build, and dataset.json lists every
 * label of the definition (retired ones too, so values stay consecutive).
 * Case ids are the definition's pseudonyms; the split is the definition's.
 * Everything is de-identified with the definition's secret, so UIDs are
 * replaced the same way on every build. A case whose acquired grid a NIfTI
 * affine would misplace (uneven steps, gantry tilt) is written on a regular
 * grid by default, as the single-case package is (`resample.ts`); its record
 * says which grid.
 *
 * Resume: a case's provenance record is written after its images, so a
 * case whose record exists in the sink is complete and is skipped; a build
 * cut off midway is run again and writes only what is missing. (The record
 * does not say which document version it was made from: after changing a
 * case, build into a fresh folder, or remove the case's record.)
 */
import { version as packageVersion } from '../../../package.json';
import type { DocumentSnapshot } from '../annotation/document-data.js';
import type { Label } from '../annotation/labels.js';
import { SegmarkError, throwIfAborted } from '../errors.js';
import { yieldToEventLoop } from '../util/concurrency.js';
import { exportChecklist, type ChecklistFinding } from './checklist.js';
import { crc32Combine } from './crc32.js';
import {
  caseSplit,
  codeKey,
  datasetFolder,
  publicDefinition,
  validateDefinition,
  type DatasetDefinition,
  type DefinitionCase,
} from './dataset-definition.js';
import { remapLabelmap, type DatasetLabel } from './dataset-labels.js';
import { buildProvenance } from './dataset-provenance.js';
import { Deidentifier } from './deidentify.js';
import { deidentifyJson, type JsonValue } from './deidentify-json.js';
import { EXPORT_GZIP_LEVEL, labelmapOf, type ExportSeries } from './export-job.js';
import { PartDeflater } from './gzip-parts.js';
import { highestLabel, littleEndian, niftiLabelmap, niftiLabelmapOfSlices, niftiVolumePieces, type NiftiVolumeInput, type NiftiWriteOptions } from './nifti.js';
import { gridMisplacements, niftiFindings, type NiftiGeometry } from './nifti-space.js';
import { LabelResampler, resampleCtSlice, resampleGrid, type ResampleGrid } from './resample.js';

export const BUILD_FORMAT = 'segmark-dataset-build';
export const BUILD_VERSION = 1;

/**
 * A file's content: its bytes, or its pieces in order (never copied together
 * by the builder). Pieces may be made while the sink takes them (an async
 * iterable, read once): the CT's compressed pieces come as its slices are
 * deflated, so a sink that passes each on and drops it never holds the file.
 */
export type SinkData = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Where a build writes: paths are `/`-separated and start with the dataset folder. */
export interface DatasetSink {
  /** Whether an earlier build wrote `path` completely (asked only of each case's record, which is written last). */
  exists(path: string): Promise<boolean>;
  /** Writes the whole file, reading its pieces once, in order; it counts as existing only once this resolves. */
  write(path: string, data: SinkData, signal?: AbortSignal): Promise<void>;
  /** A case's files are all written: a sink may settle them here (a zip closes a full part). */
  caseDone?(): Promise<void>;
  /** The build is complete. */
  finish?(): Promise<void>;
  /** The build stops (cancelled or failed): drop what is half written. */
  abort?(): Promise<void>;
}

/** What the builder needs of one case: what a single-case export gets (`ExportJob`) and its CT. */
export interface DatasetCaseData {
  /** Geometry and header; a loaded `Volume` fits (`exportSeries` makes a plain copy). */
  readonly series: ExportSeries;
  /** The stored document of the case. */
  readonly snapshot: DocumentSnapshot;
  /** Slice k's HU, `rows·cols`; asked once per slice, in order. */
  readonly ct: (k: number) => Int16Array;
  readonly user: string;
  readonly role?: string;
  /** The document's creation and last change. */
  readonly created?: Date;
  readonly updated?: Date;
  /**
   * Called once the builder is done with the case (written, left out or
   * failed), before it asks for the next: the loader may reuse the CT's
   * memory for the next case. A dropped 157 MB volume is collected only by a
   * full GC, which the page rarely gets to before the next one is allocated,
   * so a loader that makes a new one per case holds two.
   */
  readonly release?: () => void;
}

/** Fetches a case (from the image cache, the PACS …) when the build reaches it, and only then. */
export type CaseLoader = (entry: DefinitionCase, signal: AbortSignal | undefined) => Promise<DatasetCaseData>;

export type BuildStep = 'loading' | 'writing' | 'written' | 'skipped' | 'left-out' | 'finished';

export interface BuildProgress {
  readonly step: BuildStep;
  /** Cases in this build. */
  readonly total: number;
  /** Cases finished so far (written, skipped or left out). */
  readonly done: number;
  /** The case concerned; absent for 'finished'. */
  readonly caseId?: string;
}

export interface BuildOptions {
  /** Only these cases (pseudonyms), in definition order; default every case of the definition. */
  cases?: readonly string[];
  /**
   * A case with blocking checklist findings: 'stop' (default) fails the build
   * with `dataset-export-invalid` naming the case and findings before any of
   * its files is written; 'skip' leaves it out and says so in the result and
   * provenance; 'include' writes it, its record listing the findings.
   */
  blocked?: 'stop' | 'skip' | 'include';
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
  /** The build time in the records; now by default. */
  now?: Date;
  /**
   * The grid each case is written on. 'auto' (default), as the single-case
   * package: a regular grid along the plane normal (`resample.ts`) where the
   * acquired one would misplace voxels by more than half a voxel (uneven
   * steps, gantry tilt: `gridMisplacements`), the acquired slices otherwise.
   */
  grid?: GridChoice;
}

export type GridChoice = 'auto' | 'acquired' | 'resampled';

export interface BuiltCase {
  readonly caseId: string;
  readonly split: 'train' | 'test';
  /** written now, skipped (already in the sink), or left out for blocking findings. */
  readonly outcome: 'written' | 'skipped' | 'left-out';
  /** The checklist of a case loaded in this build; absent for skipped cases. */
  readonly findings?: readonly ChecklistFinding[];
}

export interface BuildResult {
  readonly folder: string;
  readonly cases: readonly BuiltCase[];
  /** Training cases in the dataset (dataset.json's numTraining). */
  readonly numTraining: number;
  readonly numTest: number;
}

/** Paths of a case's files inside the dataset folder. */
export function casePaths(caseId: string, split: 'train' | 'test'): { image: string; label: string; record: string } {
  const [images, labels] = split === 'train' ? ['imagesTr', 'labelsTr'] : ['imagesTs', 'labelsTs'];
  return { image: `${images}/${caseId}_0000.nii.gz`, label: `${labels}/${caseId}.nii.gz`, record: `provenance/${caseId}.json` };
}

/** nnU-Net's dataset.json for the definition: every label, numTraining as given. */
export function nnunetDatasetJson(def: DatasetDefinition, numTraining: number): JsonValue {
  return {
    channel_names: { ...def.channelNames },
    labels: Object.fromEntries([['background', 0], ...def.labels.map((l) => [l.name, l.value])]),
    numTraining,
    file_ending: def.fileEnding,
    name: def.name,
    description: def.description || `Exported by Segmark ${packageVersion}; see provenance.json`,
  };
}

/** Builds the dataset of `definition` into `sink`, one case at a time (see the module comment). */
export async function buildDataset(definition: DatasetDefinition, load: CaseLoader, sink: DatasetSink, options: BuildOptions = {}): Promise<BuildResult> {
  const def = validateDefinition(definition);
  const { signal, onProgress } = options;
  const folder = datasetFolder(def);
  const picked = pickCases(def, options.cases);
  const now = options.now ?? new Date();
  const results: BuiltCase[] = [];
  const report = (step: BuildStep, caseId?: string) => onProgress?.({ step, total: picked.length, done: results.length, ...(caseId ? { caseId } : {}) });
  try {
    for (const entry of picked) {
      throwIfAborted(signal);
      const split = caseSplit(def, entry);
      const paths = casePaths(entry.id, split);
      if (await sink.exists(`${folder}/${paths.record}`)) {
        results.push({ caseId: entry.id, split, outcome: 'skipped' });
        report('skipped', entry.id);
        continue;
      }
      report('loading', entry.id);
      const data = await load(entry, signal);
      try {
        throwIfAborted(signal);
        const prepared = prepareCase(def, entry, data, options.grid ?? 'auto');
        const blocking = prepared.findings.filter((f) => f.severity === 'block');
        if (blocking.length && (options.blocked ?? 'stop') !== 'include') {
          if ((options.blocked ?? 'stop') === 'stop') {
            throw new SegmarkError('dataset-export-invalid', `case ${entry.id}: ${blocking.map((f) => f.detail).join('; ')}`, {
              params: { field: `cases.${entry.id}`, case: entry.id, findings: blocking.map((f) => f.code).join(',') },
            });
          }
          results.push({ caseId: entry.id, split, outcome: 'left-out', findings: prepared.findings });
          report('left-out', entry.id);
          continue;
        }
        report('writing', entry.id);
        await writeCase(def, entry, split, paths, data, prepared, sink, { now, signal });
        results.push({ caseId: entry.id, split, outcome: 'written', findings: prepared.findings });
        report('written', entry.id);
      } finally {
        data.release?.();
      }
    }
    throwIfAborted(signal);
    const inDataset = results.filter((r) => r.outcome !== 'left-out');
    const numTraining = inDataset.filter((r) => r.split === 'train').length;
    await sink.write(`${folder}/provenance.json`, json(buildRecord(def, results, now)), signal);
    // Last: a folder with dataset.json is a finished dataset.
    await sink.write(`${folder}/dataset.json`, json(nnunetDatasetJson(def, numTraining)), signal);
    await sink.finish?.();
    report('finished');
    return { folder, cases: results, numTraining, numTest: inDataset.length - numTraining };
  } catch (error) {
    await sink.abort?.().catch(() => {});
    throw error;
  }
}

function pickCases(def: DatasetDefinition, ids: readonly string[] | undefined): DefinitionCase[] {
  if (!ids) return [...def.cases];
  const known = new Set(def.cases.map((c) => c.id));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown !== undefined) throw new SegmarkError('dataset-export-invalid', `no case ${unknown} in the definition`, { params: { field: 'cases' } });
  const wanted = new Set(ids);
  return def.cases.filter((c) => wanted.has(c.id));
}

interface PreparedCase {
  /** The document's labels that go into the dataset (in the definition, not retired), with their dataset values. */
  readonly labels: readonly Label[];
  readonly datasetLabels: readonly DatasetLabel[];
  /** The snapshot with only those labels and their regions. */
  readonly snapshot: DocumentSnapshot;
  readonly findings: readonly ChecklistFinding[];
  /** Labels of retired codes, left out of the label image. */
  readonly retired: readonly string[];
  /** The regular grid the case is written on, or undefined for the acquired slices. */
  readonly grid: ResampleGrid | undefined;
}

/** Checks the case against its definition entry and maps its labels by code. */
function prepareCase(def: DatasetDefinition, entry: DefinitionCase, data: DatasetCaseData, gridChoice: GridChoice): PreparedCase {
  const { series, snapshot } = data;
  const bad = (field: string, detail: string): never => {
    throw new SegmarkError('dataset-export-invalid', `case ${entry.id}: ${field}: ${detail}`, { params: { field: `cases.${entry.id}.${field}`, case: entry.id } });
  };
  const s = snapshot.series;
  if (s.studyInstanceUID !== entry.studyInstanceUID || s.seriesInstanceUID !== entry.seriesInstanceUID) bad('document.series', 'the document belongs to another series');
  if (series.header.seriesInstanceUID !== entry.seriesInstanceUID) bad('series', 'the images belong to another series');
  if (s.rows !== series.rows || s.columns !== series.columns || s.slices !== series.slices) {
    bad('document.series', `${s.columns}×${s.rows}×${s.slices} for a ${series.columns}×${series.rows}×${series.slices} series`);
  }
  const byKey = new Map(def.labels.map((l) => [l.key, l]));
  const used = new Map<string, string>();
  const labels: Label[] = [];
  const datasetLabels: DatasetLabel[] = [];
  const retired: string[] = [];
  const drawn = new Set(snapshot.regions.map((r) => r.labelId));
  (snapshot.labels as unknown as Label[]).forEach((label, i) => {
    const key = codeKey(label.code);
    const mapped = byKey.get(key);
    if (!mapped) return bad(`labels[${i}]`, `"${label.name}" (${key}) is not in the dataset definition: add the case again to add its labels`);
    if (used.has(key)) bad(`labels[${i}]`, `"${label.name}" and "${used.get(key)}" have the same code ${key}`);
    used.set(key, label.name);
    if (mapped.retired) {
      retired.push(mapped.name);
      return;
    }
    // A label with nothing drawn in this case is simply absent from it (dataset.json lists every label of the
    // definition): a case of L4/L5 alone is not blocked by the template's other, empty discs.
    if (!drawn.has(label.id)) return;
    labels.push(label);
    datasetLabels.push({ value: mapped.value, originalId: label.id, name: mapped.name });
  });
  const ids = new Set(labels.map((l) => l.id));
  const kept: DocumentSnapshot = { ...snapshot, labels: snapshot.labels.filter((l) => ids.has(l.id)), regions: snapshot.regions.filter((r) => ids.has(r.labelId)) };
  const resampled = gridChoice === 'resampled' || (gridChoice === 'auto' && gridMisplacements(series).length > 0);
  // A variable, not a literal: `grid` is an export option the checklist reads where it knows it.
  const checklistOptions = { labels: [...ids], grid: resampled ? ('resampled' as const) : ('acquired' as const) };
  const findings = exportChecklist({ format: 'dataset', options: checklistOptions, series, snapshot: kept });
  return { labels, datasetLabels, snapshot: kept, findings, retired, grid: resampled ? resampleGrid(series) : undefined };
}

async function writeCase(
  def: DatasetDefinition,
  entry: DefinitionCase,
  split: 'train' | 'test',
  paths: ReturnType<typeof casePaths>,
  data: DatasetCaseData,
  prepared: PreparedCase,
  sink: DatasetSink,
  { now, signal }: { now: Date; signal: AbortSignal | undefined },
): Promise<void> {
  const folder = datasetFolder(def);
  const { series } = data;
  const level: NiftiWriteOptions = { level: EXPORT_GZIP_LEVEL };
  const grid = prepared.grid;

  // The label image first (small), then the CT, written as its slices come: no raw copy of the volume is made.
  const labelmap = remapLabelmap(labelmapOf({ series, snapshot: prepared.snapshot }, prepared.labels), prepared.datasetLabels);
  let labelFile: Uint8Array;
  if (grid) {
    const resampler = new LabelResampler(grid, (k) => labelmap[k]);
    labelFile = niftiLabelmapOfSlices(grid.geometry, (t) => resampler.slice(t), highestLabel(labelmap), level);
  } else {
    labelFile = niftiLabelmap(series, labelmap, level);
  }
  await sink.write(`${folder}/${paths.label}`, labelFile, signal);
  throwIfAborted(signal);
  const window = series.defaultWindow ? { defaultWindow: series.defaultWindow } : {};
  const image = grid
    ? ctStream({ ...grid.geometry, ...window }, (t) => resampleCtSlice(grid, t, data.ct, paddingOf(series)), signal)
    : ctStream({ ...geometryOf(series), ...window }, (k) => data.ct(k), signal);
  await sink.write(`${folder}/${paths.image}`, image, signal);
  throwIfAborted(signal);

  const deidentifier = new Deidentifier({ caseId: entry.id, secret: def.secret });
  const provenance = buildProvenance({
    appVersion: packageVersion,
    folder,
    caseId: entry.id,
    files: { image: paths.image, label: paths.label },
    annotator: { user: data.user, role: data.role ?? '' },
    created: data.created,
    updated: data.updated,
    exported: now,
    document: prepared.snapshot,
    labels: prepared.datasetLabels,
    source: series.header,
    shape: grid ? [grid.geometry.columns, grid.geometry.rows, grid.geometry.slices] : [series.columns, series.rows, series.slices],
    findings: niftiFindings(series),
    deidentifier,
  });
  const record: JsonValue = {
    format: BUILD_FORMAT,
    version: BUILD_VERSION,
    case: entry.id,
    split,
    // The grid the files are on: the acquired slices, or a regular grid along the plane normal (`resample.ts`).
    grid: grid
      ? { kind: 'resampled', rule: grid.rule, step: grid.step, slices: grid.geometry.slices, acquiredSlices: series.slices }
      : { kind: 'acquired', slices: series.slices },
    provenance,
    checklist: prepared.findings.map(findingJson),
    ...(prepared.retired.length ? { retiredLabelsLeftOut: [...prepared.retired] } : {}),
  };
  // Written last: its presence marks the case complete (resume).
  await sink.write(`${folder}/${paths.record}`, json(deidentifyJson(record, deidentifier)), signal);
  await sink.caseDone?.();
}

function findingJson(f: ChecklistFinding): JsonValue {
  return {
    code: f.code,
    severity: f.severity,
    ...(f.labelId !== undefined ? { labelId: f.labelId } : {}),
    ...(f.slices ? { slices: [...f.slices] } : {}),
    params: { ...f.params },
    detail: f.detail,
  };
}

/** The dataset-level record: the shareable definition, each case's side and outcome, what de-identification did. */
function buildRecord(def: DatasetDefinition, cases: readonly BuiltCase[], now: Date): JsonValue {
  const d = new Deidentifier({ caseId: datasetFolder(def), secret: def.secret });
  const record: JsonValue = {
    format: BUILD_FORMAT,
    version: BUILD_VERSION,
    app: { name: 'Segmark', version: packageVersion },
    exported: now.toISOString(),
    definition: publicDefinition(def) as unknown as JsonValue,
    deidentification: { method: d.method, methodCodes: d.methodCodes.map((c) => ({ ...c })), dates: d.dates },
    cases: cases.map((c) => {
      const paths = casePaths(c.caseId, c.split);
      return {
        case: c.caseId,
        split: c.split,
        outcome: c.outcome,
        ...(c.outcome === 'left-out' ? {} : { files: { image: paths.image, label: paths.label, record: paths.record } }),
        ...(c.findings
          ? { checklist: { blocking: c.findings.filter((f) => f.severity === 'block').map((f) => f.code), notes: c.findings.filter((f) => f.severity === 'note').map((f) => f.code) } }
          : {}),
      };
    }),
  };
  return deidentifyJson(record, d);
}

/** Uncompressed CT bytes per DEFLATE part (16 slices of 512² int16): the pieces a sink holds at once, and how often the page gets a turn. */
const CT_PART_BYTES = 8 << 20;

/**
 * The CT's .nii.gz as its pieces, made while the sink takes them: slices are
 * deflated as they come (no raw copy of the volume) into independent parts
 * of CT_PART_BYTES (one gzip member, as pigz makes: `gzip-parts.ts`), and
 * each part's pieces go to the sink as soon as it is finished. A sink that
 * writes and drops them (a folder) never holds the compressed file, which
 * measured at over half the CT's own size; between parts the page gets a
 * turn, so it stays responsive and the collector can free what was written.
 *
 * The gzip and NIfTI headers before the voxels and the gzip trailer after
 * them come from `niftiVolumePieces` (one encoding of the format): its pieces
 * are the headers, the parts' chunks, and the end block and trailer; given
 * parts without chunks, it makes the headers (which depend only on the
 * geometry) up front and, once the CRC of the voxels is known, the trailer.
 */
async function* ctStream(
  volume: Omit<NiftiVolumeInput, 'sliceData' | 'loaded'>,
  slice: (k: number) => Int16Array,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const voxelBytes = volume.columns * volume.rows * volume.slices * 2;
  const framing = (crc: number) => niftiVolumePieces(volume, [{ chunks: [], crc, length: voxelBytes }], EXPORT_GZIP_LEVEL).pieces;
  // The headers: all but the last two pieces (the end block and the trailer, whose CRC is not known yet).
  yield* framing(0).slice(0, -2);
  let crc = 0;
  let gz = new PartDeflater(EXPORT_GZIP_LEVEL);
  for (let k = 0; k < volume.slices; k++) {
    gz.push(littleEndian(slice(k)));
    if (gz.length < CT_PART_BYTES && k < volume.slices - 1) continue;
    const part = gz.finish();
    crc = crc32Combine(crc, part.crc, part.length);
    gz = new PartDeflater(EXPORT_GZIP_LEVEL);
    yield* part.chunks;
    await yieldToEventLoop();
    throwIfAborted(signal);
  }
  yield* framing(crc).slice(-2);
}

/** Plain geometry of the series (a `Volume` passed as the series carries its voxels too). */
function geometryOf(s: ExportSeries): NiftiGeometry {
  return { columns: s.columns, rows: s.rows, slices: s.slices, spacing: s.spacing, rowCosine: s.rowCosine, columnCosine: s.columnCosine, planes: s.planes };
}

/** What a resampled CT holds outside the acquired slices: the series' padding value where known, else air for CT. */
function paddingOf(s: ExportSeries): number {
  const padding = (s as { readonly paddingValue?: number }).paddingValue;
  return padding ?? (s.modality === 'CT' ? -1024 : 0);
}

const encoder = new TextEncoder();

function json(value: JsonValue): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}
