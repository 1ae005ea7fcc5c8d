/**
 * Small CT series with the irregular geometry real scanners write, for the
 * resampled NIfTI export's tests (issue 16): a gantry-tilted series
 * (GantryDetectorTilt ±18.5°: the image plane tilted about the patient's
 * left–right axis, the table stepping along z, so the stack is sheared) and an
 * unevenly spaced one (4 mm steps, then 7 mm). The anatomy is analytic, so a
 * test knows the truth at any point:
 *
 * - a water-like cylinder along z (radius 38 mm) whose HU rise linearly in x,
 *   y and z (linear interpolation reproduces it away from its edges), in air;
 * - an ellipsoidal "disc" (semi-axes 22 × 16 × 12 mm) 80 HU brighter, whose
 *   inside is the label;
 * - outside the circular reconstructed field, PixelPaddingValue: −1500 HU.
 *
 * Pixels are sampled at their centres (no partial volume, no noise); files are
 * Explicit VR Little Endian, signed 16-bit, RescaleIntercept −1024.
 */
import type { DcmjsDataset } from 'dcmjs';
import { CT_IMAGE_STORAGE } from './instance.js';
import { encodePart10, EXPLICIT_VR_LITTLE_ENDIAN } from './part10.js';
import { sampleUid } from './uids.js';

export type Vec3 = [number, number, number];
/** A point given to the phantom (any LPS triple, read only). */
export type Point = readonly [number, number, number];

export interface IrregularOptions {
  /** `tilt`: GantryDetectorTilt `tiltDeg` (default 18.5; negative tilts the other way); `uneven`: `steps` between table positions. */
  kind: 'tilt' | 'uneven';
  tiltDeg?: number;
  /** Table steps along z (mm), one fewer than the slices; default 4 mm for the first half, 7 mm after. */
  steps?: readonly number[];
  /** Square image size; default 96. */
  size?: number;
  /** Pixel spacing (mm); default 1. */
  pixelSpacing?: number;
  /** Number of slices; default 24 (tilt: 5 mm table steps). */
  slices?: number;
  /** Seeds the UIDs. */
  seed?: number;
}

export interface IrregularSeries {
  /** File name and Part 10 bytes of each slice, in acquisition order (head first). */
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** ImagePositionPatient of each slice, ascending z. */
  readonly positions: readonly Vec3[];
  readonly rowCosine: Vec3;
  readonly columnCosine: Vec3;
  readonly size: number;
  readonly pixelSpacing: number;
  /** HU at an LPS point inside the reconstructed field, as sampled into the pixels. */
  hu(p: Point): number;
  /** 1 inside the disc, else 0. */
  label(p: Point): number;
  /** The disc's volume (mm³). */
  readonly labelVolume: number;
  readonly paddingHU: number;
}

export const IRREGULAR_PADDING_HU = -1500;
const INTERCEPT = -1024;
const BODY_RADIUS = 38;
const DISC = { centre: [0, 5, 0] as Vec3, axes: [22, 16, 12] as Vec3, hu: 80 };

/** The phantom's numbers, for a checker in another language: HU = base + gradient · p in the body, + discHU in the disc. */
export const IRREGULAR_PHANTOM = { base: 20, gradient: [1.5, 1, 3], bodyRadius: BODY_RADIUS, discCentre: DISC.centre, discAxes: DISC.axes, discHU: DISC.hu } as const;

/** HU of the body at an LPS point (linear in x, y, z), before the disc. */
export function irregularBodyHU(p: Point): number {
  const { base, gradient: g } = IRREGULAR_PHANTOM;
  return base + g[0] * p[0] + g[1] * p[1] + g[2] * p[2];
}

/** The disc's implicit function: below 1 inside, 1 on its surface. */
export function irregularDiscLevel(p: Point): number {
  const [cx, cy, cz] = DISC.centre;
  const [a, b, c] = DISC.axes;
  return ((p[0] - cx) / a) ** 2 + ((p[1] - cy) / b) ** 2 + ((p[2] - cz) / c) ** 2;
}

function insideDisc(p: Point): boolean {
  return irregularDiscLevel(p) <= 1;
}

/** Radius of the body cylinder (mm): HU are linear inside it, air outside. */
export const IRREGULAR_BODY_RADIUS = BODY_RADIUS;

/** A small irregular CT series and its analytic truth. */
export async function irregularSeries(options: IrregularOptions): Promise<IrregularSeries> {
  const size = options.size ?? 96;
  const spacing = options.pixelSpacing ?? 1;
  const n = options.slices ?? 24;
  const tilt = options.kind === 'tilt' ? ((options.tiltDeg ?? 18.5) * Math.PI) / 180 : 0;
  const steps =
    options.kind === 'uneven'
      ? (options.steps ?? Array.from({ length: n - 1 }, (_, k) => (k < Math.floor((n - 1) / 2) ? 4 : 7)))
      : Array.from({ length: n - 1 }, () => 5);
  if (steps.length !== n - 1) throw new Error(`irregularSeries: ${steps.length} steps for ${n} slices`);
  // The gantry tilts the image plane about x: rows run along y cos t − z sin t (a positive tilt leans the top of the image towards the feet).
  const u: Vec3 = [1, 0, 0];
  const v: Vec3 = [0, Math.cos(tilt), -Math.sin(tilt)];
  const half = ((size - 1) / 2) * spacing;
  const span = steps.reduce((a, b) => a + b, 0);
  // The table positions, centred on z = 0; each image is centred on the gantry's axis at its table position.
  const tableZ = [-span / 2];
  for (const s of steps) tableZ.push(tableZ[tableZ.length - 1]! + s);
  const positions = tableZ.map((z) => [0, 1, 2].map((a) => (a === 2 ? z : 0) - half * u[a]! - half * v[a]!) as Vec3);
  const fieldRadius = 0.48 * size * spacing;
  const paddingHU = IRREGULAR_PADDING_HU;

  // HU inside the reconstructed field (a circle about each image's centre, where the pixels hold the padding value beyond it).
  const hu = (p: Point): number => {
    if (Math.hypot(p[0], p[1]) > BODY_RADIUS) return -1000;
    return Math.round(irregularBodyHU(p) + (insideDisc(p) ? DISC.hu : 0));
  };
  const label = (p: Point): number => (insideDisc(p) ? 1 : 0);

  const uids = {
    study: await sampleUid(options.seed ?? 16, 'irregular/study'),
    series: await sampleUid(options.seed ?? 16, `irregular/series/${options.kind}/${tilt}`),
    frame: await sampleUid(options.seed ?? 16, 'irregular/frame'),
    implementation: await sampleUid(0, 'implementation-class'),
  };
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const pixels = new Int16Array(size * size);
    const p0 = positions[k]!;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const p = [0, 1, 2].map((a) => p0[a]! + c * spacing * u[a]! + r * spacing * v[a]!) as Vec3;
        const inField = Math.hypot(c * spacing - half, r * spacing - half) <= fieldRadius;
        pixels[r * size + c] = (inField ? hu(p) : paddingHU) - INTERCEPT;
      }
    }
    const sop = await sampleUid(options.seed ?? 16, `irregular/${options.kind}/${tilt}/${k}`);
    const instance = n - k;
    files.push({ name: `IM${String(instance).padStart(4, '0')}.dcm`, bytes: sliceFile({ k: instance, sop, uids, position: p0, u, v, size, spacing, tiltDeg: (tilt * 180) / Math.PI, pixels }) });
  }
  return {
    files,
    positions,
    rowCosine: u,
    columnCosine: v,
    size,
    pixelSpacing: spacing,
    hu,
    label,
    labelVolume: (4 / 3) * Math.PI * DISC.axes[0] * DISC.axes[1] * DISC.axes[2],
    paddingHU,
  };
}

interface SliceInput {
  k: number;
  sop: string;
  uids: { study: string; series: string; frame: string; implementation: string };
  position: Vec3;
  u: Vec3;
  v: Vec3;
  size: number;
  spacing: number;
  tiltDeg: number;
  pixels: Int16Array;
}

/** DICOM numbers as DS text: at most 16 characters. */
function ds(x: number): string {
  const s = String(Number(x.toPrecision(10)));
  return s.length <= 16 ? s : x.toFixed(6);
}

function sliceFile(s: SliceInput): Uint8Array {
  const str = (vr: string, ...value: string[]) => ({ vr, Value: value });
  const meta: DcmjsDataset = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': str('UI', CT_IMAGE_STORAGE),
    '00020003': str('UI', s.sop),
    '00020010': str('UI', EXPLICIT_VR_LITTLE_ENDIAN),
    '00020012': str('UI', s.uids.implementation),
    '00020013': str('SH', 'SEGMARK_SAMPLE_1'),
  };
  const dataset: DcmjsDataset = {
    '00080008': str('CS', 'ORIGINAL', 'PRIMARY', 'AXIAL'),
    '00080016': str('UI', CT_IMAGE_STORAGE),
    '00080018': str('UI', s.sop),
    '00080020': str('DA', '20240917'),
    '00080030': str('TM', '093000'),
    '00080050': str('SH', 'SEGMARKIRR'),
    '00080060': str('CS', 'CT'),
    '00080070': str('LO', 'Segmark'),
    '00080090': { vr: 'PN', Value: [] },
    '0008103E': str('LO', s.tiltDeg ? `Tilted ${ds(s.tiltDeg)} deg (synthetic)` : 'Uneven spacing (synthetic)'),
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'SEGMARK^IRREGULAR' }] },
    '00100020': str('LO', 'SEGMARK-IRREGULAR'),
    '00100030': { vr: 'DA', Value: [] },
    '00100040': str('CS', 'O'),
    '00180050': str('DS', '3'),
    '00180060': str('DS', '120'),
    '00181120': str('DS', ds(s.tiltDeg)),
    '00185100': str('CS', 'HFS'),
    '0020000D': str('UI', s.uids.study),
    '0020000E': str('UI', s.uids.series),
    '00200010': str('SH', '1'),
    '00200011': str('IS', '3'),
    '00200013': str('IS', String(s.k)),
    '00200032': str('DS', ...s.position.map(ds)),
    '00200037': str('DS', ...[...s.u, ...s.v].map(ds)),
    '00200052': str('UI', s.uids.frame),
    '00201040': { vr: 'LO', Value: [] },
    '00280002': { vr: 'US', Value: [1] },
    '00280004': str('CS', 'MONOCHROME2'),
    '00280010': { vr: 'US', Value: [s.size] },
    '00280011': { vr: 'US', Value: [s.size] },
    '00280030': str('DS', ds(s.spacing), ds(s.spacing)),
    '00280100': { vr: 'US', Value: [16] },
    '00280101': { vr: 'US', Value: [16] },
    '00280102': { vr: 'US', Value: [15] },
    '00280103': { vr: 'US', Value: [1] },
    '00280120': { vr: 'SS', Value: [IRREGULAR_PADDING_HU - INTERCEPT] },
    '00281050': str('DS', '40'),
    '00281051': str('DS', '400'),
    '00281052': str('DS', String(INTERCEPT)),
    '00281053': str('DS', '1'),
    '00281054': str('LO', 'HU'),
    '7FE00010': { vr: 'OW', Value: [s.pixels.buffer] },
  };
  return encodePart10(meta, dataset);
}
