import { LitElement, css, html, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { negate, orientationLetters } from '../../core/dicom/geometry.js';
import { reformat, reformatRowOfSlice, type ReformatImage, type ReformatPlane } from '../../core/dicom/reformat.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { WindowLevel } from '../../core/display/window.js';
import { CornerstoneView } from '../../viewer/cornerstone-view.js';
import { drawOverlay, prepareOverlayText, type OverlayStyle } from '../../viewer/overlay.js';
import type { ReformatLabels } from '../../viewer/reformat-labels.js';
import { valueRange, volumeRange } from '../../viewer/slice-images.js';
import { VIEWPORT_SLICE, emit } from '../events.js';

/** The text over the image. */
const OVERLAY_STYLE: OverlayStyle = { font: '11px system-ui, sans-serif', color: '#e8edf5', shadow: '#000' };

/**
 * A sagittal or coronal reformat of the loaded volume, for finding the level
 * (e.g. which disc) and judging outlines from the side: the labels are drawn
 * over it as on the axial view, the current axial slice is marked with a line,
 * and a click or drag on the reformat moves the axial view to that level.
 *
 * @fires sm-viewport-slice - detail `{ slice }`: show this axial slice (a click or drag on the reformat)
 * @csspart canvas - the drawing surface
 *
 * @tagname segmark-reformat
 */
export class SegmarkReformat extends LitElement {
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
      cursor: row-resize;
    }
  `;

  @property({ attribute: false }) volume: Volume | undefined;
  @property() plane: ReformatPlane = 'sagittal';
  /** Column (sagittal) or row (coronal) of the volume to cut through. */
  @property({ type: Number }) index = 0;
  /** The axial slice to mark. */
  @property({ type: Number }) slice = 0;
  @property({ attribute: false }) window: WindowLevel = { center: 40, width: 400 };
  @property({ type: Boolean }) invert = false;
  /** The labels to draw over the image (the open document's), or none. */
  @property({ attribute: false }) labels: ReformatLabels | undefined;
  /** Draw the line of the axial slice shown. */
  @property({ type: Boolean }) showReferenceLines = true;
  /** Draw anything over the image (labels, text, lines); off shows the bare image. */
  @property({ type: Boolean }) showOverlays = true;

  @query('.canvas-host') private host!: HTMLDivElement;

  private view: CornerstoneView | undefined;
  private image: ReformatImage | undefined;
  private generation = 0;
  private dragging: number | undefined;
  private resizeObserver: ResizeObserver | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.view?.destroy();
    this.view = undefined;
  }

  protected override firstUpdated(): void {
    this.setup();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.view) return;
    if (changed.has('window')) this.view.setWindow(this.window);
    if (changed.has('invert')) this.view.setInvert(this.invert);
    if (changed.has('volume') || changed.has('plane') || changed.has('index')) this.rebuild();
    else if (changed.has('slice') || changed.has('labels') || changed.has('showReferenceLines') || changed.has('showOverlays')) this.view.redraw();
  }

  /** Draws again in the next frame (the labels changed). */
  redraw(): void {
    this.view?.redraw();
  }

  /** Rebuilds the image from the volume (e.g. after more slices finished loading). */
  rebuild(): void {
    if (!this.view || !this.volume) return;
    this.image = reformat(this.volume, this.plane, this.index, this.image?.pixels);
    const { min, max } = volumeRange(this.volume) ?? valueRange(this.image.pixels);
    this.view.show({
      id: `segmark:reformat:${this.plane}:${++this.generation}`,
      pixels: this.image.pixels,
      columns: this.image.columns,
      rows: this.image.rows,
      columnSpacing: this.image.columnSpacing,
      rowSpacing: this.image.rowSpacing,
      min,
      max,
    });
  }

  override render() {
    return html`<div class="canvas-host" part="canvas"
      @pointerdown=${this.onDown}
      @pointermove=${this.onMove}
      @pointerup=${this.onUp}
      @pointercancel=${this.onUp}></div>`;
  }

  private setup(): void {
    if (this.view || !this.host) return;
    this.view = new CornerstoneView(this.host, { onRendered: (ctx) => this.drawMarks(ctx) });
    this.view.setWindow(this.window);
    this.view.setInvert(this.invert);
    prepareOverlayText(OVERLAY_STYLE, window.devicePixelRatio || 1);
    this.resizeObserver = new ResizeObserver(() => {
      this.view?.resize();
      this.view?.fit();
    });
    this.resizeObserver.observe(this);
    this.rebuild();
  }

  private sliceAt(e: PointerEvent): number | undefined {
    if (!this.view?.hasImage || !this.volume) return undefined;
    const p = this.view.clientToImage(e.clientX, e.clientY);
    const k = this.volume.slices - 1 - Math.floor(p.y);
    return Math.min(this.volume.slices - 1, Math.max(0, k));
  }

  private readonly onDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const k = this.sliceAt(e);
    if (k === undefined) return;
    this.dragging = e.pointerId;
    this.host.setPointerCapture?.(e.pointerId);
    emit(this, VIEWPORT_SLICE, { slice: k });
  };

  private readonly onMove = (e: PointerEvent): void => {
    if (this.dragging !== e.pointerId) return;
    const k = this.sliceAt(e);
    if (k !== undefined && k !== this.slice) {
      emit(this, VIEWPORT_SLICE, { slice: k });
    }
  };

  private readonly onUp = (e: PointerEvent): void => {
    if (this.dragging === e.pointerId) this.dragging = undefined;
  };

  private drawMarks(ctx: CanvasRenderingContext2D): void {
    const view = this.view;
    const img = this.image;
    if (!view || !img || !this.volume || !this.showOverlays) return;
    if (this.labels && this.volume.slices === img.rows) this.labels.draw(ctx, this.plane, img.index, view.imageToCanvasMatrix());
    const row = reformatRowOfSlice(this.volume.slices, this.slice) + 0.5;
    const a = view.imageToCanvas(0, row);
    const b = view.imageToCanvas(img.columns, row);
    const { width, height } = view.canvasSize();
    drawOverlay(
      ctx,
      width,
      height,
      window.devicePixelRatio || 1,
      {
        letters: {
          left: orientationLetters(negate(img.rightDirection)),
          right: orientationLetters(img.rightDirection),
          top: orientationLetters(negate(img.downDirection)),
          bottom: orientationLetters(img.downDirection),
        },
        topLeft: [this.plane === 'sagittal' ? 'SAG' : 'COR'],
        topRight: [],
        bottomLeft: [],
        bottomRight: [],
        lines: this.showReferenceLines ? [{ x0: a.x, y0: a.y, x1: b.x, y1: b.y, color: 'rgba(80, 220, 120, 0.9)' }] : [],
      },
      OVERLAY_STYLE,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-reformat': SegmarkReformat;
  }
}
