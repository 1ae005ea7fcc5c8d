/**
 * The anatomy model as one function of position: `prepare(z)` for an axial
 * plane, then `hu(x, y)` for its attenuation and `discLabel(x, y)` for the
 * ground truth. Precedence, highest first: outside the body, skin,
 * subcutaneous fat, bone (cortical shell over cancellous core), joint spaces,
 * discs, spinal canal (thecal sac in epidural fat), then the deep soft tissues.
 */

import { buildIlium, ilium, iliumHit, sacrumBoneDepth, sacrumHit, type IliumModel } from './pelvis.js';
import { LatticeNoise } from './random.js';
import { ellipseDepth, smoothstep } from './shapes.js';
import { SoftTissue, Layer } from './soft-tissue.js';
import { discHit, facetDepth, facetHit, insideDisc } from './disc.js';
import { buildSpine, lumbarBoneDepth, toLocal, type Disc, type Segment, type SpineModel } from './spine.js';
import { CORTEX_MM, HU } from './tissues.js';

/** The seed every committed sample file derives from. */
export const SAMPLE_SEED = 20240917;

export class Phantom {
  readonly spine: SpineModel;
  readonly ilium: IliumModel;
  private readonly soft: SoftTissue;
  private readonly trabecular: LatticeNoise;
  private readonly sacrum: Segment;
  private z = 0;
  private segments: Segment[] = [];
  private discs: Disc[] = [];
  private pelvis = false;
  private spineYMin = 0;
  private spineYMax = 0;
  private canalY = 0;
  private canalHW = 0;
  private canalHD = 0;
  private sacScale = 0;
  private readonly local = { a: 0, h: 0 };
  private readonly pelvic = { iliacus: -1, gluteal: -1 };

  constructor(readonly seed: number = SAMPLE_SEED) {
    this.spine = buildSpine();
    this.sacrum = this.spine.segments[this.spine.segments.length - 1]!;
    const l45 = this.spine.discs[3]!;
    this.ilium = buildIlium(this.sacrum, l45.cz);
    this.soft = new SoftTissue(this.spine, seed);
    this.trabecular = new LatticeNoise([-130, -70, -115], [130, 140, 115], 1.6, seed ^ 0x7ab);
  }

  /** Sets the axial plane for the following `hu` / `discLabel` calls. */
  prepare(z: number): void {
    this.z = z;
    this.segments = this.spine.segments.filter((s) => z >= s.zMin && z <= s.zMax);
    this.discs = this.spine.discs.filter((d) => z >= d.zMin && z <= d.zMax);
    this.pelvis = z <= this.ilium.zTop + 3;
    const sp = this.spine;
    this.canalY = sp.canalY.at(z);
    this.canalHW = sp.canalHalfWidth.at(z);
    this.canalHD = sp.canalHalfDepth.at(z);
    this.spineYMin = sp.anteriorY.at(z) - 8;
    this.spineYMax = this.canalY + 70;
    const s1 = this.sacrum;
    this.sacScale = smoothstep(s1.cz - 50, s1.cz - 15, z);
    this.soft.prepare(z);
  }

  /** Attenuation (HU) at (x, y) in the prepared plane, without noise. */
  hu(x: number, y: number): number {
    const layer = this.soft.layer(x, y);
    if (layer === Layer.Air) return HU.air;
    if (layer === Layer.Skin) return HU.skin;
    if (layer === Layer.Subcutaneous) return HU.subcutaneousFat;
    const z = this.z;
    const ax = x < 0 ? -x : x;
    let bone = -1e9;
    let joint = false;
    let iliumBone = -1e9;
    this.pelvic.iliacus = -1;
    this.pelvic.gluteal = -1;
    if (this.pelvis && ax > 30) {
      ilium(this.ilium, x, y, z);
      iliumBone = iliumHit.bone;
      bone = iliumBone;
      this.pelvic.iliacus = iliumHit.iliacus;
      this.pelvic.gluteal = iliumHit.gluteal;
    }
    const nearSpine = y > this.spineYMin && y < this.spineYMax && ax < 70;
    if (nearSpine) {
      for (const s of this.segments) {
        toLocal(s, y, z, this.local);
        const d = s.isSacrum
          ? sacrumBoneDepth(s, x, this.local.a, this.local.h, iliumBone)
          : lumbarBoneDepth(s, x, this.local.a, this.local.h);
        if (d > bone) bone = d;
        if (s.isSacrum && d < 0 && sacrumHit.joint) joint = true;
      }
      for (const d of this.discs) {
        const f = facetDepth(d, x, y, z);
        if (f > bone) bone = f;
        if (facetHit.joint) joint = true;
      }
    }
    if (bone >= 0) {
      if (bone < CORTEX_MM) return HU.corticalBone;
      return HU.cancellousBone + 220 * (this.trabecular.at(x, y, z) - 0.5);
    }
    if (nearSpine) {
      if (joint) return HU.jointSpace;
      for (const d of this.discs) {
        if (insideDisc(d, x, y, z)) {
          const rho = Math.sqrt(discHit.radius2);
          return HU.discNucleus + (HU.discAnnulus - HU.discNucleus) * smoothstep(0.55, 0.85, rho);
        }
      }
      const dy = y - this.canalY;
      if (ellipseDepth(x, dy, this.canalHW, this.canalHD) > 0) {
        const s = this.sacScale;
        if (s > 0.15 && ellipseDepth(x, dy - 0.5, (this.canalHW - 2.5) * s, (this.canalHD - 2.2) * s) > 0) return HU.csf;
        return HU.epiduralFat;
      }
    }
    return this.soft.deep(x, y, this.pelvic);
  }

  /** Ground-truth disc label (1–5) at (x, y) in the prepared plane, 0 elsewhere. */
  discLabel(x: number, y: number): number {
    for (const d of this.discs) if (insideDisc(d, x, y, this.z)) return d.label;
    return 0;
  }

  /** Reference points inside single tissues in the prepared plane; see SoftTissue.landmarks. */
  landmarks(): ReturnType<SoftTissue['landmarks']> {
    return this.soft.landmarks();
  }

  /** Depth below the skin (mm) at (x, y) in the prepared plane; negative outside the body. */
  skinDepth(x: number, y: number): number {
    return this.soft.skinDepth(x, y);
  }
}
