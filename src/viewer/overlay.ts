/**
 * Text and marks drawn over the image in the same frame: orientation letters,
 * a scale bar in mm, corner annotations and the line of another view's plane.
 * Pure canvas calls; sizes in CSS pixels scaled by the device pixel ratio.
 */

export interface OverlayContent {
  /** Letters at the left, right, top and bottom edge (e.g. R, L, A, P). */
  letters: { left: string; right: string; top: string; bottom: string };
  /** Lines of text per corner. */
  topLeft: string[];
  topRight: string[];
  bottomLeft: string[];
  bottomRight: string[];
  /** Scale bar: screen length in CSS px and its label. */
  scaleBar?: { pixels: number; label: string };
  /** Horizontal or vertical lines, in canvas pixels, e.g. the current axial slice on a reformat. */
  lines?: Array<{ x0: number; y0: number; x1: number; y1: number; color: string }>;
}

export interface OverlayStyle {
  font: string;
  color: string;
  shadow: string;
}

/** Glyphs the overlays draw most: orientation letters, digits, units. */
const SAMPLE_TEXT = 'RLAPSIH 0123456789 -.,:/% mm cm HU Im W L SAG COR';

/**
 * Draws the overlay's font once, off screen, when the page is idle: the first
 * text drawn with a font in a page costs 6–9 ms here (finding and loading the
 * font), which fell in the frame that first shows a series. A later call
 * costs a fraction of a millisecond.
 */
export function prepareOverlayText(style: OverlayStyle, dpr: number, timeout = 1000): void {
  const run = (): void => {
    if (typeof OffscreenCanvas !== 'function') return;
    const ctx = new OffscreenCanvas(1, 1).getContext('2d');
    if (!ctx) return;
    ctx.font = scaledFont(style.font, dpr);
    ctx.shadowColor = style.shadow;
    ctx.shadowBlur = 2 * dpr;
    ctx.fillText(SAMPLE_TEXT, 0, 0);
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout });
  else setTimeout(run, 0);
}

function scaledFont(font: string, dpr: number): string {
  return font.replace(/(\d+)px/, (_, px: string) => `${Number(px) * dpr}px`);
}

export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  dpr: number,
  content: OverlayContent,
  style: OverlayStyle,
): void {
  const pad = 6 * dpr;
  const lineHeight = 15 * dpr;
  ctx.font = scaledFont(style.font, dpr);
  ctx.fillStyle = style.color;
  ctx.shadowColor = style.shadow;
  ctx.shadowBlur = 2 * dpr;

  for (const line of content.lines ?? []) {
    ctx.strokeStyle = line.color;
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(line.x0, line.y0);
    ctx.lineTo(line.x1, line.y1);
    ctx.stroke();
  }

  const { letters } = content;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillText(letters.left, pad, height / 2);
  ctx.textAlign = 'right';
  ctx.fillText(letters.right, width - pad, height / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(letters.top, width / 2, pad);
  ctx.textBaseline = 'bottom';
  ctx.fillText(letters.bottom, width / 2, height - pad);

  corner(ctx, content.topLeft, pad, pad, 'left', 'top', lineHeight);
  corner(ctx, content.topRight, width - pad, pad, 'right', 'top', lineHeight);
  corner(ctx, content.bottomLeft, pad, height - pad, 'left', 'bottom', lineHeight);
  corner(ctx, content.bottomRight, width - pad, height - pad, 'right', 'bottom', lineHeight);

  if (content.scaleBar && content.scaleBar.pixels > 4) {
    const len = content.scaleBar.pixels * dpr;
    // Inside the right edge, clear of the orientation letter there.
    const x1 = width - pad - 24 * dpr;
    const y = height / 2;
    // A vertical bar at the right edge, ticks at both ends, as reading-room viewers draw it.
    ctx.strokeStyle = style.color;
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(x1, y - len / 2);
    ctx.lineTo(x1, y + len / 2);
    ctx.moveTo(x1 - 5 * dpr, y - len / 2);
    ctx.lineTo(x1, y - len / 2);
    ctx.moveTo(x1 - 5 * dpr, y + len / 2);
    ctx.lineTo(x1, y + len / 2);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(content.scaleBar.label, x1 - 2 * dpr, y + len / 2 + 3 * dpr);
  }
  ctx.shadowBlur = 0;
}

function corner(
  ctx: CanvasRenderingContext2D,
  lines: string[],
  x: number,
  y: number,
  align: CanvasTextAlign,
  baseline: 'top' | 'bottom',
  lineHeight: number,
): void {
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  lines.forEach((text, i) => {
    const offset = baseline === 'top' ? i * lineHeight : -(lines.length - 1 - i) * lineHeight;
    ctx.fillText(text, x, y + offset);
  });
}
