/**
 * Comment pins drawn over the slice: a numbered marker at each comment's
 * point (pixel coordinates), the selected one larger, resolved ones dimmed,
 * and the point a new comment will be pinned to, as a hollow ring. Pure
 * canvas calls, in canvas pixels.
 */

export interface CommentPin {
  /** Continuous pixel coordinates on the slice. */
  x: number;
  y: number;
  /** The number shown on the pin (the comment's place in the list). */
  n: number;
  resolved: boolean;
  selected: boolean;
}

export interface PinStyle {
  color: string;
  resolvedColor: string;
  text: string;
}

export const PIN_STYLE: PinStyle = { color: '#ffb020', resolvedColor: 'rgba(160, 170, 185, 0.8)', text: '#10151f' };

type Matrix = readonly [number, number, number, number, number, number];

/** Draws the pins (and the pending point, if any) with `m` mapping image pixels to canvas pixels. */
export function drawCommentPins(
  ctx: CanvasRenderingContext2D,
  m: Matrix,
  dpr: number,
  pins: readonly CommentPin[],
  pending?: { x: number; y: number },
  style: PinStyle = PIN_STYLE,
): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.shadowColor = 'transparent';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const pin of pins) {
    const [cx, cy] = toCanvas(m, pin.x, pin.y);
    const r = (pin.selected ? 10 : 8) * dpr;
    // A teardrop-like pin: a disc above the point and a stem down to it.
    ctx.fillStyle = pin.resolved ? style.resolvedColor : style.color;
    ctx.strokeStyle = '#000';
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(cx, cy);
    ctx.lineTo(cx - r * 0.6, cy - r * 1.2);
    ctx.lineTo(cx + r * 0.6, cy - r * 1.2);
    ctx.closePath();
    ctx.fill();
    ctx.beginPath();
    ctx.arc(cx, cy - r * 1.8, r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = style.text;
    ctx.font = `bold ${Math.round((pin.selected ? 12 : 10) * dpr)}px system-ui, sans-serif`;
    ctx.fillText(String(pin.n), cx, cy - r * 1.8);
  }
  if (pending) {
    const [cx, cy] = toCanvas(m, pending.x, pending.y);
    ctx.strokeStyle = style.color;
    ctx.lineWidth = 2 * dpr;
    ctx.setLineDash([3 * dpr, 3 * dpr]);
    ctx.beginPath();
    ctx.arc(cx, cy, 7 * dpr, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
}

function toCanvas(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}
