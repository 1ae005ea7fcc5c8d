/**
 * A newly opened volume reaches the annotator's parts a frame apart, the main
 * view first. The render that first showed a series, in the loader's task,
 * and the frame after it held the main view's draw, both reformats' first
 * draws (a canvas, a bitmap and a lookup table each), the label panel's first
 * list and the layout of all of it: 35–40 ms and 64–67 ms of CPU in the
 * bench's PACS load (issue 19). Now:
 *
 * 1. `main` — the annotator renders the volume in a task of its own (not in
 *    the loader's task that announced it); the main view draws it in the next
 *    frame, where the first image's preview already is.
 * 2. `sagittal`, then `coronal` — after that frame, the sagittal reformat (or
 *    the sagittal view of an MPR layout) gets the volume and draws in the
 *    next; after that one, the coronal.
 * 3. `panels` — then the label panel gets the document and the 3D view the
 *    volume: what needs the whole series follows.
 *
 * The host's `updateComplete` waits for the last part (`settled`), so a host
 * or test that awaits it sees every part showing the volume. (A load's own
 * promise does not: in a PACS load the volume comes with the last slice, and
 * the reveal's frames would count as loading time.)
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Volume } from '../../core/dicom/volume.js';
import { afterNextFrame } from '../after-frame.js';

/** The annotator's parts in the order they get a new volume. */
export type RevealPart = 'main' | 'sagittal' | 'coronal' | 'panels';

const ORDER: readonly RevealPart[] = ['main', 'sagittal', 'coronal', 'panels'];

export class VolumeReveal implements ReactiveController {
  /** The volume the parts are being given (or were all given). */
  #volume: Volume | undefined;
  /** How many parts of ORDER show `#volume`. */
  #shown = ORDER.length;
  /** The step under way, until the last part shows the volume. */
  #pending: Promise<void> | undefined;
  /** A volume to give every part at once when it comes (`showAtOnce`). */
  #atOnce: Volume | undefined;
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly current: () => Volume | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
  }

  hostDisconnected(): void {
    this.#connected = false;
    // A removed annotator draws nothing: whatever comes back shows at once.
    this.#shown = ORDER.length;
  }

  /** Before the host renders: a volume it has not shown yet starts with the main view alone. */
  hostUpdate(): void {
    const volume = this.current();
    if (volume === this.#volume) return;
    this.#volume = volume;
    this.#shown = volume && this.#connected && volume !== this.#atOnce ? 1 : ORDER.length;
    this.#atOnce = undefined;
    if (this.#shown < ORDER.length) this.#pending ??= this.#step();
  }

  /**
   * `volume`, when it next becomes the current one, reaches every part at once: the series that
   * was open, put back after a load that opened nothing, returns as it was left.
   */
  showAtOnce(volume: Volume): void {
    this.#atOnce = volume;
  }

  /** True when `part` shows the current volume (always, between loads). */
  shows(part: RevealPart): boolean {
    return this.current() !== this.#volume || ORDER.indexOf(part) < this.#shown;
  }

  /**
   * The volume as `part` is to show it: the current one once its turn came,
   * nothing before (the part shows nothing, as it did while the volume loaded).
   */
  volumeFor(part: RevealPart): Volume | undefined {
    return this.shows(part) ? this.current() : undefined;
  }

  /**
   * Whether the host's next render is the first to show a volume: that render
   * is then put in a task of its own, after the task that opened the volume.
   */
  get firstRender(): boolean {
    const volume = this.current();
    return volume !== undefined && volume !== this.#volume && volume !== this.#atOnce && this.#connected;
  }

  /** True while some part is still to be given the current volume. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /** Resolves once every part shows the current volume. */
  async settled(): Promise<void> {
    while (this.#pending) await this.#pending;
  }

  /** The next parts, a frame apart, until all show the volume (or another volume replaced it). */
  async #step(): Promise<void> {
    try {
      while (this.#shown < ORDER.length && this.#connected) {
        const volume = this.#volume;
        await afterNextFrame();
        if (volume !== this.#volume || !this.#connected) continue;
        this.#shown++;
        // Rendered in this task's microtasks; the next afterNextFrame waits for the frame that draws it.
        this.host.requestUpdate();
      }
    } finally {
      this.#pending = undefined;
    }
  }
}
