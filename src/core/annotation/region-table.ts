/**
 * Where the annotation document keeps its regions: one entry (region and
 * flags) per (label, slice), with the lookups and counts the document reads.
 * It knows no rules: `document.ts` decides what goes in.
 */
import { reviewStateOf, type Entry } from './document-data.js';

export class RegionTable {
  readonly #byLabel = new Map<number, Map<number, Entry>>();

  get(labelId: number, slice: number): Entry | undefined {
    return this.#byLabel.get(labelId)?.get(slice);
  }

  has(labelId: number, slice: number): boolean {
    return this.#byLabel.get(labelId)?.has(slice) ?? false;
  }

  /** Puts `entry` at (label, slice), or removes what is there when it is undefined. */
  set(labelId: number, slice: number, entry: Entry | undefined): void {
    let slices = this.#byLabel.get(labelId);
    if (entry) {
      if (!slices) this.#byLabel.set(labelId, (slices = new Map()));
      slices.set(slice, entry);
    } else if (slices) {
      slices.delete(slice);
      if (slices.size === 0) this.#byLabel.delete(labelId);
    }
  }

  /** Removes every region of the label. */
  deleteLabel(labelId: number): void {
    this.#byLabel.delete(labelId);
  }

  /** Slices where the label has a region, ascending. */
  slicesOf(labelId: number): number[] {
    return [...(this.#byLabel.get(labelId)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The label's (slice, entry) pairs, by slice ascending. */
  entriesOf(labelId: number): [number, Entry][] {
    return [...(this.#byLabel.get(labelId) ?? [])].sort((a, b) => a[0] - b[0]);
  }

  /** How many regions there are (of one label, or all), and how many are verified and rejected. */
  counts(labelId?: number): { regions: number; verified: number; rejected: number } {
    let regions = 0;
    let verified = 0;
    let rejected = 0;
    const maps = labelId === undefined ? [...this.#byLabel.values()] : [this.#byLabel.get(labelId) ?? new Map<number, Entry>()];
    for (const slices of maps) {
      for (const e of slices.values()) {
        regions++;
        const state = reviewStateOf(e);
        if (state === 'verified') verified++;
        else if (state === 'rejected') rejected++;
      }
    }
    return { regions, verified, rejected };
  }
}
