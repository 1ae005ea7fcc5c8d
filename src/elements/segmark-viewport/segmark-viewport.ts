import { LitElement, html, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { negate, orientationLetters, pixelToWorld } from '../../core/dicom/geometry.js';
import { pixelSpacingOf, voxelAt, type Volume } from '../../core/dicom/volume.js';
import { scaleBarLength } from '../../core/display/scale-bar.js';
import type { WindowLevel } from '../../core/display/window.js';
import { PointerNavigation, type NavigationTool } from '../../tools/navigation.js';
import { CornerstoneView, type ViewImage } from '../../viewer/cornerstone-view.js';
import { drawOverlay, type OverlayContent } from '../../viewer/overlay.js';
import { SliceImages } from '../../viewer/slice-images.js';
import { VIEWPORT_CROSSHAIR, VIEWPORT_SLICE, VIEWPORT_TOOL_STATUS, VIEWPORT_WINDOW, emit } from '../events.js';
import { viewportStyles } from './segmark-viewport.styles.js';
import { ToolInput } from './tool-input.js';
import type { AnnotationDocument } from '../../core/annotation/document.js';
import type { AnnotationTool, ToolContext, ToolKey } from '../../tools/annotation-tool.js';
import type { LabelOverlay } from '../../viewer/label-overlay.js';
import type { AgreementOverlay } from '../../viewer/agreement-overlay.js';
import { sliceView } from '../../core/dicom/volume.js';
import { drawCommentPins, type CommentPin } from '../../viewer/comment-pins.js';

/** The annotation shown on the view and the tool that edits it. */
export interface ViewportAnnotation {
  document: AnnotationDocument;
  overlay: LabelOverlay;
  activeLabel: number;
  /** When set, the left button belongs to this tool; navigation keeps the middle and right buttons. */
  tool: AnnotationTool | undefined;
}

/** Performance entry recorded for every drawn frame of the main view (image + overlays). */
export const RENDER_MEASURE = 'segmark:render';
export const FIRST_IMAGE_MARK = 'segmark:first-image';

/**
 * The axial view: one slice of a volume with window/level, zoom, pan, slice
 * scrolling, and overlays (orientation letters, scale bar, slice position, HU
 * and patient coordinates under the cursor).
 *
 * @fires sm-viewport-slice - detail `{ delta }`: step the shown slice by this many (the wheel)
 * @fires sm-viewport-window - detail `{ center, width }`: the user dragged the window
 * @fires sm-viewport-crosshair - detail `{ column, row }`: Shift+click put the crosshair on this pixel
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
  private images: SliceImages | undefined;
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
    if (changed.has('volume')) this.images = this.volume ? new SliceImages(this.volume) : undefined;
    if (changed.has('window')) this.view.setWindow(this.window);
    if (changed.has('invert')) this.view.setInvert(this.invert);
    if ((changed.has('tool') || changed.has('annotation')) && this.navigation) {
      this.navigation.tool = this.annotation?.tool ? null : this.tool;
    }
    if (changed.has('annotation')) this.updateCursor();
    if (changed.has('annotation') || changed.has('slice') || changed.has('window') || changed.has('volume')) this.prepareTool();
    if (changed.has('slice') && changed.get('slice') !== undefined) this.toolInput?.cancel();
    if (changed.has('volume') || changed.has('slice') || changed.has('preview')) this.showSlice();
    if (changed.has('pins') || changed.has('pendingPin')) this.view.redraw();
    else if (changed.has('crosshair') || changed.has('cursor') || changed.has('agreement') || changed.has('showReferenceLines') || changed.has('showOverlays')) {
      this.view.redraw();
    }
  }

  /** The next image drawn is the first of a new load: mark it as `segmark:first-image`. */
  expectFirstImage(): void {
    this.firstImagePending = true;
  }

  /** Slice k's voxels changed (e.g. finished decoding): draw it again if shown. */
  sliceChanged(k: number): void {
    this.images?.invalidate(k);
    if (k === this.slice) this.showSlice();
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

  /** What the annotation tool works on: the slice on screen. */
  toolContext(): ToolContext | undefined {
    const a = this.annotation;
    const v = this.volume;
    if (!a || !v || !this.view?.hasImage) return undefined;
    const k = Math.min(v.slices - 1, Math.max(0, this.slice));
    return {
      document: a.document,
      labelId: a.activeLabel,
      slice: k,
      columns: v.columns,
      rows: v.rows,
      pixelSpacing: pixelSpacingOf(v),
      values: sliceView(v, k),
      window: this.window,
      screenScale: this.view.scale / (window.devicePixelRatio || 1),
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
        @pointerdown=${this.onPointerDown}></div>
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
      this.images = new SliceImages(this.volume);
      this.showSlice();
    }
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
    const k = Math.min(this.volume.slices - 1, Math.max(0, this.slice));
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
    // A relative step: several wheel events may arrive before the new slice is rendered.
    if (step !== 0) emit(this, VIEWPORT_SLICE, { delta: step });
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    if (!this.view?.hasImage) return;
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

  /** Shift+click puts the sagittal and coronal planes through the point (navigation tools only). */
  private readonly onPointerDown = (e: PointerEvent): void => {
    // Tools and navigation prevent the default of pointerdown (no text selection, no touch scrolling),
    // which also stops the browser from focusing on click: take focus here so keys reach the tools.
    if (e.button === 0 || e.button === 1) this.focus({ preventScroll: true });
    if (this.annotation?.tool || !e.shiftKey || !this.view?.hasImage || e.button !== 0) return;
    const p = this.view.clientToImage(e.clientX, e.clientY);
    emit(this, VIEWPORT_CROSSHAIR, { column: Math.floor(p.x), row: Math.floor(p.y) });
  };

  private drawOverlay(ctx: CanvasRenderingContext2D): void {
    const v = this.volume;
    const view = this.view;
    if (!v || !view || !this.showOverlays) return;
    const { width, height } = view.canvasSize();
    const dpr = window.devicePixelRatio || 1;
    const k = Math.min(v.slices - 1, Math.max(0, this.slice));
    const scale = view.scale / dpr;
    const bar = scaleBarLength(v.spacing[0] / scale);
    const content: OverlayContent = {
      letters: {
        left: orientationLetters(negate(v.rowCosine)),
        right: orientationLetters(v.rowCosine),
        top: orientationLetters(negate(v.columnCosine)),
        bottom: orientationLetters(v.columnCosine),
      },
      topLeft: [v.description, `${v.modality} ${v.columns}×${v.rows}`],
      topRight: [`${k + 1} / ${v.slices}`, `${v.locations[k]!.toFixed(1)} mm`, v.loaded[k] ? '' : '…'],
      bottomLeft: this.cursorLines(v, k),
      bottomRight: [`W ${Math.round(this.window.width)}  L ${Math.round(this.window.center)}`, `×${view.scale.toFixed(2)}`],
      scaleBar: { pixels: bar.pixels, label: `${bar.mm} mm` },
      lines: this.showReferenceLines ? this.crosshairLines(view, v) : [],
    };
    const a = this.annotation;
    if (this.agreement) this.agreement.draw(ctx, k, view.imageToCanvasMatrix());
    else if (a) {
      const context = a.tool ? this.toolContext() : undefined;
      a.overlay.draw(ctx, k, view.imageToCanvasMatrix(), a.activeLabel, a.tool && context ? a.tool.preview(context) : undefined);
    }
    drawCommentPins(ctx, view.imageToCanvasMatrix(), dpr, this.pins, this.pendingPin);
    drawOverlay(ctx, width, height, dpr, content, {
      font: '12px system-ui, sans-serif',
      color: '#e8edf5',
      shadow: '#000',
    });
  }

  private cursorLines(v: Volume, k: number): string[] {
    const c = this.cursor;
    if (!c) return [];
    const col = Math.floor(c.x);
    const row = Math.floor(c.y);
    if (col < 0 || row < 0 || col >= v.columns || row >= v.rows) return [];
    const hu = voxelAt(v, k, col, row);
    const p = pixelToWorld(v.planes[k]!, col + 0.5, row + 0.5);
    const unit = v.modality === 'CT' ? ' HU' : '';
    return [`(${col}, ${row})  ${hu}${unit}`, `L ${p[0].toFixed(1)}  P ${p[1].toFixed(1)}  S ${p[2].toFixed(1)} mm`];
  }

  private crosshairLines(view: CornerstoneView, v: Volume): OverlayContent['lines'] {
    const c = this.crosshair;
    if (!c) return [];
    const a = view.imageToCanvas(c.column + 0.5, 0);
    const b = view.imageToCanvas(c.column + 0.5, v.rows);
    const d = view.imageToCanvas(0, c.row + 0.5);
    const e = view.imageToCanvas(v.columns, c.row + 0.5);
    return [
      { x0: a.x, y0: a.y, x1: b.x, y1: b.y, color: 'rgba(255, 200, 0, 0.5)' },
      { x0: d.x, y0: d.y, x1: e.x, y1: e.y, color: 'rgba(0, 200, 255, 0.5)' },
    ];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-viewport': SegmarkViewport;
  }
}
