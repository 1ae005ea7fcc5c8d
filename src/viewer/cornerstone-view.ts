/**
 * The fence around cornerstone-core: the only module that imports it (STYLE 7).
 * One `CornerstoneView` per canvas; cornerstone's page-global registries are
 * used only through enable/disable in the owner's lifecycle, and its string
 * events become plain callbacks here.
 */
import cornerstone from 'cornerstone-core';
import type { WindowLevel } from '../core/display/window.js';

/** A grayscale image to show: a view on voxels owned elsewhere (never copied here). */
export interface ViewImage {
  /** Unique per content: cornerstone caches its rendering by this id. */
  id: string;
  pixels: Int16Array;
  columns: number;
  rows: number;
  /** mm between column centres and between row centres. */
  columnSpacing: number;
  rowSpacing: number;
  min: number;
  max: number;
}

export interface ViewTransform {
  /** Screen (CSS) pixels per image column. */
  scale: number;
}

export interface CornerstoneViewOptions {
  /** Drawn on top of the image in the same frame, after cornerstone renders it. */
  onRendered?: (context: CanvasRenderingContext2D, view: CornerstoneView) => void;
  /** When set, every draw (image + overlay) is recorded as `performance.measure(name)`. */
  measureName?: string;
  /** Called after every draw, once the image and overlays are on the canvas. */
  onDrawn?: () => void;
}

interface CsImage {
  imageId: string;
  minPixelValue: number;
  maxPixelValue: number;
  slope: number;
  intercept: number;
  windowCenter: number;
  windowWidth: number;
  getPixelData: () => Int16Array;
  rows: number;
  columns: number;
  height: number;
  width: number;
  color: false;
  rgba: false;
  invert: boolean;
  columnPixelSpacing: number;
  rowPixelSpacing: number;
  sizeInBytes: number;
}

interface CsViewport {
  scale: number;
  translation: { x: number; y: number };
  voi: { windowWidth: number; windowCenter: number };
  invert: boolean;
  pixelReplication: boolean;
}

const MAX_MEASURES = 10_000;

const EVENTS = cornerstone.EVENTS as unknown as { IMAGE_RENDERED: string; PRE_RENDER: string };

export class CornerstoneView {
  readonly element: HTMLDivElement;
  private readonly options: CornerstoneViewOptions;
  private image: CsImage | undefined;
  private window: WindowLevel = { center: 40, width: 400 };
  private inverted = false;
  private drawStart = -1;
  private enabled = false;
  private measures = 0;

  constructor(element: HTMLDivElement, options: CornerstoneViewOptions = {}) {
    this.element = element;
    this.options = options;
    cornerstone.enable(element);
    this.enabled = true;
    element.addEventListener(EVENTS.PRE_RENDER, this.onPreRender);
    element.addEventListener(EVENTS.IMAGE_RENDERED, this.onImageRendered);
    this.prepare();
  }

  get hasImage(): boolean {
    return this.image !== undefined;
  }

  /**
   * Shows an image. The first image is fitted to the canvas; later ones keep
   * the zoom, pan and window the reader chose.
   */
  show(image: ViewImage): void {
    const cs: CsImage = {
      imageId: image.id,
      minPixelValue: image.min,
      maxPixelValue: Math.max(image.max, image.min + 1),
      slope: 1,
      intercept: 0,
      windowCenter: this.window.center,
      windowWidth: this.window.width,
      getPixelData: () => image.pixels,
      rows: image.rows,
      columns: image.columns,
      height: image.rows,
      width: image.columns,
      color: false,
      rgba: false,
      invert: false,
      columnPixelSpacing: image.columnSpacing,
      rowPixelSpacing: image.rowSpacing,
      sizeInBytes: image.pixels.byteLength,
    };
    const first = this.image === undefined;
    const sameSize = !first && this.image!.columns === cs.columns && this.image!.rows === cs.rows;
    const viewport = first || !sameSize ? undefined : this.viewport();
    this.image = cs;
    cornerstone.displayImage(this.element, cs as unknown as cornerstone.Image, viewport as cornerstone.Viewport | undefined);
    if (!viewport) this.applyWindow();
  }

  setWindow(window: WindowLevel): void {
    this.window = { center: window.center, width: Math.max(1, window.width) };
    if (this.image) this.applyWindow();
  }

  getWindow(): WindowLevel {
    return { ...this.window };
  }

  setInvert(invert: boolean): void {
    this.inverted = invert;
    if (this.image) this.applyWindow();
  }

  /** Screen pixels per image pixel along a row. */
  get scale(): number {
    return this.image ? this.viewport().scale : 1;
  }

  zoomBy(factor: number): void {
    if (!this.image) return;
    const vp = this.viewport();
    vp.scale = Math.min(40, Math.max(0.05, vp.scale * factor));
    cornerstone.setViewport(this.element, vp as cornerstone.Viewport);
  }

  /** Pans by a screen-pixel offset. */
  panBy(dx: number, dy: number): void {
    if (!this.image) return;
    const vp = this.viewport();
    vp.translation = { x: vp.translation.x + dx / vp.scale, y: vp.translation.y + dy / vp.scale };
    cornerstone.setViewport(this.element, vp as cornerstone.Viewport);
  }

  fit(): void {
    if (!this.image) return;
    cornerstone.fitToWindow(this.element);
  }

  /** One image pixel per screen pixel. */
  actualSize(): void {
    if (!this.image) return;
    const vp = this.viewport();
    vp.scale = 1 / (window.devicePixelRatio || 1);
    vp.translation = { x: 0, y: 0 };
    cornerstone.setViewport(this.element, vp as cornerstone.Viewport);
  }

  /** Continuous image pixel coordinates under a client (viewport) point. */
  clientToImage(clientX: number, clientY: number): { x: number; y: number } {
    const p = cornerstone.pageToPixel(this.element, clientX + window.scrollX, clientY + window.scrollY);
    return { x: p.x, y: p.y };
  }

  /** Canvas coordinates (canvas pixels) of an image point. */
  imageToCanvas(x: number, y: number): { x: number; y: number } {
    const p = cornerstone.pixelToCanvas(this.element, { x, y } as Parameters<typeof cornerstone.pixelToCanvas>[1]);
    return { x: p.x, y: p.y };
  }

  /** The affine map image pixel space → canvas pixels, as the six numbers of `setTransform`. */
  imageToCanvasMatrix(): [number, number, number, number, number, number] {
    const o = this.imageToCanvas(0, 0);
    const x = this.imageToCanvas(1, 0);
    const y = this.imageToCanvas(0, 1);
    return [x.x - o.x, x.y - o.y, y.x - o.x, y.y - o.y, o.x, o.y];
  }

  /** Size of the drawing canvas in canvas pixels. */
  canvasSize(): { width: number; height: number } {
    const canvas = this.element.querySelector('canvas');
    return { width: canvas?.width ?? 0, height: canvas?.height ?? 0 };
  }

  /** Asks for a redraw in the next frame (e.g. overlays changed). */
  redraw(): void {
    if (this.image) cornerstone.updateImage(this.element);
  }

  resize(): void {
    if (!this.enabled) return;
    cornerstone.resize(this.element, false);
    this.prepare();
  }

  destroy(): void {
    if (!this.enabled) return;
    this.element.removeEventListener(EVENTS.PRE_RENDER, this.onPreRender);
    this.element.removeEventListener(EVENTS.IMAGE_RENDERED, this.onImageRendered);
    cornerstone.disable(this.element);
    this.enabled = false;
    this.image = undefined;
  }

  /**
   * While nothing is shown, clears the canvas when the page is next idle (at the latest after
   * `timeout` ms): the first draw on a canvas pays for its memory (a 720×720 canvas, 10–14 ms
   * here), and that draw is the first image of a load. Clearing leaves it transparent, as it was.
   * Done on creation and resize, and again when a load starts (the files take longer to arrive).
   */
  prepare(timeout = 1000): void {
    const run = (): void => {
      const canvas = this.element.querySelector('canvas');
      if (!this.enabled || this.image || !canvas || canvas.width === 0 || canvas.height === 0) return;
      // The attributes cornerstone asks for: the first call decides them.
      const context = canvas.getContext('2d', { desynchronized: true });
      context?.clearRect(0, 0, canvas.width, canvas.height);
      // Reading a pixel makes the canvas draw what it recorded, so its memory is taken now.
      context?.getImageData(0, 0, 1, 1);
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout });
    else setTimeout(run, 0);
  }

  private viewport(): CsViewport {
    return cornerstone.getViewport(this.element) as unknown as CsViewport;
  }

  private applyWindow(): void {
    const vp = this.viewport();
    vp.voi = { windowWidth: this.window.width, windowCenter: this.window.center };
    vp.invert = this.inverted;
    vp.pixelReplication = false;
    cornerstone.setViewport(this.element, vp as cornerstone.Viewport);
  }

  private readonly onPreRender = (): void => {
    this.drawStart = performance.now();
  };

  private readonly onImageRendered = (event: Event): void => {
    const detail = (event as CustomEvent<{ canvasContext: CanvasRenderingContext2D }>).detail;
    const context = detail.canvasContext;
    context.save();
    context.setTransform(1, 0, 0, 1, 0, 0);
    this.options.onRendered?.(context, this);
    context.restore();
    const { measureName } = this.options;
    if (measureName && this.drawStart >= 0) {
      performance.measure(measureName, { start: this.drawStart, end: performance.now() });
      // The timeline keeps every entry; a long reading session must not grow it without bound.
      if (++this.measures % MAX_MEASURES === 0) performance.clearMeasures(measureName);
    }
    this.drawStart = -1;
    this.options.onDrawn?.();
  };
}
