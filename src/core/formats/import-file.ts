/**
 * Which importer a file needs, from its bytes (names lie; magic numbers do
 * not): a DICOM SEG; a zip of our NIfTI export (labelmap + labels.json) or of
 * our PNG masks; our COCO JSON; or a bare NIfTI labelmap. PNG and COCO carry
 * no geometry beyond size: they are placed by SOP Instance UID where those
 * match the series, else by slice index when the slice count matches.
 */
import { unzipSync } from 'fflate';
import { SegmarkError } from '../errors.js';
import { importedRegions, type ImportedRegions } from './import-apply.js';
import type { ImportedLabel, ImportedMasks, ImportTarget, ImportWarning } from './import-common.js';
import { readCoco } from './coco-read.js';
import { readPngMaskZip } from './png-masks-read.js';
import { importNifti } from './import-nifti.js';
import { importSeg } from './import-seg.js';

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

function isDicom(b: Uint8Array): boolean {
  return b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

/** Reads any supported mask file onto `series`; `file` names it in messages. */
export function importMaskFile(bytes: Uint8Array, series: ImportTarget, file: string): ImportedMasks {
  if (isDicom(bytes)) return importSeg(bytes, series, file);
  if (isZip(bytes)) return importZip(bytes, series, file);
  if (looksLikeJson(bytes)) return importCoco(bytes, series, file);
  return importNifti(bytes, series, file);
}

/** `importMaskFile` with its masks traced into outlines: all an import does before the document takes it. */
export function importMaskOutlines(bytes: Uint8Array, series: ImportTarget, file: string): ImportedRegions {
  return importedRegions(importMaskFile(bytes, series, file), series.columns, series.rows);
}

function looksLikeJson(b: Uint8Array): boolean {
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i] === 0x7b;
}

/** Slice index of each of the file's slices: by SOP Instance UID, or by index when the UIDs were replaced (de-identified). */
function slicePlacement(theirs: readonly (string | undefined)[], series: ImportTarget, file: string): { place: (i: number, fallback?: number) => number | undefined; warnings: ImportWarning[] } {
  const ours = new Map(series.sopInstanceUIDs.map((uid, k) => [uid, k]));
  const byUid = theirs.some((uid) => uid !== undefined && ours.has(uid));
  if (byUid) return { place: (i) => ours.get(theirs[i] ?? ''), warnings: [] };
  if (theirs.length !== series.slices) {
    throw new SegmarkError('import-geometry', `${file} has ${theirs.length} slices and names none of this series' images; the series has ${series.slices}`, {
      file,
      params: { aspect: 'size', theirs: String(theirs.length), ours: String(series.slices) },
    });
  }
  return {
    place: (i, fallback) => fallback ?? i,
    warnings: [{ code: 'import-placed-by-position', detail: 'no image UID matches this series: slices placed by index', params: { count: theirs.length } }],
  };
}

function sizeCheck(columns: number, rows: number, series: ImportTarget, file: string): void {
  if (columns !== series.columns || rows !== series.rows) {
    throw new SegmarkError('import-geometry', `${file} is ${columns}×${rows}; the series is ${series.columns}×${series.rows}`, {
      file,
      params: { aspect: 'size', theirs: `${columns}×${rows}`, ours: `${series.columns}×${series.rows}` },
    });
  }
}

/** Splits label-valued slices into one 0/1 mask per value and slice. */
function splitLabelmaps(slices: Iterable<[number, Uint8Array]>, values: readonly number[]): Map<number, Map<number, Uint8Array>> {
  const masks = new Map(values.map((v) => [v, new Map<number, Uint8Array>()]));
  for (const [k, map] of slices) {
    for (let i = 0; i < map.length; i++) {
      const v = map[i]!;
      if (v === 0) continue;
      let byValue = masks.get(v);
      if (!byValue) masks.set(v, (byValue = new Map()));
      let mask = byValue.get(k);
      if (!mask) byValue.set(k, (mask = new Uint8Array(map.length)));
      mask[i] = 1;
    }
  }
  return masks;
}

function importPngZip(bytes: Uint8Array, series: ImportTarget, file: string): ImportedMasks {
  const content = readPngMaskZip(bytes, file);
  sizeCheck(content.columns, content.rows, series, file);
  const { place, warnings } = slicePlacement(content.sopInstanceUIDs, series, file);
  const placed: [number, Uint8Array][] = [];
  for (const [i, map] of content.slices) {
    const k = place(i);
    if (k !== undefined) placed.push([k, map]);
  }
  const labels: ImportedLabel[] = content.labels.map((l) => ({
    value: l.id,
    name: l.name,
    color: [l.color[0], l.color[1], l.color[2]],
    code: { category: l.category, type: l.type },
  }));
  return { source: 'nifti', labels, masks: splitLabelmaps(placed, labels.map((l) => l.value)), warnings };
}

function importCoco(bytes: Uint8Array, series: ImportTarget, file: string): ImportedMasks {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new SegmarkError('coco-invalid', `${file} is not valid JSON`, { file, params: { part: 'JSON' }, cause: error });
  }
  const content = readCoco(json, { columns: series.columns, rows: series.rows }, file);
  const images = new Map(content.images.map((im) => [im.id, im]));
  const order = content.images.map((im) => im.sopInstanceUID);
  const { place, warnings } = slicePlacement(order, series, file);
  const index = new Map(content.images.map((im, i) => [im.id, i]));
  const masks = new Map<number, Map<number, Uint8Array>>(content.categories.map((c) => [c.id, new Map()]));
  for (const m of content.masks) {
    const k = place(index.get(m.imageId)!, images.get(m.imageId)?.sliceIndex);
    if (k === undefined) continue;
    const byValue = masks.get(m.categoryId)!;
    const existing = byValue.get(k);
    if (existing) for (let i = 0; i < existing.length; i++) existing[i]! |= m.mask[i]!;
    else byValue.set(k, m.mask);
  }
  return { source: 'nifti', labels: content.categories.map((c) => ({ value: c.id, name: c.name })), masks, warnings };
}

function importZip(bytes: Uint8Array, series: ImportTarget, file: string): ImportedMasks {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new SegmarkError('nifti-invalid', `${file} is not a readable zip archive`, { file, cause: error });
  }
  const names = Object.keys(entries);
  if (names.includes('labels.json') && names.some((n) => n.endsWith('.png'))) return importPngZip(bytes, series, file);
  const labelmap = names.find((n) => /_labels\.nii(\.gz)?$/.test(n)) ?? names.find((n) => /\.nii(\.gz)?$/.test(n) && !/_image\.nii/.test(n));
  if (!labelmap) throw new SegmarkError('nifti-invalid', `${file} holds no NIfTI labelmap`, { file });
  const sidecarName = names.find((n) => n === labelmap.replace(/\.nii(\.gz)?$/, '.json'));
  let sidecar: unknown;
  if (sidecarName) {
    try {
      sidecar = JSON.parse(new TextDecoder().decode(entries[sidecarName]));
    } catch (error) {
      throw new SegmarkError('import-sidecar-invalid', `${sidecarName} in ${file} is not valid JSON`, { file, cause: error });
    }
  }
  return importNifti(entries[labelmap]!, series, `${file}/${labelmap}`, sidecar === undefined ? {} : { sidecar });
}
