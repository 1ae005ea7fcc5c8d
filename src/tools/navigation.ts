/**
 * Pointer navigation shared by every view: drag to pan, zoom or window with the
 * tool in hand (left button), middle button pans and right button zooms
 * whatever the tool. Pointer capture keeps a drag alive when the pointer leaves
 * the canvas, and any interruption ends it cleanly.
 */
import { dragWindow, type WindowLevel } from '../core/display/window.js';

export type NavigationTool = 'pan' | 'zoom' | 'window';

export interface NavigationTarget {
  panBy(dx: number, dy: number): void;
  zoomBy(factor: number): void;
  getWindow(): WindowLevel;
  setWindow(window: WindowLevel): void;
}

interface Drag {
  pointerId: number;
  mode: NavigationTool;
  lastX: number;
  lastY: number;
  startX: number;
  startY: number;
  startWindow: WindowLevel;
}

export class PointerNavigation {
  /** The left button's job; null while an annotation tool has the left button. */
  tool: NavigationTool | null = 'window';
  private drag: Drag | undefined;

  constructor(
    private readonly element: HTMLElement,
    private readonly target: NavigationTarget,
    private readonly onWindow: (window: WindowLevel) => void,
  ) {
    element.addEventListener('pointerdown', this.down);
    element.addEventListener('pointermove', this.move);
    element.addEventListener('pointerup', this.end);
    element.addEventListener('pointercancel', this.end);
    element.addEventListener('lostpointercapture', this.end);
    element.addEventListener('contextmenu', this.preventMenu);
  }

  get dragging(): boolean {
    return this.drag !== undefined;
  }

  dispose(): void {
    this.element.removeEventListener('pointerdown', this.down);
    this.element.removeEventListener('pointermove', this.move);
    this.element.removeEventListener('pointerup', this.end);
    this.element.removeEventListener('pointercancel', this.end);
    this.element.removeEventListener('lostpointercapture', this.end);
    this.element.removeEventListener('contextmenu', this.preventMenu);
  }

  private readonly down = (e: PointerEvent): void => {
    if (this.drag || e.shiftKey) return;
    const mode: NavigationTool | null | undefined = e.button === 0 ? this.tool : e.button === 1 ? 'pan' : e.button === 2 ? 'zoom' : undefined;
    if (!mode) return;
    e.preventDefault();
    this.element.setPointerCapture?.(e.pointerId);
    this.drag = {
      pointerId: e.pointerId,
      mode,
      lastX: e.clientX,
      lastY: e.clientY,
      startX: e.clientX,
      startY: e.clientY,
      startWindow: this.target.getWindow(),
    };
  };

  private readonly move = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointerId) return;
    const dx = e.clientX - d.lastX;
    const dy = e.clientY - d.lastY;
    d.lastX = e.clientX;
    d.lastY = e.clientY;
    if (d.mode === 'pan') this.target.panBy(dx, dy);
    else if (d.mode === 'zoom') this.target.zoomBy(Math.exp(-dy / 150));
    else {
      const w = dragWindow(d.startWindow, e.clientX - d.startX, e.clientY - d.startY);
      this.target.setWindow(w);
      this.onWindow(w);
    }
  };

  private readonly end = (e: PointerEvent): void => {
    if (this.drag && e.pointerId === this.drag.pointerId) this.drag = undefined;
  };

  private readonly preventMenu = (e: Event): void => e.preventDefault();
}
