/**
 * Import of a labelmap NIfTI onto the open series: each non-zero value
 * becomes a label, each (value, slice) a 0/1 mask on the series' pixels.
 *
 * The file must hold the series' own voxels (`matchGrid`): same size,
 * spacing, orientation and position, in any axis order or direction. Its
 * values must be whole numbers ≥ 0 after scl_slope/scl_inter — integer
 * datatypes, or float ones holding only integers — or it is not a labelmap.
 * Names, codes and colours come from our sidecar JSON when the caller has it.
 */
import { copySegmentCode, isSegmentCode } from '../annotation/codes.js';
import type { Rgb } from '../annotation/labels.js';
import { SegmarkError } from '../errors.js';
import {
  finish,
  GEOMETRY_TOLERANCE_MM,
  geometryError,
  sliceMask,
  warning,
  type ImportedLabel,
  type ImportedMasks,
  type ImportOptions,
  type ImportWarning,
} from './import-common.js';
import { matchGrid, type VoxelMap } from './import-grid.js';
import { readNifti, type NiftiImage } from './nifti-read.js';
import { SIDECAR_FORMAT } from './nifti-sidecar.js';
import type { Matrix34, NiftiGeometry } from './nifti-space.js';
import type { SegAlgorithmType } from './seg-read.js';

export interface NiftiImportOptions extends ImportOptions {
  /** The parsed sidecar JSON (`niftiLabelSidecar`'s shape), checked here; it names, codes and colours the values. */
  sidecar?: unknown;
}

/** Reads a .nii or .nii.gz labelmap onto `series`; `file` names it in errors. */
export function importNifti(bytes: Uint8Array, series: NiftiGeometry, file?: string, options: NiftiImportOptions = {}): ImportedMasks {
  const described = options.sidecar === undefined ? undefined : sidecarLabels(options.sidecar, file);
  const image = readNifti(bytes, file);
  const map = matchGrid(spatialDims(image, file), affineOf(image, file), series, options.toleranceMm ?? GEOMETRY_TOLERANCE_MM, file);
  const masks = collect(image, series, map, file);

  const warnings: ImportWarning[] = [];
  const labels: ImportedLabel[] = [...masks.keys()].map((value) => described?.get(value) ?? { value });
  if (described) {
    const undescribed = labels.filter((l) => l.name === undefined).map((l) => l.value);
    if (undescribed.length > 0) {
      const values = undescribed.join(', ');
      warnings.push(warning('import-label-undescribed', `the sidecar does not describe value(s) ${values}`, { values }));
    }
    for (const [value, label] of described) if (!masks.has(value)) labels.push(label);
  }
  return finish('nifti', labels, masks, warnings);
}

/** The first three dimensions; a fourth and later must be 1 (one volume). */
function spatialDims(image: NiftiImage, file: string | undefined): [number, number, number] {
  const [i = 1, j = 1, k = 1, ...rest] = image.dims;
  if (rest.some((n) => n !== 1)) {
    throw geometryError('size', image.dims.join(' × '), 'one volume', `the file holds ${rest.reduce((a, b) => a * b, 1)} volumes`, file);
  }
  return [i, j, k];
}

/** The sform when its code says it is set, else the qform; a file with neither is not placed in space. */
function affineOf(image: NiftiImage, file: string | undefined): Matrix34 {
  if (image.sform.code > 0) return image.sform.matrix;
  if (image.qform.code > 0) return image.qform.matrix;
  throw geometryError('position', 'none', 'a position in space', 'sform_code and qform_code are both 0: the file does not say where its voxels are', file);
}

/**
 * One pass over our voxels in our order, reading the file's through the map.
 * Runs of equal values are the rule in a labelmap, so the current mask is
 * looked up only when the value changes.
 */
function collect(image: NiftiImage, g: NiftiGeometry, map: VoxelMap, file: string | undefined): ImportedMasks['masks'] {
  const { data, sclSlope, sclInter } = image;
  const scaled = Number.isFinite(sclSlope) && sclSlope !== 0 && !(sclSlope === 1 && sclInter === 0);
  const slope = scaled ? sclSlope : 1;
  const inter = scaled ? sclInter : 0;
  const { columns, rows, slices } = g;
  const pixels = rows * columns;
  const [dc, dr, dk] = map.step;
  const masks: ImportedMasks['masks'] = new Map();
  for (let k = 0; k < slices; k++) {
    let last = 0;
    let mask: Uint8Array | undefined;
    for (let r = 0; r < rows; r++) {
      let at = map.base + k * dk + r * dr;
      const row = r * columns;
      for (let c = 0; c < columns; c++, at += dc) {
        const v = data[at]! * slope + inter;
        if (v === 0) continue;
        if (v !== last) {
          if (!(v > 0 && Number.isInteger(v))) {
            throw new SegmarkError('import-not-labelmap', `value ${v} at voxel (${c}, ${r}, ${k}) is not a whole number ≥ 0`, {
              file,
              params: { value: String(v) },
            });
          }
          mask = sliceMask(masks, v, k, pixels);
          last = v;
        }
        mask![row + c] = 1;
      }
    }
  }
  return masks;
}

/** Labels by value from a sidecar JSON; anything not in its shape is `import-sidecar-invalid`, naming the field. */
function sidecarLabels(sidecar: unknown, file: string | undefined): Map<number, ImportedLabel> {
  const invalid = (field: string, detail: string): never => {
    throw new SegmarkError('import-sidecar-invalid', `${field}: ${detail}`, { file, params: { field } });
  };
  if (!isRecord(sidecar) || sidecar['format'] !== SIDECAR_FORMAT) return invalid('format', `not "${SIDECAR_FORMAT}"`);
  const entries = sidecar['labels'];
  if (!Array.isArray(entries)) return invalid('labels', 'not a list');
  const out = new Map<number, ImportedLabel>();
  for (const [i, e] of entries.entries()) {
    const at = `labels[${i}]`;
    if (!isRecord(e)) return invalid(at, 'not an object');
    const { id, name, color } = e;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) return invalid(`${at}.id`, `${String(id)} is not a whole number ≥ 1`);
    if (out.has(id)) return invalid(`${at}.id`, `${id} is described twice`);
    if (typeof name !== 'string') return invalid(`${at}.name`, 'not a string');
    if (!isRgb(color)) return invalid(`${at}.color`, 'not three integers 0..255');
    if (!isSegmentCode(e)) return invalid(`${at}.category`, 'category and type must be coded concepts');
    // A model's pipeline may name itself: `algorithm` (and `algorithmType`), as a SEG segment would.
    const { algorithm, algorithmType } = e;
    if (algorithm !== undefined && typeof algorithm !== 'string') return invalid(`${at}.algorithm`, 'not a string');
    if (algorithmType !== undefined && !['AUTOMATIC', 'SEMIAUTOMATIC', 'MANUAL'].includes(algorithmType as string)) {
      return invalid(`${at}.algorithmType`, 'not AUTOMATIC, SEMIAUTOMATIC or MANUAL');
    }
    out.set(id, {
      value: id,
      name,
      code: copySegmentCode(e),
      color: [color[0], color[1], color[2]],
      ...(algorithm?.trim() ? { algorithm: algorithm.trim() } : {}),
      ...(algorithmType ? { algorithmType: algorithmType as SegAlgorithmType } : {}),
    });
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isRgb(value: unknown): value is Rgb {
  return Array.isArray(value) && value.length === 3 && value.every((x) => Number.isInteger(x) && x >= 0 && x <= 255);
}
