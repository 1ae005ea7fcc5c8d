/**
 * Web Worker that runs the assisted 3-D tools for `AssistRunner`, so growing,
 * one-click regions, nearby slices and the morphology of a box (up to ~10⁶
 * voxels, hundreds of ms) never hold the page. Loaded with
 * `new Worker(new URL('./assist-worker.ts', import.meta.url), { type: 'module' })`
 * (a file beside the page: no blob:, no eval). The box's values and masks
 * arrive transferred; the result's arrays leave transferred
 * (`worker-protocol.ts`). The page ends the worker to cancel.
 */
import { serve, type Handlers } from '../util/worker-protocol.js';
import type { BoxSpacing, VoxelBox } from './box.js';
import { growFromSeeds, type GrowResult } from './grow-from-seeds.js';
import { islands, margin, median, smooth, type IslandsOptions, type SmoothOptions } from './morphology.js';
import { propagateToNearbySlices, type NearbyOptions, type NearbyResult } from './nearby-slices.js';
import { oneClickRegion, type OneClickOptions, type OneClickResult } from './one-click.js';

/** Grow from seeds: the box's HU (`cutBox`) and its seed mask. */
export interface GrowJob {
  values: Int16Array;
  box: VoxelBox;
  spacing: BoxSpacing;
  seeds: Uint8Array;
}

/** One-click region: the box's HU (`cutBox`) and the click, range and radius. */
export interface OneClickJob {
  values: Int16Array;
  box: VoxelBox;
  spacing: BoxSpacing;
  options: OneClickOptions;
}

/** Segment nearby slices: the box's HU (`cutBox`), the start outline's mask on box slice `options.start`. */
export interface NearbyJob {
  values: Int16Array;
  box: VoxelBox;
  spacing: BoxSpacing;
  start: Uint8Array;
  options: NearbyOptions;
}

export interface IslandsJob {
  mask: Uint8Array;
  box: VoxelBox;
  spacing: BoxSpacing;
  options: IslandsOptions;
}

export interface SmoothJob {
  mask: Uint8Array;
  box: VoxelBox;
  spacing: BoxSpacing;
  options: SmoothOptions;
}

export interface MedianJob {
  mask: Uint8Array;
  box: VoxelBox;
}

/** Grow (mm > 0) or shrink (mm < 0) a box mask. */
export interface MarginJob {
  mask: Uint8Array;
  box: VoxelBox;
  spacing: BoxSpacing;
  mm: number;
}

/** The calls the assist worker serves. */
export type AssistCalls = {
  grow: { payload: GrowJob; result: GrowResult };
  oneClick: { payload: OneClickJob; result: OneClickResult };
  nearby: { payload: NearbyJob; result: NearbyResult };
  islands: { payload: IslandsJob; result: Uint8Array };
  smooth: { payload: SmoothJob; result: Uint8Array };
  median: { payload: MedianJob; result: Uint8Array };
  margin: { payload: MarginJob; result: Uint8Array };
};

/** What the worker does with each call (exported so Node tests can serve it from a stand-in worker). */
export const ASSIST_HANDLERS: Handlers<AssistCalls> = {
  grow({ values, box, spacing, seeds }, call) {
    const result = growFromSeeds(values, box, spacing, seeds);
    call.transfer(result.labels.buffer, result.counts.buffer);
    return result;
  },
  oneClick({ values, box, spacing, options }, call) {
    const result = oneClickRegion(values, box, spacing, options);
    call.transfer(result.mask.buffer);
    return result;
  },
  nearby({ values, box, spacing, start, options }, call) {
    const result = propagateToNearbySlices(values, box, spacing, start, options);
    call.transfer(result.mask.buffer);
    return result;
  },
  islands({ mask, box, spacing, options }, call) {
    const out = islands(mask, box, spacing, options);
    call.transfer(out.buffer);
    return out;
  },
  smooth({ mask, box, spacing, options }, call) {
    const out = smooth(mask, box, spacing, options);
    call.transfer(out.buffer);
    return out;
  },
  median({ mask, box }, call) {
    const out = median(mask, box);
    call.transfer(out.buffer);
    return out;
  },
  margin({ mask, box, spacing, mm }, call) {
    const out = margin(mask, box, spacing, mm);
    call.transfer(out.buffer);
    return out;
  },
};

serve<AssistCalls>(ASSIST_HANDLERS, { fallback: 'internal' });
