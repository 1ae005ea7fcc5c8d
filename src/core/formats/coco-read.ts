/**
 * Reads COCO instance-segmentation JSON (ours or another tool's) into one
 * mask per (category, image): polygons rasterized with our centre rule
 * (`rasterize.ts`; COCO's pixel space is ours, see `coco.ts`) and united as
 * COCO unites them, RLE decoded exactly; several annotations of one pair are
 * united too. `maskToRegion` turns a mask into an exact region.
 * Anything malformed or inconsistent is a `coco-invalid` error naming the part.
 */
import { rasterizeRegion } from '../annotation/rasterize.js';
import { SegmarkError } from '../errors.js';
import { decodeRle, rleFromString } from './coco-rle.js';

export interface CocoReadCategory {
  readonly id: number;
  readonly name: string;
  readonly supercategory?: string;
}

export interface CocoReadImage {
  readonly id: number;
  readonly fileName: string;
  /** Our extra fields, when the file has them. */
  readonly sliceIndex?: number;
  readonly sopInstanceUID?: string;
}

export interface CocoReadMask {
  readonly categoryId: number;
  readonly imageId: number;
  /** The image's `slice_index`, when it has one. */
  readonly sliceIndex: number | undefined;
  /** 0/1, rows·cols, index r·cols + c. */
  readonly mask: Uint8Array;
  readonly annotationIds: readonly number[];
}

export interface CocoContent {
  readonly categories: readonly CocoReadCategory[];
  readonly images: readonly CocoReadImage[];
  /** In order of first appearance in `annotations`. */
  readonly masks: readonly CocoReadMask[];
}

type Json = Record<string, unknown>;

/**
 * Reads `json` (the parsed object or its text); every image must be
 * `size.columns × size.rows`. `file` names the source in errors.
 */
export function readCoco(json: unknown, size: { readonly columns: number; readonly rows: number }, file?: string): CocoContent {
  const fail = (part: string, detail: string): never => {
    throw new SegmarkError('coco-invalid', `${part}: ${detail}`, { file, params: { part } });
  };
  let root = json;
  if (typeof json === 'string') {
    try {
      root = JSON.parse(json);
    } catch (e) {
      return fail('JSON', (e as Error).message);
    }
  }
  if (!isObject(root)) return fail('JSON', 'not an object');
  const { columns, rows } = size;
  const list = (key: string): Json[] => {
    const v = root[key];
    if (!Array.isArray(v) || !v.every(isObject)) return fail(key, 'must be a list of objects');
    return v;
  };

  const categories = new Map<number, CocoReadCategory>();
  list('categories').forEach((c, i) => {
    if (!isId(c['id']) || categories.has(c['id'])) fail(`categories[${i}]`, 'id must be a unique integer');
    if (typeof c['name'] !== 'string') fail(`categories[${i}]`, 'name must be a string');
    const supercategory = typeof c['supercategory'] === 'string' ? { supercategory: c['supercategory'] } : {};
    categories.set(c['id'] as number, { id: c['id'] as number, name: c['name'] as string, ...supercategory });
  });

  const images = new Map<number, CocoReadImage>();
  list('images').forEach((im, i) => {
    const at = `images[${i}]`;
    if (!isId(im['id']) || images.has(im['id'])) fail(at, 'id must be a unique integer');
    if (im['width'] !== columns || im['height'] !== rows) {
      fail(at, `image ${String(im['id'])} is ${String(im['width'])} × ${String(im['height'])}, not ${columns} × ${rows}`);
    }
    const slice = Number.isInteger(im['slice_index']) ? { sliceIndex: im['slice_index'] as number } : {};
    const uid = typeof im['sop_instance_uid'] === 'string' ? { sopInstanceUID: im['sop_instance_uid'] } : {};
    images.set(im['id'] as number, { id: im['id'] as number, fileName: typeof im['file_name'] === 'string' ? im['file_name'] : '', ...slice, ...uid });
  });

  const masks = new Map<string, { categoryId: number; imageId: number; sliceIndex: number | undefined; mask: Uint8Array; annotationIds: number[] }>();
  list('annotations').forEach((a, i) => {
    const at = `annotations[${i}]`;
    const imageId = a['image_id'];
    const categoryId = a['category_id'];
    if (!isId(imageId) || !images.has(imageId)) return fail(at, `image_id ${String(imageId)} is not among the images`);
    if (!isId(categoryId) || !categories.has(categoryId)) return fail(at, `category_id ${String(categoryId)} is not among the categories`);
    const key = `${categoryId}/${imageId}`;
    let entry = masks.get(key);
    if (!entry) {
      entry = { categoryId, imageId, sliceIndex: images.get(imageId)!.sliceIndex, mask: new Uint8Array(columns * rows), annotationIds: [] };
      masks.set(key, entry);
    }
    if (isId(a['id'])) entry.annotationIds.push(a['id']);
    paintSegmentation(a['segmentation'], columns, rows, entry.mask, (detail) => fail(`${at}.segmentation`, detail));
  });

  return { categories: [...categories.values()], images: [...images.values()], masks: [...masks.values()] };
}

/** ORs one annotation's segmentation (polygons, or RLE in either form) into `mask`. */
function paintSegmentation(segmentation: unknown, columns: number, rows: number, mask: Uint8Array, fail: (detail: string) => never): void {
  if (Array.isArray(segmentation)) {
    segmentation.forEach((polygon: unknown, j) => {
      if (!Array.isArray(polygon) || polygon.length < 6 || polygon.length % 2 !== 0 || !polygon.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        fail(`polygon ${j} must be an even list of at least 6 finite numbers`);
      }
      // Each polygon on its own: COCO unites an annotation's polygons.
      rasterizeRegion({ rings: [polygon as number[]] }, columns, rows, mask, 1);
    });
    return;
  }
  if (!isObject(segmentation)) return fail('neither polygons nor RLE');
  const rleSize = segmentation['size'];
  if (!Array.isArray(rleSize) || rleSize[0] !== rows || rleSize[1] !== columns) {
    fail(`RLE size ${JSON.stringify(rleSize)} is not [${rows}, ${columns}] (height, width)`);
  }
  const raw = segmentation['counts'];
  let decoded: Uint8Array;
  try {
    if (typeof raw === 'string') decoded = decodeRle(rleFromString(raw), columns, rows);
    else if (Array.isArray(raw)) decoded = decodeRle(raw as number[], columns, rows);
    else return fail('RLE counts must be a list or a string');
  } catch (e) {
    return fail(`RLE counts: ${(e as Error).message}`);
  }
  for (let i = 0; i < decoded.length; i++) mask[i]! |= decoded[i]!;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return Number.isInteger(v);
}
