/**
 * Import of a DICOM SEG onto the open series: segments become labels, frames
 * become masks on the slices they belong to.
 *
 * A frame goes on the slice whose image it derives from (SOP Instance UID,
 * and frame number for a multi-frame source). A frame that references no
 * image of the series is placed by its ImagePositionPatient, which must be a
 * slice's position within the tolerance — after the SEG's size, pixel spacing
 * and orientation have been checked against the series, so that a matching
 * position means matching pixels. No frame placed at all means the SEG was
 * made on another series (`import-mismatch`); some frames unplaced is a warning.
 */
import type { Vec3 } from '../dicom/types.js';
import { angleDeg, norm, sub } from '../math/vec3.js';
import { SegmarkError } from '../errors.js';
import {
  finish,
  fmt,
  GEOMETRY_TOLERANCE_MM,
  geometryError,
  isEmpty,
  warning,
  type ImportedLabel,
  type ImportedMasks,
  type ImportOptions,
  type ImportTarget,
  type ImportWarning,
} from './import-common.js';
import { readSegPlanes, type SegFramePlane } from './import-seg-geometry.js';
import { readSeg, type SegFile } from './seg-read.js';

/** Reads a DICOM SEG onto `series`; `file` names it in errors. */
export function importSeg(bytes: Uint8Array, series: ImportTarget, file?: string, options: ImportOptions = {}): ImportedMasks {
  const name = file ?? 'segmentation.dcm';
  const seg = readSeg(bytes, name);
  const planes = readSegPlanes(bytes, name);
  const tolerance = options.toleranceMm ?? GEOMETRY_TOLERANCE_MM;
  checkPlanes(seg, planes, series, tolerance, file);

  const slices = new SliceFinder(series, tolerance);
  const masks: ImportedMasks['masks'] = new Map();
  const pixels = series.rows * series.columns;
  let unplaced = 0;
  let byPosition = 0;
  seg.frames.forEach((frame, i) => {
    const placed = slices.find(planes[i]!, frame.position);
    if (!placed) {
      unplaced++;
      return;
    }
    if (placed.byPosition) byPosition++;
    if (isEmpty(frame.mask)) return;
    let perSlice = masks.get(frame.segmentNumber);
    if (!perSlice) masks.set(frame.segmentNumber, (perSlice = new Map()));
    const there = perSlice.get(placed.slice);
    // readSeg unpacks each frame into its own array, so the first one on a slice is kept as is.
    if (!there) perSlice.set(placed.slice, frame.mask);
    else for (let p = 0; p < pixels; p++) there[p]! |= frame.mask[p]!;
  });

  const total = seg.frames.length;
  if (unplaced === total) {
    const theirs = seg.referencedSeries.map((s) => s.seriesInstanceUID).join(', ') || 'not named';
    throw new SegmarkError('import-mismatch', `none of the ${total} frames references or lies on a slice of series ${series.seriesInstanceUID}; the SEG refers to series ${theirs}`, {
      file,
      params: { series: theirs, expected: series.seriesInstanceUID },
    });
  }

  const warnings: ImportWarning[] = [];
  if (seg.segmentationType === 'FRACTIONAL') warnings.push(warning('import-fractional', 'FRACTIONAL segmentation: a pixel is inside where its value is at least half of MaximumFractionalValue'));
  if (unplaced > 0) {
    warnings.push(warning('import-frames-unplaced', `${unplaced} of ${total} frames match no slice of the series and were left out`, { count: unplaced, total }));
  }
  if (byPosition > 0) {
    warnings.push(warning('import-placed-by-position', `${byPosition} frame(s) reference no image of the series and were placed by ImagePositionPatient`, { count: byPosition }));
    const ours = series.header?.frameOfReferenceUID ?? '';
    const theirs = seg.frameOfReferenceUID;
    if (ours && theirs && ours !== theirs) {
      warnings.push(warning('import-frame-of-reference', `frames placed by position, but FrameOfReferenceUID ${theirs} is not the series' ${ours}`, { theirs, ours }));
    }
  }
  const labels = seg.segments.map((s): ImportedLabel => ({
    value: s.number,
    name: s.label,
    code: s.code,
    ...(s.color ? { color: s.color } : {}),
    ...(s.algorithmName ? { algorithm: s.algorithmName } : {}),
    algorithmType: s.algorithmType,
  }));
  const result = finish('dicom-seg', labels, masks, warnings);
  const overlap = overlapOf(result, pixels);
  if (overlap.pixels > 0) {
    result.warnings.push(
      warning(
        'import-overlap',
        `${overlap.pixels} pixel(s) on ${overlap.slices} slice(s) are in more than one segment (SegmentsOverlap ${seg.segmentsOverlap}); ` +
          'labels cannot overlap in the document, so each such pixel goes to the later segment (higher segment number)',
        overlap,
      ),
    );
  }
  return result;
}

/**
 * Size, pixel spacing and orientation of every frame against the series, as
 * distances in mm at the far edge of the image (like the NIfTI import).
 */
function checkPlanes(seg: SegFile, planes: readonly SegFramePlane[], g: ImportTarget, toleranceMm: number, file: string | undefined): void {
  if (seg.rows !== g.rows || seg.columns !== g.columns) {
    throw geometryError('size', `${seg.columns} × ${seg.rows}`, `${g.columns} × ${g.rows}`, 'columns × rows of the frames', file);
  }
  const [dCol, dRow] = g.spacing;
  const extent = Math.max((g.columns - 1) * dCol, (g.rows - 1) * dRow);
  for (const plane of planes) {
    if (plane.pixelSpacing) {
      const [theirRow, theirCol] = plane.pixelSpacing;
      const off = Math.max(Math.abs(theirCol - dCol) * (g.columns - 1), Math.abs(theirRow - dRow) * (g.rows - 1));
      if (off > toleranceMm) {
        throw geometryError('spacing', `${fmt(theirCol)} × ${fmt(theirRow)} mm`, `${fmt(dCol)} × ${fmt(dRow)} mm`, `the last pixel moves ${fmt(off)} mm`, file);
      }
    }
    if (plane.orientation) {
      const deg = Math.max(angleDeg(plane.orientation[0], g.rowCosine), angleDeg(plane.orientation[1], g.columnCosine));
      const off = (deg * Math.PI) / 180 * extent;
      if (off > toleranceMm) {
        const text = ([u, v]: readonly [Vec3, Vec3]) => [...u, ...v].map(fmt).join('\\');
        throw geometryError('orientation', text(plane.orientation), text([g.rowCosine, g.columnCosine]), `${fmt(deg)}° off, moving the far pixel ${fmt(off)} mm`, file);
      }
    }
  }
}

/** Finds a frame's slice: by the images it derives from, else by its position. */
class SliceFinder {
  /** Slice of each `uid` (single-frame) or `uid#frame` (frame of a multi-frame image). */
  private readonly byUid = new Map<string, number>();
  /** Slices of each multi-frame image, for references that give no frame number. */
  private readonly framesOf = new Map<string, number[]>();

  constructor(
    private readonly series: ImportTarget,
    private readonly toleranceMm: number,
  ) {
    series.sopInstanceUIDs.forEach((uid, k) => {
      this.byUid.set(uid, k);
      const hash = uid.indexOf('#');
      if (hash < 0) return;
      const instance = uid.slice(0, hash);
      const frames = this.framesOf.get(instance) ?? [];
      frames.push(k);
      this.framesOf.set(instance, frames);
    });
  }

  find(plane: SegFramePlane, position: Vec3 | undefined): { slice: number; byPosition: boolean } | undefined {
    const candidates = new Set<number>();
    for (const { sopInstanceUID: uid, frameNumbers } of plane.references) {
      // A single-frame image may be referenced as frame 1.
      const found = frameNumbers.length
        ? frameNumbers.map((n) => this.byUid.get(`${uid}#${n}`) ?? (n === 1 ? this.byUid.get(uid) : undefined))
        : [this.byUid.get(uid), ...(this.framesOf.get(uid) ?? [])];
      for (const k of found) if (k !== undefined) candidates.add(k);
    }
    if (candidates.size === 1) return { slice: [...candidates][0]!, byPosition: false };
    // Several candidates (a multi-frame source without frame numbers): the position decides among them.
    const among = candidates.size > 1 ? [...candidates] : undefined;
    const k = position && this.atPosition(position, among);
    if (k === undefined) return undefined;
    return { slice: k, byPosition: among === undefined };
  }

  /** The slice whose first pixel is within the tolerance of `position`. */
  private atPosition(position: Vec3, among: readonly number[] | undefined): number | undefined {
    const planes = this.series.planes;
    const ks = among ?? planes.map((_, k) => k);
    return ks.find((k) => norm(sub(planes[k]!.position, position)) <= this.toleranceMm);
  }
}

/** Pixels in two or more segments, and the slices they are on. */
function overlapOf(result: ImportedMasks, pixels: number): { pixels: number; slices: number } {
  const bySlice = new Map<number, Uint8Array[]>();
  for (const perSlice of result.masks.values()) {
    for (const [k, mask] of perSlice) bySlice.set(k, [...(bySlice.get(k) ?? []), mask]);
  }
  let count = 0;
  let slices = 0;
  const coverage = new Uint16Array(pixels);
  for (const masks of bySlice.values()) {
    if (masks.length < 2) continue;
    coverage.fill(0);
    for (const mask of masks) for (let p = 0; p < pixels; p++) coverage[p]! += mask[p]!;
    let here = 0;
    for (let p = 0; p < pixels; p++) if (coverage[p]! > 1) here++;
    count += here;
    if (here > 0) slices++;
  }
  return { pixels: count, slices };
}
