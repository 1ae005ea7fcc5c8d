/**
 * The long, settled part of a tool's preview, drawn once into a layer of its
 * own: a polygon's placed vertices and the edges between them, a livewire's
 * fixed path. Each frame then blits the layer and draws only what changed
 * since the previous frame (the rubber band to the pointer, the live path).
 *
 * Why: a polygon of 10,000 vertices drew 10,000 marks and a 10,000-edge path
 * on every frame, and the canvas rasterised them all again each time — a
 * click took hundreds of milliseconds (issue 17). Now a click adds one edge
 * and one mark to the layer.
 *
 * The layer is keyed by the canvas it is drawn on, its size, the image
 * matrix and the colour; any change of those, or a settled part that
 * changed (Backspace, a new outline), redraws it whole, once.
 */

type Matrix = readonly [number, number, number, number, number, number];

/** Half the side of a vertex mark, in canvas pixels. */
export const MARK_HALF = 3;
/** Path and point counts (numbers) from which the layer pays for its blit. */
export const LAYER_MIN_NUMBERS = 2 * 400;

type Surface = OffscreenCanvas | HTMLCanvasElement;

function surface(width: number, height: number): Surface {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** Length (numbers, even) of the common start of two flat point lists. */
function commonStart(a: ArrayLike<number>, b: ArrayLike<number>, limit: number): number {
  const n = Math.min(a.length, b.length, limit) & ~1;
  let i = 0;
  while (i < n && a[i] === b[i] && a[i + 1] === b[i + 1]) i += 2;
  return i;
}

class Part {
  /** Numbers of the list already in the layer. */
  laid: number[] = [];
  /** The list as the previous frame had it. */
  previous: readonly number[] = [];

  /**
   * How much of `now` to have in the layer: what the previous frame had too.
   * Returns the numbers already laid that are still right (0: the layer must start again).
   */
  settle(now: readonly number[]): { kept: number; settled: number } {
    const kept = commonStart(this.laid, now, this.laid.length) === this.laid.length ? this.laid.length : 0;
    const settled = Math.max(kept, commonStart(this.previous, now, now.length));
    return { kept, settled };
  }
}

export class PreviewLayer {
  #surface: Surface | undefined;
  #context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | undefined;
  #key = '';
  readonly #path = new Part();
  readonly #points = new Part();

  /**
   * Draws `path` (an open polyline, stroked 1.5 px wide) and `points` (6 px
   * square marks) in `colour` onto `ctx` under the image `matrix`, as the
   * preview always drew them.
   */
  draw(ctx: CanvasRenderingContext2D, matrix: Matrix, path: readonly number[], points: readonly number[], colour: string): void {
    const { width, height } = ctx.canvas;
    const key = `${width}x${height}|${matrix.join(',')}|${colour}`;
    if (key !== this.#key || !this.#context) this.#reset(width, height, key);
    const layer = this.#context!;
    const path0 = this.#path.settle(path);
    const points0 = this.#points.settle(points);
    if (path0.kept < this.#path.laid.length || points0.kept < this.#points.laid.length) {
      this.#reset(width, height, key);
      path0.kept = 0;
      points0.kept = 0;
    }
    layer.strokeStyle = colour;
    layer.fillStyle = colour;
    layer.lineWidth = 1.5;
    // The settled part goes into the layer, from where the layer stopped.
    if (path0.settled > path0.kept && path0.settled >= 4) {
      strokeRun(layer, matrix, path, Math.max(0, path0.kept - 2), path0.settled);
      this.#path.laid = path.slice(0, path0.settled);
    }
    if (points0.settled > points0.kept) {
      marks(layer, matrix, points, points0.kept, points0.settled);
      this.#points.laid = points.slice(0, points0.settled);
    }
    this.#path.previous = path.slice();
    this.#points.previous = points.slice();

    // Canvas pixels, as the layer: the matrix takes image pixels there.
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.#surface!, 0, 0);
    // The rest, live on the canvas: from the last laid point on.
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1.5;
    const from = Math.max(0, this.#path.laid.length - 2);
    if (path.length - from >= 4) strokeRun(ctx, matrix, path, from, path.length);
    marks(ctx, matrix, points, this.#points.laid.length, points.length);
    ctx.restore();
  }

  #reset(width: number, height: number, key: string): void {
    if (!this.#surface || this.#surface.width !== width || this.#surface.height !== height) {
      this.#surface = surface(width, height);
      this.#context = (this.#surface.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null) ?? undefined;
    } else {
      this.#context!.clearRect(0, 0, width, height);
    }
    this.#key = key;
    this.#path.laid = [];
    this.#points.laid = [];
  }
}

type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Strokes the polyline through points from..to (numbers) of `path`, transformed by `m`. */
function strokeRun(ctx: Context2D, m: Matrix, path: readonly number[], from: number, to: number): void {
  ctx.beginPath();
  for (let i = from; i + 1 < to; i += 2) {
    const x = m[0] * path[i]! + m[2] * path[i + 1]! + m[4];
    const y = m[1] * path[i]! + m[3] * path[i + 1]! + m[5];
    if (i === from) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
}

/** The square marks of points from..to (numbers), one fill. */
function marks(ctx: Context2D, m: Matrix, points: readonly number[], from: number, to: number): void {
  if (to <= from) return;
  ctx.beginPath();
  for (let i = from; i + 1 < to; i += 2) {
    const x = m[0] * points[i]! + m[2] * points[i + 1]! + m[4];
    const y = m[1] * points[i]! + m[3] * points[i + 1]! + m[5];
    ctx.rect(x - MARK_HALF, y - MARK_HALF, 2 * MARK_HALF, 2 * MARK_HALF);
  }
  ctx.fill();
}
