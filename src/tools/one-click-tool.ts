/**
 * One-click region (3D): a click inside a structure takes the connected
 * voxels within the annotator's threshold range around it, no further than
 * a radius in mm, with a guard that stops at one- and two-voxel bridges, and
 * with the range's partial-volume edge when it has one (`oneClickRegion`,
 * computed off the page). Every view shows the result;
 * Enter adds it to the active label (one undo step, origin 'assisted'),
 * Escape drops it, another click replaces it.
 */
import type { OneClickOptions, OneClickResult } from '../core/assist/one-click.js';
import { boxAround, cutBox, type BoxSpacing, type Voxel, type VoxelBox } from '../core/assist/box.js';
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { AssistedResultHolder, voxelUnder, type AssistHooks } from './assisted-tool.js';
import type { ThresholdRange } from './threshold-brush.js';
import { isEditable } from './tool-support.js';

/** How far from the click the region may reach (mm). */
export const ONE_CLICK_RADIUS_MM = 40;

export interface OneClickHooks extends AssistHooks {
  range(): ThresholdRange;
  oneClick(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, options: OneClickOptions): Promise<OneClickResult | undefined>;
}

export class OneClickTool implements AnnotationTool {
  readonly id = 'one-click' as const;
  #status: ToolStatusCode | undefined;
  readonly #result: AssistedResultHolder;

  constructor(private readonly hooks: OneClickHooks) {
    this.#result = new AssistedResultHolder(hooks);
  }

  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  get result() {
    return this.#result.result;
  }

  cursor(context: ToolContext): string {
    return isEditable(context) ? 'crosshair' : 'not-allowed';
  }

  down(_p: ToolPointer, context: ToolContext): boolean {
    if (!isEditable(context) || !context.toVoxel) {
      this.#status = 'locked';
      return false;
    }
    return true;
  }

  move(): void {}

  up(p: ToolPointer, context: ToolContext): void {
    const v = voxelUnder(p, context);
    if (v) void this.#region([v.column, v.row, v.slice], context.labelId);
  }

  key(k: ToolKey, _context: ToolContext): boolean {
    const status = this.#result.key(k.key);
    if (status) this.#status = status;
    return status !== undefined;
  }

  cancel(): void {}

  preview(context: ToolContext): ToolPreview | undefined {
    return this.sharedPreview(context);
  }

  sharedPreview(context: ToolContext): ToolPreview | undefined {
    return this.#result.fillPreview(context);
  }

  async #region(seed: Voxel, labelId: number): Promise<void> {
    const volume = this.hooks.volume();
    if (!volume) return;
    const range = this.hooks.range();
    const box = boxAround([seed], ONE_CLICK_RADIUS_MM, volume);
    const local: Voxel = [seed[0] - box.c0, seed[1] - box.r0, seed[2] - box.k0];
    const edge = range.partialVolume;
    const found = await this.hooks.oneClick(cutBox(volume, box), box, volume.spacing, { seed: local, min: range.min, max: range.max, radiusMm: ONE_CLICK_RADIUS_MM, edge });
    if (!found) return;
    if (found.voxels === 0) {
      this.#status = 'fill-out-of-range';
      this.#result.set(undefined);
      return;
    }
    this.#status = 'unchanged';
    this.#result.set({
      box,
      mask: found.mask,
      labelId,
      method: 'one-click-region',
      parameters: { min: range.min, max: range.max, radiusMm: ONE_CLICK_RADIUS_MM, ...(edge ? { edgeMin: edge.min, edgeMax: edge.max } : {}) },
      mode: 'add',
    });
  }
}
