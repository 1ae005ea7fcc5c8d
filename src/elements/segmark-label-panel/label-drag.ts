/**
 * Reordering labels by dragging their handles (HTML drag and drop), as a
 * reactive controller of `<segmark-label-panel>`. The keyboard equivalents
 * are the move buttons and Alt+ArrowUp/Down; this is the pointer extra.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Label } from '../../core/annotation/labels.js';

/** Our own type, so the annotator's file drop zone and other pages ignore it. */
const DRAG_TYPE = 'application/x-segmark-label';

export interface LabelDragOptions {
  /** The labels in display order. */
  labels(): readonly Label[];
  /** Whether dragging is allowed now (not readonly, a document present). */
  enabled(): boolean;
  /** Moves label `id` to `toIndex` (in the order without it, as `moveLabel` takes it). */
  move(id: number, toIndex: number): void;
}

export class LabelDragController implements ReactiveController {
  /** Where the dragged label would land, for the drop marker. */
  dropAt: { id: number; after: boolean } | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #options: LabelDragOptions;
  #dragged: number | undefined;

  constructor(host: ReactiveControllerHost, options: LabelDragOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.end();
  }

  start(e: DragEvent, id: number): void {
    if (!this.#options.enabled() || !e.dataTransfer) {
      e.preventDefault();
      return;
    }
    e.dataTransfer.setData(DRAG_TYPE, String(id));
    e.dataTransfer.effectAllowed = 'move';
    this.#dragged = id;
  }

  /** Over label `id`'s row: accept the drop, before or after it by the pointer's half. */
  over(e: DragEvent, id: number): void {
    if (this.#dragged === undefined) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const after = e.clientY > box.top + box.height / 2;
    if (this.dropAt?.id === id && this.dropAt.after === after) return;
    this.dropAt = { id, after };
    this.#host.requestUpdate();
  }

  drop(e: DragEvent, id: number): void {
    const dragged = this.#dragged;
    if (dragged === undefined) return;
    e.preventDefault();
    e.stopPropagation(); // a label, not files: not for the annotator's drop zone
    const after = this.dropAt?.id === id ? this.dropAt.after : false;
    this.end();
    const labels = this.#options.labels();
    const from = labels.findIndex((l) => l.id === dragged);
    let to = labels.findIndex((l) => l.id === id) + (after ? 1 : 0);
    if (from < to) to -= 1;
    if (from >= 0 && to >= 0 && to !== from && this.#options.enabled()) this.#options.move(dragged, to);
  }

  end(): void {
    this.#dragged = undefined;
    if (this.dropAt) {
      this.dropAt = undefined;
      this.#host.requestUpdate();
    }
  }
}
