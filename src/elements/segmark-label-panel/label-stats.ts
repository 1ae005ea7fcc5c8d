/**
 * Per-label measurements for the label panel, kept up to date cheaply.
 *
 * Volume is counted, not integrated: each (label, slice) region is
 * rasterized by the labelmap's own rule (`rasterizeRegion`, pixel centre
 * inside) and its pixels counted, so `volume = voxels × voxelVolumeMm3`
 * matches what a labelmap export (NIfTI, SEG) holds, pixel for pixel, as
 * long as labels do not overlap (the document's default paint rule). The
 * alternative — polygon area × slice spacing — differs from the exported
 * mask by the partial pixels along every boundary.
 *
 * Cost: counts are cached per (label, slice) together with the frozen
 * region they were counted from; the document hands out the same frozen
 * object until that region changes, so a refresh compares identities and
 * rasterizes only the slices that really changed, into one scratch buffer
 * owned here and cleared box by box (no per-slice allocation). Only labels
 * marked dirty by a document announcement are refreshed at all.
 *
 * Pure TypeScript, no DOM: it could move to `core/annotation/` if another
 * view needs it.
 */
import type { AnnotationDocument } from '../../core/annotation/document.js';
import { ONE_BASED, type SliceNumbering } from '../../core/dicom/view-plane.js';
import { regionAreaMm2, regionPerimeterMm, volumeMl, voxelVolumeMm3, type PixelSpacing } from '../../core/annotation/metrics.js';
import { rasterizeRegion, regionPixelBounds } from '../../core/annotation/rasterize.js';
import type { Region } from '../../core/annotation/region.js';

export interface LabelSummary {
  /** Voxels of the label over the series. */
  readonly voxels: number;
  /** Slices (0-based, ascending) where the label has a region. */
  readonly slices: readonly number[];
}

export interface SliceMeasure {
  readonly areaMm2: number;
  readonly perimeterMm: number;
}

interface SliceCount {
  region: Region;
  count: number;
}

interface LabelCache {
  perSlice: Map<number, SliceCount>;
  summary: LabelSummary;
}

const EMPTY_SUMMARY: LabelSummary = Object.freeze({ voxels: 0, slices: Object.freeze([]) });
const NO_MEASURE: SliceMeasure = Object.freeze({ areaMm2: 0, perimeterMm: 0 });

export class LabelStats {
  #columns = 0;
  #rows = 0;
  #scratch = new Uint8Array(0);
  readonly #labels = new Map<number, LabelCache>();
  readonly #dirty = new Set<number>();
  /** The last area and perimeter per label: a region object (frozen, so its identity is its content) and a spacing. */
  readonly #measures = new Map<number, { region: Region; spacingKey: string; value: SliceMeasure }>();

  /** Sets the image size counts refer to; a new size forgets every count. */
  setImageSize(columns: number, rows: number): void {
    if (columns === this.#columns && rows === this.#rows) return;
    this.#columns = columns;
    this.#rows = rows;
    this.#scratch = new Uint8Array(Math.max(0, columns * rows));
    this.clear();
  }

  /** Forgets everything (a new document). */
  clear(): void {
    this.#labels.clear();
    this.#dirty.clear();
    this.#measures.clear();
  }

  /** Marks a label for refresh: call it from the document's `subscribe` listener. */
  invalidate(labelId: number): void {
    this.#dirty.add(labelId);
  }

  /** Voxel count and slices of a label, refreshed if it was invalidated since the last call. */
  summary(doc: AnnotationDocument, labelId: number): LabelSummary {
    let cache = this.#labels.get(labelId);
    if (!cache) {
      cache = { perSlice: new Map(), summary: EMPTY_SUMMARY };
      this.#labels.set(labelId, cache);
      this.#dirty.add(labelId);
    }
    if (this.#dirty.delete(labelId)) this.#refresh(doc, labelId, cache);
    return cache.summary;
  }

  /** Volume in mL of a label (voxels × voxel volume). */
  volumeMl(summary: LabelSummary, spacing: PixelSpacing, sliceSpacingMm: number): number {
    return volumeMl([summary.voxels], voxelVolumeMm3(spacing, sliceSpacingMm));
  }

  /** Area (mm²) and perimeter (mm) of the label's region on `slice`, cached until the region or spacing changes. */
  measure(doc: AnnotationDocument, labelId: number, slice: number, spacing: PixelSpacing): SliceMeasure {
    const region = slice >= 0 && slice < doc.series.slices ? doc.regionAt(labelId, slice) : undefined;
    if (!region || region.rings.length === 0) return NO_MEASURE;
    const spacingKey = `${spacing[0]},${spacing[1]}`;
    const m = this.#measures.get(labelId);
    if (m && m.region === region && m.spacingKey === spacingKey) return m.value;
    const value = { areaMm2: regionAreaMm2(region, spacing), perimeterMm: regionPerimeterMm(region, spacing) };
    this.#measures.set(labelId, { region, spacingKey, value });
    return value;
  }

  #refresh(doc: AnnotationDocument, labelId: number, cache: LabelCache): void {
    if (!doc.label(labelId)) {
      this.#labels.delete(labelId);
      this.#measures.delete(labelId);
      cache.summary = EMPTY_SUMMARY;
      return;
    }
    const slices = doc.slicesOf(labelId);
    const next = new Map<number, SliceCount>();
    let voxels = 0;
    for (const k of slices) {
      const region = doc.regionAt(labelId, k);
      const old = cache.perSlice.get(k);
      const count = old && old.region === region ? old.count : this.#count(region);
      next.set(k, { region, count });
      voxels += count;
    }
    cache.perSlice = next;
    cache.summary = Object.freeze({ voxels, slices: Object.freeze(slices) });
  }

  /** Pixels of one region by the labelmap rule, counted in the scratch buffer within the region's box. */
  #count(region: Region): number {
    const columns = this.#columns;
    const rows = this.#rows;
    if (columns <= 0 || rows <= 0) return 0;
    const box = regionPixelBounds(region, columns, rows);
    if (box.c1 <= box.c0 || box.r1 <= box.r0) return 0;
    const buf = this.#scratch;
    rasterizeRegion(region, columns, rows, buf, 1, { box });
    let n = 0;
    for (let r = box.r0; r < box.r1; r++) {
      for (let i = r * columns + box.c0, end = r * columns + box.c1; i < end; i++) {
        n += buf[i]!;
        buf[i] = 0;
      }
    }
    return n;
  }
}

/** Slices as ranges of image numbers, e.g. [2, 3, 4, 8, 10, 11] → "3–5, 9, 11–12" when image n is index n − 1. */
export function sliceRanges(slices: readonly number[], numberOf: SliceNumbering = ONE_BASED): string {
  const numbers = slices.map(numberOf).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    const a = numbers[i]!;
    const b = numbers[j]!;
    parts.push(a === b ? `${a}` : `${a}–${b}`);
    i = j + 1;
  }
  return parts.join(', ');
}
