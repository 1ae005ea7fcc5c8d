/**
 * The polygon tool with 10,000 vertices (issue 17, availability), on a real
 * AnnotationDocument with the Clipper region ops: the outline still closes
 * into the region of the shape clicked, Backspace still takes off the last
 * vertex, Escape still leaves the document as it was.
 *
 * The shape is the polygon bench's star, clicked from the image centre:
 * vertices alternating between 60 and 230 px from the centre over 350°, so
 * no click lands near the first vertex or on the last one. Its area is
 * ½·r₁·r₂·sin(Δθ) for each pair of neighbouring vertices after the centre.
 * (Before the simple-ring path, closing it spent over ten seconds in
 * Clipper, past the test's time limit.)
 */
import { describe, expect, it } from 'vitest';
import { PolygonTool } from '../../src/tools/polygon.js';
import { DISC, area, click, fixture, key } from './support/tool-fixture.js';

const N = 10_000;
const R_IN = 60;
const R_OUT = 230;
const SPAN = (350 / 360) * 2 * Math.PI;
const STEP = SPAN / (N - 2);

function vertex(i: number): [number, number] {
  if (i === 0) return [256.5, 256.5];
  const a = STEP * (i - 1);
  const r = i % 2 ? R_OUT : R_IN;
  return [256.5 + r * Math.cos(a), 256.5 + r * Math.sin(a)];
}

/** The star's area with its first `n` vertices: one triangle centre–vertex–next per pair after the centre. */
const starArea = (n: number) => 0.5 * R_IN * R_OUT * Math.sin(STEP) * (n - 2);

function placed(n: number) {
  const f = fixture({ size: 512, screenScale: 1.5 });
  const tool = new PolygonTool();
  for (let i = 0; i < n; i++) click(tool, f.context, ...vertex(i));
  return { ...f, tool };
}

describe('polygon with 10,000 vertices', () => {
  it('REQ-TOOL-POLYGON-LARGE-1: Enter closes it into one region with the clicked star’s area, as one undo step', () => {
    const { doc, context, tool } = placed(N);
    expect(tool.vertices.length).toBe(2 * N);
    expect(key(tool, context, 'Enter')).toBe(true);
    expect(tool.status).toBe('changed');
    const region = doc.regionAt(DISC, 1);
    expect(region.rings).toHaveLength(1);
    expect(region.rings[0]!.length).toBe(2 * N);
    // Coordinates are kept to 1/4096 px: the area is the analytic one within a few hundredths.
    expect(Math.abs(area(region) - starArea(N))).toBeLessThan(0.05);
    expect(doc.undoLabel).toBe('Polygon L4/L5 disc');
    expect(doc.undo()).toBe(true);
    expect(doc.slicesOf(DISC)).toEqual([]);
  });

  it('REQ-TOOL-POLYGON-LARGE-2: Backspace takes off the last vertex; the closed region is the star without it', () => {
    const { doc, context, tool } = placed(N);
    expect(key(tool, context, 'Backspace')).toBe(true);
    expect(tool.vertices.length).toBe(2 * (N - 1));
    key(tool, context, 'Enter');
    expect(Math.abs(area(doc.regionAt(DISC, 1)) - starArea(N - 1))).toBeLessThan(0.05);
  });

  it('REQ-TOOL-POLYGON-LARGE-3: Escape abandons it: the document is unchanged and has nothing to undo', () => {
    const { doc, context, tool } = placed(N);
    expect(key(tool, context, 'Escape')).toBe(true);
    expect(tool.active).toBe(false);
    expect(tool.status).toBe('cancelled');
    expect(key(tool, context, 'Enter')).toBe(false);
    expect(doc.slicesOf(DISC)).toEqual([]);
    expect(doc.canUndo).toBe(false);
  });
});
