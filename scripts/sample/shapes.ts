/**
 * Small implicit-shape helpers for the anatomy model. Depths are approximate
 * signed distances in millimetres (positive inside): exact enough near a
 * boundary to draw a cortical shell of a given thickness, and always of the
 * right sign, which is all the model needs.
 */

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = x <= e0 ? 0 : x >= e1 ? 1 : (x - e0) / (e1 - e0);
  return t * t * (3 - 2 * t);
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Linear interpolation. */
export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Depth inside an axis-aligned ellipse centred at the origin, from g/|∇g|. */
export function ellipseDepth(dx: number, dy: number, ax: number, ay: number): number {
  const gx = dx / (ax * ax);
  const gy = dy / (ay * ay);
  const g = dx * gx + dy * gy - 1;
  const grad = 2 * Math.sqrt(gx * gx + gy * gy);
  return grad > 1e-9 ? -g / grad : ax < ay ? ax : ay;
}

/**
 * Cross-section of a lumbar vertebral body or disc: an ellipse anteriorly,
 * squarer posterolateral corners, and a shallow posterior concavity (a notch
 * ellipse subtracted at the midline) — the "kidney" seen on axial CT.
 *
 * @param x lateral offset from the centre (mm)
 * @param a antero-posterior offset from the centre, positive posterior (mm)
 * @param w half-width, `d` half-depth (mm)
 */
export function kidneyDepth(x: number, a: number, w: number, d: number): number {
  const X = x / w;
  const A = a / d;
  let g: number;
  let gX: number;
  let gA: number;
  if (A > 0) {
    // Posterior half: subtracting κ·X²A² squares the corners; at A = 0 this
    // matches the ellipse in value and gradient, so the outline is smooth.
    const k = 0.55;
    g = X * X + A * A - 1 - k * X * X * A * A;
    gX = 2 * X - 2 * k * X * A * A;
    gA = 2 * A - 2 * k * X * X * A;
  } else {
    g = X * X + A * A - 1;
    gX = 2 * X;
    gA = 2 * A;
  }
  const gx = gX / w;
  const ga = gA / d;
  const grad = Math.sqrt(gx * gx + ga * ga);
  const outer = grad > 1e-9 ? -g / grad : w < d ? w : d;
  // Posterior concavity: outside an ellipse centred behind the posterior wall.
  const notch = -ellipseDepth(x, a - 1.2 * d, 0.46 * w, 0.4 * d);
  return outer < notch ? outer : notch;
}

/** Squared normalised radius in a kidney cross-section (0 at the centre, ≈1 at the rim). */
export function kidneyRadius2(x: number, a: number, w: number, d: number): number {
  const X = x / w;
  const A = a / d;
  return X * X + A * A;
}

/**
 * Rounded-box body outline: 0.6·(X²+Y²) + 0.4·(X⁴+Y⁴) ≤ 1, with separate
 * anterior and posterior half-depths. Returns the depth in mm.
 */
export function outlineDepth(x: number, y: number, halfWidth: number, front: number, back: number): number {
  const d = y < 0 ? front : back;
  const X = x / halfWidth;
  const Y = y / d;
  const X2 = X * X;
  const Y2 = Y * Y;
  const g = 0.6 * (X2 + Y2) + 0.4 * (X2 * X2 + Y2 * Y2) - 1;
  const gx = (1.2 * X + 1.6 * X2 * X) / halfWidth;
  const gy = (1.2 * Y + 1.6 * Y2 * Y) / d;
  const grad = Math.sqrt(gx * gx + gy * gy);
  return grad > 1e-9 ? -g / grad : halfWidth < d ? halfWidth : d;
}

/** Piecewise-linear function of z through knots sorted by ascending z; clamps at the ends. */
export class Knots {
  constructor(
    private readonly zs: readonly number[],
    private readonly values: readonly number[],
  ) {
    if (zs.length === 0 || zs.length !== values.length) throw new Error('Knots: bad lengths');
    for (let i = 1; i < zs.length; i++) if (!(zs[i]! > zs[i - 1]!)) throw new Error('Knots: z not ascending');
  }

  at(z: number): number {
    const zs = this.zs;
    const n = zs.length;
    if (z <= zs[0]!) return this.values[0]!;
    if (z >= zs[n - 1]!) return this.values[n - 1]!;
    let i = 1;
    while (zs[i]! < z) i++;
    const z0 = zs[i - 1]!;
    const t = (z - z0) / (zs[i]! - z0);
    return this.values[i - 1]! + (this.values[i]! - this.values[i - 1]!) * t;
  }
}
