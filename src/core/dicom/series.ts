/**
 * Assembles parsed instances into series: grouped by SeriesInstanceUID and image
 * geometry, sorted by position along the slice normal (never by file name or
 * InstanceNumber while positions exist), with gaps, uneven spacing, duplicate
 * positions, gantry tilt and localizers found and reported. Files that hold
 * the same image (one SOP Instance UID under two names) count once.
 */
import { angleDeg, dot, sub } from '../math/vec3.js';
import { planeNormal, type PlaneGeometry } from './geometry.js';
import type { DicomInstance, Vec3 } from './types.js';
import type { LoadWarning } from './warnings.js';

/** One frame of one instance, placed in the series. */
export interface SliceRef {
  instance: DicomInstance;
  frameIndex: number;
  /** Plane of this slice; synthesised (identity, 1 mm) when the file has no geometry. */
  plane: PlaneGeometry;
  /** Position along the series normal, mm. */
  location: number;
}

export interface SeriesCandidate {
  /** Stable key: SeriesInstanceUID plus a geometry fingerprint when one UID holds several stacks. */
  key: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  description: string;
  modality: string;
  seriesNumber: number | undefined;
  rows: number;
  columns: number;
  rowCosine: Vec3;
  columnCosine: Vec3;
  normal: Vec3;
  /** [Δrow, Δcol] mm. */
  pixelSpacing: readonly [number, number];
  /** Sorted ascending along `normal`. */
  slices: SliceRef[];
  /** Median distance between neighbouring slices along the normal, mm (slice thickness if one slice). */
  sliceSpacing: number;
  /** Angle between the normal and the line through the first and last slice positions (0 = no tilt). */
  tiltDeg: number;
  hasGeometry: boolean;
  warnings: LoadWarning[];
}

const IDENTITY_ROW: Vec3 = [1, 0, 0];
const IDENTITY_COL: Vec3 = [0, 1, 0];
/** Cosines equal within this are the same orientation (DICOM files carry ~6 digits). */
const ORIENTATION_EPS = 1e-3;
/** Slices closer than this along the normal are at the same position (mm). */
const DUPLICATE_EPS = 1e-3;
/** Relative deviation from the median spacing tolerated before reporting unevenness. */
const SPACING_TOLERANCE = 0.01;
/** Tilt below this angle (degrees) is rounding, not gantry tilt. */
const TILT_EPS_DEG = 0.05;

interface Frame {
  instance: DicomInstance;
  frameIndex: number;
  plane: PlaneGeometry | undefined;
}

export function assembleSeries(instances: readonly DicomInstance[]): SeriesCandidate[] {
  const { unique, copies } = oneInstancePerUid(instances);
  const byUid = new Map<string, Frame[]>();
  for (const instance of unique) {
    let frames = byUid.get(instance.seriesInstanceUID);
    if (!frames) byUid.set(instance.seriesInstanceUID, (frames = []));
    for (let f = 0; f < instance.numberOfFrames; f++) frames.push({ instance, frameIndex: f, plane: planeOf(instance, f) });
  }
  const candidates: SeriesCandidate[] = [];
  for (const [uid, frames] of byUid) candidates.push(...splitByGeometry(uid, frames));
  candidates.sort((a, b) => b.slices.length - a.slices.length);
  reportCopies(candidates, copies);
  return candidates;
}

/**
 * One SOP Instance UID is one image, whatever the files are called: the
 * first file read is kept, and the names of the others are noted against it.
 * Instances without a UID are all kept.
 */
function oneInstancePerUid(instances: readonly DicomInstance[]): { unique: DicomInstance[]; copies: Map<DicomInstance, string[]> } {
  const seen = new Map<string, DicomInstance>();
  const copies = new Map<DicomInstance, string[]>();
  const unique: DicomInstance[] = [];
  for (const instance of instances) {
    const uid = instance.sopInstanceUID;
    const kept = uid ? seen.get(uid) : undefined;
    if (!kept) {
      if (uid) seen.set(uid, instance);
      unique.push(instance);
      continue;
    }
    const names = copies.get(kept);
    if (names) names.push(instance.fileName);
    else copies.set(kept, [instance.fileName]);
  }
  return { unique, copies };
}

/**
 * `duplicate-instance` on the series that holds each copied image, naming
 * the kept file and its copies; copies of an image no series holds (a
 * localizer's) are told on the first series.
 */
function reportCopies(candidates: SeriesCandidate[], copies: Map<DicomInstance, string[]>): void {
  if (copies.size === 0 || candidates.length === 0) return;
  const told = new Set<DicomInstance>();
  const tell = (candidate: SeriesCandidate, kept: DicomInstance[]): void => {
    const files = kept.flatMap((instance) => [instance.fileName, ...copies.get(instance)!]);
    const count = files.length - kept.length;
    candidate.warnings.push({
      code: 'duplicate-instance',
      message: `${count} file(s) hold an image already read (same SOP Instance UID) and were used once: ${files.join(', ')}`,
      params: { count, files: files.join(', ') },
      files,
    });
  };
  for (const candidate of candidates) {
    const kept: DicomInstance[] = [];
    for (const { instance } of candidate.slices) {
      if (copies.has(instance) && !told.has(instance)) {
        told.add(instance);
        kept.push(instance);
      }
    }
    if (kept.length > 0) tell(candidate, kept);
  }
  const rest = [...copies.keys()].filter((instance) => !told.has(instance));
  if (rest.length > 0) tell(candidates[0]!, rest);
}

function planeOf(instance: DicomInstance, frameIndex: number): PlaneGeometry | undefined {
  const g = instance.frames[frameIndex];
  if (!g?.position || !g.rowCosine || !g.columnCosine) return undefined;
  return {
    position: g.position,
    rowCosine: g.rowCosine,
    columnCosine: g.columnCosine,
    pixelSpacing: g.pixelSpacing ?? [1, 1],
  };
}

function geometryKey(frame: Frame): string {
  const { rows, columns } = frame.instance.pixel;
  if (!frame.plane) return `${rows}x${columns}|none`;
  // Built without intermediate arrays: thousands of one-image series each need a key.
  const c = (x: number) => (Math.round(x / ORIENTATION_EPS) * ORIENTATION_EPS).toFixed(3);
  const q = (v: Vec3) => `${c(v[0])},${c(v[1])},${c(v[2])}`;
  return `${rows}x${columns}|${q(frame.plane.rowCosine)}|${q(frame.plane.columnCosine)}`;
}

/** A localizer (scout) image: flagged LOCALIZER in its ImageType. */
export function isLocalizer(instance: DicomInstance): boolean {
  return instance.imageType.includes('LOCALIZER');
}

function splitByGeometry(uid: string, frames: Frame[]): SeriesCandidate[] {
  const groups = new Map<string, Frame[]>();
  const localizers: Frame[] = [];
  for (const frame of frames) {
    if (isLocalizer(frame.instance)) {
      localizers.push(frame);
      continue;
    }
    const key = geometryKey(frame);
    const group = groups.get(key);
    if (group) group.push(frame);
    else groups.set(key, [frame]);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  const main = ordered[0];
  // A lone image in another orientation beside a stack is a scout without the LOCALIZER flag.
  const strays = main && main[1].length > 2 ? ordered.slice(1).filter(([, g]) => g.length === 1) : [];
  const stacks = ordered.filter((entry) => !strays.includes(entry));
  const excluded = [...localizers, ...strays.flatMap(([, g]) => g)];

  return stacks.map(([geomKey, group], i) => {
    const candidate = buildCandidate(stacks.length > 1 ? `${uid}#${geomKey}` : uid, group);
    if (i === 0 && excluded.length > 0) {
      candidate.warnings.push({
        code: 'localizer-excluded',
        message: `${excluded.length} localizer image(s) kept out of the volume`,
        params: { count: excluded.length },
        files: excluded.map((f) => f.instance.fileName),
      });
    }
    if (stacks.length > 1) {
      candidate.warnings.push({
        code: 'mixed-geometry',
        message: `series ${uid} holds ${stacks.length} stacks of different size or orientation; listed separately`,
        params: { stacks: stacks.length },
      });
    }
    return candidate;
  });
}

function buildCandidate(key: string, frames: Frame[]): SeriesCandidate {
  const first = frames[0]!.instance;
  const warnings: LoadWarning[] = [];
  const hasGeometry = frames.every((f) => f.plane !== undefined);
  const refPlane = frames[0]!.plane;
  const rowCosine = refPlane?.rowCosine ?? IDENTITY_ROW;
  const columnCosine = refPlane?.columnCosine ?? IDENTITY_COL;
  const normal = planeNormal({ rowCosine, columnCosine });
  const pixelSpacing = refPlane?.pixelSpacing ?? first.frames[0]?.pixelSpacing ?? [1, 1];

  let slices: SliceRef[];
  if (hasGeometry) {
    slices = frames
      .map((f) => ({ instance: f.instance, frameIndex: f.frameIndex, plane: f.plane!, location: dot(normal, f.plane!.position) }))
      .sort((a, b) => a.location - b.location);
  } else {
    warnings.push({
      code: 'no-geometry',
      message: 'images carry no position or orientation; ordered by instance and frame number',
    });
    const thickness = first.frames[0]?.sliceThickness ?? 1;
    slices = [...frames]
      .sort((a, b) => (a.instance.instanceNumber ?? 0) - (b.instance.instanceNumber ?? 0) || a.frameIndex - b.frameIndex)
      .map((f, i) => ({
        instance: f.instance,
        frameIndex: f.frameIndex,
        location: i * thickness,
        plane: { position: [0, 0, i * thickness], rowCosine, columnCosine, pixelSpacing },
      }));
  }

  slices = dropDuplicates(slices, warnings);
  const { sliceSpacing } = checkSpacing(slices, warnings, first.frames[0]?.sliceThickness ?? 1);
  const tiltDeg = hasGeometry ? checkTilt(slices, normal, warnings) : 0;

  return {
    key,
    studyInstanceUID: first.studyInstanceUID,
    seriesInstanceUID: first.seriesInstanceUID,
    description: first.seriesDescription,
    modality: first.modality,
    seriesNumber: first.seriesNumber,
    rows: first.pixel.rows,
    columns: first.pixel.columns,
    rowCosine,
    columnCosine,
    normal,
    pixelSpacing,
    slices,
    sliceSpacing,
    tiltDeg,
    hasGeometry,
    warnings,
  };
}

/** Keeps the first of slices at the same position; two images cannot share a place in a volume. */
function dropDuplicates(slices: SliceRef[], warnings: LoadWarning[]): SliceRef[] {
  const kept: SliceRef[] = [];
  const dropped: string[] = [];
  for (const s of slices) {
    const prev = kept[kept.length - 1];
    if (prev && Math.abs(s.location - prev.location) < DUPLICATE_EPS) dropped.push(s.instance.fileName);
    else kept.push(s);
  }
  if (dropped.length > 0) {
    warnings.push({
      code: 'duplicate-position',
      message: `${dropped.length} image(s) at an already occupied position were left out`,
      params: { count: dropped.length },
      files: dropped,
    });
  }
  return kept;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function checkSpacing(slices: SliceRef[], warnings: LoadWarning[], thickness: number): { sliceSpacing: number } {
  if (slices.length < 2) return { sliceSpacing: thickness };
  const steps = slices.slice(1).map((s, i) => s.location - slices[i]!.location);
  const m = median(steps);
  const gaps = steps.map((d, i) => ({ d, i })).filter(({ d }) => d > 1.5 * m);
  if (gaps.length > 0) {
    warnings.push({
      code: 'gap',
      message: `${gaps.length} gap(s) between slices, largest ${Math.max(...gaps.map((g) => g.d)).toFixed(2)} mm (usual ${m.toFixed(2)} mm)`,
      params: { count: gaps.length, largest: Math.max(...gaps.map((g) => g.d)), usual: m, afterSlices: gaps.map((g) => g.i).join(',') },
    });
  }
  const worst = Math.max(...steps.map((d) => Math.abs(d - m)));
  if (gaps.length === 0 && worst > SPACING_TOLERANCE * m + 1e-3) {
    warnings.push({
      code: 'uneven-spacing',
      message: `slice spacing varies from ${Math.min(...steps).toFixed(3)} to ${Math.max(...steps).toFixed(3)} mm`,
      params: { min: Math.min(...steps), max: Math.max(...steps), usual: m },
    });
  }
  return { sliceSpacing: m };
}

function checkTilt(slices: SliceRef[], normal: Vec3, warnings: LoadWarning[]): number {
  if (slices.length < 2) return 0;
  const span = sub(slices[slices.length - 1]!.plane.position, slices[0]!.plane.position);
  const tilt = angleDeg(span, normal);
  if (tilt > TILT_EPS_DEG) {
    warnings.push({
      code: 'gantry-tilt',
      message: `slices are sheared by ${tilt.toFixed(2)}° (gantry tilt); the volume is shown unsheared`,
      params: { degrees: Number(tilt.toFixed(2)) },
    });
  }
  return tilt;
}
