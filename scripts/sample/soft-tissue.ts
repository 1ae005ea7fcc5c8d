/**
 * Everything that is not bone, disc or canal: the body outline with skin and
 * subcutaneous fat, the abdominal wall, psoas, quadratus lumborum and
 * paraspinal muscles, aorta and IVC with the iliac vessels, kidneys, the liver
 * and spleen tips, colon and small-bowel loops in mesenteric fat.
 *
 * `prepare(z)` computes what depends on z once per sub-slice, so the per-sample
 * calls (`layer`, `deep`) stay cheap.
 */

import { GradientNoise } from './random.js';
import { ellipseDepth, lerp, outlineDepth, smoothstep } from './shapes.js';
import type { SpineModel } from './spine.js';
import { HU } from './tissues.js';

/** Result of `layer`: where a point lies relative to the body surface. */
export const Layer = { Air: 0, Skin: 1, Subcutaneous: 2, Deep: 3 } as const;
export type Layer = (typeof Layer)[keyof typeof Layer];

/** An organ as an ellipsoid whose axial cross-section is rotated by an angle. */
interface Ellipsoid {
  cx: number;
  cy: number;
  cz: number;
  /** Semi-axes: along the rotated in-plane axis u, across it (v), and along z. */
  au: number;
  av: number;
  az: number;
  cos: number;
  sin: number;
}

interface Circle {
  x: number;
  y: number;
  r: number;
}

/** Muscle depths from the pelvis (iliacus, gluteal), passed in by the phantom. */
export interface PelvicMuscles {
  iliacus: number;
  gluteal: number;
}

const KIDNEY_LEFT: Ellipsoid = { cx: 68, cy: 20, cz: 66, au: 28, av: 17, az: 52, cos: 0.64, sin: -0.77 };
const KIDNEY_RIGHT: Ellipsoid = { cx: -66, cy: 22, cz: 56, au: 28, av: 17, az: 52, cos: -0.64, sin: -0.77 };
const LIVER: Ellipsoid = { cx: -68, cy: -14, cz: 136, au: 58, av: 60, az: 64, cos: 1, sin: 0 };
const SPLEEN: Ellipsoid = { cx: 92, cy: 22, cz: 128, au: 24, av: 40, az: 44, cos: 0.8, sin: 0.6 };

export class SoftTissue {
  private readonly bowelNoise: GradientNoise;
  private readonly detailNoise: GradientNoise;
  private readonly gasNoise: GradientNoise;
  private readonly stoolNoise: GradientNoise;

  // Per-z state, set by prepare().
  private z = 0;
  private skinW = 0;
  private skinF = 0;
  private skinB = 0;
  private fasciaW = 0;
  private fasciaF = 0;
  private fasciaB = 0;
  private innerW = 0;
  private innerF = 0;
  private innerB = 0;
  private antY = 0;
  private bodyY = 0;
  private canalY = 0;
  private psoasX = 0;
  private psoasY = 0;
  private psoasR = 0;
  private qlScale = 0;
  private paraRx = 0;
  private paraRy = 0;
  private vessels: Circle[] = [];
  private ivc: { x: number; y: number; rx: number; ry: number } | undefined;
  private kidneys: { e: Ellipsoid; s: number; sinus: number }[] = [];
  private liverS = 0;
  private spleenS = 0;
  private colon: Circle[] = [];
  private transverseOn = false;

  constructor(
    private readonly spine: SpineModel,
    seed: number,
  ) {
    this.bowelNoise = new GradientNoise([-160, -160, -120], [160, 160, 120], 34, seed ^ 0x1b0e);
    this.detailNoise = new GradientNoise([-160, -160, -120], [160, 160, 120], 13, seed ^ 0x2c1);
    this.gasNoise = new GradientNoise([-160, -160, -120], [160, 160, 120], 20, seed ^ 0x6a5);
    this.stoolNoise = new GradientNoise([-160, -160, -120], [160, 160, 120], 5, seed ^ 0x5700);
  }

  prepare(z: number): void {
    this.z = z;
    const pelvis = smoothstep(10, 80, -z);
    const buttocks = smoothstep(40, 100, -z);
    const sp = this.spine;
    this.antY = sp.anteriorY.at(z);
    this.bodyY = sp.bodyCentreY.at(z);
    this.canalY = sp.canalY.at(z);
    // The back follows the lordosis: skin about 58 mm behind the canal.
    this.skinW = 123 + 17 * pelvis;
    this.skinF = 100 - 6 * buttocks;
    this.skinB = this.canalY + 58 + 6 * buttocks;
    this.fasciaW = this.skinW - 14;
    this.fasciaF = this.skinF - 20;
    this.fasciaB = this.skinB - 11;
    this.innerW = this.fasciaW - 10;
    this.innerF = this.fasciaF - 10;
    this.innerB = this.fasciaB - 10;
    const halfWidth = sp.halfWidth.at(z);
    // Psoas: small at L1, growing inferiorly, then sweeping anterolaterally into the pelvis.
    const r = 5 + 13 * (1 - smoothstep(-10, 95, z));
    const drop = z < -25 ? -25 - z : 0;
    this.psoasR = r;
    this.psoasX = halfWidth + 1.5 + r + 0.35 * drop;
    this.psoasY = this.bodyY - 2 - 0.3 * r - 0.45 * drop;
    this.qlScale = smoothstep(-30, -5, z) * (1 - smoothstep(95, 115, z));
    const sacral = smoothstep(-60, -100, z);
    this.paraRx = lerp(27, 20, sacral);
    this.paraRy = lerp(28, 20, sacral);
    this.prepareVessels(z);
    this.kidneys = [];
    for (const [e, s] of [
      [KIDNEY_LEFT, 1],
      [KIDNEY_RIGHT, -1],
    ] as const) {
      const t = (z - e.cz) / e.az;
      // The renal sinus (hilum) only through the middle third of the kidney.
      if (t > -1 && t < 1) this.kidneys.push({ e, s: Math.sqrt(1 - t * t), sinus: 1 - smoothstep(0.25, 0.5, t < 0 ? -t : t) });
    }
    this.liverS = sectionScale(LIVER, z);
    this.spleenS = sectionScale(SPLEEN, z);
    this.prepareColon(z);
  }

  private prepareVessels(z: number): void {
    this.vessels = [];
    const sp = this.spine;
    const l4 = sp.segments[3]!;
    const l5 = sp.segments[4]!;
    const bif = l4.cz;
    if (z > bif) {
      this.vessels.push({ x: 14, y: this.antY - 11, r: lerp(9.5, 10.5, smoothstep(bif, 100, z)) });
    } else {
      const t = bif - z;
      const y = sp.anteriorY.at(bif) - 10 - 0.22 * t;
      const x = 8 + 0.5 * t;
      this.vessels.push({ x, y, r: 6.5 }, { x: -x, y, r: 6.5 });
    }
    const conf = l5.cz;
    if (z > conf) {
      this.ivc = { x: -19, y: this.antY - 10, rx: 12, ry: 8.5 };
    } else {
      this.ivc = undefined;
      const t = conf - z;
      const y = sp.anteriorY.at(conf) - 6 - 0.15 * t;
      const x = 7 + 0.5 * t;
      this.vessels.push({ x, y, r: 7 }, { x: -x, y, r: 7 });
    }
  }

  private prepareColon(z: number): void {
    const c: Circle[] = [];
    const taper = (z0: number, z1: number, r: number) => r * Math.min(smoothstep(z0, z0 + 12, z), 1 - smoothstep(z1 - 12, z1, z));
    const asc = taper(-55, 78, 17);
    if (asc > 2) c.push({ x: -88, y: -6, r: asc });
    const cecum = taper(-112, -42, 22);
    if (cecum > 2) c.push({ x: -78, y: -30, r: cecum });
    const desc = taper(-48, 84, 13);
    if (desc > 2) c.push({ x: 92, y: 2, r: desc });
    if (z < -36) {
      const t = (-36 - z) / 65;
      c.push({ x: lerp(92, 18, t), y: lerp(2, -48, t) + 25 * t * (1 - t), r: 14 * smoothstep(-36, -48, z) });
    }
    this.colon = c;
    this.transverseOn = z > 30 && z < 82;
  }

  /**
   * Reference points deep inside single tissues in the prepared plane (for
   * tests that read the tissues back from the files): the centres of the left
   * psoas and paraspinal muscles, and a point mid-way through the anterior
   * subcutaneous fat, left of the midline.
   */
  landmarks(): { psoas: [number, number]; paraspinal: [number, number]; subcutaneousFat: [number, number]; psoasRadius: number } {
    return {
      psoas: [this.psoasX, this.psoasY],
      paraspinal: [3 + this.paraRx, this.canalY + 4 + 0.9 * this.paraRy],
      subcutaneousFat: [40, -(this.skinF - 10)],
      psoasRadius: this.psoasR,
    };
  }

  /** Air, skin, subcutaneous fat, or deeper. */
  layer(x: number, y: number): Layer {
    const d = outlineDepth(x, y, this.skinW, this.skinF, this.skinB);
    if (d < 0) return Layer.Air;
    if (d < 1.6) return Layer.Skin;
    if (outlineDepth(x, y, this.fasciaW, this.fasciaF, this.fasciaB) < 0) return Layer.Subcutaneous;
    return Layer.Deep;
  }

  /** Depth below the skin (mm, approximate); negative outside the body. */
  skinDepth(x: number, y: number): number {
    return outlineDepth(x, y, this.skinW, this.skinF, this.skinB);
  }

  /** HU of a point below the fascia that is not bone, disc or canal. */
  deep(x: number, y: number, pelvic: PelvicMuscles): number {
    const ax = x < 0 ? -x : x;
    const z = this.z;
    // Muscles around the spine and on the pelvis.
    if (ellipseDepth(ax - this.psoasX, y - this.psoasY, this.psoasR, 1.05 * this.psoasR) > 0) return HU.muscle;
    if (pelvic.iliacus > 0 || pelvic.gluteal > 0) return HU.muscle;
    const py = y - (this.canalY + 4 + 0.9 * this.paraRy);
    if (outlineDepth(ax - (3 + this.paraRx), py, this.paraRx, this.paraRy, this.paraRy) > 0) return HU.muscle;
    if (this.qlScale > 0.05 && ellipseDepth(ax - 56, y - (this.canalY + 3), 15 * this.qlScale, 7 * this.qlScale) > 0) return HU.muscle;
    // Vessels.
    for (const v of this.vessels) {
      const dx = x - v.x;
      const dy = y - v.y;
      if (dx * dx + dy * dy < v.r * v.r) return HU.blood;
    }
    const ivc = this.ivc;
    if (ivc && ellipseDepth(x - ivc.x, y - ivc.y, ivc.rx, ivc.ry) > 0) return HU.blood;
    // Abdominal wall between the fascia and the inner outline (linea alba in the midline).
    const inner = outlineDepth(x, y, this.innerW, this.innerF, this.innerB);
    if (inner < 0) {
      if (y > this.canalY + 5) return HU.visceralFat;
      if (ax < 3 && y < 0) return HU.subcutaneousFat;
      if (ax > 45) {
        // Three oblique layers separated by thin fat planes.
        const fascia = outlineDepth(x, y, this.fasciaW, this.fasciaF, this.fasciaB);
        const f = fascia / (fascia - inner);
        if ((f > 0.4 && f < 0.47) || (f > 0.72 && f < 0.78)) return HU.visceralFat;
      }
      return HU.muscle;
    }
    // Kidneys with renal sinus fat at the hilum; a rim of perirenal fat around.
    let perirenal = false;
    for (const { e, s, sinus } of this.kidneys) {
      const u = (x - e.cx) * e.cos + (y - e.cy) * e.sin;
      const v = -(x - e.cx) * e.sin + (y - e.cy) * e.cos;
      const dk = ellipseDepth(u, v, e.au * s, e.av * s);
      if (dk > 0) {
        const hilum = (e.cx > 0 ? -1 : 1) * v;
        if (sinus <= 0) return HU.kidney;
        return ellipseDepth(u, hilum - 0.55 * e.av * s, 0.35 * e.au * s * sinus, 0.45 * e.av * s * sinus) > 0 ? HU.sinusFat : HU.kidney;
      }
      if (dk > -6) perirenal = true;
    }
    if (perirenal) return HU.visceralFat;
    if (this.liverS > 0 && ellipseDepth(x - LIVER.cx, y - LIVER.cy, LIVER.au * this.liverS, LIVER.av * this.liverS) > 0) {
      return HU.liver;
    }
    if (this.spleenS > 0) {
      const e = SPLEEN;
      const u = (x - e.cx) * e.cos + (y - e.cy) * e.sin;
      const v = -(x - e.cx) * e.sin + (y - e.cy) * e.cos;
      if (ellipseDepth(u, v, e.au * this.spleenS, e.av * this.spleenS) > 0) return HU.spleen;
    }
    // Peritoneal cavity, in front of the retroperitoneum: colon, then small bowel.
    // (The boundary curves back laterally and wanders a little.)
    if (y > this.antY - 24 + 0.005 * x * x + 8 * this.detailNoise.at(z, x, y)) return HU.visceralFat;
    for (const c of this.colon) {
      const hu = colonHU(x - c.x, y - c.y, c.r, this.stoolNoise.at(x, y, z));
      if (hu !== undefined) return hu;
    }
    if (this.transverseOn && ax < 88) {
      // Transverse colon: a tube along x, r = 15 mm, hanging lower and further
      // forward in the middle; this plane cuts a chord from it at each x.
      const u = x / 88;
      const sag = 1 - u * u;
      const dz = z - (72 - 22 * sag);
      if (dz > -15 && dz < 15) {
        const hu = colonHU(0, y + 46 + 14 * sag, Math.sqrt(225 - dz * dz), this.stoolNoise.at(x, y, z));
        if (hu !== undefined) return hu;
      }
    }
    // Small-bowel loops: the two sides of a smooth noise field, kept apart by
    // mesenteric fat along its zero set; a wall at the rim, fluid or gas inside.
    const n = this.bowelNoise.at(x, y, z) + 0.45 * this.detailNoise.at(x, y, z);
    const m = n < 0 ? -n : n;
    if (m < 0.11) return HU.visceralFat;
    if (m < 0.15) return HU.bowel + 12;
    if (m > 0.2 && this.gasNoise.at(x, y, z) > 0.32) return HU.bowelGas;
    return HU.bowel - 8;
  }
}

function sectionScale(e: Ellipsoid, z: number): number {
  const t = (z - e.cz) / e.az;
  return t > -1 && t < 1 ? Math.sqrt(1 - t * t) : 0;
}

/** Colon cross-section: wall, gas rising anteriorly (the patient is supine), mottled stool below. */
function colonHU(dx: number, dy: number, r: number, noise: number): number | undefined {
  const d2 = dx * dx + dy * dy;
  if (d2 >= r * r) return undefined;
  const d = r - Math.sqrt(d2);
  if (d < 2) return HU.bowel + 10;
  if (dy < -0.25 * r) return HU.bowelGas;
  return noise > 0.3 ? HU.bowelGas : -60 + 200 * noise;
}
