import { LitElement, css, html, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { AnnotationDocument } from '../../core/annotation/document.js';
import type { LabelmapSlices } from '../../core/annotation/labelmap.js';
import type { Label } from '../../core/annotation/labels.js';
import type { Vec3 } from '../../core/dicom/types.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { WindowLevel } from '../../core/display/window.js';
import { SOFTWARE_TRIANGLE_BUDGET, TRIANGLE_BUDGET } from '../../core/surface/coarsen.js';
import type { Bounds3, LabelSurface } from '../../core/surface/label-surface.js';
import { LabelSurfaces } from '../../core/surface/label-surfaces.js';
import { rayHit, rayMeetsBox } from '../../core/surface/ray-pick.js';
import { SurfaceMesher } from '../../core/surface/surface-mesher.js';
import { patientToVoxel, voxelSpaceOf, voxelToPatient, type VoxelSpace } from '../../core/surface/voxel-space.js';
import { SURFACE_POINT, emit } from '../events.js';
import type { SurfacePlanes } from './surface-planes.js';
import type { SurfaceLook, SurfaceScene, ViewDirection } from './surface-scene.js';

export type { ViewDirection } from './surface-scene.js';

/** What `surfaces()` tells of each surface drawn. */
export interface SurfaceSummary {
  labelId: number;
  /** [xmin, xmax, ymin, ymax, zmin, zmax], LPS mm. */
  bounds: Bounds3;
  /** Enclosed volume, mm³. */
  volumeMm3: number;
  triangles: number;
}

/** A press that moves less than this (CSS px) before it is released is a click, not a rotation. */
const CLICK_SLOP = 4;

/**
 * While labels are still being meshed, frames come at most this often (ms).
 * Where WebGL runs on the CPU every frame holds the page for the GPU's
 * 30–80 ms, and the labels still to be cut out of the labelmap would wait
 * behind each one; the frame after the last surface is drawn at once.
 */
const BUSY_FRAME_MS = 200;

/**
 * A 3D view of the labels: a surface for each visible label of the
 * document, in the label's colour and opacity, placed in patient space from
 * each slice's position. Left drag rotates, the wheel zooms, middle or
 * Shift drag pans. Surfaces follow every edit: only the labels an edit
 * touched are meshed again, in a worker, so drawing never waits. The CT can
 * be shown inside as the three planes through the crosshair. A click on a
 * surface names the voxel there, so the host can move its planes to it.
 *
 * Inputs are set by the host as properties: the volume, the document and
 * the labelmap derived from it (which the host invalidates on each change,
 * as it does for the 2D views).
 *
 * @fires sm-surface-point - detail `{ column, row, slice }`: the voxel of the surface point clicked
 * @csspart canvas - the drawing surface
 *
 * @tagname segmark-surface-view
 */
export class SegmarkSurfaceView extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      background: #000;
      min-height: 80px;
      overflow: hidden;
      touch-action: none;
    }
    .canvas-host {
      position: absolute;
      inset: 0;
      cursor: grab;
    }
  `;

  /** The series the labels belong to. */
  @property({ attribute: false }) volume: Volume | undefined;
  /** The annotation document whose labels are shown. */
  @property({ attribute: false }) document: AnnotationDocument | undefined;
  /** The document's labelmap (the same one the 2D views draw). */
  @property({ attribute: false }) labelmap: LabelmapSlices | undefined;
  /** Where the sagittal (column) and coronal (row) planes cut. */
  @property({ attribute: false }) crosshair: { column: number; row: number } = { column: 0, row: 0 };
  /** The axial slice of the planes. */
  @property({ attribute: false }) slice = 0;
  /** The planes' grey window. */
  @property({ attribute: false }) window: WindowLevel = { center: 40, width: 400 };
  /** Shows the CT as three planes through `slice` and `crosshair`. */
  @property({ attribute: false }) showPlanes = false;

  @query('.canvas-host') private host!: HTMLDivElement;

  /** Set up (vtk.js loaded, the scene made) once the view is on the page. */
  private opening: Promise<void> | undefined;
  private scene: SurfaceScene | undefined;
  private planes: SurfacePlanes | undefined;
  private mesher: SurfaceMesher | undefined;
  private surfacesOf: LabelSurfaces | undefined;
  private space: VoxelSpace | undefined;
  private resizeObserver: ResizeObserver | undefined;
  /** Until the user moves the camera, it keeps every surface in view as they arrive. */
  private autoFit = true;
  private renderedWaiters: (() => void)[] = [];
  private press: { id: number; x: number; y: number } | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.opening = undefined;
    this.resizeObserver?.disconnect();
    this.surfacesOf?.dispose();
    this.surfacesOf = undefined;
    this.mesher?.dispose();
    this.mesher = undefined;
    this.planes?.dispose();
    this.planes = undefined;
    this.scene?.dispose();
    this.scene = undefined;
    this.resolveRendered();
  }

  protected override firstUpdated(): void {
    this.setup();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.scene) return;
    if (changed.has('volume') || changed.has('document') || changed.has('labelmap')) this.follow();
    if (changed.has('volume') || changed.has('showPlanes') || changed.has('crosshair') || changed.has('slice') || changed.has('window')) this.updatePlanes();
  }

  /** Views the surfaces (or the volume, when there are none) from the front, all of them in view. */
  resetCamera(): void {
    this.viewFrom('A');
  }

  /** Views from one of the six standard directions (where the viewer stands, patient LPS), everything shown in view. */
  viewFrom(direction: ViewDirection): void {
    const bounds = this.fitBounds();
    if (bounds) this.scene?.viewFrom(direction, bounds);
  }

  /** The surfaces drawn now (visible labels only), in label order. */
  surfaces(): SurfaceSummary[] {
    const shown = this.scene?.shown() ?? new Map<number, LabelSurface>();
    const order = this.document?.labels.map((l) => l.id) ?? [];
    return [...shown.values()]
      .sort((a, b) => order.indexOf(a.labelId) - order.indexOf(b.labelId))
      .map((s) => ({ labelId: s.labelId, bounds: [...s.bounds] as Bounds3, volumeMm3: s.volumeMm3, triangles: s.triangles }));
  }

  /** Resolves once no label waits to be meshed and the last surface made has been drawn. */
  async whenIdle(): Promise<void> {
    await this.updateComplete;
    await this.opening;
    for (;;) {
      const surfaces = this.surfacesOf;
      if (!surfaces || !this.scene) return;
      await surfaces.whenSettled();
      if (this.scene?.renderPending) await new Promise<void>((resolve) => this.renderedWaiters.push(resolve));
      if (!this.surfacesOf?.busy && !this.scene?.renderPending) return;
    }
  }

  /** Paints the CT planes again from the volume (e.g. after more slices finished loading). */
  redrawPlanes(): void {
    this.planes?.invalidate();
    this.updatePlanes();
  }

  /** Where the centre of voxel (column, row, slice) is drawn, in client coordinates (e.g. for a test to click it). */
  voxelToClient(column: number, row: number, slice: number): { x: number; y: number } | undefined {
    if (!this.scene || !this.space) return undefined;
    return this.scene.patientToClient(voxelToPatient(this.space, column, row, slice));
  }

  /** Draws now and reads the picture back: RGBA, bottom row first, in device pixels. */
  readPixels(): { width: number; height: number; data: Uint8Array } | undefined {
    return this.scene?.readPixels();
  }

  override render() {
    return html`<div class="canvas-host" part="canvas"
      @pointerdown=${this.onDown}
      @pointerup=${this.onUp}
      @wheel=${this.onWheel}></div>`;
  }

  /**
   * Starts the meshing worker and loads the drawing code: vtk.js is half a
   * megabyte, which pages that never open a 3D view should not load, so it
   * comes in its own chunk when a view is first put on a page.
   */
  private setup(): void {
    if (this.opening || this.scene || !this.host) return;
    this.mesher = new SurfaceMesher();
    // Started with the view (a worker takes a moment to start), so the first surfaces do not wait for it.
    this.mesher.warm();
    const opening = Promise.all([import('./surface-scene.js'), import('./surface-planes.js')]).then(([{ SurfaceScene }, { SurfacePlanes }]) => {
      if (this.opening !== opening) return;
      this.scene = new SurfaceScene(this.host, {
        onRendered: () => this.resolveRendered(),
        pace: (last) => (this.surfacesOf?.busy ? Math.max(0, last + BUSY_FRAME_MS - performance.now()) : 0),
      });
      this.planes = new SurfacePlanes(this.scene.renderer);
      this.resizeObserver = new ResizeObserver(() => this.scene?.resize());
      this.resizeObserver.observe(this);
      this.follow();
      this.updatePlanes();
      // Ready once the scene's first frame (shaders compiled, `SurfaceScene.warm`) has been shown.
      return new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    });
    this.opening = opening;
  }

  /** Meshes the labels of the document now set (dropping the surfaces of the one before). */
  private follow(): void {
    const { scene, mesher, volume, document, labelmap } = this;
    this.surfacesOf?.dispose();
    this.surfacesOf = undefined;
    if (!scene || !mesher) return;
    scene.clear();
    this.space = volume ? voxelSpaceOf(volume) : undefined;
    this.autoFit = true;
    if (!this.space || !document || !labelmap) return;
    if (labelmap.columns !== this.space.columns || labelmap.rows !== this.space.rows || labelmap.slices !== this.space.slices) return;
    this.surfacesOf = new LabelSurfaces({
      document,
      labelmap,
      space: this.space,
      mesher,
      budget: scene.software ? SOFTWARE_TRIANGLE_BUDGET : TRIANGLE_BUDGET,
      onSurface: (id, surface) => this.showSurface(id, surface),
      onLabels: () => this.restyle(),
    });
  }

  private showSurface(labelId: number, surface: LabelSurface | undefined): void {
    const label = this.document?.label(labelId);
    this.scene?.setSurface(labelId, surface, label ? lookOf(label) : HIDDEN);
    if (this.autoFit && surface) this.resetCamera();
    // The frame a paced wait put off comes as soon as the last label is meshed.
    void this.surfacesOf?.whenSettled().then(() => this.scene?.requestRender(true));
  }

  /** Colours, opacity and visibility of every label, after labels as a whole changed. */
  private restyle(): void {
    for (const label of this.document?.labels ?? []) this.scene?.setLook(label.id, lookOf(label));
  }

  private updatePlanes(): void {
    if (!this.planes) return;
    this.planes.update(this.volume, this.space, this.showPlanes, this.slice, this.crosshair.column, this.crosshair.row, this.window);
    this.scene?.requestRender();
  }

  /** The visible surfaces' bounds together, or the volume's when none is shown. */
  private fitBounds(): Bounds3 | undefined {
    const boxes = this.scene?.visibleBounds() ?? [];
    if (boxes.length === 0 && this.space) {
      const { columns, rows, slices } = this.space;
      const corners: Vec3[] = [];
      for (const c of [-0.5, columns - 0.5]) for (const r of [-0.5, rows - 0.5]) for (const k of [-0.5, slices - 0.5]) corners.push(voxelToPatient(this.space, c, r, k));
      boxes.push(boundsOfPoints(corners));
    }
    if (boxes.length === 0) return undefined;
    const out: Bounds3 = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
    for (const b of boxes) for (let i = 0; i < 6; i += 2) {
      out[i] = Math.min(out[i]!, b[i]!);
      out[i + 1] = Math.max(out[i + 1]!, b[i + 1]!);
    }
    return out;
  }

  /** The voxel of the nearest surface point under a client point, if a surface is there. */
  private pick(clientX: number, clientY: number): { column: number; row: number; slice: number } | undefined {
    const { scene, space } = this;
    if (!scene || !space) return undefined;
    const { origin, direction } = scene.ray(clientX, clientY);
    let nearest = Infinity;
    for (const surface of scene.shown().values()) {
      if (!rayMeetsBox(surface.bounds, origin, direction)) continue;
      const t = rayHit(surface.points, surface.cells, origin, direction);
      if (t !== undefined && t < nearest) nearest = t;
    }
    if (nearest === Infinity) return undefined;
    // Half a voxel past the surface, so the voxel named is the label's, not the background's next to it.
    const depth = nearest + 0.5 * Math.min(space.spacing[0], space.spacing[1], space.spacing[2]);
    const p: Vec3 = [origin[0] + depth * direction[0], origin[1] + depth * direction[1], origin[2] + depth * direction[2]];
    const v = patientToVoxel(space, p);
    const clamp = (x: number, n: number): number => Math.min(n - 1, Math.max(0, Math.round(x)));
    return { column: clamp(v.column, space.columns), row: clamp(v.row, space.rows), slice: clamp(v.slice, space.slices) };
  }

  private resolveRendered(): void {
    const waiters = this.renderedWaiters;
    this.renderedWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private readonly onDown = (e: PointerEvent): void => {
    this.autoFit = false;
    this.press = e.button === 0 && !e.shiftKey ? { id: e.pointerId, x: e.clientX, y: e.clientY } : undefined;
  };

  private readonly onUp = (e: PointerEvent): void => {
    const press = this.press;
    this.press = undefined;
    if (!press || press.id !== e.pointerId || Math.hypot(e.clientX - press.x, e.clientY - press.y) > CLICK_SLOP) return;
    const voxel = this.pick(e.clientX, e.clientY);
    if (voxel) emit(this, SURFACE_POINT, voxel);
  };

  private readonly onWheel = (): void => {
    this.autoFit = false;
  };
}

const HIDDEN: SurfaceLook = { color: [0, 0, 0], opacity: 0, visible: false };

function lookOf(label: Label): SurfaceLook {
  return { color: label.color, opacity: label.opacity, visible: label.visible };
}

function boundsOfPoints(points: readonly Vec3[]): Bounds3 {
  const b: Bounds3 = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) for (let axis = 0; axis < 3; axis++) {
    b[2 * axis] = Math.min(b[2 * axis]!, p[axis]!);
    b[2 * axis + 1] = Math.max(b[2 * axis + 1]!, p[axis]!);
  }
  return b;
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-surface-view': SegmarkSurfaceView;
  }
}
