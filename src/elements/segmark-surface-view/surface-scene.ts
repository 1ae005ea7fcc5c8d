/**
 * The 3D view's drawing, through vtk.js: a WebGL 2 render window in a
 * container, one actor per label surface, the camera and its controls
 * (vtk.js's trackball style: left drag rotates, middle or Shift drag pans,
 * the wheel zooms), and the conversions between the page and patient space
 * that picking and tests need. Only the submodules used are imported, so
 * the rest of vtk.js stays out of the bundle.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import type { Vec3 } from '../../core/dicom/types.js';
import type { Bounds3, LabelSurface } from '../../core/surface/label-surface.js';

/** The six standard views, named by where the viewer stands (patient LPS): from anterior, posterior, left, right, superior, inferior. */
export type ViewDirection = 'A' | 'P' | 'L' | 'R' | 'S' | 'I';

/** From the focal point towards the camera, and the camera's up, for each view. */
const VIEWS: Record<ViewDirection, { toward: Vec3; up: Vec3 }> = {
  A: { toward: [0, -1, 0], up: [0, 0, 1] },
  P: { toward: [0, 1, 0], up: [0, 0, 1] },
  L: { toward: [1, 0, 0], up: [0, 0, 1] },
  R: { toward: [-1, 0, 0], up: [0, 0, 1] },
  // From the head or the feet, anterior up, as axial images are read.
  S: { toward: [0, 0, 1], up: [0, -1, 0] },
  I: { toward: [0, 0, -1], up: [0, -1, 0] },
};

/**
 * Drawing-buffer pixels per device pixel where WebGL runs on the CPU. There
 * the page itself waits for every frame (the compositor, without a GPU
 * either, reads the picture back when it is shown): SwiftShader took about
 * 150 ms for a 1024×768 frame of the bench's five discs, and about 70 ms at
 * half the width and height. A GPU draws at full resolution.
 */
const SOFTWARE_SCALE = 0.5;

let software: boolean | undefined;

/**
 * Whether WebGL here draws on the CPU (SwiftShader when the browser has no
 * usable GPU, llvmpipe, …), asked once per page of a throwaway context.
 */
function softwareRendering(): boolean {
  if (software === undefined) {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    software = /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }
  return software;
}

/**
 * Triangles of new surfaces handed to vtk.js in one frame: it builds their
 * vertex buffers in JavaScript as it first draws them, 2–3 ms per thousand
 * triangles on our machines, so surfaces arriving together are spread over
 * frames instead of holding the page for one long frame (in the bench, two
 * discs a frame made its longest task about 140 ms, one about 100 ms).
 */
const FRAME_TRIANGLES = 12_000;

export interface SurfaceLook {
  /** sRGB 0..255. */
  color: readonly [number, number, number];
  opacity: number;
  visible: boolean;
}

interface SurfaceActor {
  actor: vtkActor;
  surface: LabelSurface;
}

export interface SceneOptions {
  /** Called after each frame the scene draws (its own and the interactor's). */
  onRendered?: () => void;
  /** How long to put off a frame that was asked for, given when the last was drawn (ms; 0: the next animation frame). */
  pace?: (lastFrame: number) => number;
}

export class SurfaceScene {
  readonly renderer: vtkRenderer;
  private readonly renderWindow: vtkRenderWindow;
  private readonly view: vtkOpenGLRenderWindow;
  private readonly interactor: vtkRenderWindowInteractor;
  private readonly actors = new Map<number, SurfaceActor>();
  /** Surfaces waiting for their first frame, in the order they came. */
  private readonly incoming = new Map<number, LabelSurface>();
  private readonly looks = new Map<number, SurfaceLook>();
  private frame: number | undefined;
  /** A frame put off by `pace`. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last frame was drawn (performance.now()). */
  private lastFrame = -Infinity;
  private disposed = false;
  /** WebGL draws on the CPU here (`softwareRendering`): fewer pixels and triangles then. */
  readonly software: boolean;
  private warmed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: SceneOptions = {},
  ) {
    this.renderWindow = vtkRenderWindow.newInstance();
    this.renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
    this.renderWindow.addRenderer(this.renderer);
    this.view = vtkOpenGLRenderWindow.newInstance();
    // The context vtk.js will find on its canvas: without multisampling where WebGL runs on the CPU.
    this.software = softwareRendering();
    this.canvas().getContext('webgl2', { depth: true, alpha: true, powerPreference: 'high-performance', antialias: !this.software });
    this.view.setContainer(container);
    this.renderWindow.addView(this.view);
    this.interactor = vtkRenderWindowInteractor.newInstance();
    this.interactor.setView(this.view);
    this.interactor.initialize();
    this.interactor.bindEvents(container);
    this.interactor.setInteractorStyle(vtkInteractorStyleTrackballCamera.newInstance());
    this.interactor.onRenderEvent(() => this.options.onRendered?.());
    this.resize();
  }

  /**
   * Matches the drawing buffer to the container's size in device pixels,
   * or half of them where WebGL runs on the CPU (`SOFTWARE_SCALE`).
   */
  resize(): void {
    const { width, height } = this.container.getBoundingClientRect();
    const scale = (window.devicePixelRatio || 1) * (this.software ? SOFTWARE_SCALE : 1);
    this.view.setSize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
    if (width > 0 && height > 0) this.warm();
    this.requestRender();
  }

  /**
   * Draws once, as soon as there is room, an opaque and a translucent
   * triangle of no size: vtk.js then makes the WebGL context, compiles its
   * shaders and sets up its translucency buffers (each waits on the GPU,
   * 100 ms and more on a software renderer) when the view opens, not when
   * the first surfaces arrive.
   */
  private warm(): void {
    if (this.warmed) return;
    this.warmed = true;
    const actors = [1, 0.5].map((opacity) => {
      const polyData = vtkPolyData.newInstance();
      polyData.getPoints().setData(new Float32Array(9), 3);
      polyData.getPolys().setData(Uint32Array.of(3, 0, 1, 2));
      polyData.getPointData().setNormals(vtkDataArray.newInstance({ name: 'Normals', values: Float32Array.of(0, 0, 1, 0, 0, 1, 0, 0, 1), numberOfComponents: 3 }));
      const mapper = vtkMapper.newInstance({ scalarVisibility: false });
      mapper.setInputData(polyData);
      const actor = vtkActor.newInstance();
      actor.setMapper(mapper);
      actor.getProperty().setOpacity(opacity);
      this.renderer.addActor(actor);
      return actor;
    });
    this.renderWindow.render();
    for (const actor of actors) {
      this.renderer.removeActor(actor);
      actor.getMapper()?.delete();
      actor.delete();
    }
  }

  /**
   * Puts in, replaces or (undefined) removes a label's surface. A new
   * surface is handed to vtk.js in one of the next frames drawn, a few per
   * frame (`FRAME_TRIANGLES`); until then the label's previous surface
   * stays on screen.
   */
  setSurface(labelId: number, surface: LabelSurface | undefined, look: SurfaceLook): void {
    this.looks.set(labelId, look);
    if (surface && surface.triangles > 0) this.incoming.set(labelId, surface);
    else {
      this.incoming.delete(labelId);
      this.remove(labelId);
    }
    this.requestRender();
  }

  /** Removes every surface. */
  clear(): void {
    this.incoming.clear();
    for (const id of [...this.actors.keys()]) this.remove(id);
    this.requestRender();
  }

  setLook(labelId: number, look: SurfaceLook): void {
    this.looks.set(labelId, look);
    const entry = this.actors.get(labelId);
    if (!entry) return;
    const [r, g, b] = look.color;
    const property = entry.actor.getProperty();
    property.setColor(r / 255, g / 255, b / 255);
    property.setOpacity(look.opacity);
    entry.actor.setVisibility(look.visible);
    this.requestRender();
  }

  /** Takes the next waiting surface into the scene; returns its triangles. */
  private takeIncoming(): number {
    const next = this.incoming.entries().next();
    if (next.done) return 0;
    const [labelId, surface] = next.value;
    this.incoming.delete(labelId);
    this.remove(labelId);
    const polyData = vtkPolyData.newInstance();
    polyData.getPoints().setData(surface.points, 3);
    polyData.getPolys().setData(surface.cells);
    polyData.getPointData().setNormals(vtkDataArray.newInstance({ name: 'Normals', values: surface.normals, numberOfComponents: 3 }));
    const mapper = vtkMapper.newInstance({ scalarVisibility: false });
    mapper.setInputData(polyData);
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    actor.getProperty().setSpecular(0.2);
    actor.getProperty().setSpecularPower(20);
    this.renderer.addActor(actor);
    this.actors.set(labelId, { actor, surface });
    this.setLook(labelId, this.looks.get(labelId) ?? { color: [255, 255, 255], opacity: 1, visible: true });
    return surface.triangles;
  }

  private remove(labelId: number): void {
    const old = this.actors.get(labelId);
    if (!old) return;
    this.renderer.removeActor(old.actor);
    old.actor.getMapper()?.delete();
    old.actor.delete();
    this.actors.delete(labelId);
  }

  /** The bounds of every visible surface, those waiting for their first frame included (to fit the camera to). */
  visibleBounds(): Bounds3[] {
    const out: Bounds3[] = [];
    for (const [id, { surface }] of this.actors) if (!this.incoming.has(id) && this.looks.get(id)?.visible) out.push(surface.bounds);
    for (const [id, surface] of this.incoming) if (this.looks.get(id)?.visible) out.push(surface.bounds);
    return out;
  }

  /** The surfaces drawn now, by label. */
  shown(): Map<number, LabelSurface> {
    const out = new Map<number, LabelSurface>();
    for (const [id, { actor, surface }] of this.actors) if (actor.getVisibility()) out.set(id, surface);
    return out;
  }

  /** Points the camera at the centre of `bounds` from `direction`, far enough that all of it shows. */
  viewFrom(direction: ViewDirection, bounds: Bounds3): void {
    const { toward, up } = VIEWS[direction];
    const centre: Vec3 = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2];
    const camera = this.renderer.getActiveCamera();
    camera.setFocalPoint(...centre);
    camera.setPosition(centre[0] + toward[0], centre[1] + toward[1], centre[2] + toward[2]);
    camera.setViewUp(...up);
    this.renderer.resetCamera(bounds);
    this.requestRender();
  }

  /**
   * Draws in an animation frame soon (once, however often it is asked): the
   * next one, or later when `pace` says so; `now` skips the wait.
   */
  requestRender(now = false): void {
    if (this.disposed || this.frame !== undefined) return;
    if (this.timer !== undefined) {
      if (!now) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const wait = now ? 0 : (this.options.pace?.(this.lastFrame) ?? 0);
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.requestRender(true);
      }, wait);
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.render();
    });
  }

  /** Draws now, with waiting surfaces up to the frame's budget (another frame is asked for while more wait). */
  render(): void {
    if (this.disposed) return;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.frame = undefined;
    this.timer = undefined;
    // New surfaces up to a budget of triangles per frame (at least one).
    let triangles = 0;
    while (this.incoming.size > 0 && (triangles === 0 || triangles + this.incoming.values().next().value!.triangles <= FRAME_TRIANGLES)) {
      triangles += this.takeIncoming();
    }
    this.renderer.resetCameraClippingRange();
    this.renderWindow.render();
    this.lastFrame = performance.now();
    if (this.incoming.size > 0) this.requestRender();
    this.options.onRendered?.();
  }

  /** True while a frame is asked for and not drawn yet (a surface waits to be drawn). */
  get renderPending(): boolean {
    return this.frame !== undefined || this.timer !== undefined;
  }

  /** Draws now, every waiting surface in, and reads the picture back (RGBA, bottom row first, device pixels). */
  readPixels(): { width: number; height: number; data: Uint8Array } {
    while (this.incoming.size > 0) this.takeIncoming();
    this.render();
    const [width, height] = this.view.getSize();
    return { width, height, data: this.view.getPixelData(0, 0, width - 1, height - 1) };
  }

  /** The ray from the eye through a point of the page (client coordinates), in patient space; direction unit length. */
  ray(clientX: number, clientY: number): { origin: Vec3; direction: Vec3 } {
    const [x, y] = this.clientToDisplay(clientX, clientY);
    const near = this.view.displayToWorld(x, y, 0, this.renderer) as unknown as Vec3;
    const far = this.view.displayToWorld(x, y, 1, this.renderer) as unknown as Vec3;
    const d: Vec3 = [far[0] - near[0], far[1] - near[1], far[2] - near[2]];
    const length = Math.hypot(...d) || 1;
    return { origin: near, direction: [d[0] / length, d[1] / length, d[2] / length] };
  }

  /** Where a patient point is drawn, in client coordinates. */
  patientToClient(p: Vec3): { x: number; y: number } {
    const [x, y] = this.view.worldToDisplay(p[0], p[1], p[2], this.renderer);
    const canvas = this.canvas();
    const box = canvas.getBoundingClientRect();
    return { x: box.left + (x * box.width) / canvas.width, y: box.top + box.height - (y * box.height) / canvas.height };
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.interactor.unbindEvents();
    this.interactor.delete();
    this.incoming.clear();
    for (const id of [...this.actors.keys()]) this.remove(id);
    this.renderWindow.removeView(this.view);
    this.view.setContainer(null as unknown as HTMLElement);
    this.view.delete();
    this.renderer.delete();
    this.renderWindow.delete();
  }

  /** Display coordinates (device pixels, y up from the bottom), as vtk.js's interactor computes them. */
  private clientToDisplay(clientX: number, clientY: number): [number, number] {
    const canvas = this.canvas();
    const box = canvas.getBoundingClientRect();
    return [((clientX - box.left) * canvas.width) / box.width, ((box.bottom - clientY) * canvas.height) / box.height];
  }

  private canvas(): HTMLCanvasElement {
    return this.view.getCanvas() as HTMLCanvasElement;
  }
}
