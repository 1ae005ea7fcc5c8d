/**
 * The layouts of the views: keys switch them, the views share the stage at
 * equal size, a double click shows one view alone and back, the choice is
 * remembered per user, every plane view has its overlay, and a held O hides
 * the overlays only while held.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { SegmarkViewport } from '../../src/elements/segmark-viewport/segmark-viewport.js';
import { canvasPixels, differingPixels } from './support/canvas.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { frames, sampleFiles } from './support/sample.js';

afterEach(() => {
  unmountAll();
  localStorage.clear();
});

let files: Promise<File[]> | undefined;

function keyDown(a: SegmarkAnnotator, key: string, init: KeyboardEventInit = {}): void {
  a.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, ...init }));
}

function views(a: SegmarkAnnotator): SegmarkViewport[] {
  return [...a.shadowRoot!.querySelectorAll('segmark-viewport')];
}

function planes(a: SegmarkAnnotator): string[] {
  return views(a).map((v) => v.dataset.plane!);
}

async function opened(options: { user?: string; width?: number; height?: number } = {}): Promise<SegmarkAnnotator> {
  const a = mountAnnotator({ width: options.width ?? 1400, height: options.height ?? 800 });
  if (options.user) a.user = options.user;
  files ??= sampleFiles();
  await a.loadFiles(await files);
  await a.updateComplete;
  await frames(3);
  return a;
}

describe('layouts', () => {
  it('Shift+M, Shift+Q, Shift+S, Shift+C and Shift+A switch the layout; the views of a layout are the same size', async () => {
    const a = await opened();
    expect(a.layout).toBe('axial');
    expect(planes(a)).toEqual(['axial']);
    expect(a.shadowRoot!.querySelectorAll('segmark-reformat')).toHaveLength(2);

    keyDown(a, 'M', { shiftKey: true });
    await a.updateComplete;
    await frames(3);
    expect(a.layout).toBe('mpr');
    expect(a.getAttribute('layout')).toBe('mpr');
    expect(planes(a)).toEqual(['axial', 'sagittal', 'coronal']);
    // The side bar's small reformats give way to the full views.
    expect(a.shadowRoot!.querySelectorAll('segmark-reformat')).toHaveLength(0);
    const boxes = views(a).map((v) => v.getBoundingClientRect());
    for (const b of boxes) {
      expect(Math.abs(b.width - boxes[0]!.width)).toBeLessThan(2);
      expect(Math.abs(b.height - boxes[0]!.height)).toBeLessThan(2);
      expect(b.width).toBeGreaterThan(250);
    }
    // Side by side, left to right.
    expect(boxes[0]!.right).toBeLessThanOrEqual(boxes[1]!.left + 1);
    expect(boxes[1]!.right).toBeLessThanOrEqual(boxes[2]!.left + 1);
    // Every view shows its image (a reformat is not blank).
    for (const v of views(a)) expect(new Set(canvasPixels(v)).size).toBeGreaterThan(20);

    keyDown(a, 'Q', { shiftKey: true });
    await a.updateComplete;
    await frames(3);
    expect(a.layout).toBe('mpr-3d');
    expect(planes(a)).toEqual(['axial', 'sagittal', 'coronal']);
    const quad = [...a.shadowRoot!.querySelector('.stage')!.children].map((c) => c.getBoundingClientRect());
    expect(quad).toHaveLength(4);
    // 2 × 2: the first two share a row, the last two the row below.
    expect(Math.abs(quad[0]!.top - quad[1]!.top)).toBeLessThan(1);
    expect(quad[2]!.top).toBeGreaterThanOrEqual(quad[0]!.bottom);
    for (const b of quad) expect(Math.abs(b.width - quad[0]!.width)).toBeLessThan(2);

    keyDown(a, 'S', { shiftKey: true });
    await a.updateComplete;
    expect(planes(a)).toEqual(['sagittal']);
    keyDown(a, 'C', { shiftKey: true });
    await a.updateComplete;
    expect(planes(a)).toEqual(['coronal']);
    keyDown(a, 'A', { shiftKey: true });
    await a.updateComplete;
    expect(planes(a)).toEqual(['axial']);
  });

  it('a double click with a viewing tool shows that view alone, and a second one brings the layout back; Shift+F does it from the keyboard', async () => {
    const a = await opened();
    a.layout = 'mpr';
    await a.updateComplete;
    await frames(3);
    const sagittal = views(a).find((v) => v.plane === 'sagittal')!;
    const r = sagittal.getBoundingClientRect();
    await commands.pointerDoubleClick([r.left + r.width / 2, r.top + r.height / 2]);
    await a.updateComplete;
    await frames(3);
    expect(planes(a)).toEqual(['sagittal']);
    const alone = views(a)[0]!.getBoundingClientRect();
    expect(alone.width).toBeGreaterThan(r.width * 2.5);
    await commands.pointerDoubleClick([alone.left + alone.width / 2, alone.top + alone.height / 2]);
    await a.updateComplete;
    expect(planes(a)).toEqual(['axial', 'sagittal', 'coronal']);

    // Keyboard only: Tab reaches the coronal view, Shift+F shows it alone, Shift+F again gives the three.
    const coronal = views(a).find((v) => v.plane === 'coronal')!;
    coronal.focus();
    keyDown(a, 'F', { shiftKey: true });
    await a.updateComplete;
    expect(planes(a)).toEqual(['coronal']);
    keyDown(a, 'F', { shiftKey: true });
    await a.updateComplete;
    expect(planes(a)).toEqual(['axial', 'sagittal', 'coronal']);
  });

  it('the choice is remembered for the user, not for another; a layout the host sets wins', async () => {
    const a = await opened({ user: 'dr-wu' });
    keyDown(a, 'M', { shiftKey: true });
    await a.updateComplete;
    unmountAll();
    const again = mountAnnotator();
    again.user = 'dr-wu';
    await again.updateComplete;
    expect(again.layout).toBe('mpr');
    const other = mountAnnotator();
    other.user = 'dr-li';
    await other.updateComplete;
    expect(other.layout).toBe('axial');
    const hosted = mountAnnotator();
    hosted.layout = 'coronal';
    hosted.user = 'dr-wu';
    await hosted.updateComplete;
    expect(hosted.layout).toBe('coronal');
  });

  it('every plane view has the overlay: lines where the other planes cut, text, and the labels', async () => {
    const a = await opened();
    a.layout = 'mpr';
    const volume = a.session.volume!;
    const doc = (a as unknown as { annotations: { document: AnnotationDocument } }).annotations.document;
    const c = Math.floor(volume.columns / 2);
    const r = Math.floor(volume.rows / 2);
    for (let k = a.slice - 3; k <= a.slice + 3; k++) {
      doc.setRegion(4, k, { rings: [[c - 40, r - 30, c + 40, r - 30, c + 40, r + 30, c - 40, r + 30]] }, { kind: 'draw' });
    }
    await a.updateComplete;
    await frames(3);
    for (const view of views(a)) {
      const shown = canvasPixels(view);
      a.session.set('referenceLines', false);
      await frames(3);
      const noLines = canvasPixels(view);
      expect(differingPixels(shown, noLines), `${view.plane}: the reference lines`).toBeGreaterThan(0);
      a.session.set('overlays', false);
      await frames(3);
      const bare = canvasPixels(view);
      expect(differingPixels(noLines, bare), `${view.plane}: the labels and text`).toBeGreaterThan(100);
      a.session.set('referenceLines', true);
      a.session.set('overlays', true);
      await frames(3);
      expect(differingPixels(shown, canvasPixels(view))).toBe(0);
    }
    // The label is drawn where the labelmap has it on each plane: at the centre of the box on the shown slice.
    const sagittal = views(a).find((v) => v.plane === 'sagittal')!;
    const at = sagittal.imageToClient(r + 0.5, volume.slices - 1 - a.slice + 0.5)!;
    const bare = (a.session.set('overlays', false), await frames(3), canvasPixels(sagittal));
    a.session.set('overlays', true);
    await frames(3);
    const canvas = sagittal.shadowRoot!.querySelector('canvas')!;
    const rect = canvas.getBoundingClientRect();
    const i = (Math.floor(((at.y - rect.top) * canvas.height) / rect.height) * canvas.width + Math.floor(((at.x - rect.left) * canvas.width) / rect.width)) * 4;
    const shown = canvasPixels(sagittal);
    expect([shown[i], shown[i + 1], shown[i + 2]]).not.toEqual([bare[i], bare[i + 1], bare[i + 2]]);
  });

  it('O held hides the overlays only while held; a tap toggles; the keyboard repeat changes nothing', async () => {
    const a = await opened();
    keyDown(a, 'o');
    keyDown(a, 'o', { repeat: true });
    keyDown(a, 'o', { repeat: true });
    expect(a.session.get('overlays')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 450));
    a.dispatchEvent(new KeyboardEvent('keyup', { key: 'o', bubbles: true, composed: true }));
    expect(a.session.get('overlays')).toBe(true);
    // A tap: off until pressed again.
    keyDown(a, 'o');
    a.dispatchEvent(new KeyboardEvent('keyup', { key: 'o', bubbles: true, composed: true }));
    expect(a.session.get('overlays')).toBe(false);
    keyDown(a, 'o');
    a.dispatchEvent(new KeyboardEvent('keyup', { key: 'o', bubbles: true, composed: true }));
    expect(a.session.get('overlays')).toBe(true);
  });

  it('the wheel on a sagittal view moves the sagittal plane; Shift+click on it moves the axial slice and the coronal plane', async () => {
    const a = await opened();
    a.layout = 'mpr';
    await a.updateComplete;
    await frames(3);
    const volume = a.session.volume!;
    const sagittal = views(a).find((v) => v.plane === 'sagittal')!;
    const before = a.session.get('crosshair')!;
    sagittal.shadowRoot!.querySelector('.canvas-host')!.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, bubbles: true, cancelable: true, composed: true }));
    await a.updateComplete;
    expect(a.session.get('crosshair')).toEqual({ column: before.column + 1, row: before.row });
    expect(sagittal.index).toBe(before.column + 1);
    const target = { row: 200, slice: Math.max(0, a.slice - 4) };
    const p = sagittal.imageToClient(target.row + 0.5, volume.slices - 1 - target.slice + 0.5)!;
    await commands.pointerPath([[p.x, p.y]], { modifier: 'Shift' });
    await a.updateComplete;
    expect(a.slice).toBe(target.slice);
    expect(a.session.get('crosshair')).toEqual({ column: before.column + 1, row: target.row });
  });

  it('mpr-3d: the 3D view shows the labels, follows an edit made on a plane view, and a click on a surface moves the three planes', async () => {
    const a = await opened();
    a.layout = 'mpr-3d';
    const volume = a.session.volume!;
    const doc = (a as unknown as { annotations: { document: AnnotationDocument } }).annotations.document;
    const c = Math.floor(volume.columns / 2);
    const r = Math.floor(volume.rows / 2);
    const k0 = Math.max(2, a.slice - 3);
    doc.beginStroke('boxes');
    for (let k = k0; k <= k0 + 5; k++) doc.setRegion(4, k, { rings: [[c - 40, r - 30, c + 40, r - 30, c + 40, r + 30, c - 40, r + 30]] }, { kind: 'draw' });
    doc.commitStroke();
    await a.updateComplete;
    const surface = a.shadowRoot!.querySelector('segmark-surface-view')!;
    await surface.whenIdle();
    const [box] = surface.surfaces();
    expect(box?.labelId).toBe(4);
    // The box is 80 × 60 pixels × 6 slices: its volume in mm³ within 3 %.
    const voxels = 80 * 60 * 6;
    const mm3 = voxels * volume.spacing[0] * volume.spacing[1] * volume.spacing[2];
    expect(Math.abs(box!.volumeMm3 - mm3) / mm3).toBeLessThan(0.03);
    // The picture is not blank: the surface's colour is drawn.
    const pixels = surface.readPixels()!;
    let lit = 0;
    for (let i = 0; i < pixels.data.length; i += 4) if (pixels.data[i]! + pixels.data[i + 1]! + pixels.data[i + 2]! > 60) lit++;
    expect(lit).toBeGreaterThan(200);

    // An edit on the sagittal view (the brush, real mouse) grows the surface.
    a.activeLabel = 4;
    a.tool = 'brush';
    await a.updateComplete;
    await frames(2);
    const sagittal = views(a).find((v) => v.plane === 'sagittal')!;
    const y = volume.slices - 1 - (k0 + 8);
    const from = sagittal.imageToClient(r - 20, y)!;
    const to = sagittal.imageToClient(r + 20, y)!;
    await commands.pointerPath([[from.x, from.y], [to.x, to.y]], { stepsPerSegment: 8 });
    await surface.whenIdle();
    const [grown] = surface.surfaces();
    expect(grown!.volumeMm3).toBeGreaterThan(box!.volumeMm3);
    expect(grown!.bounds[5] - grown!.bounds[4]).toBeGreaterThan(box!.bounds[5] - box!.bounds[4]);

    // A click on the box's top face moves the axial slice and the crosshair there.
    a.tool = 'window';
    await a.updateComplete;
    surface.viewFrom('S');
    await surface.whenIdle();
    const target = { column: c + 20, row: r - 10, slice: k0 + 5 };
    const p = surface.voxelToClient(target.column, target.row, target.slice)!;
    await commands.pointerClicks([[p.x, p.y]]);
    await a.updateComplete;
    expect(Math.abs(a.slice - target.slice)).toBeLessThanOrEqual(1);
    const at = a.session.get('crosshair')!;
    expect(Math.abs(at.column - target.column)).toBeLessThanOrEqual(1);
    expect(Math.abs(at.row - target.row)).toBeLessThanOrEqual(1);
  });
});
