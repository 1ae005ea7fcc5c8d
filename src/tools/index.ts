/**
 * The annotation tools: a factory by id, the default keyboard shortcuts and
 * the text of a shortcut sheet (English and Simplified Chinese).
 *
 * Shortcut letters avoid the annotator's own keys (W window, P pan, Z zoom,
 * F fit, A actual size, I invert, digits 1–5 window presets, + − =, arrows,
 * Page Up/Down, Home/End); inside a tool, Enter, Backspace, Escape, `[` and
 * `]` go to the tool first.
 */
import type { AnnotationTool, AnnotationToolId } from './annotation-tool.js';
import { BrushTool, type BrushOptions } from './brush.js';
import { EditTool, type EditOptions } from './edit.js';
import { FillTool, type FillOptions } from './fill.js';
import { FreehandTool, type FreehandOptions } from './freehand.js';
import { LivewireTool } from './livewire-tool.js';
import { PolygonTool } from './polygon.js';
import { ThresholdBrushTool, type ThresholdBrushOptions } from './threshold-brush.js';

export { GrowTool, type GrowHooks } from './grow-tool.js';
export { OneClickTool, type OneClickHooks } from './one-click-tool.js';
export { NearbyTool, type NearbyHooks } from './nearby-tool.js';
export type { AnnotationTool, AnnotationToolId, ToolContext, ToolKey, ToolPointer, ToolPreview, ToolStatusCode } from './annotation-tool.js';
export { BrushTool, EditTool, FillTool, FreehandTool, LivewireTool, PolygonTool, ThresholdBrushTool };
export type { BrushMode, BrushOptions } from './brush.js';
export type { EditOptions } from './edit.js';
export type { FreehandOptions } from './freehand.js';
export { THRESHOLD_PRESETS, type ThresholdBrushOptions, type ThresholdPresetId, type ThresholdRange, type ThresholdRangeInput } from './threshold-brush.js';
export type { FillOptions } from './fill.js';
export { BRUSH_SIZES_MM } from './stroke.js';

/** The options each tool takes, and the class it is. */
export interface ToolOptionsMap {
  freehand: FreehandOptions;
  polygon: Record<string, never>;
  livewire: Record<string, never>;
  edit: EditOptions;
  brush: BrushOptions;
  eraser: BrushOptions;
  'threshold-brush': ThresholdBrushOptions;
  fill: FillOptions;
}

export interface ToolClassMap {
  freehand: FreehandTool;
  polygon: PolygonTool;
  livewire: LivewireTool;
  edit: EditTool;
  brush: BrushTool;
  eraser: BrushTool;
  'threshold-brush': ThresholdBrushTool;
  fill: FillTool;
}

/** The 2D tools, made by `createTool`; the 3D ones (grow, one-click, nearby) need the annotator's hooks. */
export type PlaneToolId = keyof ToolClassMap;

/** A new tool (tools hold per-gesture state: one instance per view). */
export function createTool<T extends PlaneToolId>(id: T, options?: ToolOptionsMap[T]): ToolClassMap[T];
export function createTool(id: PlaneToolId, options: object = {}): AnnotationTool {
  switch (id) {
    case 'freehand':
      return new FreehandTool(options);
    case 'polygon':
      return new PolygonTool();
    case 'livewire':
      return new LivewireTool();
    case 'edit':
      return new EditTool(options);
    case 'brush':
      return new BrushTool('paint', options);
    case 'eraser':
      return new BrushTool('erase', options);
    case 'threshold-brush':
      return new ThresholdBrushTool(options);
    case 'fill':
      return new FillTool(options);
    default:
      throw new RangeError(`no annotation tool ${String(id)}`);
  }
}

/** Default shortcut keys (lower case; match `event.key.toLowerCase()` without Ctrl, Alt or Meta). */
export const TOOL_SHORTCUTS: Readonly<Record<string, AnnotationToolId>> = Object.freeze({
  d: 'freehand',
  g: 'polygon',
  l: 'livewire',
  e: 'edit',
  b: 'brush',
  x: 'eraser',
  t: 'threshold-brush',
  k: 'fill',
  j: 'grow',
  u: 'one-click',
  h: 'nearby',
});

/** The shortcut key of each tool (upper case, for display). */
export const TOOL_KEYS: Readonly<Record<AnnotationToolId, string>> = Object.freeze(
  Object.fromEntries(Object.entries(TOOL_SHORTCUTS).map(([key, id]) => [id, key.toUpperCase()])) as Record<AnnotationToolId, string>,
);

