import { LitElement, html, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { planeFrame, voxelOnPlane, type ViewPlane, type Voxel } from '../../core/dicom/view-plane.js';
import { pixelSpacingOf, type Volume } from '../../core/dicom/volume.js';
import type { WindowLevel } from '../../core/display/window.js';
import { PointerNavigation, type NavigationTool } from '../../tools/navigation.js';
import { CornerstoneView, type ViewImage } from '../../viewer/cornerstone-view.js';
import { drawOverlay, prepareOverlayText, type OverlayStyle } from '../../viewer/overlay.js';
import { PlaneImages, SliceImages } from '../../viewer/slice-images.js';
import { VIEWPORT_CROSSHAIR, VIEWPORT_MAXIMISE, VIEWPORT_SLICE, VIEWPORT_TOOL_STATUS, VIEWPORT_WINDOW, emit } from '../events.js';
import { viewportStyles } from './segmark-viewport.styles.js';
import { ToolInput } from './tool-input.js';
import type { AnnotationDocument } from '../../core/annotation/document.js';
import type { AnnotationTool, ToolContext, ToolKey } from '../../tools/annotation-tool.js';
import { drawToolPreview, type LabelOverlay } from '../../viewer/label-overlay.js';
import type { ReformatLabels } from '../../viewer/reformat-labels.js';
import { PlaneDocument } from '../../core/annotation/plane-edit.js';
import { overlayContent } from './view-overlay.js';
import type { AgreementOverlay } from '../../viewer/agreement-overlay.js';
import { sliceView } from '../../core/dicom/volume.js';
import { drawCommentPins, type CommentPin } from '../../viewer/comment-pins.js';

/** The annotation shown on the view and the tool that edits it. */
export interface ViewportAnnotation {
  document: AnnotationDocument;
  overlay: LabelOverlay;
  /** The labels cut along the sagittal and coronal planes. */
  planeLabels: ReformatLabels;
  activeLabel: number;
  /** When set, the left button belongs to this tool; navigation keeps the middle and right buttons. */
  tool: AnnotationTool | undefined;
}

/** The view each annotation tool last worked on (the tools are shared by an annotator's views). */
const toolViews = new WeakMap<AnnotationTool, SegmarkViewport>();

/** A load's first image comes some 100 ms after the load starts here: what prepares for it is done before. */
const FIRST_IMAGE_PREPARE_MS = 30;

/** The text over the image. */
const OVERLAY_STYLE: OverlayStyle = { font: '12px system-ui, sans-serif', color: '#e8edf5', shadow: '#000' };

/** Performance entry recorded for every drawn frame of the main view (image + overlays). */
export const RENDER_MEASURE = 'segmark:render';
export const FIRST_IMAGE_MARK = 'segmark:first-image';

/**
 * One view of a volume — the axial slice, or the sagittal or coronal plane
 * through the crosshair — with window/level, zoom, pan, scrolling through the
 * plane's positions, the labels, the annotation tool in hand, and overlays
 * (orientation letters, scale bar, position and image number, HU and patient
 * coordinates under the cursor, the lines of the other planes).
 *
 * @fires sm-viewport-slice - detail `{ delta, plane }`: step this view's plane by this many reading steps (the wheel)
 * @fires sm-viewport-window - detail `{ center, width }`: the user dragged the window
 * @fires sm-viewport-crosshair - detail `{ column, row, slice }`: Shift+click put the three planes through this voxel
 * @fires sm-viewport-maximise - detail `{ plane }`: a double click with a viewing tool (show this view alone, or back)
 * @fires sm-viewport-tool-status - detail `{ status }`: a tool gesture ended with a status worth telling the user
 * @csspart canvas - the drawing surface
 * @cssproperty --segmark-viewport-cursor - cursor over the image
 *
 * @tagname segmark-viewport
 */
export class SegmarkViewport extends LitElement {
  static override styles = viewportStyles;

  /** The volume to show. */
  @property({ attribute: false }) volume: Volume | undefined;
  /** The plane shown: the axial slice `slice`, or the sagittal or coronal plane through `crosshair`. */
  @property() plane: ViewPlane = 'axial';
  /** An image to show before the volume exists (the first file read), without its overlays. */
  @property({ attribute: false }) preview: ViewImage | undefined;
  /** 0-based slice index in sorted order. */
  @property({ type: Number }) slice = 0;
  /** Window in HU. */
  @property({ attribute: false }) window: WindowLevel = { center: 40, width: 400 };
  /** What a left-button drag does. */
  @property() tool: NavigationTool = 'window';
  /** Show low values bright (MONOCHROME1, or by choice). */
  @property({ type: Boolean }) invert = false;
  /** Column and row of the sagittal and coronal planes, drawn as lines. */
  @property({ attribute: false }) crosshair: { column: number; row: number } | undefined;
  /** Draw the lines where the sagittal and coronal planes cut this view. */
  @property({ type: Boolean }) showReferenceLines = true;
  /** Draw anything over the image (labels, outlines, pins, text, lines); off shows the bare image. */
  @property({ type: Boolean }) showOverlays = true;
  /** Labels to draw and the annotation tool in hand, if any. */
  @property({ attribute: false }) annotation: ViewportAnnotation | undefined;
  /** Agreement of two documents, drawn instead of the label fill while set. */
  @property({ attribute: false }) agreement: AgreementOverlay | undefined;
  /** Text shown while there is no image. */
  @property({ attribute: 'empty-text' }) emptyText = '';
  /** Comment pins of the shown slice. */
  @property({ attribute: false }) pins: readonly CommentPin[] = [];
  /** Where a new comment will be pinned, drawn as a ring. */
  @property({ attribute: false }) pendingPin: { x: number; y: number } | undefined;

  @state() private cursor: { x: number; y: number } | undefined;

  @query('.canvas-host') private host!: HTMLDivElement;

  private view: CornerstoneView | undefined;
  private images: SliceImages | PlaneImages | undefined;
  /** The plane's view of the document for the tools, kept while the plane stays. */
  private planeDocument: PlaneDocument | undefined;
  private navigation: PointerNavigation | undefined;
  private toolInput: ToolInput | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private firstImagePending = true;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.teardown();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.setup();
  }

  protected override firstUpdated(): void {
    this.setup();
  }

  protected override updated(changed: PropertyValues): void {
    if (!this.view) return;
    if (changed.has('volume') || changed.has('plane')) this.images = this.makeImages();
    if (changed.has('window')) this.view.setWindow(this.window);
    if (changed.has('invert')) this.view.setInvert(this.invert);
    if ((changed.has('tool') || changed.has('annotation')) && this.navigation) {
      this.navigation.tool = this.annotation?.tool ? null : this.tool;
    }
    if (changed.has('annotation')) this.updateCursor();
    const moved = this.plane === 'axial' ? changed.has('slice') : changed.has('crosshair') && this.planeMoved(changed.get('crosshair'));
    if (changed.has('annotation') || moved || changed.has('window') || changed.has('volume')) this.prepareTool();
    if (moved && (changed.get('slice') !== undefined || changed.get('crosshair') !== undefined)) this.toolInput?.cancel();
    if (changed.has('volume') || changed.has('plane') || moved || changed.has('preview')) this.showSlice();
    else if (changed.has('slice')) this.view.redraw();
    if (changed.has('pins') || changed.has('pendingPin')) this.view.redraw();
    else if (changed.has('crosshair') || changed.has('cursor') || changed.has('agreement') || changed.has('showReferenceLines') || changed.has('showOverlays')) {
      this.view.redraw();
    }
  }

  /** The next image drawn is the first of a new load: mark it as `segmark:first-image`. */
  expectFirstImage(): void {
    this.firstImagePending = true;
    // While the files arrive, not in the frame of the first image: the canvas's memory and the overlay's font.
    this.view?.prepare(FIRST_IMAGE_PREPARE_MS);
    prepareOverlayText(OVERLAY_STYLE, window.devicePixelRatio || 1, FIRST_IMAGE_PREPARE_MS);
  }

  /** Slice k's voxels changed (e.g. finished decoding): draw it again if shown (a reformat crosses every slice). */
  sliceChanged(k: number): void {
    this.images?.invalidate(k);
    if (this.plane !== 'axial' || k === this.slice) this.showSlice();
  }

  /** The slice, column or row this view shows. */
  get index(): number {
    const v = this.volume;
    if (!v) return 0;
    const at = this.crosshair ?? { column: Math.floor(v.columns / 2), row: Math.floor(v.rows / 2) };
    const [i, n] = this.plane === 'axial' ? [this.slice, v.slices] : this.plane === 'sagittal' ? [at.column, v.columns] : [at.row, v.rows];
    return Math.min(n - 1, Math.max(0, Math.round(i)));
  }

  /** Client (viewport CSS pixel) position of an image point, e.g. to drive the view from tests or a host. */
  imageToClient(x: number, y: number): { x: number; y: number } | undefined {
    const view = this.view;
    const canvas = this.host?.querySelector('canvas');
    if (!view?.hasImage || !canvas) return undefined;
    const p = view.imageToCanvas(x, y);
    const rect = canvas.getBoundingClientRect();
    return { x: rect.left + (p.x * rect.width) / canvas.width, y: rect.top + (p.y * rect.height) / canvas.height };
  }

  /** Image pixel coordinates under a client point (e.g. where a comment is pinned), or undefined without an image. */
  clientToImage(clientX: number, clientY: number): { x: number; y: number } | undefined {
    return this.view?.hasImage ? this.view.clientToImage(clientX, clientY) : undefined;
  }

  /** The volume voxel under a client point on this view's plane, or undefined off the image. */
  clientToVoxel(clientX: number, clientY: number): Voxel | undefined {
    const v = this.volume;
    const p = this.clientToImage(clientX, clientY);
    if (!v || !p) return undefined;
    const frame = planeFrame(v, this.plane);
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (x < 0 || y < 0 || x >= frame.columns || y >= frame.rows) return undefined;
    return voxelOnPlane(v, this.plane, this.index, x, y);
  }

  /** Pans so the image point (x, y) is in the middle of the view (e.g. a comment's pin). */
  centreOn(x: number, y: number): void {
    const view = this.view;
    if (!view?.hasImage) return;
    const { width, height } = view.canvasSize();
    const p = view.imageToCanvas(x, y);
    view.panBy(width / 2 - p.x, height / 2 - p.y);
  }

  /** Abandons the annotation tool's work in progress. */
  cancelTool(): void {
    this.toolInput?.cancel();
  }

  /** Draws again in the next frame (e.g. the annotation changed). */
  redraw(): void {
    this.view?.redraw();
  }

  /**
   * What the annotation tool works on: the image on screen. On sagittal and
   * coronal views the tool sees the plane as its slice; its edit changes
   * every axial slice it crosses (`PlaneDocument`).
   */
  toolContext(): ToolContext | undefined {
    const a = this.annotation;
    const v = this.volume;
    if (!a || !v || !this.view?.hasImage) return undefined;
    const screenScale = this.view.scale / (window.devicePixelRatio || 1);
    const index = this.index;
    if (this.plane === 'axial' || !(this.images instanceof PlaneImages)) {
      return {
        document: a.document,
        labelId: a.activeLabel,
        slice: index,
        columns: v.columns,
        rows: v.rows,
        pixelSpacing: pixelSpacingOf(v),
        values: sliceView(v, index),
        window: this.window,
        screenScale,
        plane: { plane: 'axial', index },
        toVoxel: (x, y) => voxelOnPlane(v, 'axial', index, x, y),
      };
    }
    const frame = planeFrame(v, this.plane);
    const pd = this.planeDocument;
    const document =
      pd && pd.source === a.document && pd.plane === this.plane && pd.index === index
        ? pd
        : (this.planeDocument = new PlaneDocument(a.document, v, this.plane, index));
    return {
      document,
      labelId: a.activeLabel,
      slice: index,
      columns: frame.columns,
      rows: frame.rows,
      pixelSpacing: [frame.rowSpacing, frame.columnSpacing],
      values: this.images.pixels(index).pixels,
      window: this.window,
      screenScale,
      plane: { plane: this.plane, index },
      toVoxel: (x, y) => voxelOnPlane(v, this.plane, index, x, y),
    };
  }

  /** Offers a key to the annotation tool in hand (Enter, Backspace, Escape, [ and ]); true when it took it. */
  toolKey(key: ToolKey): boolean {
    const tool = this.annotation?.tool;
    const context = this.toolContext();
    if (!tool || !context || !tool.key(key, context)) return false;
    this.redraw();
    return true;
  }

  fit(): void {
    this.view?.fit();
  }

  actualSize(): void {
    this.view?.actualSize();
  }

  zoomBy(factor: number): void {
    this.view?.zoomBy(factor);
  }

  override render() {
    return html`<div class="canvas-host" part="canvas"
        @wheel=${this.onWheel}
        @pointermove=${this.onPointerMove}
        @pointerleave=${this.onPointerLeave}
        @pointerdown=${this.onPointerDown}
        @dblclick=${this.onDoubleClick}></div>
      ${this.volume || this.preview ? null : html`<div class="empty">${this.emptyText}</div>`}`;
  }

  private setup(): void {
    if (this.view || !this.host) return;
    this.view = new CornerstoneView(this.host, {
      measureName: RENDER_MEASURE,
      onRendered: (ctx) => this.drawOverlay(ctx),
      onDrawn: () => {
        if (!this.firstImagePending || !(this.volume || this.preview)) return;
        this.firstImagePending = false;
        performance.mark(FIRST_IMAGE_MARK);
      },
    });
    this.view.setWindow(this.window);
    this.view.setInvert(this.invert);
    prepareOverlayText(OVERLAY_STYLE, window.devicePixelRatio || 1);
    this.navigation = new PointerNavigation(this.host, this.view, (w) => emit(this, VIEWPORT_WINDOW, w));
    this.navigation.tool = this.annotation?.tool ? null : this.tool;
    this.toolInput = new ToolInput(this.host, {
      tool: () => this.annotation?.tool,
      context: () => this.toolContext(),
      toImage: (x, y) => this.view!.clientToImage(x, y),
      changed: () => {
        this.updateCursor();
        this.view?.redraw();
      },
      finished: (tool) => {
        if (tool.status) emit(this, VIEWPORT_TOOL_STATUS, { status: tool.status });
      },
    });
    this.resizeObserver = new ResizeObserver(() => {
      this.view?.resize();
      this.view?.fit();
    });
    this.resizeObserver.observe(this);
    if (this.volume) {
      this.images = this.makeImages();
      this.showSlice();
    }
  }

  private makeImages(): SliceImages | PlaneImages | undefined {
    this.planeDocument = undefined;
    if (!this.volume) return undefined;
    return this.plane === 'axial' ? new SliceImages(this.volume) : new PlaneImages(this.volume, this.plane);
  }

  /** Whether a crosshair change moved this view's plane (the sagittal plane follows the column, the coronal the row). */
  private planeMoved(old: { column: number; row: number } | undefined): boolean {
    if (this.plane === 'axial') return false;
    const now = this.crosshair;
    if (!old || !now) return old !== now;
    return this.plane === 'sagittal' ? old.column !== now.column : old.row !== now.row;
  }

  private teardown(): void {
    this.resizeObserver?.disconnect();
    this.navigation?.dispose();
    this.toolInput?.dispose();
    this.toolInput = undefined;
    this.view?.destroy();
    this.view = undefined;
    this.navigation = undefined;
  }

  private showSlice(): void {
    if (this.view && !this.volume && this.preview) {
      this.view.show(this.preview);
      return;
    }
    if (!this.view || !this.images || !this.volume) return;
    const k = this.index;
    if (this.images instanceof PlaneImages) {
      this.view.show(this.images.image(k));
      return;
    }
    if (!this.volume.loaded[k] && this.view.hasImage) {
      this.view.redraw();
      return;
    }
    this.view.show(this.images.image(k));
  }

  private readonly onWheel = (e: WheelEvent): void => {
    if (!this.volume) return;
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      this.view?.zoomBy(Math.exp(-e.deltaY / 500));
      return;
    }
    const step = Math.sign(e.deltaY) * (e.shiftKey ? 5 : 1);
    // A relative step in reading order (down = the next image): several wheel events may arrive before the new slice is rendered.
    if (step !== 0) emit(this, VIEWPORT_SLICE, { delta: step, plane: this.plane });
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    if (!this.view?.hasImage) return;
    this.claimTool();
    this.cursor = this.view.clientToImage(e.clientX, e.clientY);
  };

  private readonly onPointerLeave = (): void => {
    this.cursor = undefined;
  };

  /** Lets the tool do its slow set-up (livewire edge costs) while the reader is idle, not on the first click. */
  private prepareTool(): void {
    const tool = this.annotation?.tool;
    if (!tool?.prepare) return;
    const run = () => {
      const context = this.toolContext();
      if (context && this.annotation?.tool === tool) tool.prepare?.(context);
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 500 });
    else setTimeout(run, 50);
  }

  private updateCursor(): void {
    const tool = this.annotation?.tool;
    const context = tool ? this.toolContext() : undefined;
    this.host?.style.setProperty('cursor', tool && context ? tool.cursor(context) : '');
  }

  /** Shift+click puts the other planes through the point (navigation tools only). */
  private readonly onPointerDown = (e: PointerEvent): void => {
    // Tools and navigation prevent the default of pointerdown (no text selection, no touch scrolling),
    // which also stops the browser from focusing on click: take focus here so keys reach the tools.
    if (e.button === 0 || e.button === 1) this.focus({ preventScroll: true });
    this.claimTool();
    if (this.annotation?.tool || !e.shiftKey || !this.view?.hasImage || !this.volume || e.button !== 0) return;
    const p = this.view.clientToImage(e.clientX, e.clientY);
    const frame = planeFrame(this.volume, this.plane);
    const x = Math.min(frame.columns - 1, Math.max(0, Math.floor(p.x)));
    const y = Math.min(frame.rows - 1, Math.max(0, Math.floor(p.y)));
    emit(this, VIEWPORT_CROSSHAIR, voxelOnPlane(this.volume, this.plane, this.index, x, y));
  };

  /** The tool in hand works on this view now: the view it left stops drawing its preview. */
  private claimTool(): void {
    const tool = this.annotation?.tool;
    if (!tool || toolViews.get(tool) === this) return;
    const before = toolViews.get(tool);
    toolViews.set(tool, this);
    before?.redraw();
  }

  /** A double click with a viewing tool shows this view alone (annotation tools keep double clicks, e.g. to close a polygon). */
  private readonly onDoubleClick = (): void => {
    if (!this.annotation?.tool) emit(this, VIEWPORT_MAXIMISE, { plane: this.plane });
  };

  private drawOverlay(ctx: CanvasRenderingContext2D): void {
    const v = this.volume;
    const view = this.view;
    if (!v || !view || !this.showOverlays) return;
    const { width, height } = view.canvasSize();
    const dpr = window.devicePixelRatio || 1;
    const index = this.index;
    const matrix = view.imageToCanvasMatrix();
    const a = this.annotation;
    // The tool in hand is shared by the views: only the one it last worked on shows its preview.
    const owner = a?.tool ? (toolViews.get(a.tool) ?? (this.plane === 'axial' ? this : undefined)) : undefined;
    // A 3D tool's result shows on every view (`sharedPreview`); the rest of a preview only where the tool works.
    const context = a?.tool && (owner === this || a.tool.sharedPreview) ? this.toolContext() : undefined;
    const preview = a?.tool && context ? (owner === this ? a.tool.preview(context) : a.tool.sharedPreview?.(context)) : undefined;
    if (this.plane !== 'axial') {
      if (a) {
        a.planeLabels.draw(ctx, this.plane, index, matrix);
        if (preview) drawToolPreview(ctx, matrix, preview, a.document.label(a.activeLabel)?.color);
      }
    } else if (this.agreement) this.agreement.draw(ctx, index, matrix);
    else if (a) a.overlay.draw(ctx, index, matrix, a.activeLabel, preview);
    if (this.plane === 'axial') drawCommentPins(ctx, matrix, dpr, this.pins, this.pendingPin);
    const content = overlayContent({
      volume: v,
      plane: this.plane,
      index,
      slice: Math.min(v.slices - 1, Math.max(0, this.slice)),
      crosshair: this.crosshair ?? { column: Math.floor(v.columns / 2), row: Math.floor(v.rows / 2) },
      window: this.window,
      cursor: this.cursor,
      scale: view.scale,
      dpr,
      width: width / dpr,
      referenceLines: this.showReferenceLines && (this.plane !== 'axial' || this.crosshair !== undefined),
      toCanvas: (x, y) => view.imageToCanvas(x, y),
    });
    drawOverlay(ctx, width, height, dpr, content, OVERLAY_STYLE);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-viewport': SegmarkViewport;
  }
}
