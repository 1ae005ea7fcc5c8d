/**
 * The labelmap, derived from the regions (ARCHITECTURE): per slice a
 * Uint8Array of `rows·cols` label ids (0 = background). After an edit only the
 * box where regions changed is cleared and rasterized again, and that box is
 * kept for the overlay so it repaints only the changed pixels too. Labels are
 * rasterized in list order with the pixel-centre rule.
 */
import type { AnnotationDocument } from './document.js';
import { rasterizeRegionInBox, regionPixelBounds, unionBoxes, type PixelBox } from './rasterize.js';
import type { Region } from './region.js';

const NO_BOX: PixelBox = { c0: 0, r0: 0, c1: 0, r1: 0 };

function isEmptyBox(b: PixelBox): boolean {
  return b.c1 <= b.c0 || b.r1 <= b.r0;
}

interface SliceState {
  map: Uint8Array;
  /** The regions as they were when rasterized, to find what changed (regions are immutable). */
  drawn: Map<number, Region>;
  stale: boolean;
  /** Pixels changed since the overlay last asked. */
  dirty: PixelBox;
}

export class LabelmapSlices {
  private readonly states: (SliceState | undefined)[];
  private readonly versions: Uint32Array;
  private readonly full: PixelBox;

  constructor(
    private readonly document: AnnotationDocument,
    readonly columns: number,
    readonly rows: number,
    readonly slices: number,
  ) {
    this.states = new Array(slices);
    this.versions = new Uint32Array(slices);
    this.full = { c0: 0, r0: 0, c1: columns, r1: rows };
  }

  /** Slice k's regions changed (or every slice's, when k is null: label order or a whole label changed). */
  invalidate(k: number | null): void {
    if (k === null) {
      this.states.fill(undefined);
      this.versions.forEach((_, i) => this.versions[i]!++);
      return;
    }
    const state = this.states[k];
    if (state) state.stale = true;
    this.versions[k]!++;
  }

  version(k: number): number {
    return this.versions[k]!;
  }

  /** Label ids of slice k, index r·cols + c. Do not modify. */
  slice(k: number): Uint8Array {
    let state = this.states[k];
    if (!state) {
      state = { map: new Uint8Array(this.columns * this.rows), drawn: new Map(), stale: false, dirty: this.full };
      this.states[k] = state;
      this.paint(state, k, this.full);
    } else if (state.stale) {
      state.stale = false;
      const box = this.changedBox(state, k);
      if (!isEmptyBox(box)) {
        this.paint(state, k, box);
        state.dirty = unionBoxes(state.dirty, box);
      }
    }
    return state.map;
  }

  /** The box of slice k changed since the last call (the whole slice the first time), and forgets it. */
  takeDirty(k: number): PixelBox {
    this.slice(k);
    const state = this.states[k]!;
    const box = state.dirty;
    state.dirty = NO_BOX;
    return box;
  }

  /** Union of the old and new bounds of every label whose region on slice k is no longer the one drawn. */
  private changedBox(state: SliceState, k: number): PixelBox {
    let box = NO_BOX;
    const ids = new Set([...state.drawn.keys(), ...this.document.labelsOnSlice(k)]);
    for (const id of ids) {
      const now = this.document.regionAt(id, k);
      const before = state.drawn.get(id);
      if (before === now) continue;
      if (before) box = unionBoxes(box, regionPixelBounds(before, this.columns, this.rows));
      box = unionBoxes(box, regionPixelBounds(now, this.columns, this.rows));
    }
    return box;
  }

  /** Clears the box and rasterizes every label of the slice inside it. */
  private paint(state: SliceState, k: number, box: PixelBox): void {
    const { map } = state;
    for (let r = box.r0; r < box.r1; r++) map.fill(0, r * this.columns + box.c0, r * this.columns + box.c1);
    state.drawn.clear();
    for (const id of this.document.labelsOnSlice(k)) {
      const region = this.document.regionAt(id, k);
      state.drawn.set(id, region);
      rasterizeRegionInBox(region, this.columns, this.rows, map, id, box);
    }
  }
}
