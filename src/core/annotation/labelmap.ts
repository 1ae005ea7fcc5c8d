/**
 * The labelmap, derived from the regions (ARCHITECTURE): per slice a
 * Uint8Array of `rows·cols` label ids (0 = background), rebuilt only for
 * slices whose regions changed. Labels are rasterized in list order with the
 * pixel-centre rule; the non-overlap rule of the document means order only
 * matters where a setting allowed overlap.
 */
import type { AnnotationDocument } from './document.js';
import { rasterizeRegion } from './rasterize.js';

export class LabelmapSlices {
  private readonly cache: (Uint8Array | undefined)[];
  /** Bumped whenever slice k is rebuilt, so views can tell their copy is stale. */
  private readonly versions: Uint32Array;

  constructor(
    private readonly document: AnnotationDocument,
    readonly columns: number,
    readonly rows: number,
    readonly slices: number,
  ) {
    this.cache = new Array(slices);
    this.versions = new Uint32Array(slices);
  }

  /** Forgets slice k (or every slice when k is null, e.g. a label was deleted or reordered). */
  invalidate(k: number | null): void {
    if (k === null) this.cache.fill(undefined);
    else this.cache[k] = undefined;
    if (k === null) this.versions.forEach((_, i) => this.versions[i]!++);
    else this.versions[k]!++;
  }

  version(k: number): number {
    return this.versions[k]!;
  }

  /** Label ids of slice k, index r·cols + c. Do not modify. */
  slice(k: number): Uint8Array {
    let map = this.cache[k];
    if (map) return map;
    map = new Uint8Array(this.columns * this.rows);
    for (const id of this.document.labelsOnSlice(k)) {
      rasterizeRegion(this.document.regionAt(id, k), this.columns, this.rows, map, id);
    }
    this.cache[k] = map;
    return map;
  }
}
