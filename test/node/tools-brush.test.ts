/**
 * Brush, eraser and threshold brush (src/tools/brush.ts, threshold-brush.ts,
 * stroke.ts): stroke area against the exact swept area, anisotropic pixels,
 * erasing, `[`/`]`, pen pressure, HU-range painting, and the time a pointer
 * move costs on a 512² slice.
 */
import { describe, expect, it } from 'vitest';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { BrushTool } from '../../src/tools/brush.js';
import { StrokeBuilder, sweep } from '../../src/tools/stroke.js';
import { random } from './support/annotation-geometry.js';
import { THRESHOLD_PRESETS, ThresholdBrushTool } from '../../src/tools/threshold-brush.js';
import { DISC, area, count, drag, fixture, key, later, pixels, pointer } from './support/tool-fixture.js';

/** Points from (x0, y0) to (x1, y1), `n` steps. */
function line(x0: number, y0: number, x1: number, y1: number, n: number): [number, number][] {
  return Array.from({ length: n + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('brush', () => {
  it('REQ-TOOL-BRUSH-1: a stroke of radius r along a segment of length L covers 2rL + πr² (pixel units from mm)', () => {
    // 5 mm diameter at 0.25 mm pixels: r = 10 px.
    const { doc, context } = fixture({ size: 64, spacing: [0.25, 0.25] });
    const tool = new BrushTool();
    expect(tool.id).toBe('brush');
    drag(tool, context, line(20, 32, 44, 32, 40));
    const expected = 2 * 10 * 24 + Math.PI * 100;
    const got = area(doc.regionAt(DISC, 1));
    expect(Math.abs(got - expected) / expected).toBeLessThan(0.002);
    expect(doc.undoLabel).toBe('Brush L4/L5 disc');
  });

  it('REQ-TOOL-BRUSH-2: anisotropic pixels give an elliptic footprint r/Δcol × r/Δrow, exactly', () => {
    // Δrow = 1 mm, Δcol = 0.5 mm, 10 mm brush: rx = 10 px, ry = 5 px.
    const { doc, context } = fixture({ size: 64, spacing: [1, 0.5] });
    const tool = new BrushTool('paint', { size: 10 });
    tool.move(pointer(32, 32), context);
    expect(tool.preview(context)!.circle).toEqual({ x: 32, y: 32, rx: 10, ry: 5 });
    drag(tool, context, line(20, 32, 44, 32, 24));
    const expected = 2 * 5 * 24 + Math.PI * 10 * 5;
    expect(Math.abs(area(doc.regionAt(DISC, 1)) - expected) / expected).toBeLessThan(0.002);
    // A dab is an ellipse: 10 px to the sides, 5 px up and down.
    const dab = sweep([10.5, 20.5], 10, 5);
    const mask = rasterizeToMask(dab, 64, 64);
    expect(mask[20 * 64 + 19]).toBe(1);
    expect(mask[20 * 64 + 21]).toBe(0);
    expect(mask[24 * 64 + 10]).toBe(1);
    expect(mask[26 * 64 + 10]).toBe(0);
  });

  it('REQ-TOOL-BRUSH-3: the eraser (BrushTool erase) and Alt-painting cut from the region', () => {
    const { doc, context } = fixture({ size: 64, spacing: [0.5, 0.5] }); // 5 mm: r = 5 px
    drag(new BrushTool(), context, line(10, 32, 54, 32, 44));
    const before = count(pixels(doc.regionAt(DISC, 1), context));
    const eraser = new BrushTool('erase');
    expect(eraser.id).toBe('eraser');
    drag(eraser, context, line(32, 20, 32, 44, 24));
    const after = pixels(doc.regionAt(DISC, 1), context);
    expect(doc.undoLabel).toBe('Erase L4/L5 disc');
    expect(count(after)).toBeLessThan(before - 80);
    for (let r = 26; r < 38; r++) expect(after[r * 64 + 32]).toBe(0);
    drag(new BrushTool(), context, line(15, 32, 15, 32, 1), { altKey: true });
    expect(pixels(doc.regionAt(DISC, 1), context)[32 * 64 + 15]).toBe(0);
    expect(doc.undoLabel).toBe('Brush erase L4/L5 disc');
    // Erasing all of it leaves no region (the document drops empty ones).
    drag(eraser, context, line(4, 32, 60, 32, 60), {});
    drag(new BrushTool('erase', { size: 30 }), context, line(4, 32, 60, 32, 60));
    expect(doc.slicesOf(DISC)).toEqual([]);
    // Erasing where nothing is records nothing.
    const steps = doc.undoLabel;
    drag(eraser, context, line(4, 4, 10, 4, 6));
    expect(eraser.status).toBe('unchanged');
    expect(doc.undoLabel).toBe(steps);
  });

  it('REQ-TOOL-BRUSH-4: [ and ] step the size (not during a stroke); the cursor circle follows', () => {
    const { context } = fixture({ spacing: [1, 1] });
    const tool = new BrushTool();
    tool.move(pointer(20, 20), context);
    expect(tool.preview(context)!.circle!.rx).toBe(2.5);
    expect(key(tool, context, ']')).toBe(true);
    expect(tool.size.mm).toBe(6);
    expect(tool.preview(context)!.circle!.rx).toBe(3);
    key(tool, context, '[');
    key(tool, context, '[');
    expect(tool.size.mm).toBe(4);
    tool.size.mm = 7;
    key(tool, context, ']');
    expect(tool.size.mm).toBe(8);
    tool.size.mm = 1000;
    expect(tool.size.mm).toBe(100);
    expect(key(tool, context, 'q')).toBe(false);
    tool.down(later(20, 20), context);
    expect(key(tool, context, ']')).toBe(false);
    expect(tool.size.mm).toBe(100);
    tool.cancel(context);
    expect(tool.cursor(context)).toBe('none');
  });

  it('REQ-TOOL-BRUSH-5: the preview fills the stroke so far while painting', () => {
    const { doc, context } = fixture({ spacing: [1, 1] });
    const tool = new BrushTool();
    tool.down(later(10, 10), context);
    for (const [x, y] of line(10, 10, 40, 10, 30)) tool.move(pointer(x, y), context);
    const preview = tool.preview(context)!;
    const expected = 2 * 2.5 * 30 + Math.PI * 2.5 * 2.5;
    expect(Math.abs(area(preview.fill!) - expected) / expected).toBeLessThan(0.005);
    expect(preview.subtract).toBe(false);
    expect(doc.slicesOf(DISC)).toEqual([]); // nothing committed before the release
    tool.up(pointer(40, 10), context);
    expect(tool.preview(context)!.fill).toBeUndefined();
  });

  it('REQ-TOOL-BRUSH-6: pen pressure scales the radius; mouse pressure does not', () => {
    const { doc, context } = fixture({ spacing: [0.5, 0.5] }); // r = 5 px
    drag(new BrushTool(), context, [[20, 20]], { pointerType: 'pen', pressure: 1 });
    expect(Math.abs(area(doc.regionAt(DISC, 1)) - Math.PI * 8.5 * 8.5) / (Math.PI * 72.25)).toBeLessThan(0.005);
    const other = fixture({ spacing: [0.5, 0.5] });
    drag(new BrushTool(), other.context, [[20, 20]], { pressure: 1 });
    expect(Math.abs(area(other.doc.regionAt(DISC, 1)) - Math.PI * 25) / (Math.PI * 25)).toBeLessThan(0.01);
    // Changing pressure mid-stroke gives a joined stroke with both sizes.
    const b = new StrokeBuilder(5, 5);
    b.add(10, 30, 1);
    b.add(30, 30, 1);
    b.add(50, 30, 0.5);
    const mask = rasterizeToMask(b.region(), 64, 64);
    expect(mask[34 * 64 + 20]).toBe(1);
    expect(mask[34 * 64 + 45]).toBe(0);
    expect(mask[31 * 64 + 45]).toBe(1);
  });
});

describe('threshold brush', () => {
  /** Left half 100 HU (disc-like), right half 400 HU (bone), a 20 HU stripe at rows 40–43. */
  function values(size: number): Int16Array {
    const v = new Int16Array(size * size);
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) v[r * size + c] = r >= 40 && r < 44 ? 20 : c < size / 2 ? 100 : 400;
    return v;
  }

  it('REQ-TOOL-THRESHOLD-1: paints exactly the footprint pixels whose HU is in range', () => {
    const hu = values(64);
    const { doc, context } = fixture({ size: 64, values: hu, spacing: [0.5, 0.5] });
    const tool = new ThresholdBrushTool({ size: 10 }); // r = 10 px; default range: disc 50–150
    const path = line(16, 38, 48, 40, 32);
    drag(tool, context, path);
    const mask = pixels(doc.regionAt(DISC, 1), context);
    const footprint = rasterizeToMask(sweep(path.flat(), 10, 10), 64, 64);
    let painted = 0;
    for (let i = 0; i < mask.length; i++) {
      const want = footprint[i] && hu[i]! >= 50 && hu[i]! <= 150 ? 1 : 0;
      expect(mask[i], `pixel ${i % 64}, ${Math.floor(i / 64)}`).toBe(want);
      painted += want;
    }
    expect(painted).toBeGreaterThan(300);
    expect(doc.undoLabel).toBe('Threshold brush L4/L5 disc');
  });

  it('REQ-TOOL-THRESHOLD-2: presets and custom ranges; Alt erases in-range pixels only', () => {
    const hu = values(64);
    const { doc, context } = fixture({ size: 64, values: hu, spacing: [0.5, 0.5] });
    const tool = new ThresholdBrushTool({ size: 10, range: 'bone' });
    expect(tool.range).toEqual(THRESHOLD_PRESETS.bone);
    drag(tool, context, line(16, 30, 48, 30, 32));
    let mask = pixels(doc.regionAt(DISC, 1), context);
    for (let i = 0; i < mask.length; i++) if (mask[i]) expect(hu[i]).toBe(400);
    expect(count(mask)).toBeGreaterThan(200);
    tool.range = { min: 0, max: 500 };
    drag(tool, context, line(16, 30, 48, 30, 32));
    mask = pixels(doc.regionAt(DISC, 1), context);
    expect(mask[30 * 64 + 20]).toBe(1);
    tool.range = 'disc';
    drag(tool, context, line(16, 30, 48, 30, 32), { altKey: true });
    mask = pixels(doc.regionAt(DISC, 1), context);
    expect(mask[30 * 64 + 20]).toBe(0);
    expect(mask[30 * 64 + 40]).toBe(1);
    expect(() => (tool.range = { min: 10, max: 0 })).toThrow(RangeError);
  });

  it('REQ-TOOL-THRESHOLD-3: the preview fills the in-range pixels painted so far', () => {
    const hu = values(64);
    const { context } = fixture({ size: 64, values: hu, spacing: [0.5, 0.5] });
    const tool = new ThresholdBrushTool();
    tool.down(later(20, 20), context);
    for (const [x, y] of line(20, 20, 44, 20, 24)) tool.move(pointer(x, y), context);
    const fill = tool.preview(context)!.fill!;
    const mask = rasterizeToMask(fill, 64, 64);
    expect(count(mask)).toBeGreaterThan(80);
    for (let i = 0; i < mask.length; i++) if (mask[i]) expect(hu[i]).toBe(100);
    tool.cancel(context);
  });
});

describe('brush timing', () => {
  it('REQ-TOOL-BRUSH-PERF: time per pointer move on 512², preview included (printed, not asserted)', () => {
    const size = 512;
    // CT-like: a 110 HU disc of radius 120 on −60 HU, with noise of σ ≈ 20 HU (speckle at the range edges).
    const rand = random(3);
    const hu = new Int16Array(size * size).map((_, i) => {
      const inside = Math.hypot((i % size) - 256, Math.floor(i / size) - 220) < 120;
      return Math.round((inside ? 110 : -60) + (rand() + rand() + rand() - 1.5) * 40);
    });
    const run = (tool: BrushTool | ThresholdBrushTool, name: string) => {
      const { context } = fixture({ size, values: hu, spacing: [0.7, 0.7] });
      const times: number[] = [];
      for (let round = 0; round < 2; round++) {
        times.length = 0;
        tool.down(later(100, 200), context);
        tool.preview(context);
        for (let i = 1; i <= 200; i++) {
          const p = pointer(100 + i * 1.5, 200 + 40 * Math.sin(i / 15));
          const t0 = performance.now();
          tool.move(p, context);
          tool.preview(context);
          times.push(performance.now() - t0);
        }
        const t0 = performance.now();
        tool.up(pointer(400, 200), context);
        const commit = performance.now() - t0;
        times.sort((a, b) => a - b);
        if (round === 1) {
          console.log(
            `tools-brush: ${name}, 200 moves on 512² (r ≈ ${(tool.size.mm / 1.4).toFixed(1)} px): ` +
              `p50 ${percentile(times, 50).toFixed(3)} ms, p95 ${percentile(times, 95).toFixed(3)} ms, max ${times[times.length - 1]!.toFixed(3)} ms; commit ${commit.toFixed(2)} ms`,
          );
        }
      }
    };
    run(new BrushTool('paint', { size: 10 }), 'brush 10 mm');
    run(new BrushTool('paint', { size: 5 }), 'brush 5 mm');
    run(new ThresholdBrushTool({ size: 10, range: 'disc' }), 'threshold brush 10 mm (disc 50–150 HU)');
  });
});
