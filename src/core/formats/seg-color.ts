/**
 * sRGB ↔ the CIELab triplets of DICOM (Recommended Display CIELab Value).
 *
 * PS3.3 C.10.7.1.1: the values are PCS-Values, encoded as CIELab and scaled to
 * 16 bits the way ICC profiles encode their PCS — L* 0..100 → 0..0xFFFF, a*
 * and b* −128..127 → 0..0xFFFF (0x8080 = 0). The ICC profile connection space
 * has a D50 white, so an sRGB colour (D65 white) is chromatically adapted to
 * D50 with the Bradford transform before L*a*b* is computed, as an ICC colour
 * manager (LittleCMS) does with the sRGB profile. White maps to (100, 0, 0).
 *
 * Some writers (dcmqi, dcmjs) compute L*a*b* against a D65 white instead; for
 * saturated colours their values differ from ours by a few ΔE, never for greys.
 *
 * Constants: sRGB primaries matrix and transfer curve from IEC 61966-2-1;
 * Bradford cone response matrix as published with CIECAM97s; D50 white as the
 * ICC header encodes it.
 */
import type { Rgb } from '../annotation/labels.js';

type Vec = readonly [number, number, number];
type Mat = readonly [Vec, Vec, Vec];

/** Linear sRGB → XYZ (D65, Y of white = 1). */
const SRGB_TO_XYZ_D65: Mat = [
  [0.4124, 0.3576, 0.1805],
  [0.2126, 0.7152, 0.0722],
  [0.0193, 0.1192, 0.9505],
];
const BRADFORD: Mat = [
  [0.8951, 0.2664, -0.1614],
  [-0.7502, 1.7135, 0.0367],
  [0.0389, -0.0685, 1.0296],
];
const D50: Vec = [0.9642, 1, 0.8249];
/** sRGB's white as its own matrix gives it, so that white and greys come out exactly neutral. */
const D65 = apply(SRGB_TO_XYZ_D65, [1, 1, 1]);

/** Linear sRGB → XYZ relative to D50: sRGB's matrix followed by the Bradford adaptation D65 → D50. */
const SRGB_TO_XYZ_D50 = multiply(bradford(D65, D50), SRGB_TO_XYZ_D65);
const XYZ_D50_TO_SRGB = invert(SRGB_TO_XYZ_D50);

/** The DICOM 16-bit CIELab triplet of an sRGB colour (integers 0..255). */
export function rgbToDicomLab(rgb: Rgb): [number, number, number] {
  const linear = rgb.map((c) => toLinear(c / 255)) as unknown as Vec;
  const [x, y, z] = apply(SRGB_TO_XYZ_D50, linear);
  const fx = f(x / D50[0]);
  const fy = f(y / D50[1]);
  const fz = f(z / D50[2]);
  return scaleLab(116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz));
}

/** The sRGB colour (integers 0..255, clipped to the gamut) of a DICOM 16-bit CIELab triplet. */
export function dicomLabToRgb(lab: readonly [number, number, number]): Rgb {
  const [l, a, b] = unscaleLab(lab);
  const fy = (l + 16) / 116;
  const xyz: Vec = [D50[0] * fInverse(fy + a / 500), D50[1] * fInverse(fy), D50[2] * fInverse(fy - b / 200)];
  const linear = apply(XYZ_D50_TO_SRGB, xyz);
  return linear.map((c) => Math.round(255 * fromLinear(Math.min(1, Math.max(0, c))))) as unknown as Rgb;
}

/** CIELab (L* 0..100; a* and b* −128..127) → the 16-bit DICOM encoding, rounded and clamped. */
export function scaleLab(l: number, a: number, b: number): [number, number, number] {
  const clamp = (v: number) => Math.min(0xffff, Math.max(0, Math.round(v)));
  return [clamp((l * 0xffff) / 100), clamp(((a + 128) * 0xffff) / 255), clamp(((b + 128) * 0xffff) / 255)];
}

export function unscaleLab(lab: readonly [number, number, number]): [number, number, number] {
  return [(lab[0] * 100) / 0xffff, (lab[1] * 255) / 0xffff - 128, (lab[2] * 255) / 0xffff - 128];
}

const EPSILON = (6 / 29) ** 3;

function f(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29;
}

function fInverse(t: number): number {
  return t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29);
}

function toLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function fromLinear(c: number): number {
  return c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055;
}

/** Bradford chromatic adaptation from white `from` to white `to` (von Kries scaling in the Bradford cone space). */
function bradford(from: Vec, to: Vec): Mat {
  const coneFrom = apply(BRADFORD, from);
  const coneTo = apply(BRADFORD, to);
  const scale: Mat = [
    [coneTo[0] / coneFrom[0], 0, 0],
    [0, coneTo[1] / coneFrom[1], 0],
    [0, 0, coneTo[2] / coneFrom[2]],
  ];
  return multiply(invert(BRADFORD), multiply(scale, BRADFORD));
}

function apply(m: Mat, v: Vec): [number, number, number] {
  return [0, 1, 2].map((i) => m[i]![0] * v[0] + m[i]![1] * v[1] + m[i]![2] * v[2]) as [number, number, number];
}

function multiply(a: Mat, b: Mat): Mat {
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i]![0] * b[0][j]! + a[i]![1] * b[1][j]! + a[i]![2] * b[2][j]!)) as unknown as Mat;
}

function invert(m: Mat): Mat {
  const [[a, b, c], [d, e, g], [h, i, k]] = m;
  const det = a * (e * k - g * i) - b * (d * k - g * h) + c * (d * i - e * h);
  return [
    [(e * k - g * i) / det, (c * i - b * k) / det, (b * g - c * e) / det],
    [(g * h - d * k) / det, (a * k - c * h) / det, (c * d - a * g) / det],
    [(d * i - e * h) / det, (b * h - a * i) / det, (a * e - b * d) / det],
  ];
}
