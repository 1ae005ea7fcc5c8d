/**
 * Grow from seeds (3D): short strokes on any view mark voxels of the active
 * label (a plain stroke) or of the background (Alt or Ctrl held); after each
 * stroke the structure is segmented in 3D inside a box around the seeds plus
 * a margin (`growFromSeeds`, marker watershed on the gradient, computed off
 * the page; the box's faces count as background), and every view shows the
 * result. Enter accepts it (outlines on
 * every axial slice it covers, one undo step, origin 'assisted'); Escape
 * drops the seeds and the result. Backspace removes the last stroke.
 */
import { BACKGROUND_SEED, GROW_MARGIN_MM, seedBoxFaces, type GrowResult } from '../core/assist/grow-from-seeds.js';
import { boxAround, boxIndex, cutBox, type BoxSpacing, type Voxel, type VoxelBox } from '../core/assist/box.js';
import { rasterizeToMask } from '../core/annotation/rasterize.js';
import type { AnnotationTool, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
import { AssistedResultHolder, planeOf, type AssistHooks } from './assisted-tool.js';
import { sweep } from './stroke.js';
import { isEditable } from './tool-support.js';

/** Seed strokes are thin: 2 mm across. */
const SEED_MM = 2;
export interface GrowHooks extends AssistHooks {
  /** Runs the segmentation (in a worker); resolves undefined when a newer request replaced it. */
  grow(values: Int16Array, box: VoxelBox, spacing: BoxSpacing, seeds: Uint8Array): Promise<GrowResult | undefined>;
}

interface Stroke {
  plane: string;
  index: number;
  background: boolean;
  /** Image pixel coordinates on that plane, flat [x0, y0, …]. */
  points: number[];
  /** The voxels it marked. */
  voxels: Voxel[];
}

export class GrowTool implements AnnotationTool {
  readonly id = 'grow' as const;
  #status: ToolStatusCode | undefined;
  #strokes: Stroke[] = [];
  #current: Stroke | undefined;
  #labelId = 0;
  #pointer: { x: number; y: number } | undefined;
  readonly #result: AssistedResultHolder;

  constructor(private readonly hooks: GrowHooks) {
    this.#result = new AssistedResultHolder(hooks);
  }

  get status(): ToolStatusCode | undefined {
    return this.#status;
  }

  /** Seed strokes so far (for tests and the status line). */
  get strokes(): number {
    return this.#strokes.length;
  }

  /** The result waiting for Accept, if any. */
  get result() {
    return this.#result.result;
  }

  cursor(context: ToolContext): string {
    return isEditable(context) ? 'crosshair' : 'not-allowed';
  }

  down(p: ToolPointer, context: ToolContext): boolean {
    if (!isEditable(context) || !context.toVoxel) {
      this.#status = 'locked';
      return false;
    }
    if (this.#labelId !== context.labelId) this.clear();
    this.#labelId = context.labelId;
    const { plane, index } = planeOf(context);
    this.#current = { plane, index, background: p.altKey || p.ctrlKey, points: [p.x, p.y], voxels: [] };
    return true;
  }

  move(p: ToolPointer, _context: ToolContext): void {
    this.#pointer = { x: p.x, y: p.y };
    this.#current?.points.push(p.x, p.y);
  }

  up(p: ToolPointer, context: ToolContext): void {
    const stroke = this.#current;
    this.#current = undefined;
    if (!stroke) return;
    stroke.points.push(p.x, p.y);
    stroke.voxels = strokeVoxels(stroke.points, context);
    if (stroke.voxels.length === 0) {
      this.#status = 'too-small';
      return;
    }
    this.#strokes.push(stroke);
    this.#status = 'unchanged';
    void this.#grow();
  }

  key(k: ToolKey, _context: ToolContext): boolean {
    if (k.key === 'Enter' && this.#result.result) {
      this.#status = this.#result.accept();
      this.#strokes = [];
      return true;
    }
    if (k.key === 'Escape' && (this.#strokes.length || this.#result.result)) {
      this.clear();
      this.#status = 'cancelled';
      return true;
    }
    if (k.key === 'Backspace' && this.#strokes.length) {
      this.#strokes.pop();
      if (this.#strokes.length) void this.#grow();
      else this.#result.set(undefined);
      return true;
    }
    return false;
  }

  /** A slice or view change only abandons the stroke under way: the seeds stay. */
  cancel(_context: ToolContext): void {
    this.#current = undefined;
  }

  /** Drops the seeds and the result. */
  clear(): void {
    this.#strokes = [];
    this.#current = undefined;
    this.#result.set(undefined);
  }

  preview(context: ToolContext): ToolPreview | undefined {
    const preview = this.sharedPreview(context) ?? {};
    const at = this.#pointer;
    if (at) {
      const [dy, dx] = context.pixelSpacing;
      preview.circle = { x: at.x, y: at.y, rx: SEED_MM / 2 / dx, ry: SEED_MM / 2 / dy };
    }
    const c = this.#current;
    if (c) (c.background ? (preview.subtractRings ??= []) : (preview.rings ??= [])).push(...strokeRegion(c.points, context).rings);
    return preview;
  }

  sharedPreview(context: ToolContext): ToolPreview | undefined {
    const { plane, index } = planeOf(context);
    const here = this.#strokes.filter((s) => s.plane === plane && s.index === index);
    const result = this.#result.regionOn(context);
    if (!here.length && !result) return undefined;
    const preview: ToolPreview = {};
    if (result) preview.fill = result;
    for (const s of here) (s.background ? (preview.subtractRings ??= []) : (preview.rings ??= [])).push(...strokeRegion(s.points, context).rings);
    return preview;
  }

  async #grow(): Promise<void> {
    const volume = this.hooks.volume();
    if (!volume || this.#strokes.length === 0) return;
    const all = this.#strokes.flatMap((s) => s.voxels);
    const box = boxAround(all, GROW_MARGIN_MM, volume);
    const seeds = new Uint8Array(box.columns * box.rows * box.slices);
    for (const s of this.#strokes) {
      const id = s.background ? BACKGROUND_SEED : this.#labelId;
      for (const v of s.voxels) seeds[boxIndex(box, [v[0] - box.c0, v[1] - box.r0, v[2] - box.k0])] = id;
    }
    seedBoxFaces(seeds, box, volume);
    // Without a seed of the label there is nothing to grow.
    if (!this.#strokes.some((s) => !s.background)) return this.#result.set(undefined);
    const labelId = this.#labelId;
    const grown = await this.hooks.grow(cutBox(volume, box), box, volume.spacing, seeds);
    if (!grown || labelId !== this.#labelId) return;
    const mask = grown.labels.map((v) => (v === labelId ? 1 : 0));
    this.#result.set({
      box,
      mask,
      labelId,
      method: 'grow-from-seeds',
      parameters: { seedStrokes: this.#strokes.length, marginMm: GROW_MARGIN_MM },
      mode: 'replace',
    });
  }
}

function strokeRegion(points: number[], context: ToolContext) {
  const [dy, dx] = context.pixelSpacing;
  return sweep(points, SEED_MM / 2 / dx, SEED_MM / 2 / dy);
}

/**
 * The voxels a seed stroke covers on its view: pixel centres inside the swept
 * stroke, and the pixel under every sample (a thin stroke across thick
 * slices may pass between the centres).
 */
function strokeVoxels(points: number[], context: ToolContext): Voxel[] {
  const mask = rasterizeToMask(strokeRegion(points, context), context.columns, context.rows);
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = Math.floor(points[i]!);
    const y = Math.floor(points[i + 1]!);
    if (x >= 0 && y >= 0 && x < context.columns && y < context.rows) mask[y * context.columns + x] = 1;
  }
  const out: Voxel[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const v = context.toVoxel!(i % context.columns, Math.floor(i / context.columns));
    out.push([v.column, v.row, v.slice]);
  }
  return out;
}
