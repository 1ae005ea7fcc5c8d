/**
 * Web Worker that meshes labels for `SurfaceMesher`, so a surface follows
 * every edit without holding the page. Loaded with
 * `new Worker(new URL('./surface-worker.ts', import.meta.url), { type: 'module' })`
 * (a file beside the page: no blob:, no eval). The mask arrives transferred;
 * the surface's arrays leave transferred (`worker-protocol.ts`).
 */
import { serve, type Handlers } from '../util/worker-protocol.js';
import { meshLabel, type LabelSurface, type MeshJob } from './label-surface.js';

/** The call the surface worker serves. */
export type SurfaceCalls = {
  mesh: { payload: MeshJob; result: LabelSurface };
};

/** What the worker does with each call (exported so Node tests can serve it from a stand-in worker). */
export const SURFACE_HANDLERS: Handlers<SurfaceCalls> = {
  mesh(job, call) {
    const surface = meshLabel(job);
    call.transfer(surface.points.buffer, surface.normals.buffer, surface.cells.buffer);
    return surface;
  },
};

serve<SurfaceCalls>(SURFACE_HANDLERS, { fallback: 'internal' });
