/**
 * The surfaces of one document's labels, kept up to date: every visible
 * label with voxels is meshed once, and after each change announced by the
 * document only the labels it touched are meshed again. Hidden labels are
 * not meshed; their surface is forgotten when they change and made again
 * when they are shown.
 *
 * The page's part of a job — reading the labelmap slices of the label's box
 * into a mask — runs a few slices per task, with the page free in between;
 * the meshing runs in the mesher's worker. Up to two jobs are under way, so
 * the worker meshes one label while the page cuts out the next.
 */
import type { AnnotationChange, AnnotationDocument } from '../annotation/document.js';
import type { LabelmapSlices } from '../annotation/labelmap.js';
import { cropLabelSlice, labelBox } from './label-mask.js';
import { meshJob, SMOOTHING_ITERATIONS, type LabelSurface, type MeshJob } from './label-surface.js';
import type { VoxelSpace } from './voxel-space.js';

export interface LabelSurfacesOptions {
  document: AnnotationDocument;
  labelmap: LabelmapSlices;
  space: VoxelSpace;
  /** Meshes a job: a `SurfaceMesher` (its worker, or this thread). */
  mesher: { mesh(job: MeshJob): Promise<LabelSurface> };
  /** A label's surface is new (a newer mesh) or gone (undefined: no voxels, or the label was deleted). */
  onSurface(labelId: number, surface: LabelSurface | undefined): void;
  /** Labels as a whole changed (colour, opacity, visibility, the list): redraw their look. */
  onLabels(): void;
  /** A job failed twice; the label is left without a new surface until it changes again. */
  onError?(labelId: number, error: unknown): void;
  /** Gives the page a turn between two pieces of work. Default: a task (setTimeout 0). */
  yieldToPage?: () => Promise<void>;
  smoothing?: number;
  /** Triangles per surface before a label is meshed on a coarser grid (default `TRIANGLE_BUDGET`). */
  budget?: number;
}

/** Jobs under way at once: one meshing in the worker, one being cut out on the page. */
const IN_FLIGHT = 2;
/** Time the page spends cutting out masks before it yields, ms. */
const SLICE_BUDGET_MS = 8;

interface LabelState {
  /** Bumped whenever the label's voxels may have changed. */
  version: number;
  /** The version `surface` was meshed from (0: none). */
  shown: number;
  surface: LabelSurface | undefined;
  failures: number;
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class LabelSurfaces {
  private readonly states = new Map<number, LabelState>();
  /** Labels waiting to be meshed, in the order their changes came. */
  private readonly queue = new Set<number>();
  private inFlight = 0;
  private pumping = false;
  private disposed = false;
  private settledWaiters: (() => void)[] = [];
  private readonly unsubscribe: () => void;
  private readonly yieldToPage: () => Promise<void>;

  constructor(private readonly options: LabelSurfacesOptions) {
    this.yieldToPage = options.yieldToPage ?? nextTask;
    this.unsubscribe = options.document.subscribe((change) => this.changed(change));
    for (const label of options.document.labels) this.touch(label.id);
    this.pump();
  }

  /** The label's latest surface, if it has one (whatever its visibility). */
  surface(labelId: number): LabelSurface | undefined {
    return this.states.get(labelId)?.surface;
  }

  /** True while labels wait to be meshed or jobs are under way. */
  get busy(): boolean {
    return this.inFlight > 0 || this.queue.size > 0;
  }

  /** Resolves once nothing waits and no job is under way (at once when idle). */
  whenSettled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.queue.clear();
    this.settle();
  }

  private changed(change: AnnotationChange): void {
    const { document } = this.options;
    const label = document.label(change.labelId);
    if (!label) {
      // Deleted: its surface goes with it.
      const had = this.states.get(change.labelId)?.surface;
      this.states.delete(change.labelId);
      this.queue.delete(change.labelId);
      if (had) this.options.onSurface(change.labelId, undefined);
      this.options.onLabels();
      return;
    }
    // A label's fields changing (colour, name, visibility …) leave its voxels as they were.
    if (change.slice !== null || change.kind !== 'label') this.touch(label.id);
    else if (label.visible) this.ensure(label.id);
    if (change.slice === null) this.options.onLabels();
    this.pump();
  }

  /** The label's voxels may have changed: mesh it again (now if shown, else when it is shown). */
  private touch(labelId: number): void {
    const state = this.state(labelId);
    state.version++;
    state.failures = 0;
    if (this.options.document.label(labelId)?.visible) this.queue.add(labelId);
    else if (state.surface) {
      state.surface = undefined;
      state.shown = 0;
      this.options.onSurface(labelId, undefined);
    }
  }

  /** A shown label needs a surface if its last mesh is older than its voxels. */
  private ensure(labelId: number): void {
    const state = this.state(labelId);
    if (state.shown !== state.version && state.failures < 2) this.queue.add(labelId);
  }

  private state(labelId: number): LabelState {
    let state = this.states.get(labelId);
    if (!state) {
      state = { version: 1, shown: 0, surface: undefined, failures: 0 };
      this.states.set(labelId, state);
    }
    return state;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // Let the change's other listeners (the labelmap's invalidation) run first.
      await this.yieldToPage();
      while (!this.disposed && this.queue.size > 0 && this.inFlight < IN_FLIGHT) {
        const labelId = this.queue.values().next().value!;
        this.queue.delete(labelId);
        if (!this.options.document.label(labelId)?.visible) continue;
        this.inFlight++;
        void this.run(labelId).finally(() => {
          this.inFlight--;
          void this.pump();
          this.settle();
        });
        await this.yieldToPage();
      }
    } finally {
      this.pumping = false;
      this.settle();
    }
  }

  /** Cuts the label out of the labelmap, a few slices per task, and meshes it. */
  private async run(labelId: number): Promise<void> {
    const { document, labelmap, space } = this.options;
    const state = this.state(labelId);
    const version = state.version;
    const box = labelBox(document, labelId, space.columns, space.rows);
    if (!box) {
      this.show(labelId, version, undefined);
      return;
    }
    const mask = new Uint8Array(box.columns * box.rows * box.slices);
    let voxels = 0;
    let start = performance.now();
    for (let z = 0; z < box.slices; z++) {
      voxels += cropLabelSlice(labelId, box, z, mask, (k) => labelmap.slice(k), space.columns, space.rows, space.slices);
      if (performance.now() - start > SLICE_BUDGET_MS && z < box.slices - 1) {
        await this.yieldToPage();
        // Changed meanwhile: it is queued again already (`touch`).
        if (this.disposed || state.version !== version) return;
        start = performance.now();
      }
    }
    if (voxels === 0) {
      this.show(labelId, version, undefined);
      return;
    }
    try {
      const job = meshJob(space, labelId, box, mask, this.options.smoothing ?? SMOOTHING_ITERATIONS);
      const surface = await this.options.mesher.mesh(this.options.budget === undefined ? job : { ...job, budget: this.options.budget });
      this.show(labelId, version, surface);
    } catch (error) {
      if (this.disposed) return;
      // Once more from the labelmap (the worker may have died, or never started and the mask went with it).
      state.failures++;
      if (state.failures < 2) this.queue.add(labelId);
      else this.options.onError?.(labelId, error);
    }
  }

  /** Shows a mesh unless a newer one is already shown or the label is gone. */
  private show(labelId: number, version: number, surface: LabelSurface | undefined): void {
    const state = this.states.get(labelId);
    if (this.disposed || !state || version <= state.shown) return;
    state.shown = version;
    const had = state.surface;
    state.surface = surface;
    if (surface || had) this.options.onSurface(labelId, surface);
  }

  private settle(): void {
    if (this.busy && !this.disposed) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
