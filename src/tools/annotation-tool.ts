/**
 * The contract between the views and the annotation tools. A tool turns
 * pointer and key input, in continuous image pixel coordinates, into changes
 * of the annotation document; it never touches the DOM. The view forwards
 * input, draws the tool's preview over the image, and shows its cursor.
 */
import type { Region, Ring } from '../core/annotation/region.js';
import type { AnnotationDocument } from '../core/annotation/document.js';
import type { WindowLevel } from '../core/display/window.js';

export type AnnotationToolId = 'freehand' | 'polygon' | 'livewire' | 'edit' | 'brush' | 'eraser' | 'threshold-brush' | 'fill' | 'grow' | 'one-click' | 'nearby';

/** One pointer sample in image pixel coordinates (pixel (c, r) covers [c, c+1) × [r, r+1)). */
export interface ToolPointer {
  x: number;
  y: number;
  /** 0..1; 0.5 when the device reports none (mouse). */
  pressure: number;
  pointerType: 'mouse' | 'pen' | 'touch';
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  /** Milliseconds, for double-click detection and smoothing. */
  time: number;
}

export interface ToolKey {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
}

/**
 * The part of the document a tool reads and writes. An axial view passes the
 * AnnotationDocument itself; a sagittal or coronal view passes a
 * `PlaneDocument` (core/annotation/plane-edit.ts) that shows the plane as one
 * image and spreads each edit over the axial slices it crosses.
 */
export type ToolDocument = Pick<AnnotationDocument, 'label' | 'regionAt' | 'setRegion'>;

/** What the tool works on: provided by the view for the slice on screen (for a plane, `slice` is its index). */
export interface ToolContext {
  readonly document: ToolDocument;
  /** The label being drawn (a label id, 1..255). */
  readonly labelId: number;
  readonly slice: number;
  readonly columns: number;
  readonly rows: number;
  /** [Δrow, Δcol] in mm, for sizes given in mm (brush radius). */
  readonly pixelSpacing: readonly [number, number];
  /** HU of the slice on screen, `rows·cols`, index r·cols + c. Read only. */
  readonly values: Int16Array;
  /** The window on screen (livewire follows edges as the reader sees them). */
  readonly window: WindowLevel;
  /** Screen pixels per image pixel, for hit tolerances that feel the same at any zoom. */
  readonly screenScale: number;
  /** The plane the view shows (absent: the axial slice `slice`); the 3D tools need it. */
  readonly plane?: { readonly plane: 'axial' | 'sagittal' | 'coronal'; readonly index: number };
  /** The volume voxel under whole image pixel (x, y) of this view (the 3D tools work in voxels). */
  readonly toVoxel?: (x: number, y: number) => { column: number; row: number; slice: number };
}

/** Geometry the view draws over the image while a tool works; image pixel coordinates. */
export interface ToolPreview {
  /** Closed outlines to draw (e.g. the stroke so far, the region being edited). */
  rings?: Ring[];
  /** An open path (polygon under construction, livewire path). */
  path?: number[];
  /** Points to mark (polygon vertices, livewire anchors, edit handles). */
  points?: number[];
  /** A circle, e.g. the brush footprint at the pointer. Radius in image pixels along x and y. */
  circle?: { x: number; y: number; rx: number; ry: number };
  /** Draw in the erase colour rather than the label's. */
  subtract?: boolean;
  /** Filled area preview (brush strokes). */
  fill?: Region;
  /** Outlines drawn in the erase colour beside the others (e.g. background seeds). */
  subtractRings?: Ring[];
}

/**
 * What a tool's last action came to, for the view's status line; stable codes.
 * - `changed`: the document changed (one undo step).
 * - `unchanged`: the action ran but changed nothing (e.g. erasing where there is nothing).
 * - `locked`: the active label is locked (or missing); nothing was done.
 * - `too-small`: the stroke or outline was too small to be meant, and was ignored.
 * - `cancelled`: the work in progress was abandoned (Escape, cancel()).
 * - `fill-open`: the fill area reaches the image border, so it is not closed; nothing filled.
 * - `fill-no-holes`: a click inside the label, which has no holes to fill.
 * - `fill-out-of-range`: a click on an open area whose pixel lies outside the threshold range; nothing filled.
 * - `no-outline`: nearby slices asked from a slice where the active label has no outline; nothing computed.
 * - `nearby-none`: nearby slices found no neighbouring slice matching the outline.
 */
export type ToolStatusCode =
  | 'changed'
  | 'unchanged'
  | 'locked'
  | 'too-small'
  | 'cancelled'
  | 'fill-open'
  | 'fill-no-holes'
  | 'fill-out-of-range'
  | 'no-outline'
  | 'nearby-none';

export interface AnnotationTool {
  readonly id: AnnotationToolId;
  /** The outcome of the last finished (or abandoned) action; undefined before the first. */
  readonly status?: ToolStatusCode | undefined;
  /** A CSS cursor for the current state (e.g. 'crosshair', 'none' when the preview draws the cursor). */
  cursor(context: ToolContext): string;
  /** Returns true when the tool took the pointer (the view then captures it). */
  down(p: ToolPointer, context: ToolContext): boolean;
  move(p: ToolPointer, context: ToolContext): void;
  up(p: ToolPointer, context: ToolContext): void;
  /** Double click (polygon closes). */
  doubleClick?(p: ToolPointer, context: ToolContext): void;
  /** Returns true when the key was for the tool (Enter, Backspace, Escape, [ and ]). */
  key(k: ToolKey, context: ToolContext): boolean;
  /** Abandons any half-done work (slice change, tool change, pointer lost). Never leaves a half state. */
  cancel(context: ToolContext): void;
  /** What to draw now, or undefined. */
  preview(context: ToolContext): ToolPreview | undefined;
  /**
   * What every view draws, not only the one the tool last worked on (a 3D
   * tool's result shows on all three planes). Optional.
   */
  sharedPreview?(context: ToolContext): ToolPreview | undefined;
  /**
   * Optional slow set-up for the context ahead of the first press (livewire
   * builds its cost images, ~0.1 s on 512²). Call it when idle after the tool,
   * slice or window changed; it never changes the document.
   */
  prepare?(context: ToolContext): void;
}
