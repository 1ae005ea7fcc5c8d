/**
 * COCO instance-segmentation JSON of the document's regions
 * (cocodataset.org "Data format", object detection), for 2D detection and
 * segmentation toolkits (pycocotools, Detectron2, MMDetection).
 *
 * - `images`: one per slice, id k + 1 (k = slice index in sorted order; ids
 *   start at 1 as in COCO's own files), `file_name` = the slice's name in the
 *   PNG zip's `images/` folder (`<k>_<SOP Instance UID>.png`, see
 *   `png-masks.ts`), plus `sop_instance_uid` and `slice_index`.
 * - `categories`: one per label, id = label id, `supercategory` = the
 *   meaning of the label's Segmented Property Category (e.g. "Anatomical
 *   Structure").
 * - `annotations`: one per (label, slice) region that covers a pixel.
 *
 * Coordinates need no conversion: COCO polygons are in pixels with (0, 0)
 * the top-left corner of the first pixel, and pycocotools' `rleFrPoly`
 * decides pixel (c, r) at (c + ½, r + ½) — our pixel space
 * (ARCHITECTURE "Coordinates"). So `segmentation` holds the region's rings
 * exactly, one polygon per ring.
 *
 * COCO unites an annotation's polygons, while our rings combine by the
 * even–odd rule; the two agree unless some pixel lies in two rings — a hole,
 * or an island in a hole. Such a region is written as RLE instead (and every
 * region with `rle: true`). `iscrowd` is 0 for RLE too: it is the
 * annotation's meaning, not its encoding — COCO's evaluation ignores crowd
 * ground truth, and pycocotools' `annToRLE` reads polygons, uncompressed and
 * compressed RLE alike whatever `iscrowd` says.
 *
 * `area` is the number of pixels our rasterization gives the region (the
 * centre rule of `rasterize.ts`), as pycocotools' `area` of a mask counts
 * pixels; `bbox` [x, y, width, height] encloses those pixels
 * (pycocotools' `toBbox`). pycocotools rasterizes polygons on its own ⅕-pixel
 * grid, so for polygon annotations its mask may differ from ours by a few
 * boundary pixels; the RLE form is exact.
 */
import { rasterizeRegion, regionPixelBounds } from '../annotation/rasterize.js';
import type { Region } from '../annotation/region.js';
import { encodeRle, rleToString } from './coco-rle.js';
import { sliceFileName, type PngMaskLabel } from './png-masks.js';
import type { LabelProvenanceJson } from './nifti-sidecar.js';

/** One (label, slice) region, as in `getDocument().regions`. */
export interface CocoRegionInput {
  readonly labelId: number;
  readonly slice: number;
  readonly rings: readonly (readonly number[])[];
}

export interface CocoInput {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  /** One per slice, in sorted slice order. */
  readonly sopInstanceUIDs: readonly string[];
  readonly labels: readonly PngMaskLabel[];
  readonly regions: readonly CocoRegionInput[];
}

export interface CocoOptions {
  /** Every annotation as RLE (default: polygons where they are exact). */
  rle?: boolean;
  /** RLE counts as pycocotools' compressed string instead of a list of numbers. */
  compressedRle?: boolean;
}

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  sop_instance_uid: string;
  slice_index: number;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory: string;
  /** Segmark's record of how the category's regions came to be and who checked them. */
  provenance?: LabelProvenanceJson;
}

/** `size` is [height, width]. */
export interface CocoRle {
  size: [number, number];
  counts: number[] | string;
}

export type CocoSegmentation = number[][] | CocoRle;

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: CocoSegmentation;
  area: number;
  bbox: [number, number, number, number];
  iscrowd: 0;
}

export interface CocoDataset {
  info: { description: string; version: string };
  licenses: never[];
  images: CocoImage[];
  categories: CocoCategory[];
  annotations: CocoAnnotation[];
}

/** The COCO object; `JSON.stringify` it (or use `cocoJsonString`) to write the file. */
export function cocoJson(input: CocoInput, options: CocoOptions = {}): CocoDataset {
  const { columns, rows, slices, labels } = input;
  checkInput(input);
  const labelOrder = new Map(labels.map((l, i) => [l.id, i]));
  const regions = [...input.regions].sort((a, b) => a.slice - b.slice || labelOrder.get(a.labelId)! - labelOrder.get(b.labelId)!);
  const mask = new Uint8Array(columns * rows);
  const scratch = new Uint8Array(columns * rows);
  const annotations: CocoAnnotation[] = [];
  for (const r of regions) {
    const region: Region = { rings: r.rings.filter((ring) => ring.length >= 6).map((ring) => [...ring]) };
    mask.fill(0);
    rasterizeRegion(region, columns, rows, mask, 1);
    const box = pixelBox(mask, columns, rows);
    if (!box) continue; // covers no pixel centre: nothing a mask-based tool could use
    const asPolygons = !options.rle && ringsAreDisjoint(region, columns, rows, box.area, scratch);
    let segmentation: CocoSegmentation;
    if (asPolygons) {
      segmentation = region.rings;
    } else {
      const counts = encodeRle(mask, columns, rows);
      segmentation = { size: [rows, columns], counts: options.compressedRle ? rleToString(counts) : counts };
    }
    annotations.push({
      id: annotations.length + 1,
      image_id: r.slice + 1,
      category_id: r.labelId,
      segmentation,
      area: box.area,
      bbox: [box.c0, box.r0, box.c1 - box.c0, box.r1 - box.r0],
      iscrowd: 0,
    });
  }
  return {
    info: { description: 'Segmark annotations', version: '1' },
    licenses: [],
    images: input.sopInstanceUIDs.map((uid, k) => ({
      id: k + 1,
      file_name: sliceFileName(k, uid, slices),
      width: columns,
      height: rows,
      sop_instance_uid: uid,
      slice_index: k,
    })),
    categories: labels.map((l) => ({
      id: l.id,
      name: l.name,
      supercategory: l.code.category.codeMeaning,
      ...(l.provenance ? { provenance: l.provenance } : {}),
    })),
    annotations,
  };
}

/** The COCO file's text. */
export function cocoJsonString(input: CocoInput, options: CocoOptions = {}): string {
  return JSON.stringify(cocoJson(input, options));
}

/**
 * Whether no pixel lies in two rings: then the union COCO takes equals our
 * even–odd combination. Equivalent test: the rings' pixel counts add up to
 * the region's (a pixel in m ≥ 2 rings adds m to the sum but at most 1 to the region).
 */
function ringsAreDisjoint(region: Region, columns: number, rows: number, regionPixels: number, scratch: Uint8Array): boolean {
  if (region.rings.length <= 1) return true;
  let sum = 0;
  for (const ring of region.rings) {
    const one: Region = { rings: [ring] };
    const b = regionPixelBounds(one, columns, rows);
    rasterizeRegion(one, columns, rows, scratch, 1);
    for (let r = b.r0; r < b.r1; r++) {
      for (let i = r * columns + b.c0, end = r * columns + b.c1; i < end; i++) {
        sum += scratch[i]!;
        scratch[i] = 0;
      }
    }
    if (sum > regionPixels) return false;
  }
  return sum === regionPixels;
}

/** Pixel count and enclosing box (c1, r1 exclusive) of a 0/1 mask; undefined when empty. */
function pixelBox(mask: Uint8Array, columns: number, rows: number): { c0: number; r0: number; c1: number; r1: number; area: number } | undefined {
  let c0 = columns;
  let r0 = rows;
  let c1 = 0;
  let r1 = 0;
  let area = 0;
  for (let r = 0; r < rows; r++) {
    const row = r * columns;
    for (let c = 0; c < columns; c++) {
      if (mask[row + c] === 0) continue;
      area++;
      if (c < c0) c0 = c;
      if (c >= c1) c1 = c + 1;
      if (r < r0) r0 = r;
      r1 = r + 1;
    }
  }
  return area === 0 ? undefined : { c0, r0, c1, r1, area };
}

function checkInput(input: CocoInput): void {
  const { columns, rows, slices, labels } = input;
  for (const [name, v] of [['columns', columns], ['rows', rows], ['slices', slices]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, not ${v}`);
  }
  if (input.sopInstanceUIDs.length !== slices) throw new RangeError(`${input.sopInstanceUIDs.length} SOP Instance UIDs for ${slices} slices`);
  const ids = new Set(labels.map((l) => l.id));
  if (ids.size !== labels.length) throw new RangeError('two labels share an id');
  const seen = new Set<string>();
  for (const r of input.regions) {
    if (!ids.has(r.labelId)) throw new RangeError(`a region has label ${r.labelId}, which is not in the label list`);
    if (!Number.isInteger(r.slice) || r.slice < 0 || r.slice >= slices) throw new RangeError(`a region is on slice ${r.slice}, outside 0..${slices - 1}`);
    const key = `${r.labelId}/${r.slice}`;
    if (seen.has(key)) throw new RangeError(`two regions for label ${r.labelId} on slice ${r.slice}`);
    seen.add(key);
  }
}
