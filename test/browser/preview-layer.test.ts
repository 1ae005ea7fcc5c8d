/**
 * A long tool preview in a real canvas (src/viewer/preview-layer.ts through
 * drawToolPreview, issue 17): a polygon of thousands of vertices is drawn
 * frame after frame as the view does — canvas cleared, preview drawn — and
 * each frame after a click draws only what changed, yet the canvas shows
 * what drawing every edge and mark would show. Backspace and a zoom show
 * the outline as it now is, with nothing left of the old one.
 *
 * The reference is drawn here, edge by edge and mark by mark with the
 * canvas's own calls; the spies only count calls on the real context.
 */
import { describe, expect, it, vi } from 'vitest';
import { drawToolPreview } from '../../src/viewer/label-overlay.js';

type Matrix = [number, number, number, number, number, number];
const W = 420;
const H = 300;
const YELLOW = [255, 255, 0] as const;

/** A star of `n` vertices inside 260 × 180 image pixels, and one outlier vertex far to its right. */
function outline(n: number): number[] {
  const v: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    const a = (2 * Math.PI * i) / (n - 1);
    const r = i % 2 ? 85 : 40;
    v.push(130 + r * Math.cos(a), 95 + r * Math.sin(a));
  }
  v.push(262, 20);
  return v;
}

function context(): CanvasRenderingContext2D {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  return canvas.getContext('2d')!;
}

/** What the preview should look like: the path's edges and the vertices' 6 px marks, drawn one by one. */
function reference(m: Matrix, path: number[], points: number[]): Uint8ClampedArray {
  const ctx = context();
  const at = (i: number, list: number[]) => [m[0] * list[i]! + m[2] * list[i + 1]! + m[4], m[1] * list[i]! + m[3] * list[i + 1]! + m[5]] as const;
  ctx.strokeStyle = ctx.fillStyle = 'rgb(255 255 0)';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i + 1 < path.length; i += 2) {
    const [x, y] = at(i, path);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [x, y] = at(i, points);
    ctx.fillRect(x - 3, y - 3, 6, 6);
  }
  return ctx.getImageData(0, 0, W, H).data;
}

/** Pixels whose coverage differs clearly (antialiased edge pixels may differ a little). */
function clearlyDifferent(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 3; i < a.length; i += 4) if (Math.abs(a[i]! - b[i]!) > 96) n++;
  return n;
}

function covered(a: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 3; i < a.length; i += 4) if (a[i]! > 0) n++;
  return n;
}

describe('a long polygon preview', () => {
  it('after each click a frame draws a few edges and marks, not all 3,000; the canvas shows every edge and mark, and after Backspace or a zoom the outline as it now is', () => {
    const ctx = context();
    const m: Matrix = [1.5, 0, 0, 1.5, 12, 8];
    const vertices = outline(3000);
    const pointer = [200, 150];
    const frame = (count: number) => {
      const v = vertices.slice(0, 2 * count);
      ctx.clearRect(0, 0, W, H);
      drawToolPreview(ctx, m, { path: [...v, ...pointer], points: v }, YELLOW);
      return v;
    };
    for (let count = 1000; count <= 2990; count += 10) frame(count);
    const lineTo = vi.spyOn(ctx, 'lineTo');
    const rect = vi.spyOn(ctx, 'rect');
    const fillRect = vi.spyOn(ctx, 'fillRect');
    // A click: one more vertex, shown in the next frame, settled in the one after.
    frame(2991);
    const v = frame(2991);
    expect(lineTo.mock.calls.length + rect.mock.calls.length + fillRect.mock.calls.length).toBeLessThan(20);
    const shown = ctx.getImageData(0, 0, W, H).data;
    const expected = reference(m, [...v, ...pointer], v);
    expect(covered(expected)).toBeGreaterThan(10_000);
    expect(clearlyDifferent(shown, expected)).toBeLessThan(covered(expected) * 0.01);
    lineTo.mockRestore();
    rect.mockRestore();
    fillRect.mockRestore();
    backspaceAndZoom(ctx);
  });
});

/** Backspace and a zoom: the canvas shows the outline as it now is, nothing of the old one. */
function backspaceAndZoom(ctx: CanvasRenderingContext2D): void {
  {
    let m: Matrix = [1.5, 0, 0, 1.5, 12, 8];
    const vertices = outline(2000);
    const pointer = [262, 20];
    const draw = (v: number[]) => {
      ctx.clearRect(0, 0, W, H);
      drawToolPreview(ctx, m, { path: [...v, ...pointer], points: v }, YELLOW);
      return ctx.getImageData(0, 0, W, H).data;
    };
    // Every vertex placed, the outlier last, over a few frames so the layer holds them.
    for (let i = 0; i < 3; i++) draw(vertices);
    // Backspace takes the outlier off; the pointer moves back to the star.
    const fewer = vertices.slice(0, -2);
    pointer.splice(0, 2, 200, 150);
    let shown = draw(fewer);
    const outlierX = Math.round(m[0] * 262 + m[4]);
    const outlierY = Math.round(m[3] * 20 + m[5]);
    const at = (x: number, y: number) => shown[(y * W + x) * 4 + 3]!;
    expect(at(outlierX, outlierY), 'the removed vertex’s mark is gone').toBe(0);
    expect(clearlyDifferent(shown, reference(m, [...fewer, ...pointer], fewer))).toBeLessThan(covered(shown) * 0.01);
    // A zoom: everything moves; nothing is left where it was.
    m = [1.2, 0, 0, 1.2, 40, 30];
    draw(fewer);
    shown = draw(fewer);
    expect(clearlyDifferent(shown, reference(m, [...fewer, ...pointer], fewer))).toBeLessThan(covered(shown) * 0.01);
  }
}
