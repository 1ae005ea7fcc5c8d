/**
 * The annotator's 3D computations: the assist worker that the grow, nearby
 * and one-click tools compute in (a newer gesture's request replaces one
 * still waiting; a cancelled computation gives no result and the tool waits
 * for the next gesture; a failure is reported), the status bar's "computing"
 * with Cancel, shown once one lasts longer than a blink, and Refine's "keep
 * clicked", which waits for a press on a view.
 */
import type { ReactiveController } from 'lit';
import type { AssistRunner } from '../../core/assist/assist-runner.js';
import { toSegmarkError } from '../../core/errors.js';
import { refineActiveLabel, workerRefineRunner } from '../../session/refine.js';
import { refineStrings } from '../../text/refine.js';
import type { SegmarkViewport } from '../segmark-viewport/segmark-viewport.js';
import type { AnnotatorBase } from './annotator-base.js';

/** Show that a 3D computation runs only when it lasts longer than this. */
const SHOW_BUSY_AFTER_MS = 250;

export class AssistLink implements ReactiveController {
  /** A 3D computation has been running for a moment: the status bar says so, with Cancel. */
  busy = false;
  /** Refine's "keep clicked" waits for a press on a view. */
  islandPick = false;
  private busyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: AnnotatorBase,
    /** The host's runner, whose `onBusy` calls `busyChanged`. */
    readonly runner: AssistRunner,
  ) {
    host.addController(this);
    const settle = <T>(asked: Promise<T | undefined>): Promise<T | undefined> =>
      asked.catch((error: unknown) => {
        const e = toSegmarkError(error, 'internal');
        if (e.code !== 'aborted') host.session.reportError(e);
        return undefined;
      });
    host.annotations.assist = {
      grow: (values, box, spacing, seeds) => settle(runner.runLatest('grow', () => runner.grow(values, box, spacing, seeds))),
      nearby: (values, box, spacing, start, options) => settle(runner.runLatest('nearby', () => runner.nearby(values, box, spacing, start, options))),
      oneClick: (values, box, spacing, options) => settle(runner.runLatest('one-click', () => runner.oneClick(values, box, spacing, options))),
    };
  }

  hostDisconnected(): void {
    this.runner.cancel();
  }

  /** Shows the running computation only when it lasts longer than a blink. */
  busyChanged(busy: boolean): void {
    clearTimeout(this.busyTimer);
    this.busyTimer = busy ? setTimeout(() => ((this.busy = true), this.host.requestUpdate()), SHOW_BUSY_AFTER_MS) : undefined;
    if (!busy && this.busy) {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  /** Starts or ends Refine's "keep clicked" pick (the command), saying what to do when it starts. */
  toggleIslandPick(): void {
    this.islandPick = !this.islandPick;
    if (this.islandPick) this.host.session.notify('info', refineStrings(this.host.lang)['pick-island']);
    this.host.requestUpdate();
  }

  /** Escape ends a waiting pick; false when none waits. */
  cancelIslandPick(): boolean {
    if (!this.islandPick) return false;
    this.islandPick = false;
    this.host.requestUpdate();
    return true;
  }

  /** A press on `view` while a pick waits keeps the island under it (the tool never sees the press); false otherwise. */
  pickIsland(view: SegmarkViewport, e: PointerEvent): boolean {
    const voxel = this.islandPick ? view.clientToVoxel(e.clientX, e.clientY) : undefined;
    if (!voxel) return false;
    e.stopPropagation();
    e.preventDefault();
    this.islandPick = false;
    this.host.requestUpdate();
    void refineActiveLabel(this.host.session, { op: 'keep-clicked', voxel: [voxel.column, voxel.row, voxel.slice] }, { run: workerRefineRunner(this.runner) });
    return true;
  }
}
