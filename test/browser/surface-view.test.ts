/**
 * <segmark-surface-view> in real Chromium with WebGL 2: surfaces for the
 * visible labels of a document (none for a hidden one), their size against
 * the labelmap, a picture that is not blank, an edit that meshes only the
 * label it touched, the standard views, a drag that turns the camera, the CT
 * planes, and a real click on a surface that names its voxel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import { AnnotationDocument, type RegionOps } from '../../src/core/annotation/document.js';
import { LabelmapSlices } from '../../src/core/annotation/labelmap.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { differenceRegions, unionRegions } from '../../src/core/annotation/region-ops.js';
import { isEmptyRegion, type Region } from '../../src/core/annotation/region.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Vec3 } from '../../src/core/dicom/types.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import type { LabelSurface } from '../../src/core/surface/label-surface.js';
import { SURFACE_POINT } from '../../src/elements/events.js';
import type { SegmarkSurfaceView } from '../../src/elements/segmark-surface-view/segmark-surface-view.js';

const ops: RegionOps = { union: unionRegions, difference: differenceRegions, isEmpty: isEmptyRegion };

const COLUMNS = 96;
const ROWS = 80;
const SLICES = 30;
const SPACING: [number, number, number] = [0.7, 0.7, 2.5];
/** Lumbar template labels: L4/L5 disc (a ball), L4 body (a box), L3/L4 disc (hidden). */
const BALL = 4;
const BOX = 9;
const HIDDEN = 3;

/** An axial series, 0.7 × 0.7 × 2.5 mm, feet to head; values rise with the column (so the CT planes are not flat). */
function makeVolume(): Volume {
  const uid = '1.2.826.0.1.3680043.8.498.77';
  const planes = Array.from({ length: SLICES }, (_, k) => ({
    position: [-40, -30, -200 + k * SPACING[2]] as Vec3,
    rowCosine: [1, 0, 0] as Vec3,
    columnCosine: [0, 1, 0] as Vec3,
    pixelSpacing: [SPACING[1], SPACING[0]] as const,
  }));
  const sliceData = Array.from({ length: SLICES }, () => Int16Array.from({ length: COLUMNS * ROWS }, (_, i) => -500 + 10 * (i % COLUMNS)));
  return {
    studyInstanceUID: uid,
    seriesInstanceUID: `${uid}.1`,
    description: 'surface test',
    modality: 'CT',
    columns: COLUMNS,
    rows: ROWS,
    slices: SLICES,
    spacing: SPACING,
    rowCosine: [1, 0, 0],
    columnCosine: [0, 1, 0],
    normal: [0, 0, 1],
    planes,
    locations: planes.map((p) => p.position[2]),
    sopInstanceUIDs: planes.map((_, k) => `${uid}.1.${k + 1}`),
    fileNames: planes.map((_, k) => `${k + 1}.dcm`),
    sliceData,
    loaded: new Uint8Array(SLICES).fill(1),
    defaultWindow: { center: 40, width: 400 },
    invert: false,
    range: { min: -500, max: 450 },
    header: {
      patientName: '', patientID: '', patientBirthDate: '', patientSex: '', studyInstanceUID: uid, studyDate: '', studyTime: '',
      referringPhysicianName: '', studyID: '', accessionNumber: '', studyDescription: '', seriesInstanceUID: `${uid}.1`,
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2', frameOfReferenceUID: `${uid}.9`,
    },
  };
}

function circle(cx: number, cy: number, radius: number): Region {
  const ring: number[] = [];
  for (let i = 0; i < 128; i++) ring.push(cx + radius * Math.cos((2 * Math.PI * i) / 128), cy + radius * Math.sin((2 * Math.PI * i) / 128));
  return { rings: [ring] };
}

const rect = (x: number, y: number, w: number, h: number): Region => ({ rings: [[x, y, x + w, y, x + w, y + h, x, y + h]] });

/** A document with a ball (radius 12 mm round pixel (30, 40) of slice 10), a box (columns 60–79, rows 25–44, slices 5–14) and a hidden label. */
function makeDocument(volume: Volume): { doc: AnnotationDocument; labelmap: LabelmapSlices } {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: volume.studyInstanceUID, seriesInstanceUID: volume.seriesInstanceUID, sopInstanceUIDs: [...volume.sopInstanceUIDs], rows: ROWS, columns: COLUMNS, slices: SLICES },
    ops,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
  const labelmap = new LabelmapSlices(doc, COLUMNS, ROWS, SLICES);
  // As the annotator wires it: each change invalidates the labelmap slice it touched.
  doc.subscribe((change) => labelmap.invalidate(change.slice));
  for (let k = 0; k < SLICES; k++) {
    const z = (k - 10) * SPACING[2];
    if (Math.abs(z) < 12) doc.setRegion(BALL, k, circle(30, 40, Math.sqrt(144 - z * z) / SPACING[0]), { kind: 'draw' });
  }
  for (let k = 5; k < 15; k++) doc.setRegion(BOX, k, rect(60, 25, 20, 20), { kind: 'draw' });
  for (let k = 20; k < 24; k++) doc.setRegion(HIDDEN, k, rect(10, 10, 15, 15), { kind: 'draw' });
  doc.updateLabel(HIDDEN, { visible: false });
  return { doc, labelmap };
}

let mounted: SegmarkSurfaceView | undefined;
afterEach(() => {
  mounted?.remove();
  mounted = undefined;
});

async function mountView(): Promise<{ view: SegmarkSurfaceView; volume: Volume; doc: AnnotationDocument; labelmap: LabelmapSlices }> {
  const volume = makeVolume();
  const { doc, labelmap } = makeDocument(volume);
  const view = document.createElement('segmark-surface-view');
  view.style.cssText = 'display:block;width:400px;height:360px';
  document.body.append(view);
  mounted = view;
  view.volume = volume;
  view.document = doc;
  view.labelmap = labelmap;
  await view.whenIdle();
  return { view, volume, doc, labelmap };
}

/** Voxels of a label on the labelmap, and their LPS bounds (voxel corners). */
function labelVoxels(labelmap: LabelmapSlices, volume: Volume, labelId: number): { count: number; bounds: number[]; voxels: [number, number, number][] } {
  const voxels: [number, number, number][] = [];
  for (let k = 0; k < SLICES; k++) {
    const map = labelmap.slice(k);
    for (let i = 0; i < map.length; i++) if (map[i] === labelId) voxels.push([i % COLUMNS, Math.floor(i / COLUMNS), k]);
  }
  const b = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  for (const [c, r, k] of voxels) {
    const p = volume.planes[k]!.position;
    const centre = [p[0] + c * SPACING[0], p[1] + r * SPACING[1], p[2]];
    for (let axis = 0; axis < 3; axis++) {
      b[2 * axis] = Math.min(b[2 * axis]!, centre[axis]! - SPACING[axis]! / 2);
      b[2 * axis + 1] = Math.max(b[2 * axis + 1]!, centre[axis]! + SPACING[axis]! / 2);
    }
  }
  return { count: voxels.length, bounds: b, voxels };
}

/** Pixels that are not the black background. */
function litPixels(view: SegmarkSurfaceView): { lit: number; total: number; data: Uint8Array } {
  const picture = view.readPixels()!;
  let lit = 0;
  for (let i = 0; i < picture.data.length; i += 4) if (picture.data[i]! + picture.data[i + 1]! + picture.data[i + 2]! > 30) lit++;
  return { lit, total: picture.width * picture.height, data: picture.data };
}

const VOXEL_MM3 = SPACING[0] * SPACING[1] * SPACING[2];

describe('<segmark-surface-view>', () => {
  it('shows a surface per visible label, sized like its voxels, and none for a hidden label', async () => {
    const { view, volume, labelmap } = await mountView();
    const surfaces = view.surfaces();
    expect(surfaces.map((s) => s.labelId)).toEqual([BALL, BOX]);
    for (const s of surfaces) {
      const truth = labelVoxels(labelmap, volume, s.labelId);
      expect(truth.count).toBeGreaterThan(500);
      s.bounds.forEach((b, i) => expect(Math.abs(b - truth.bounds[i]!), `label ${s.labelId} bound ${i}`).toBeLessThanOrEqual(SPACING[i >> 1]!));
      expect(Math.abs(s.volumeMm3 / (truth.count * VOXEL_MM3) - 1), `label ${s.labelId} volume`).toBeLessThan(0.03);
      expect(s.triangles).toBeGreaterThan(100);
    }
    const { lit, total } = litPixels(view);
    expect(lit).toBeGreaterThan(total * 0.02);
  });

  it('an edit meshes again only the label it touched; showing and hiding a label adds and removes its surface', async () => {
    const { view, doc } = await mountView();
    const shown = (): Map<number, LabelSurface> => (view as unknown as { scene: { shown(): Map<number, LabelSurface> } }).scene.shown();
    const ballBefore = shown().get(BALL);
    const boxBefore = view.surfaces().find((s) => s.labelId === BOX)!;
    // Two more slices of the box (20 × 20 pixels each), above it.
    doc.setRegion(BOX, 15, rect(60, 25, 20, 20), { kind: 'draw' });
    doc.setRegion(BOX, 16, rect(60, 25, 20, 20), { kind: 'draw' });
    await view.whenIdle();
    const boxAfter = view.surfaces().find((s) => s.labelId === BOX)!;
    expect(shown().get(BALL)).toBe(ballBefore);
    expect(boxAfter.bounds[5] - boxBefore.bounds[5]).toBeCloseTo(2 * SPACING[2], 0);
    expect((boxAfter.volumeMm3 - boxBefore.volumeMm3) / (2 * 400 * VOXEL_MM3)).toBeGreaterThan(0.9);
    expect((boxAfter.volumeMm3 - boxBefore.volumeMm3) / (2 * 400 * VOXEL_MM3)).toBeLessThan(1.1);

    doc.updateLabel(HIDDEN, { visible: true });
    await view.whenIdle();
    expect(view.surfaces().map((s) => s.labelId)).toEqual([HIDDEN, BALL, BOX]);
    doc.updateLabel(BALL, { visible: false });
    await view.whenIdle();
    expect(view.surfaces().map((s) => s.labelId)).toEqual([HIDDEN, BOX]);
    // Erasing every slice of a label takes its surface away.
    for (const k of doc.slicesOf(BOX)) doc.setRegion(BOX, k, { rings: [] }, { kind: 'erase' });
    await view.whenIdle();
    expect(view.surfaces().map((s) => s.labelId)).toEqual([HIDDEN]);
  });

  it('views from the six directions with patient left, anterior and superior where they belong; a drag turns the camera', async () => {
    const { view } = await mountView();
    const x = (c: number, r: number, k: number) => view.voxelToClient(c, r, k)!.x;
    const y = (c: number, r: number, k: number) => view.voxelToClient(c, r, k)!.y;
    view.viewFrom('A');
    await view.whenIdle();
    // From the front, the patient's left (higher columns here) is on the right and the head (higher slices) up.
    expect(x(75, 40, 10)).toBeGreaterThan(x(30, 40, 10));
    expect(y(30, 40, 14)).toBeLessThan(y(30, 40, 6));
    view.viewFrom('P');
    expect(x(75, 40, 10)).toBeLessThan(x(30, 40, 10));
    view.viewFrom('L');
    // From the patient's left, the front (low rows) is on the screen's left; from the right, on its right.
    expect(x(30, 30, 10)).toBeLessThan(x(30, 50, 10));
    view.viewFrom('R');
    expect(x(30, 30, 10)).toBeGreaterThan(x(30, 50, 10));
    view.viewFrom('S');
    // From the head, anterior up.
    expect(y(30, 30, 10)).toBeLessThan(y(30, 50, 10));
    // From the feet, anterior up and the patient's left on the right, as axial images are read.
    view.viewFrom('I');
    expect(y(30, 30, 10)).toBeLessThan(y(30, 50, 10));
    expect(x(75, 40, 10)).toBeGreaterThan(x(30, 40, 10));

    view.resetCamera();
    await view.whenIdle();
    const before = view.voxelToClient(75, 40, 10)!;
    const box = view.getBoundingClientRect();
    const [cx, cy] = [box.left + box.width / 2, box.top + box.height / 2];
    await commands.pointerPath([[cx, cy], [cx + 40, cy], [cx + 80, cy + 10]], { stepsPerSegment: 4 });
    await view.whenIdle();
    const after = view.voxelToClient(75, 40, 10)!;
    expect(Math.hypot(after.x - before.x, after.y - before.y)).toBeGreaterThan(5);
  });

  it('shows the CT as three planes through the slice and crosshair when asked', async () => {
    const { view } = await mountView();
    const bare = litPixels(view);
    view.crosshair = { column: 48, row: 40 };
    view.slice = 10;
    view.window = { center: 0, width: 1000 };
    view.showPlanes = true;
    await view.updateComplete;
    await view.whenIdle();
    const planes = litPixels(view);
    expect(planes.lit).toBeGreaterThan(bare.lit + bare.total * 0.05);
    // Grey pixels (the CT), which no label colour gives.
    let grey = 0;
    for (let i = 0; i < planes.data.length; i += 4) {
      const [r, g, b] = [planes.data[i]!, planes.data[i + 1]!, planes.data[i + 2]!];
      if (r > 40 && Math.abs(r - g) < 3 && Math.abs(g - b) < 3) grey++;
    }
    expect(grey).toBeGreaterThan(bare.total * 0.02);
    view.showPlanes = false;
    await view.updateComplete;
    await view.whenIdle();
    expect(Math.abs(litPixels(view).lit - bare.lit)).toBeLessThan(bare.total * 0.005);
  });

  it('a click on a surface emits sm-surface-point with the voxel there (within one voxel)', async () => {
    const { view, volume, labelmap } = await mountView();
    view.viewFrom('A');
    await view.whenIdle();
    // The front (lowest row) of the ball at its centre column and slice faces the camera.
    const { voxels } = labelVoxels(labelmap, volume, BALL);
    const front = Math.min(...voxels.filter(([c, , k]) => c === 30 && k === 10).map(([, r]) => r));
    const target = view.voxelToClient(30, front, 10)!;
    const picked = new Promise<{ column: number; row: number; slice: number }>((resolve) =>
      view.addEventListener(SURFACE_POINT, (e) => resolve(e.detail), { once: true }),
    );
    await commands.pointerClicks([[target.x, target.y]]);
    const voxel = await picked;
    expect(Math.abs(voxel.column - 30)).toBeLessThanOrEqual(1);
    expect(Math.abs(voxel.row - front)).toBeLessThanOrEqual(1);
    expect(Math.abs(voxel.slice - 10)).toBeLessThanOrEqual(1);
    expect(labelmap.slice(voxel.slice)[voxel.row * COLUMNS + voxel.column]).toBe(BALL);

    // A click beside every surface names nothing.
    let fired = false;
    view.addEventListener(SURFACE_POINT, () => (fired = true));
    const box = view.getBoundingClientRect();
    await commands.pointerClicks([[box.left + 5, box.top + 5]]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fired).toBe(false);
  });
});
