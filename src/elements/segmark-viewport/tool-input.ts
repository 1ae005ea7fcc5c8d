/**
 * Forwards pointer and double-click input on a view to the active annotation
 * tool, in image pixel coordinates, with pointer capture so a stroke that
 * leaves the canvas neither stops nor leaves stray points; a lost capture
 * cancels the tool rather than leaving it half done.
 */
import type { AnnotationTool, ToolContext, ToolPointer } from '../../tools/annotation-tool.js';

export interface ToolInputHost {
  tool(): AnnotationTool | undefined;
  context(): ToolContext | undefined;
  toImage(clientX: number, clientY: number): { x: number; y: number };
  /** The tool's preview or cursor changed. */
  changed(): void;
  /** A gesture ended; the tool's status says what it came to. */
  finished(tool: AnnotationTool): void;
}

export class ToolInput {
  private active: number | undefined;

  constructor(
    private readonly element: HTMLElement,
    private readonly host: ToolInputHost,
  ) {
    element.addEventListener('pointerdown', this.down);
    element.addEventListener('pointermove', this.move);
    element.addEventListener('pointerup', this.up);
    element.addEventListener('pointercancel', this.lost);
    element.addEventListener('lostpointercapture', this.lost);
    element.addEventListener('dblclick', this.doubleClick);
  }

  dispose(): void {
    this.element.removeEventListener('pointerdown', this.down);
    this.element.removeEventListener('pointermove', this.move);
    this.element.removeEventListener('pointerup', this.up);
    this.element.removeEventListener('pointercancel', this.lost);
    this.element.removeEventListener('lostpointercapture', this.lost);
    this.element.removeEventListener('dblclick', this.doubleClick);
  }

  /** A gesture is under way on this view. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /** Abandons a stroke under way (slice or tool changed). */
  cancel(): void {
    const tool = this.host.tool();
    const context = this.host.context();
    if (tool && context) tool.cancel(context);
    if (this.active !== undefined && this.element.hasPointerCapture?.(this.active)) this.element.releasePointerCapture(this.active);
    this.active = undefined;
    this.host.changed();
  }

  private pointer(e: PointerEvent | MouseEvent): ToolPointer {
    const p = this.host.toImage(e.clientX, e.clientY);
    const pe = e as PointerEvent;
    const type = pe.pointerType === 'pen' || pe.pointerType === 'touch' ? pe.pointerType : 'mouse';
    return {
      x: p.x,
      y: p.y,
      pressure: type === 'mouse' || !pe.pressure ? 0.5 : pe.pressure,
      pointerType: type,
      shiftKey: e.shiftKey,
      altKey: e.altKey,
      ctrlKey: e.ctrlKey || e.metaKey,
      time: e.timeStamp,
    };
  }

  private readonly down = (e: PointerEvent): void => {
    const tool = this.host.tool();
    const context = this.host.context();
    if (!tool || !context || e.button !== 0 || this.active !== undefined) return;
    if (tool.down(this.pointer(e), context)) {
      e.preventDefault();
      this.active = e.pointerId;
      capture(this.element, e.pointerId);
    }
    this.host.changed();
  };

  private readonly move = (e: PointerEvent): void => {
    const tool = this.host.tool();
    const context = this.host.context();
    if (!tool || !context) return;
    if (this.active !== undefined && e.pointerId !== this.active) return;
    // Coalesced events keep fast strokes smooth: the browser batches moves per frame.
    const samples = this.active !== undefined && e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    for (const sample of samples.length ? samples : [e]) tool.move(this.pointer(sample), context);
    this.host.changed();
  };

  private readonly up = (e: PointerEvent): void => {
    const tool = this.host.tool();
    const context = this.host.context();
    if (!tool || !context || e.pointerId !== this.active) return;
    this.active = undefined;
    tool.up(this.pointer(e), context);
    this.host.changed();
    this.host.finished(tool);
  };

  private readonly lost = (e: PointerEvent): void => {
    if (e.pointerId !== this.active) return;
    this.cancel();
  };

  private readonly doubleClick = (e: MouseEvent): void => {
    const tool = this.host.tool();
    const context = this.host.context();
    if (!tool?.doubleClick || !context) return;
    tool.doubleClick(this.pointer(e), context);
    this.host.changed();
    this.host.finished(tool);
  };
}

/** Pointer capture where the pointer is a live one; a synthetic or already-gone pointer cannot be captured. */
function capture(element: HTMLElement, pointerId: number): void {
  try {
    element.setPointerCapture?.(pointerId);
  } catch {
    // NotFoundError: the stroke still works, only without capture outside the element.
  }
}
