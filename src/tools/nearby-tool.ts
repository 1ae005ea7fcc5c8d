/**
 * Segment nearby slices (3D): the outline of the active label on one axial
 * slice is carried to the slices above and below, snapped to the edges of
 * each, until its shape stops matching (`propagateToNearbySlices`, computed
 * off the page). Its key both takes the tool and starts from the slice shown
 * (`propagate`); a click on any view starts again from the axial slice under
 * the pointer. Every view shows the result; Enter adds it to the label (one
 * undo step, origin 'assisted', method 'nearby-slices' with its parameters
 * and where each side stopped), Escape drops it.
 *
 * Slices where the label already has an outline are a person's work: the
 * propagation stops before them, so Accept only adds outlines to slices that
 * had none (and never changes the start's).
 */
import { boxAround, cutBox, type BoxSpacing, type VoxelBox } from '../core/assist/box.js';
import { NEARBY_DEFAULTS, type NearbyOptions, type NearbyResult } from '../core/assist/nearby-slices.js';
import { rasterizeToMask, regionPixelBounds } from '../core/annotation/rasterize.js';
import { isEmptyRegion, type Region } from '../core/annotation/region.js';
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { AssistedResultHolder, planeOf, voxelUnder, type AssistHooks } from './assisted-tool.js';
import { isEditable } from './tool-support.js';

/** How far in the plane the structure may wander from the start outline (mm). */
const REACH_MM = 20;

export interface NearbyHooks extends AssistHooks {
  /** Runs the propagation (in a worker); resolves undefined when a newer request replaced it. */
  nearby(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, start: Uint8Array, options: NearbyOptions): Promise<NearbyResult | undefined>;
  /** A propagation asked by key (no gesture to report it) came to this. */
  status?(status: ToolStatusCode): void;
}

export class NearbyTool implements AnnotationTool {
  readonly id = 'nearby' as const;
  #status: ToolStatusCode | undefined;
  readonly #result: AssistedResultHolder;
  /** Bumped by each propagation asked and by Escape: an answer to an older ask is dropped. */
  #asked = 0;
  #computing = false;

  constructor(private readonly hooks: NearbyHooks) {
    this.#result = new AssistedResultHolder(hooks);
  }

  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  /** The result waiting for Accept, if any. */
  get result() {
    return this.#result.result;
  }

  /** Crosshair where a click can start (an outline of the label on the axial slice), else not-allowed. */
  cursor(context: ToolContext): string {
    if (!isEditable(context)) return 'not-allowed';
    const { plane, index } = planeOf(context);
    if (plane !== 'axial') return 'crosshair';
    return isEmptyRegion(context.document.regionAt(context.labelId, index)) ? 'not-allowed' : 'crosshair';
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
    if (v) void this.propagate(context.labelId, v.slice);
  }

  key(k: ToolKey, _context: ToolContext): boolean {
    const computing = this.#computing;
    if (k.key === 'Escape' && computing) {
      // A propagation under way is dropped when it answers.
      this.#asked++;
      this.#computing = false;
    }
    const status = this.#result.key(k.key) ?? (k.key === 'Escape' && computing ? 'cancelled' : undefined);
    if (status) this.#status = status;
    return status !== undefined;
  }

  /** A slice or tool change keeps the result: it is 3D, and Enter may still accept it. */
  cancel(): void {}

  preview(context: ToolContext): ToolPreview | undefined {
    return this.sharedPreview(context);
  }

  sharedPreview(context: ToolContext): ToolPreview | undefined {
    return this.#result.fillPreview(context);
  }

  /**
   * Carries the label's outline on axial slice `k` to its neighbours and
   * shows the result; resolves to what came of it (`no-outline` when the
   * slice has none, `nearby-none` when no neighbour matched, `unchanged`
   * with a result to accept), also told to `hooks.status`.
   */
  async propagate(labelId: number, k: number): Promise<ToolStatusCode | undefined> {
    const ticket = ++this.#asked;
    this.#computing = true;
    const status = await this.#propagate(labelId, k, ticket);
    if (ticket === this.#asked) this.#computing = false;
    if (status) {
      this.#status = status;
      this.hooks.status?.(status);
    }
    return status;
  }

  async #propagate(labelId: number, k: number, ticket: number): Promise<ToolStatusCode | undefined> {
    const volume = this.hooks.volume();
    const document = this.hooks.document();
    if (!volume || !document) return undefined;
    const label = document.label(labelId);
    if (!label || label.locked) return 'locked';
    const region = document.regionAt(labelId, k);
    if (isEmptyRegion(region)) {
      this.#result.set(undefined);
      return 'no-outline';
    }
    const { columns: W, rows: H } = volume;
    const bounds = regionPixelBounds(region, W, H);
    const reach = NEARBY_DEFAULTS.maxSlices * volume.spacing[2];
    const corners = boxAround([[bounds.c0, bounds.r0, k], [bounds.c1 - 1, bounds.r1 - 1, k]], REACH_MM, volume);
    const slices = boxAround([[bounds.c0, bounds.r0, k]], reach, volume);
    const box: VoxelBox = { ...corners, k0: slices.k0, slices: slices.slices };
    const drawn = new Uint8Array(box.slices);
    for (let s = 0; s < box.slices; s++) drawn[s] = box.k0 + s !== k && !isEmptyRegion(document.regionAt(labelId, box.k0 + s)) ? 1 : 0;
    const start = rasterizeToMask(shifted(region, -box.c0, -box.r0), box.columns, box.rows);
    const found = await this.hooks.nearby(cutBox(volume, box), box, volume.spacing, start, { start: k - box.k0, drawn: Array.from(drawn) });
    if (!found || ticket !== this.#asked) return undefined;
    if (found.slices.length < 2) {
      this.#result.set(undefined);
      return 'nearby-none';
    }
    const taken = found.slices.map((s) => s.slice + box.k0);
    this.#result.set({
      box,
      mask: found.mask,
      labelId,
      method: 'nearby-slices',
      parameters: {
        ...found.parameters,
        startSlice: k,
        firstSlice: Math.min(...taken),
        lastSlice: Math.max(...taken),
        stoppedBelow: found.stopped.below,
        stoppedAbove: found.stopped.above,
      },
      mode: 'add',
    });
    return 'unchanged';
  }
}

/** The region moved by (dx, dy) pixels (a copy). */
function shifted(region: Region, dx: number, dy: number): Region {
  return { rings: region.rings.map((ring) => ring.map((v, i) => v + (i % 2 ? dy : dx))) };
}
