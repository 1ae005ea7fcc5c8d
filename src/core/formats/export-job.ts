/**
 * One export, as plain data a worker can receive: the series' geometry and
 * header, the document snapshot (regions are rasterized here, so the page
 * sends polygons, not 80 MB of labelmap), and the options. `runExport` turns
 * it into the file's bytes; the CT slices, when a format needs them, come
 * from a function so the caller decides how they arrive.
 */
import { rasterizeRegion } from '../annotation/rasterize.js';
import type { DocumentSnapshot } from '../annotation/document-data.js';
import type { Label } from '../annotation/labels.js';
import type { SeriesHeader } from '../dicom/types.js';
import { pixelSpacingOf } from '../dicom/volume.js';
import { SegmarkError } from '../errors.js';
import { concat, type DeflatePart } from './gzip-parts.js';
import { highestLabel, niftiLabelmap, niftiLabelmapOfSlices, niftiVolume, niftiVolumeOfSlices, niftiVolumePieces, type NiftiWriteOptions, type SparseSlices } from './nifti.js';
import { niftiLabelSidecar, type LabelProvenanceJson } from './nifti-sidecar.js';
import { deidentifyJson } from './deidentify-json.js';
import { gridMisplacements, type NiftiGeometry } from './nifti-space.js';
import { LabelResampler, resampleCtSlice, resampleGrid, type ResampleGrid } from './resample.js';
import { datasetLabels, remapLabelmap } from './dataset-labels.js';
import { writeSeg } from './seg.js';
import type { SegSegment, SegSlice, SegWriteInput } from './seg-input.js';
import { withSourceUids } from './seg-checks.js';
import { cocoJsonString } from './coco.js';
import { datasetLabelNifti, datasetPackagePieces } from './dataset.js';
import { Deidentifier } from './deidentify.js';
import { deidentifySegInput } from './deidentify-seg.js';
import { fileName } from './file-names.js';
import { pngMaskZip } from './png-masks.js';
import { zipPieces, type ZipEntry } from './zip.js';
import { missedByLabel, provenanceJson, regionsByLabel, segmentAlgorithm } from './region-provenance.js';

export const EXPORT_FORMATS = ['nifti', 'dicom-seg', 'png-zip', 'coco', 'dataset'] as const;

/** gzip level of exported NIfTI: 1 is several times faster than 6 on CT, for files about 2 % larger. */
export const EXPORT_GZIP_LEVEL = 1;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportGrid = 'acquired' | 'resampled';

export interface ExportOptions {
  /** Labels to export (ids); default every label of the document. */
  labels?: readonly number[];
  /**
   * NIfTI: a zip with the labelmap, its label sidecar (labels.json) and, with
   * `image`, the CT volume — instead of the bare labelmap .nii.gz.
   */
  bundle?: boolean;
  /** NIfTI: include the CT volume as int16 HU (implies `bundle`). */
  image?: boolean;
  /**
   * NIfTI and the dataset package: the grid the files are written on.
   * `acquired`: the slices as acquired (an uneven or tilted series is then
   * placed only approximately, see the checklist); `resampled`: a regular
   * grid along the image plane's normal (`resample.ts`), exact in sform and
   * qform. Default `acquired` for NIfTI; for the dataset package `resampled`
   * where the acquired grid would misplace voxels by more than half a voxel.
   */
  grid?: ExportGrid;
  /** Base of the file names; default from the series description. */
  name?: string;
  /**
   * Remove or replace patient data (DICOM basic confidentiality profile):
   * the case id for names, consistent replacement UIDs, dates removed.
   * Default off, except for the dataset package (default on).
   */
  deidentify?: boolean;
  /** The case id that replaces the patient when de-identifying, and names the dataset case. Default "case_0001". */
  caseId?: string;
  /** Keys UID replacement, so two exports of a case link up; keep it out of the data. Default: random per export. */
  secret?: string;
  /** PNG masks: one 0/255 mask per label instead of label-valued PNGs. */
  perLabel?: boolean;
  /** PNG masks: also the CT, windowed 8-bit (with `window`) or raw 16-bit (HU + 32768). */
  pngImage?: 'windowed' | 'raw16';
  window?: { center: number; width: number };
  /** COCO: every annotation as RLE (default: polygons where exact). */
  rle?: boolean;
  /** Dataset package: nnU-Net dataset id (1..999) and name. */
  datasetId?: number;
  datasetName?: string;
}

/** What an export needs to know about the series; a loaded `Volume` has all of it. */
export interface ExportSeries extends NiftiGeometry {
  readonly description: string;
  readonly modality: string;
  readonly sopInstanceUIDs: readonly string[];
  readonly header: SeriesHeader;
  readonly defaultWindow?: { readonly center: number; readonly width: number } | undefined;
  /** The CT's padding value in HU as stored (a `Volume` has it): stated in labels.json, and what a resampled CT holds outside the acquired slices. */
  readonly paddingValue?: number | undefined;
}

export interface ExportJob {
  format: ExportFormat;
  options: ExportOptions;
  series: ExportSeries;
  snapshot: DocumentSnapshot;
  /** The annotator (ContentCreatorName, provenance). */
  user: string;
  /** Their role, for the provenance record. */
  role?: string;
}

export interface ExportResult {
  bytes: Uint8Array;
  fileName: string;
  mimeType: string;
}

/**
 * An export's file as the pieces it was written in, in order: a big zip's
 * images are not copied together here, only once, into the `File` made of
 * them (`exportFile`).
 */
export interface ExportPieces {
  pieces: readonly Uint8Array[];
  fileName: string;
  mimeType: string;
}

/** The pieces as a `File`. Making one copies the bytes (90 MB take a few hundred ms), so the runner does it in its worker. */
export function exportFile(result: ExportPieces): File {
  return new File(result.pieces as Uint8Array<ArrayBuffer>[], result.fileName, { type: result.mimeType });
}

/** Plain geometry and header of a series (drops everything else a Volume carries, e.g. its voxels). */
export function exportSeries(v: ExportSeries): ExportSeries {
  return {
    columns: v.columns,
    rows: v.rows,
    slices: v.slices,
    spacing: [...v.spacing] as [number, number, number],
    rowCosine: [...v.rowCosine] as [number, number, number],
    columnCosine: [...v.columnCosine] as [number, number, number],
    planes: v.planes.map((p) => ({ position: [...p.position] as [number, number, number] })),
    description: v.description,
    modality: v.modality,
    sopInstanceUIDs: [...v.sopInstanceUIDs],
    header: { ...v.header },
    defaultWindow: v.defaultWindow ? { ...v.defaultWindow } : undefined,
    ...(v.paddingValue === undefined ? {} : { paddingValue: v.paddingValue }),
  };
}

/** The grid a NIfTI or dataset export writes (`ExportOptions.grid`); other formats are always on the acquired slices. */
export function exportGrid(job: Pick<ExportJob, 'format' | 'options' | 'series'>): ExportGrid {
  if (job.format !== 'nifti' && job.format !== 'dataset') return 'acquired';
  return job.options.grid ?? (job.format === 'dataset' && gridMisplacements(job.series).length > 0 ? 'resampled' : 'acquired');
}

/** Whether the export runner must send the CT slices themselves: PNG reads them, a resampled NIfTI reads between them; other images take them deflated. */
export function needsRawSlices(job: Pick<ExportJob, 'format' | 'options' | 'series'>): boolean {
  return needsImage(job) && (job.format === 'png-zip' || exportGrid(job) === 'resampled');
}

/** Whether the export is de-identified: as `ExportOptions.deidentify` says, by default only the dataset package. */
export function deidentifies(job: Pick<ExportJob, 'format' | 'options'>): boolean {
  return job.options.deidentify ?? job.format === 'dataset';
}

/** Whether the format needs the CT voxels. */
export function needsImage(job: Pick<ExportJob, 'format' | 'options'>): boolean {
  return (job.format === 'nifti' && job.options.image === true) || job.format === 'dataset' || (job.format === 'png-zip' && !!job.options.pngImage);
}

/**
 * The labelmap of the exported labels, one Uint8Array per slice that has a
 * region, undefined for the others: each label's regions rasterized with the
 * pixel-centre rule, in label order (labels never overlap, so the order only
 * matters for hand-made snapshots). The slices with regions are views on one
 * buffer: hundreds of separate 256 KB buffers cost more to allocate than the
 * rasterizing, while one big zeroed buffer costs little until it is written.
 */
export function labelmapOf(job: Pick<ExportJob, 'series' | 'snapshot'>, labels: readonly Label[]): (Uint8Array | undefined)[] {
  const { columns, rows, slices } = job.series;
  const n = columns * rows;
  const wanted = new Set(labels.map((l) => l.id));
  const order = new Map(labels.map((l, i) => [l.id, i]));
  const regions = job.snapshot.regions
    .filter((r) => wanted.has(r.labelId) && r.slice >= 0 && r.slice < slices)
    .sort((a, b) => order.get(a.labelId)! - order.get(b.labelId)!);
  const used = [...new Set(regions.map((r) => r.slice))].sort((a, b) => a - b);
  const buffer = new Uint8Array(used.length * n);
  const map = new Array<Uint8Array | undefined>(slices).fill(undefined);
  used.forEach((k, i) => (map[k] = buffer.subarray(i * n, (i + 1) * n)));
  for (const r of regions) rasterizeRegion({ rings: r.rings }, columns, rows, map[r.slice]!, r.labelId);
  return map;
}

/** The labels an export covers, in panel order. */
export function exportedLabels(job: Pick<ExportJob, 'snapshot' | 'options'>): Label[] {
  const labels = job.snapshot.labels as unknown as Label[];
  const only = job.options.labels ? new Set(job.options.labels) : undefined;
  return labels.filter((l) => !only || only.has(l.id));
}

/** The longest suffix an export adds to its base (`_labels.nii.gz`): the base is cut so that every name fits in `MAX_FILE_NAME`. */
const LONGEST_SUFFIX = '_labels.nii.gz';

/**
 * The base of an export's file names (`file-names.ts`): when de-identifying,
 * the case id and nothing else (a given name or the series description may
 * name the patient); otherwise the given name, else the series description.
 * Safe characters only, short enough for every suffix.
 */
export function baseName(job: Pick<ExportJob, 'format' | 'series' | 'options'>): string {
  const deidentified = deidentifies(job);
  const raw = deidentified ? (job.options.caseId ?? 'case_0001') : (job.options.name ?? (job.series.description || 'segmentation'));
  return fileName(raw, LONGEST_SUFFIX, deidentified ? 'case_0001' : 'segmentation').slice(0, -LONGEST_SUFFIX.length);
}

/** The labels with their provenance record (`provenanceJson`), de-identified when the export is. */
function recordedLabels(job: ExportJob, labels: readonly Label[], d: Deidentifier | undefined): (Label & { provenance: LabelProvenanceJson })[] {
  const byLabel = regionsByLabel(job.snapshot);
  const missed = missedByLabel(job.snapshot);
  return labels.map((l) => {
    const record = provenanceJson(byLabel.get(l.id) ?? [], missed.get(l.id));
    return { ...l, provenance: (d ? deidentifyJson(record, d) : record) as LabelProvenanceJson };
  });
}

/**
 * The export's file. `ct` gives the CT slices when the format needs them;
 * `ctParts`, when given, are those slices' voxels already deflated in order
 * (`volumePart`, by the runner's workers as the slices arrived), which the
 * NIfTI image and the dataset package use instead; `labelNifti`, when
 * given, is their label image made by `exportLabelNifti` for this job.
 */
export async function runExport(job: ExportJob, ct?: (k: number) => Int16Array, ctParts?: readonly DeflatePart[], labelNifti?: Uint8Array): Promise<ExportResult> {
  const { pieces, fileName, mimeType } = await runExportPieces(job, ct, ctParts, labelNifti);
  return { bytes: concat(pieces), fileName, mimeType };
}

/** `runExport`, its file left in pieces (`ExportPieces`). */
export async function runExportPieces(job: ExportJob, ct?: (k: number) => Int16Array, ctParts?: readonly DeflatePart[], labelNifti?: Uint8Array): Promise<ExportPieces> {
  const labels = exportedLabels(job);
  const base = baseName(job);
  switch (job.format) {
    case 'nifti':
      return exportNifti(job, labels, base, ct, ctParts, labelNifti);
    case 'dicom-seg': {
      const input = segInput(job, labels, labelmapOf(job, labels));
      const d = deidentifier(job, false);
      return { pieces: [writeSeg(d ? deidentifySegInput(input, d) : input)], fileName: `${base}_seg.dcm`, mimeType: 'application/dicom' };
    }
    case 'png-zip': {
      const map = labelmapOf(job, labels);
      const d = deidentifier(job, false);
      const s = job.series;
      // One zero slice (read only) stands for every empty one.
      const empty = new Uint8Array(s.columns * s.rows);
      const recorded = recordedLabels(job, labels, d);
      const bytes = pngMaskZip(
        {
          columns: s.columns,
          rows: s.rows,
          slices: s.slices,
          sopInstanceUIDs: d ? s.sopInstanceUIDs.map((u) => d.uid(u)) : s.sopInstanceUIDs,
          positions: s.planes.map((p) => p.position),
          labels: recorded,
          labelmap: (k) => map[k] ?? empty,
          ct: ct ? (k) => ct(k) : undefined,
        },
        { perLabel: job.options.perLabel, image: job.options.pngImage, window: job.options.window ?? s.defaultWindow },
      );
      return { pieces: [bytes], fileName: `${base}_masks.zip`, mimeType: 'application/zip' };
    }
    case 'coco': {
      const d = deidentifier(job, false);
      const s = job.series;
      const wanted = new Set(labels.map((l) => l.id));
      const json = cocoJsonString(
        {
          columns: s.columns,
          rows: s.rows,
          slices: s.slices,
          sopInstanceUIDs: d ? s.sopInstanceUIDs.map((u) => d.uid(u)) : s.sopInstanceUIDs,
          labels: recordedLabels(job, labels, d),
          regions: job.snapshot.regions.filter((r) => wanted.has(r.labelId)),
        },
        { rle: job.options.rle },
      );
      return { pieces: [new TextEncoder().encode(json)], fileName: `${base}_coco.json`, mimeType: 'application/json' };
    }
    case 'dataset':
      return exportDataset(job, labels, ct, ctParts, labelNifti);
    default:
      throw new SegmarkError('internal', `unknown export format ${String(job.format)}`);
  }
}

/** The de-identifier an export asks for (default on only where `byDefault`), or undefined. */
function deidentifier(job: ExportJob, byDefault: boolean): Deidentifier | undefined {
  if (!(job.options.deidentify ?? byDefault)) return undefined;
  return new Deidentifier({ caseId: job.options.caseId ?? 'case_0001', ...(job.options.secret ? { secret: job.options.secret } : {}) });
}

/**
 * The CT's .nii.gz at the export level: from the parts deflated as the slices
 * arrived (as the file's pieces: a zip copies them once), else from the
 * slices. The CT is the slow part: gzip level 1 (measured 2.4–3.5× faster
 * than level 6 or the native CompressionStream on CT, for files 2 % larger).
 */
function ctImage(
  series: ExportSeries,
  ct: ((k: number) => Int16Array) | undefined,
  ctParts: readonly DeflatePart[] | undefined,
  what: string,
  grid?: ResampleGrid,
): { bytes: Uint8Array | Uint8Array[]; crc?: number } {
  if (grid) {
    // Parts deflated from the acquired slices are no use here: the resampled CT reads between them.
    if (!ct) throw new SegmarkError('internal', `${what} on the resampled grid needs the CT slices`);
    return { bytes: resampledCt(series, grid, ct) };
  }
  if (ctParts) {
    const gz = niftiVolumePieces(series, ctParts, EXPORT_GZIP_LEVEL);
    return { bytes: gz.pieces, crc: gz.crc() };
  }
  if (!ct) throw new SegmarkError('internal', `${what} needs the CT slices`);
  const sliceData = Array.from({ length: series.slices }, (_, k) => ct(k));
  return { bytes: niftiVolume({ ...series, sliceData }, { level: EXPORT_GZIP_LEVEL }) };
}

/** The CT on the regular grid, written slice by slice as each is resampled. */
function resampledCt(series: ExportSeries, grid: ResampleGrid, ct: (k: number) => Int16Array): Uint8Array {
  const padding = series.paddingValue ?? (series.modality === 'CT' ? -1024 : 0);
  const window = series.defaultWindow ? { defaultWindow: series.defaultWindow } : {};
  return niftiVolumeOfSlices({ ...grid.geometry, ...window }, (t) => resampleCtSlice(grid, t, ct, padding), { level: EXPORT_GZIP_LEVEL });
}

/** A labelmap on the regular grid, as .nii.gz: the acquired slices' labels resampled shape-based, one target slice at a time. */
function resampledLabelNifti(grid: ResampleGrid, labelmap: SparseSlices): Uint8Array {
  const labels = new LabelResampler(grid, (k) => labelmap[k]);
  return niftiLabelmapOfSlices(grid.geometry, (t) => labels.slice(t), highestLabel(labelmap), { level: EXPORT_GZIP_LEVEL });
}

/** The regular grid of the job's series when the export writes one (`exportGrid`). */
function gridOf(job: ExportJob): ResampleGrid | undefined {
  return exportGrid(job) === 'resampled' ? resampleGrid(job.series) : undefined;
}

/** The snapshot a dataset package describes: the exported labels and their regions only. */
function datasetSnapshot(job: ExportJob, labels: readonly Label[]): DocumentSnapshot {
  const wanted = new Set(labels.map((l) => l.id));
  return { ...job.snapshot, labels: job.snapshot.labels.filter((l) => wanted.has(l.id)), regions: job.snapshot.regions.filter((r) => wanted.has(r.labelId)) };
}

/**
 * The label image of a NIfTI or dataset export, as that export would write
 * it: the runner has a second worker make it while the first finishes the
 * CT, and hands it to `runExport`.
 */
export function exportLabelNifti(job: ExportJob, grid: ResampleGrid | undefined = gridOf(job)): Uint8Array {
  const labels = exportedLabels(job);
  const map = labelmapOf(job, labels);
  const level: NiftiWriteOptions = { level: EXPORT_GZIP_LEVEL };
  if (grid) return resampledLabelNifti(grid, job.format === 'dataset' ? remapLabelmap(map, datasetLabels(datasetSnapshot(job, labels).labels)) : map);
  return job.format === 'dataset' ? datasetLabelNifti(job.series, map, datasetSnapshot(job, labels).labels, level) : niftiLabelmap(job.series, map, level);
}

async function exportDataset(
  job: ExportJob,
  labels: readonly Label[],
  ct?: (k: number) => Int16Array,
  ctParts?: readonly DeflatePart[],
  labelNifti?: Uint8Array,
): Promise<ExportPieces> {
  const s = job.series;
  const grid = gridOf(job);
  const image = ctImage(s, ct, ctParts, 'the dataset package', grid);
  const snapshot = datasetSnapshot(job, labels);
  const pieces = datasetPackagePieces(
    {
      geometry: s,
      image: { nifti: image.bytes, ...(image.crc === undefined ? {} : { crc: image.crc }) },
      labelmap: labelNifti ? { nifti: labelNifti } : grid ? { nifti: exportLabelNifti(job, grid) } : labelmapOf(job, labels),
      document: snapshot,
      source: s.header,
      annotator: { user: job.user, role: job.role ?? '' },
    },
    {
      deidentify: job.options.deidentify ?? true,
      ...(job.options.caseId ? { caseId: job.options.caseId } : {}),
      ...(job.options.secret ? { secret: job.options.secret } : {}),
      ...(job.options.datasetId ? { datasetId: job.options.datasetId } : {}),
      ...(job.options.datasetName ? { datasetName: job.options.datasetName } : {}),
      level: EXPORT_GZIP_LEVEL,
      grid: grid ? 'resampled' : 'acquired',
    },
  );
  // Named like the nnU-Net folder inside, never after the patient or series.
  const id = String(job.options.datasetId ?? 1).padStart(3, '0');
  return { pieces, fileName: `Dataset${id}_${job.options.datasetName ?? 'Segmark'}.zip`, mimeType: 'application/zip' };
}

async function exportNifti(
  job: ExportJob,
  labels: readonly Label[],
  base: string,
  ct?: (k: number) => Int16Array,
  ctParts?: readonly DeflatePart[],
  labelNifti?: Uint8Array,
): Promise<ExportPieces> {
  const grid = gridOf(job);
  const labelmap = labelNifti ?? (grid ? exportLabelNifti(job, grid) : niftiLabelmap(job.series, labelmapOf(job, labels), { level: EXPORT_GZIP_LEVEL }));
  if (!job.options.bundle && !job.options.image) {
    return { pieces: [labelmap], fileName: `${base}_labels.nii.gz`, mimeType: 'application/gzip' };
  }
  // The .nii.gz are stored as they are.
  const files: ZipEntry[] = [
    { name: `${base}_labels.nii.gz`, bytes: labelmap, store: true },
    {
      name: `${base}_labels.json`,
      bytes: new TextEncoder().encode(
        `${JSON.stringify(
          niftiLabelSidecar(recordedLabels(job, labels, deidentifier(job, false)), job.options.image ? `${base}_image.nii.gz` : undefined, {
            grid: grid ? 'resampled' : 'acquired',
            ...(job.options.image ? { imagePadding: job.series.paddingValue ?? null } : {}),
          }),
          null,
          2,
        )}\n`,
      ),
    },
  ];
  if (job.options.image) files.push({ name: `${base}_image.nii.gz`, ...ctImage(job.series, ct, ctParts, 'the NIfTI image export', grid), store: true });
  return { pieces: zipPieces(files, new Date(1980, 0, 1)), fileName: `${base}_nifti.zip`, mimeType: 'application/zip' };
}

/** The segment's algorithm type and name from its regions' provenance: the imported model named, not a generic import (see `segmentAlgorithm`). */
function algorithmOf(job: ExportJob, labelId: number): SegSegment['algorithm'] {
  const regions = job.snapshot.regions.filter((r) => r.labelId === labelId);
  return segmentAlgorithm(regions, job.options.deidentify ?? false);
}

/**
 * The SEG writer's input. UIDs the source left empty get stand-ins
 * (`withSourceUids`; the checklist blocks on them first). SliceThickness is
 * the source's, where it has one; SpacingBetweenSlices is the step between
 * the slices, which may differ (overlapping or gapped slices).
 */
function segInput(job: ExportJob, labels: readonly Label[], labelmap: SparseSlices): SegWriteInput {
  const s = job.series;
  const referenced: SegSlice[] = s.sopInstanceUIDs.map((uid, k) => {
    // Frames of a multi-frame source are `uid#frame` in the volume.
    const hash = uid.indexOf('#');
    const position = s.planes[k]!.position;
    return hash < 0
      ? { sopInstanceUID: uid, position }
      : { sopInstanceUID: uid.slice(0, hash), frameNumber: Number(uid.slice(hash + 1)), position };
  });
  const { source, slices } = withSourceUids(s.header, referenced, s);
  const thickness = s.header.sliceThickness;
  return {
    source,
    slices,
    geometry: {
      rows: s.rows,
      columns: s.columns,
      rowCosine: s.rowCosine,
      columnCosine: s.columnCosine,
      pixelSpacing: pixelSpacingOf(s),
      sliceThickness: thickness !== undefined && Number.isFinite(thickness) && thickness > 0 ? thickness : s.spacing[2],
      spacingBetweenSlices: s.spacing[2],
    },
    segments: labels.map((l) => ({ label: l.name, code: l.code, color: l.color, algorithm: algorithmOf(job, l.id), maskValue: l.id })),
    masks: (_segment, k) => labelmap[k],
    content: { creatorName: job.user || undefined, seriesDescription: `SEG ${s.description}`.slice(0, 64) },
  };
}
