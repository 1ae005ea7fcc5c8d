/**
 * PNG mask zip: one 8-bit PNG per slice for 2D dataset pipelines, with a
 * `labels.json` saying what each value means and which DICOM image each PNG
 * belongs to; optionally the CT slices as PNGs beside them.
 *
 * Layout (`labels.json` repeats all of it):
 * - `masks/<stem>.png`: pixel value = label id as in the document (0 =
 *   background). Ids are small, so these look black in a photo viewer; that is
 *   the dataset convention (nnU-Net, MONAI), not a bug.
 * - with `perLabel`: `masks/<id>_<slug>/<stem>.png`, 0 or 255, one per label.
 * - with `image`: `images/<stem>.png`, 8-bit windowed or 16-bit HU + 32768.
 *
 * `<stem>` is `<k>_<SOP Instance UID>`: k is the slice index in our sorted
 * order (ascending along the normal, k = 0 most inferior for axial CT),
 * zero-padded to at least 4 digits (more when the series has ≥ 10,000
 * slices), so names sort in slice order; the UID is kept as is (digits and
 * dots; any other character becomes `_`, so no UID can make a path).
 *
 * With `emptySlices: false`, slices where no label is present are left out
 * (no mask and no image); a kept slice has all its files, including the empty
 * per-label masks of labels absent from it, so every folder pairs up.
 *
 * The zip is deterministic: every entry is dated 1980-01-01 (the zip epoch),
 * and PNGs are stored, not deflated again.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Label } from '../annotation/labels.js';
import { copySegmentCode } from '../annotation/codes.js';
import type { Vec3 } from '../dicom/types.js';
import type { GzipLevel } from './bytes.js';
import type { LabelProvenanceJson, SidecarLabel } from './nifti-sidecar.js';
import { encodePng } from './png.js';

export const PNG_MASKS_FORMAT = 'segmark-png-masks';
export const PNG_MASKS_VERSION = 1;
export const LABELS_FILE = 'labels.json';
export const MASKS_DIR = 'masks';
export const IMAGES_DIR = 'images';
/** raw16 images store HU + 32768, so every int16 value fits a PNG's unsigned 16 bits. */
export const RAW16_OFFSET = 32768;
/** The value of a label's pixels in a per-label mask. */
export const PER_LABEL_FOREGROUND = 255;

/** What a label brings to the zip: a document label fits as it is. */
export type PngMaskLabel = Pick<Label, 'id' | 'name' | 'color' | 'code'> & { readonly provenance?: LabelProvenanceJson };

export interface PngMaskInput {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  /** One per slice, in sorted slice order. */
  readonly sopInstanceUIDs: readonly string[];
  /** ImagePositionPatient per slice (LPS mm), recorded in labels.json. */
  readonly positions?: readonly Vec3[] | undefined;
  readonly labels: readonly PngMaskLabel[];
  /** Slice k's label ids, rows·cols, index r·cols + c; called once per slice, so it may rasterize lazily. */
  readonly labelmap: (k: number) => Uint8Array;
  /** Slice k's CT in HU, rows·cols; needed when `image` is set. */
  readonly ct?: ((k: number) => Int16Array) | undefined;
}

export interface PngMaskOptions {
  /** One 0/255 mask per label per slice instead of one label-valued PNG per slice. */
  perLabel?: boolean;
  /** Include slices without any label (default true, so a dataset has every slice). */
  emptySlices?: boolean;
  /** Also write the CT: 8-bit through `window`, or 16-bit HU + 32768. */
  image?: 'windowed' | 'raw16' | undefined;
  /** Window for `image: 'windowed'`, HU. */
  window?: { readonly center: number; readonly width: number } | undefined;
  /** zlib level inside the PNGs, default 6. */
  level?: GzipLevel;
}

/** A label in labels.json: the NIfTI sidecar's shape, plus its folder in the per-label layout. */
export type PngMaskManifestLabel = SidecarLabel & { readonly directory?: string };

export interface PngMaskManifestSlice {
  readonly index: number;
  readonly sopInstanceUID: string;
  readonly imagePositionPatient?: Vec3;
  /** The slice's file name inside `masks/` (or each label folder) and `images/`; absent when the slice was left out. */
  readonly fileName?: string;
}

export type PngMaskManifestImages =
  | { readonly directory: typeof IMAGES_DIR; readonly encoding: 'windowed'; readonly bitDepth: 8; readonly windowCenter: number; readonly windowWidth: number }
  | { readonly directory: typeof IMAGES_DIR; readonly encoding: 'raw16'; readonly bitDepth: 16; readonly offset: typeof RAW16_OFFSET };

/** labels.json. */
export interface PngMaskManifest {
  readonly format: typeof PNG_MASKS_FORMAT;
  readonly version: typeof PNG_MASKS_VERSION;
  readonly layout: 'label-values' | 'per-label';
  readonly columns: number;
  readonly rows: number;
  readonly sliceCount: number;
  readonly background: 0;
  /** Per-label layout: the value of a label's pixels. */
  readonly foreground?: typeof PER_LABEL_FOREGROUND;
  readonly labels: readonly PngMaskManifestLabel[];
  readonly slices: readonly PngMaskManifestSlice[];
  readonly images?: PngMaskManifestImages;
}

const STORED = { level: 0 } as const;
/** The zip epoch (local time, as zip stores it): the same document always gives the same bytes. */
const ZIP_TIME = new Date(1980, 0, 1);

/** The zip as bytes; see the file comment for its layout. */
export function pngMaskZip(input: PngMaskInput, options: PngMaskOptions = {}): Uint8Array {
  const { columns, rows, slices, labels } = input;
  checkInput(input, options);
  const perLabel = options.perLabel === true;
  const keepEmpty = options.emptySlices !== false;
  const level = options.level ?? 6;
  const n = columns * rows;
  const known = new Uint8Array(256);
  known[0] = 1;
  for (const l of labels) known[l.id] = 1;
  const directories = labels.map((l) => `${MASKS_DIR}/${l.id}_${labelSlug(l.name)}`);
  const windowLut = options.image === 'windowed' ? windowTable(options.window!) : undefined;

  const files: Zippable = {};
  const sliceEntries: PngMaskManifestSlice[] = [];
  const scratch = new Uint8Array(n);
  for (let k = 0; k < slices; k++) {
    const map = input.labelmap(k);
    if (map.length !== n) throw new RangeError(`labelmap slice ${k} has ${map.length} values, not ${rows} × ${columns}`);
    let labelled = false;
    for (let i = 0; i < n; i++) {
      const v = map[i]!;
      if (v === 0) continue;
      if (!known[v]) throw new RangeError(`labelmap slice ${k} holds value ${v}, which no label has`);
      labelled = true;
    }
    const uid = input.sopInstanceUIDs[k]!;
    const position = input.positions?.[k];
    const base = { index: k, sopInstanceUID: uid, ...(position ? { imagePositionPatient: [position[0], position[1], position[2]] as const } : {}) };
    if (!labelled && !keepEmpty) {
      sliceEntries.push(base);
      continue;
    }
    const name = sliceFileName(k, uid, slices);
    sliceEntries.push({ ...base, fileName: name });
    if (perLabel) {
      labels.forEach((label, j) => {
        for (let i = 0; i < n; i++) scratch[i] = map[i] === label.id ? PER_LABEL_FOREGROUND : 0;
        files[`${directories[j]}/${name}`] = [encodePng({ width: columns, height: rows, bitDepth: 8, data: scratch }, { level }), STORED];
      });
    } else {
      files[`${MASKS_DIR}/${name}`] = [encodePng({ width: columns, height: rows, bitDepth: 8, data: map }, { level }), STORED];
    }
    if (options.image) {
      const ct = input.ct!(k);
      if (ct.length !== n) throw new RangeError(`CT slice ${k} has ${ct.length} values, not ${rows} × ${columns}`);
      files[`${IMAGES_DIR}/${name}`] = [ctPng(ct, columns, rows, windowLut, level), STORED];
    }
  }

  const manifest: PngMaskManifest = {
    format: PNG_MASKS_FORMAT,
    version: PNG_MASKS_VERSION,
    layout: perLabel ? 'per-label' : 'label-values',
    columns,
    rows,
    sliceCount: slices,
    background: 0,
    ...(perLabel ? { foreground: PER_LABEL_FOREGROUND } : {}),
    labels: labels.map((l, j) => ({
      id: l.id,
      name: l.name,
      color: [l.color[0], l.color[1], l.color[2]] as const,
      ...copySegmentCode(l.code),
      ...(l.provenance ? { provenance: l.provenance } : {}),
      ...(perLabel ? { directory: directories[j]! } : {}),
    })),
    slices: sliceEntries,
    ...(options.image === 'windowed'
      ? { images: { directory: IMAGES_DIR, encoding: 'windowed', bitDepth: 8, windowCenter: options.window!.center, windowWidth: options.window!.width } as const }
      : options.image === 'raw16'
        ? { images: { directory: IMAGES_DIR, encoding: 'raw16', bitDepth: 16, offset: RAW16_OFFSET } as const }
        : {}),
  };
  files[LABELS_FILE] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  return zipSync(files, { mtime: ZIP_TIME });
}

/** `<k>_<uid>.png`, k zero-padded to max(4, digits of the last index): names sort in slice order. */
export function sliceFileName(k: number, sopInstanceUID: string, slices: number): string {
  const digits = Math.max(4, String(Math.max(0, slices - 1)).length);
  return `${String(k).padStart(digits, '0')}_${safeUid(sopInstanceUID)}.png`;
}

/** A UID as it appears in a file name: digits and dots stay, anything else (never in a valid UID) becomes `_`. */
export function safeUid(uid: string): string {
  return uid.replace(/[^0-9A-Za-z.-]/g, '_');
}

/** A folder-safe form of a label name: lower-case letters and digits of any script, runs of anything else as `-`. */
export function labelSlug(name: string): string {
  const slug = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'label' : slug;
}

/**
 * HU → 8-bit through the DICOM linear VOI function (PS3.3 C.11.2.1.2.1), as
 * a table over all int16 values: below c − ½ − (w − 1)/2 → 0, above
 * c − ½ + (w − 1)/2 → 255, linear (rounded) in between.
 */
function windowTable(window: { readonly center: number; readonly width: number }): Uint8Array {
  const { center: c, width: w } = window;
  const lut = new Uint8Array(65536);
  const low = c - 0.5 - (w - 1) / 2;
  const high = c - 0.5 + (w - 1) / 2;
  for (let i = 0; i < 65536; i++) {
    const x = i - RAW16_OFFSET;
    lut[i] = x <= low ? 0 : x > high ? 255 : Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
  }
  return lut;
}

function ctPng(ct: Int16Array, columns: number, rows: number, windowLut: Uint8Array | undefined, level: GzipLevel): Uint8Array {
  if (windowLut) {
    const data = new Uint8Array(ct.length);
    for (let i = 0; i < ct.length; i++) data[i] = windowLut[ct[i]! + RAW16_OFFSET]!;
    return encodePng({ width: columns, height: rows, bitDepth: 8, data }, { level });
  }
  const data = new Uint16Array(ct.length);
  for (let i = 0; i < ct.length; i++) data[i] = ct[i]! + RAW16_OFFSET;
  return encodePng({ width: columns, height: rows, bitDepth: 16, data }, { level });
}

function checkInput(input: PngMaskInput, options: PngMaskOptions): void {
  const { columns, rows, slices, labels } = input;
  for (const [name, v] of [['columns', columns], ['rows', rows], ['slices', slices]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, not ${v}`);
  }
  if (input.sopInstanceUIDs.length !== slices) throw new RangeError(`${input.sopInstanceUIDs.length} SOP Instance UIDs for ${slices} slices`);
  const blank = input.sopInstanceUIDs.findIndex((u) => typeof u !== 'string' || u === '');
  if (blank >= 0) throw new RangeError(`slice ${blank} has no SOP Instance UID`);
  if (input.positions && input.positions.length !== slices) throw new RangeError(`${input.positions.length} positions for ${slices} slices`);
  const ids = new Set<number>();
  for (const l of labels) {
    if (!Number.isInteger(l.id) || l.id < 1 || l.id > 255) throw new RangeError(`label id ${l.id} is not in 1..255`);
    if (ids.has(l.id)) throw new RangeError(`label id ${l.id} is given twice`);
    ids.add(l.id);
  }
  if (options.image && !input.ct) throw new RangeError(`image: '${options.image}' needs the CT slices (input.ct)`);
  if (options.image === 'windowed') {
    const w = options.window;
    if (!w || !Number.isFinite(w.center) || !(w.width >= 1) || !Number.isFinite(w.width)) {
      throw new RangeError("image: 'windowed' needs a window with a finite center and a width ≥ 1");
    }
  }
}
