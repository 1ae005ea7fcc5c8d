/**
 * The annotator's keyboard: history (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y), saving a
 * version (Ctrl+S), the export dialog (Ctrl+E), the
 * annotation tool in hand (Enter, Backspace, Escape, [ and ]), the keys that
 * pick tools, then viewing (slices, presets, zoom, fit, invert).
 *
 * Taken elsewhere, before these: M (comment pins, review-controller.ts) and
 * the verification keys V, R, N, Shift+N (review-bar.ts).
 */
import { WINDOW_PRESETS, type WindowLevel } from '../../core/display/window.js';
import type { AnnotationToolId, ToolKey } from '../../tools/annotation-tool.js';
import type { NavigationTool } from '../../tools/navigation.js';
import { ANNOTATION_TOOLS, ANNOTATION_TOOL_KEYS } from './annotation-controller.js';

export interface KeyTarget {
  slices(): number;
  slice(): number;
  setSlice(k: number): void;
  setWindow(w: WindowLevel): void;
  fit(): void;
  actualSize(): void;
  toggleInvert(): void;
  zoomBy(factor: number): void;
  undo(): void;
  redo(): void;
  /** Stores the document now and keeps a version. */
  save(): void;
  /** Opens the export dialog. */
  exportDialog(): void;
  /** Whether annotation tools may be picked (a series is open and editing is allowed). */
  editable(): boolean;
  setTool(tool: NavigationTool | AnnotationToolId): void;
  /** Offers the key to the annotation tool in hand; true when it took it. */
  toolKey(key: ToolKey): boolean;
}

const NAVIGATION_KEYS: Readonly<Record<string, NavigationTool>> = { w: 'window', p: 'pan', z: 'zoom' };

/** Handles a key; true when it was Segmark's (the caller then prevents the default). */
export function handleAnnotatorKey(e: KeyboardEvent, t: KeyTarget): boolean {
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (ctrl && !e.altKey) {
    if (key === 'z') e.shiftKey ? t.redo() : t.undo();
    else if (key === 'y') t.redo();
    else if (key === 's') t.save();
    else if (key === 'e') t.exportDialog();
    else return false;
    return true;
  }
  if (ctrl) return false;
  if (t.toolKey({ key: e.key, shiftKey: e.shiftKey, altKey: e.altKey, ctrlKey: false })) return true;
  if (e.altKey) return false;
  const picked = ANNOTATION_TOOLS.find((id) => ANNOTATION_TOOL_KEYS[id] === key);
  if (picked) {
    if (!t.editable()) return false;
    t.setTool(picked);
    return true;
  }
  const n = t.slices();
  const go = (k: number): void => {
    if (n) t.setSlice(Math.min(n - 1, Math.max(0, k)));
  };
  const preset = WINDOW_PRESETS.find((p) => p.key === e.key);
  if (preset) t.setWindow(preset);
  else if (e.key === 'ArrowUp' || e.key === 'ArrowRight') go(t.slice() + 1);
  else if (e.key === 'ArrowDown' || e.key === 'ArrowLeft') go(t.slice() - 1);
  else if (e.key === 'PageUp') go(t.slice() + 10);
  else if (e.key === 'PageDown') go(t.slice() - 10);
  else if (e.key === 'Home') go(0);
  else if (e.key === 'End') go(n - 1);
  else if (key === 'f') t.fit();
  else if (key === 'a') t.actualSize();
  else if (key === 'i') t.toggleInvert();
  else if (NAVIGATION_KEYS[key]) t.setTool(NAVIGATION_KEYS[key]);
  else if (e.key === '+' || e.key === '=') t.zoomBy(1.25);
  else if (e.key === '-') t.zoomBy(0.8);
  else return false;
  return true;
}
