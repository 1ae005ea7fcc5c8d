/**
 * Reads a PNG mask zip (ours, or one laid out the same way) back into
 * labelmap slices: from label-valued PNGs, or from per-label masks combined.
 * Everything is checked against `labels.json` — names, slice indices and UIDs,
 * sizes, values — and a mismatch is a `png-invalid` error naming the part,
 * never a silently wrong labelmap.
 */
import { unzipSync, type Unzipped } from 'fflate';
import { isCodedConcept } from '../annotation/codes.js';
import { SegmarkError } from '../errors.js';
import { decodePng } from './png.js';
import {
  IMAGES_DIR,
  LABELS_FILE,
  MASKS_DIR,
  PNG_MASKS_FORMAT,
  safeUid,
  type PngMaskManifest,
  type PngMaskManifestLabel,
} from './png-masks.js';

export interface PngMaskZipContent {
  readonly columns: number;
  readonly rows: number;
  /** Slices in the series (labels.json's `sliceCount`). */
  readonly sliceCount: number;
  readonly labels: readonly PngMaskManifestLabel[];
  /** One per slice, as labels.json lists them. */
  readonly sopInstanceUIDs: readonly string[];
  /** Label ids per slice that has a mask file (rows·cols, index r·cols + c); slices left out are all background. */
  readonly slices: Map<number, Uint8Array>;
}

const SLICE_NAME = /^(\d+)_([^/]+)\.png$/;

/** Reads the zip's labels.json and masks; `file` names the zip in errors. */
export function readPngMaskZip(bytes: Uint8Array, file?: string): PngMaskZipContent {
  const fail = (part: string, detail: string): never => {
    throw new SegmarkError('png-invalid', `${part}: ${detail}`, { file, params: { part } });
  };
  let entries: Unzipped;
  try {
    // The CT images are not needed to rebuild the labelmap: leave them compressed.
    entries = unzipSync(bytes, { filter: (f) => !f.name.startsWith(`${IMAGES_DIR}/`) });
  } catch (e) {
    throw new SegmarkError('png-invalid', `not a readable zip (${(e as Error).message})`, { file, cause: e, params: { part: 'zip' } });
  }
  const labelsJson = entries[LABELS_FILE];
  if (!labelsJson) return fail(LABELS_FILE, 'missing');
  const manifest = readManifest(labelsJson, fail);
  const { columns, rows } = manifest;
  const n = columns * rows;
  const perLabel = manifest.layout === 'per-label';
  const uidOf = manifest.slices.map((s) => s.sopInstanceUID);
  const labelIds = new Set(manifest.labels.map((l) => l.id));

  const slices = new Map<number, Uint8Array>();
  const seen = new Set<string>();
  for (const path of Object.keys(entries).sort()) {
    if (!path.startsWith(`${MASKS_DIR}/`) || path.endsWith('/')) continue;
    const parts = path.split('/');
    let labelId: number | undefined;
    if (perLabel) {
      const folder = parts.length === 3 ? /^(\d+)_[^/]+$/.exec(parts[1]!) : null;
      if (!folder) fail(path, `per-label masks are named ${MASKS_DIR}/<label id>_<name>/<index>_<SOP Instance UID>.png`);
      labelId = Number(folder![1]);
      if (!labelIds.has(labelId)) fail(path, `label ${labelId} is not in ${LABELS_FILE}`);
    } else if (parts.length !== 2) {
      fail(path, `label-valued masks are named ${MASKS_DIR}/<index>_<SOP Instance UID>.png`);
    }
    const name = SLICE_NAME.exec(parts[parts.length - 1]!);
    if (!name) return fail(path, 'the file name is not <index>_<SOP Instance UID>.png');
    const k = Number(name[1]);
    if (!(k < manifest.sliceCount)) fail(path, `slice index ${k} is outside 0..${manifest.sliceCount - 1}`);
    if (name[2] !== safeUid(uidOf[k]!)) fail(path, `slice ${k} is ${uidOf[k]} in ${LABELS_FILE}, not ${name[2]}`);
    const key = `${labelId ?? 0}/${k}`;
    if (seen.has(key)) fail(path, `a second mask for slice ${k}${labelId === undefined ? '' : ` of label ${labelId}`}`);
    seen.add(key);

    const png = decodePng(entries[path]!, path);
    if (png.bitDepth !== 8) fail(path, `a ${png.bitDepth}-bit PNG; masks are 8-bit`);
    if (png.width !== columns || png.height !== rows) fail(path, `${png.width} × ${png.height} pixels, not the ${columns} × ${rows} of ${LABELS_FILE}`);
    const data = png.data as Uint8Array;
    let map = slices.get(k);
    if (!map) slices.set(k, (map = new Uint8Array(n)));
    if (labelId === undefined) {
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        if (v !== 0 && !labelIds.has(v)) fail(path, `pixel value ${v} is not a label in ${LABELS_FILE}`);
      }
      map.set(data);
    } else {
      for (let i = 0; i < n; i++) {
        if (data[i] === 0) continue;
        if (map[i] !== 0 && map[i] !== labelId) fail(path, `pixel (${i % columns}, ${Math.floor(i / columns)}) also belongs to label ${map[i]}`);
        map[i] = labelId;
      }
    }
  }
  return { columns, rows, sliceCount: manifest.sliceCount, labels: manifest.labels, sopInstanceUIDs: uidOf, slices };
}

/** labels.json, checked field by field. */
function readManifest(bytes: Uint8Array, fail: (part: string, detail: string) => never): PngMaskManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return fail(LABELS_FILE, `not JSON (${(e as Error).message})`);
  }
  const m = json as Partial<Record<keyof PngMaskManifest, unknown>>;
  if (typeof json !== 'object' || json === null || m.format !== PNG_MASKS_FORMAT) fail(LABELS_FILE, `format is not "${PNG_MASKS_FORMAT}"`);
  if (m.version !== 1) fail(LABELS_FILE, `version ${String(m.version)} is not read (1 is)`);
  if (m.layout !== 'label-values' && m.layout !== 'per-label') fail(LABELS_FILE, 'layout must be "label-values" or "per-label"');
  for (const key of ['columns', 'rows', 'sliceCount'] as const) {
    const v = m[key];
    if (!Number.isInteger(v) || (v as number) < 1) fail(LABELS_FILE, `${key} must be a positive integer`);
  }
  if (!Array.isArray(m.labels)) return fail(LABELS_FILE, 'labels must be a list');
  const ids = new Set<number>();
  m.labels.forEach((l: Partial<Record<keyof PngMaskManifestLabel, unknown>>, i) => {
    const at = `${LABELS_FILE} labels[${i}]`;
    if (!Number.isInteger(l.id) || (l.id as number) < 1 || (l.id as number) > 255) fail(at, 'id must be an integer in 1..255');
    if (ids.has(l.id as number)) fail(at, `id ${String(l.id)} is given twice`);
    ids.add(l.id as number);
    if (typeof l.name !== 'string') fail(at, 'name must be a string');
    const c = l.color;
    if (!Array.isArray(c) || c.length !== 3 || !c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) fail(at, 'color must be three integers 0..255');
    if (!isCodedConcept(l.category) || !isCodedConcept(l.type)) fail(at, 'category and type must be coded concepts');
  });
  if (!Array.isArray(m.slices) || m.slices.length !== m.sliceCount) return fail(LABELS_FILE, 'slices must list every slice');
  m.slices.forEach((s: Partial<Record<'index' | 'sopInstanceUID', unknown>>, i) => {
    if (s.index !== i || typeof s.sopInstanceUID !== 'string' || s.sopInstanceUID === '') {
      fail(`${LABELS_FILE} slices[${i}]`, `needs index ${i} and a SOP Instance UID`);
    }
  });
  return json as PngMaskManifest;
}
