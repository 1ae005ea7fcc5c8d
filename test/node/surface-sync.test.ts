/**
 * The 3D view's bookkeeping, without a browser: which labels are meshed when
 * (every visible one at first, then only those an edit touched), hidden and
 * deleted labels, a failed job tried again, and the mesher's worker —
 * served through the real worker protocol, dying, or never starting.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { LabelmapSlices } from '../../src/core/annotation/labelmap.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import type { Region } from '../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import { SegmarkError } from '../../src/core/errors.js';
import { cropLabelMask, labelBox } from '../../src/core/surface/label-mask.js';
import { meshJob, meshLabel, type LabelSurface, type MeshJob } from '../../src/core/surface/label-surface.js';
import { LabelSurfaces } from '../../src/core/surface/label-surfaces.js';
import { SurfaceMesher } from '../../src/core/surface/surface-mesher.js';
import { SURFACE_HANDLERS, type SurfaceCalls } from '../../src/core/surface/surface-worker.js';
import type { VoxelSpace } from '../../src/core/surface/voxel-space.js';
import { FakeWorker, servingWorker } from './support/fake-worker.js';
import { OPS } from './support/tool-fixture.js';

const [A, B, C] = [4, 9, 3];
const SIZE = 40;
const SLICES = 12;

const rect = (x: number, y: number, w: number, h: number): Region => ({ rings: [[x, y, x + w, y, x + w, y + h, x, y + h]] });

const space: VoxelSpace = {
  columns: SIZE,
  rows: SIZE,
  slices: SLICES,
  spacing: [1, 1, 2],
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  normal: [0, 0, 1],
  positions: Array.from({ length: SLICES }, (_, k): Vec3 => [0, 0, 2 * k]),
};

function documentWithLabels(): { doc: AnnotationDocument; labelmap: LabelmapSlices } {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `1.2.3.4.${k + 1}`), rows: SIZE, columns: SIZE, slices: SLICES },
    ops: OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
  const labelmap = new LabelmapSlices(doc, SIZE, SIZE, SLICES);
  doc.subscribe((change) => labelmap.invalidate(change.slice));
  for (let k = 2; k < 6; k++) doc.setRegion(A, k, rect(5, 5, 10, 10), { kind: 'draw' });
  for (let k = 4; k < 9; k++) doc.setRegion(B, k, rect(20, 20, 12, 8), { kind: 'draw' });
  for (let k = 8; k < 10; k++) doc.setRegion(C, k, rect(2, 25, 6, 6), { kind: 'draw' });
  doc.updateLabel(C, { visible: false });
  return { doc, labelmap };
}

const byNumber = (a: number, b: number): number => a - b;

/** The surface encloses the voxels' volume (mm³), within the 3 % smoothing may take or give. */
function expectVolume(surface: LabelSurface | undefined, mm3: number): void {
  expect(surface).toBeDefined();
  expect(Math.abs(surface!.volumeMm3 / mm3 - 1)).toBeLessThan(0.03);
}

/** A same-thread mesher that counts its jobs by label, and can fail the next ones. */
function countingMesher() {
  const jobs: number[] = [];
  let failures = 0;
  return {
    jobs,
    failNext(n: number) {
      failures = n;
    },
    mesh(job: MeshJob): Promise<LabelSurface> {
      jobs.push(job.labelId);
      if (failures > 0) {
        failures--;
        return Promise.reject(new SegmarkError('worker-failed', 'the surface worker failed: test'));
      }
      return Promise.resolve(meshLabel(job));
    },
  };
}

function follow(doc: AnnotationDocument, labelmap: LabelmapSlices, mesher: { mesh(job: MeshJob): Promise<LabelSurface> }) {
  const shown = new Map<number, LabelSurface | undefined>();
  const events: string[] = [];
  const errors: number[] = [];
  const surfaces = new LabelSurfaces({
    document: doc,
    labelmap,
    space,
    mesher,
    onSurface: (id, surface) => {
      shown.set(id, surface);
      events.push(`${id}:${surface ? 'surface' : 'none'}`);
    },
    onLabels: () => events.push('labels'),
    onError: (id) => errors.push(id),
  });
  return { surfaces, shown, events, errors };
}

describe('label surfaces follow the document', () => {
  it('meshes every visible label with voxels once, then only the label an edit touched', async () => {
    const { doc, labelmap } = documentWithLabels();
    const mesher = countingMesher();
    const { surfaces, shown } = follow(doc, labelmap, mesher);
    expect(surfaces.busy).toBe(true);
    await surfaces.whenSettled();
    expect(mesher.jobs.sort(byNumber)).toEqual([A, B].sort(byNumber));
    expect([...shown.keys()].sort(byNumber)).toEqual([A, B].sort(byNumber));
    const before = shown.get(B);

    doc.setRegion(A, 6, rect(5, 5, 10, 10), { kind: 'draw' });
    await surfaces.whenSettled();
    expect(mesher.jobs.slice(2)).toEqual([A]);
    expect(shown.get(B)).toBe(before);
    expectVolume(shown.get(A), 5 * 100 * 2);
    surfaces.dispose();
  });

  it('a burst of edits on one label meshes it again, not once per edit, and shows the last', async () => {
    const { doc, labelmap } = documentWithLabels();
    const mesher = countingMesher();
    const { surfaces, shown } = follow(doc, labelmap, mesher);
    await surfaces.whenSettled();
    for (let k = 6; k < 11; k++) doc.setRegion(A, k, rect(5, 5, 10, 10), { kind: 'draw' });
    await surfaces.whenSettled();
    expect(mesher.jobs.slice(2).every((id) => id === A)).toBe(true);
    expect(mesher.jobs.length - 2).toBeLessThanOrEqual(2);
    expectVolume(shown.get(A), 9 * 100 * 2);
    surfaces.dispose();
  });

  it('a hidden label is not meshed; shown, it is; changed while hidden, its surface is dropped', async () => {
    const { doc, labelmap } = documentWithLabels();
    const mesher = countingMesher();
    const { surfaces, shown, events } = follow(doc, labelmap, mesher);
    await surfaces.whenSettled();
    expect(mesher.jobs).not.toContain(C);

    doc.updateLabel(C, { visible: true });
    await surfaces.whenSettled();
    expect(mesher.jobs.filter((id) => id === C)).toHaveLength(1);
    expect(shown.get(C)).toBeDefined();
    // Hidden and shown again without an edit: the surface is kept, not meshed again.
    doc.updateLabel(C, { visible: false });
    doc.updateLabel(C, { visible: true });
    await surfaces.whenSettled();
    expect(mesher.jobs.filter((id) => id === C)).toHaveLength(1);
    // Edited while hidden: dropped at once, meshed when shown.
    doc.updateLabel(C, { visible: false });
    doc.setRegion(C, 10, rect(2, 25, 6, 6), { kind: 'draw' });
    expect(shown.get(C)).toBeUndefined();
    await surfaces.whenSettled();
    expect(mesher.jobs.filter((id) => id === C)).toHaveLength(1);
    doc.updateLabel(C, { visible: true });
    await surfaces.whenSettled();
    expect(mesher.jobs.filter((id) => id === C)).toHaveLength(2);
    expectVolume(shown.get(C), 3 * 36 * 2);
    expect(events).toContain('labels');
    surfaces.dispose();
  });

  it('a label erased everywhere, or deleted, loses its surface', async () => {
    const { doc, labelmap } = documentWithLabels();
    const { surfaces, shown } = follow(doc, labelmap, countingMesher());
    await surfaces.whenSettled();
    for (const k of doc.slicesOf(A)) doc.setRegion(A, k, { rings: [] }, { kind: 'erase' });
    await surfaces.whenSettled();
    expect(shown.get(A)).toBeUndefined();
    expect(shown.get(B)).toBeDefined();
    doc.deleteLabel(B);
    await surfaces.whenSettled();
    expect(shown.get(B)).toBeUndefined();
    expect(surfaces.surface(B)).toBeUndefined();
    surfaces.dispose();
  });

  it('a failed job is tried once more from the labelmap; a second failure is reported, not retried forever', async () => {
    const { doc, labelmap } = documentWithLabels();
    const mesher = countingMesher();
    mesher.failNext(1);
    const first = follow(doc, labelmap, mesher);
    await first.surfaces.whenSettled();
    expect(first.shown.size).toBe(2);
    expect(first.errors).toEqual([]);
    first.surfaces.dispose();

    const again = countingMesher();
    again.failNext(100);
    const second = follow(doc, labelmap, again);
    await second.surfaces.whenSettled();
    expect(second.errors.sort(byNumber)).toEqual([A, B].sort(byNumber));
    expect(again.jobs).toHaveLength(4);
    second.surfaces.dispose();
  });
});

function jobFor(labelId: number): MeshJob {
  const { doc, labelmap } = documentWithLabels();
  const box = labelBox(doc, labelId, SIZE, SIZE)!;
  return meshJob(space, labelId, box, cropLabelMask(labelId, box, (k) => labelmap.slice(k), SIZE, SIZE, SLICES).mask);
}

describe('the surface mesher', () => {
  it('meshes in its worker through the worker protocol, the mask handed over', async () => {
    const worker = servingWorker<SurfaceCalls>(SURFACE_HANDLERS, 'internal');
    const mesher = new SurfaceMesher({ createWorker: () => worker.asWorker() });
    const job = jobFor(A);
    const expected = meshLabel({ ...job, mask: job.mask.slice() });
    const surface = await mesher.mesh(job);
    expect(job.mask.byteLength).toBe(0); // transferred
    expect(surface.volumeMm3).toBeCloseTo(expected.volumeMm3, 6);
    expect(surface.cells).toEqual(expected.cells);
    expect(mesher.sameThread).toBe(false);
    mesher.dispose();
    await expect(mesher.mesh(jobFor(A))).rejects.toMatchObject({ code: 'aborted' });
  });

  it('a worker that crashes fails its job with worker-failed; the next job gets a new worker', async () => {
    let made = 0;
    const mesher = new SurfaceMesher({
      createWorker: () => {
        made++;
        return made === 1
          ? servingWorker<SurfaceCalls>(SURFACE_HANDLERS, 'internal', { call: (_, w) => (w.crash('out of memory'), false) }).asWorker()
          : servingWorker<SurfaceCalls>(SURFACE_HANDLERS, 'internal').asWorker();
      },
    });
    await expect(mesher.mesh(jobFor(A))).rejects.toMatchObject({ code: 'worker-failed' });
    const surface = await mesher.mesh(jobFor(B));
    expect(surface.triangles).toBeGreaterThan(0);
    expect(made).toBe(2);
    mesher.dispose();
  });

  it('a worker that never starts (refused by a CSP, say) fails its job; later jobs run on this thread', async () => {
    let made = 0;
    const mesher = new SurfaceMesher({
      createWorker: () => {
        made++;
        const worker = new FakeWorker(() => undefined);
        setTimeout(() => worker.onerror?.(new Event('error')), 0);
        return worker.asWorker();
      },
    });
    await expect(mesher.mesh(jobFor(A))).rejects.toMatchObject({ code: 'worker-failed' });
    expect(mesher.sameThread).toBe(true);
    const surface = await mesher.mesh(jobFor(A));
    expect(surface.triangles).toBeGreaterThan(0);
    expect(made).toBe(1);
  });
});
