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
 * Off the edit's own task: `peek` and `peekMeasure` give what was counted
 * last (stale or not) and never count; `settle` does the counting until a
 * deadline, a band of rows of one region at a time, and carries on where it
 * stopped on its next call. The panel calls it after the edit has been
 * drawn, so a 10,000-vertex outline or a 300-slice import is counted in
 * short steps instead of one long task (issue 17).
 *
 * Pure TypeScript, no DOM: it could move to `core/annotation/` if another
 * view needs it.
 */
import type { AnnotationDocument } from '../../core/annotation/document.js';
import { ONE_BASED, type SliceNumbering } from '../../core/dicom/view-plane.js';
import { regionAreaMm2, regionPerimeterMm, volumeMl, voxelVolumeMm3, type PixelSpacing } from '../../core/annotation/metrics.js';
import { rasterizeRegion, regionPixelBounds, type PixelBox } from '../../core/annotation/rasterize.js';
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

/** Rows counted between two deadline checks. */
const BAND_ROWS = 32;

/** A label being recounted by `settle`: the slices left, what is counted so far, the region under way. */
interface CountJob {
  labelId: number;
  slices: readonly number[];
  index: number;
  next: Map<number, SliceCount>;
  voxels: number;
  /** The current region being counted band by band: its box (found once), the next row, the count so far. */
  band: { box: PixelBox; row: number; count: number } | undefined;
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
  /** The area and perimeter asked for by `peekMeasure` and not cached: label → slice and spacing. */
  readonly #wantedMeasures = new Map<number, { slice: number; spacing: PixelSpacing }>();
  #job: CountJob | undefined;

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
    this.#wantedMeasures.clear();
    this.#job = undefined;
  }

  /** Marks a label for refresh: call it from the document's `subscribe` listener. */
  invalidate(labelId: number): void {
    this.#dirty.add(labelId);
    // A recount under way may have read the regions before this change: it starts again.
    if (this.#job?.labelId === labelId) this.#job = undefined;
  }

  /** Whether `settle` has counting or measuring left. */
  get pending(): boolean {
    return this.#dirty.size > 0 || this.#wantedMeasures.size > 0;
  }

  /** The last summary counted for a label, without counting; `stale` until `settle` has counted its changes. */
  peek(labelId: number): { summary: LabelSummary; stale: boolean } {
    const cache = this.#labels.get(labelId);
    if (!cache) {
      this.#labels.set(labelId, { perSlice: new Map(), summary: EMPTY_SUMMARY });
      this.#dirty.add(labelId);
      return { summary: EMPTY_SUMMARY, stale: true };
    }
    return { summary: cache.summary, stale: this.#dirty.has(labelId) };
  }

  /**
   * Area and perimeter of the label's region on `slice` when they are cached for that region
   * and spacing; otherwise the last ones measured for the label (or undefined), `stale`, and
   * the measure is left to `settle`.
   */
  peekMeasure(doc: AnnotationDocument, labelId: number, slice: number, spacing: PixelSpacing): { value: SliceMeasure | undefined; stale: boolean } {
    const region = slice >= 0 && slice < doc.series.slices ? doc.regionAt(labelId, slice) : undefined;
    if (!region || region.rings.length === 0) {
      this.#wantedMeasures.delete(labelId);
      return { value: NO_MEASURE, stale: false };
    }
    const m = this.#measures.get(labelId);
    if (m && m.region === region && m.spacingKey === spacingKeyOf(spacing)) {
      this.#wantedMeasures.delete(labelId);
      return { value: m.value, stale: false };
    }
    this.#wantedMeasures.set(labelId, { slice, spacing });
    return { value: m?.value, stale: true };
  }

  /**
   * Counts and measures what changed until `deadline` (a `performance.now()` time), a band of
   * rows at a time, and goes on from there on the next call. True when nothing is left.
   */
  settle(doc: AnnotationDocument, deadline: number): boolean {
    for (;;) {
      if (!this.#job) {
        const labelId = this.#dirty.values().next().value;
        if (labelId === undefined) break;
        if (!doc.label(labelId)) {
          this.#dirty.delete(labelId);
          this.#refresh(doc, labelId, this.#labels.get(labelId) ?? { perSlice: new Map(), summary: EMPTY_SUMMARY });
          continue;
        }
        this.#job = { labelId, slices: doc.slicesOf(labelId), index: 0, next: new Map(), voxels: 0, band: undefined };
      }
      this.#step(doc, this.#job);
      if (performance.now() >= deadline) return !this.pending;
    }
    for (const [labelId, { slice, spacing }] of this.#wantedMeasures) {
      this.#wantedMeasures.delete(labelId);
      this.measure(doc, labelId, slice, spacing);
      if (performance.now() >= deadline) return !this.pending;
    }
    return true;
  }

  /**
   * One step of a recount: the next slice whose region is unchanged, or one band of rows of a
   * changed one; after the last slice, the summary is written and the job ends.
   */
  #step(doc: AnnotationDocument, job: CountJob): void {
    const cache = this.#labels.get(job.labelId) ?? { perSlice: new Map(), summary: EMPTY_SUMMARY };
    this.#labels.set(job.labelId, cache);
    if (job.index >= job.slices.length) {
      cache.perSlice = job.next;
      cache.summary = Object.freeze({ voxels: job.voxels, slices: Object.freeze([...job.slices]) });
      this.#dirty.delete(job.labelId);
      this.#job = undefined;
      return;
    }
    const k = job.slices[job.index]!;
    const region = doc.regionAt(job.labelId, k);
    const old = cache.perSlice.get(k);
    let count = 0;
    if (old && old.region === region) count = old.count;
    else {
      const box = job.band?.box ?? this.#box(region);
      if (box) {
        const band = (job.band ??= { box, row: box.r0, count: 0 });
        const r1 = Math.min(box.r1, band.row + BAND_ROWS);
        band.count += this.#countBox(region, { c0: box.c0, r0: band.row, c1: box.c1, r1 });
        band.row = r1;
        if (r1 < box.r1) return;
        count = band.count;
      }
    }
    job.next.set(k, { region, count });
    job.voxels += count;
    job.index++;
    job.band = undefined;
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
    const spacingKey = spacingKeyOf(spacing);
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

  /** Pixels of one region by the labelmap rule. */
  #count(region: Region): number {
    const box = this.#box(region);
    return box ? this.#countBox(region, box) : 0;
  }

  /** The pixels a region can cover, or undefined when none (or no image size yet). */
  #box(region: Region): PixelBox | undefined {
    if (this.#columns <= 0 || this.#rows <= 0) return undefined;
    const box = regionPixelBounds(region, this.#columns, this.#rows);
    return box.c1 <= box.c0 || box.r1 <= box.r0 ? undefined : box;
  }

  /** Pixels of the region inside `box`, counted in the scratch buffer and cleared again. */
  #countBox(region: Region, box: PixelBox): number {
    const columns = this.#columns;
    const buf = this.#scratch;
    rasterizeRegion(region, columns, this.#rows, buf, 1, { box });
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

function spacingKeyOf(spacing: PixelSpacing): string {
  return `${spacing[0]},${spacing[1]}`;
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
