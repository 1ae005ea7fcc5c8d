/**
 * What every mask import returns, and what the importers share: the series
 * they import onto, the geometry tolerance, warnings, and the per-slice masks.
 *
 * An import never resamples. A file either lays its voxels exactly on the
 * open series' pixels (up to a reordering of axes) or is refused with an
 * `import-geometry` error that says what differs, with numbers.
 */
import type { SegmentCode } from '../annotation/codes.js';
import type { Rgb } from '../annotation/labels.js';
import type { Vec3 } from '../dicom/types.js';
import { SegmarkError } from '../errors.js';
import type { NiftiGeometry } from './nifti-space.js';
import type { SegAlgorithmType } from './seg-read.js';

export interface ImportedLabel {
  /** The NIfTI voxel value, or the SEG segment number. */
  value: number;
  name?: string;
  code?: SegmentCode;
  /** sRGB 0..255. */
  color?: Rgb;
  /** SegmentAlgorithmName. */
  algorithm?: string;
  /** SegmentAlgorithmType (SEG only). */
  algorithmType?: SegAlgorithmType;
}

/**
 * Warnings: the import went through, but the user should know.
 * - `import-empty` — the file labels no pixel at all.
 * - `import-label-undescribed` — param `values`: labelmap values the sidecar does not describe.
 * - `import-frames-unplaced` — params `count`, `total`: SEG frames that match no slice, left out.
 * - `import-placed-by-position` — param `count`: SEG frames placed by their position, since they reference no image of the series.
 * - `import-frame-of-reference` — params `theirs`, `ours`: frames were placed by position across different FrameOfReferenceUIDs.
 * - `import-overlap` — params `pixels`, `slices`: pixels in more than one segment; the later segment keeps them.
 * - `import-fractional` — a FRACTIONAL SEG, thresholded at half its maximum value.
 */
export const IMPORT_WARNING_CODES = [
  'import-empty',
  'import-label-undescribed',
  'import-frames-unplaced',
  'import-placed-by-position',
  'import-frame-of-reference',
  'import-overlap',
  'import-fractional',
] as const;

export type ImportWarningCode = (typeof IMPORT_WARNING_CODES)[number];

export interface ImportWarning {
  code: ImportWarningCode;
  /** English, for logs and hosts; a UI formats its own text from code and params. */
  detail: string;
  params: Record<string, string | number>;
}

export interface ImportedMasks {
  source: 'nifti' | 'dicom-seg';
  /** In ascending value. Where masks overlap (SEG only), a later label is meant to keep the pixel. */
  labels: ImportedLabel[];
  /** Per label value (every label has an entry): slice index → rows·cols 0/1 mask, non-empty slices only. */
  masks: Map<number, Map<number, Uint8Array>>;
  warnings: ImportWarning[];
}

/** The open series, as an import needs it; a loaded `Volume` fits as it is. */
export interface ImportTarget extends NiftiGeometry {
  readonly seriesInstanceUID: string;
  /** Per slice in sorted order; `uid#frame` for a frame of a multi-frame image. */
  readonly sopInstanceUIDs: readonly string[];
  readonly header?: { readonly frameOfReferenceUID: string };
}

/** The target's plain fields, for a worker (a `Volume` would bring its voxels along). */
export function importTarget(v: ImportTarget): ImportTarget {
  const vec = (a: Vec3): Vec3 => [a[0], a[1], a[2]];
  return {
    columns: v.columns,
    rows: v.rows,
    slices: v.slices,
    spacing: [...v.spacing] as [number, number, number],
    rowCosine: vec(v.rowCosine),
    columnCosine: vec(v.columnCosine),
    planes: v.planes.map((p) => ({ position: vec(p.position) })),
    seriesInstanceUID: v.seriesInstanceUID,
    sopInstanceUIDs: [...v.sopInstanceUIDs],
    ...(v.header ? { header: { frameOfReferenceUID: v.header.frameOfReferenceUID } } : {}),
  };
}

export interface ImportOptions {
  /**
   * How far (mm) the file may put any voxel centre of the series from where
   * the series has it. Default `GEOMETRY_TOLERANCE_MM`.
   */
  toleranceMm?: number;
}

/**
 * 0.1 mm: far above what storing a matching geometry costs — float32 affines
 * (~1e-5 mm at 500 mm from the origin), DICOM's six-digit cosines across a
 * 512-pixel row (~5e-4 mm), positions rewritten in fewer digits (dcmqi: ~3e-6
 * mm) — and far below any real mismatch: a tenth of the finest CT pixel, so a
 * half-voxel convention slip, a slice more or less, or a 1 % spacing error
 * over 20 slices is refused. A qform-only file of an oblique series can be a
 * little off (see `niftiFindings`, `qform-precision`); pass a larger tolerance
 * deliberately for that case.
 */
export const GEOMETRY_TOLERANCE_MM = 0.1;

export type GeometryAspect = 'size' | 'spacing' | 'orientation' | 'position';

/** The file does not lie on the series' grid: `aspect` says what differs, `theirs`/`ours` say by how much. */
export function geometryError(aspect: GeometryAspect, theirs: string, ours: string, detail: string, file: string | undefined): SegmarkError {
  return new SegmarkError('import-geometry', `${aspect} differs: ${detail} (file ${theirs}, series ${ours})`, {
    file,
    params: { aspect, theirs, ours },
  });
}

export function warning(code: ImportWarningCode, detail: string, params: Record<string, string | number> = {}): ImportWarning {
  return { code, detail, params };
}

/** A number for a message: at most three decimals, no trailing zeros. */
export function fmt(x: number): string {
  return String(Number(x.toFixed(3)));
}

export function fmtVec(v: Vec3): string {
  return `(${v.map(fmt).join(', ')}) mm`;
}

/** Slice k's mask of `value`, created empty on first use. */
export function sliceMask(masks: ImportedMasks['masks'], value: number, k: number, pixels: number): Uint8Array {
  let slices = masks.get(value);
  if (!slices) masks.set(value, (slices = new Map()));
  let mask = slices.get(k);
  if (!mask) slices.set(k, (mask = new Uint8Array(pixels)));
  return mask;
}

export function isEmpty(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) return false;
  return true;
}

/** Labels in ascending value, each with a mask entry (empty for a label without pixels). */
export function finish(
  source: ImportedMasks['source'],
  labels: ImportedLabel[],
  masks: ImportedMasks['masks'],
  warnings: ImportWarning[],
): ImportedMasks {
  labels.sort((a, b) => a.value - b.value);
  for (const l of labels) if (!masks.has(l.value)) masks.set(l.value, new Map());
  if (labels.every((l) => masks.get(l.value)!.size === 0)) warnings.unshift(warning('import-empty', 'the file labels no pixel'));
  return { source, labels, masks, warnings };
}
