/**
 * The sagittal and coronal reformats show the labels: their label pixels equal
 * the labelmap resliced here, they are drawn on the reformat's canvas, follow
 * an edit and a hidden label at once, in real Chromium.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { LabelmapSlices } from '../../src/core/annotation/labelmap.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { ReformatLabels } from '../../src/viewer/reformat-labels.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { canvasPixels, differingPixels } from './support/canvas.js';
import { frames, sampleFiles } from './support/sample.js';

afterEach(unmountAll);

type Internals = { annotations: { document: AnnotationDocument; labelmap: LabelmapSlices; reformatLabels: ReformatLabels } };

const square = (x: number, y: number, s: number) => ({ rings: [[x, y, x + s, y, x + s, y + s, x, y + s]] });

/** The labelmap cut along a plane, written out here: row `slices − 1 − k` holds slice k. */
function reslice(labelmap: LabelmapSlices, plane: 'sagittal' | 'coronal', index: number): number[] {
  const { columns, rows, slices } = labelmap;
  const out: number[] = [];
  for (let k = slices - 1; k >= 0; k--) {
    const map = labelmap.slice(k);
    if (plane === 'sagittal') for (let r = 0; r < rows; r++) out.push(map[r * columns + index]!);
    else for (let c = 0; c < columns; c++) out.push(map[index * columns + c]!);
  }
  return out;
}



describe('labels on the sagittal and coronal reformats', () => {
  it('equal the labelmap resliced, are drawn on the canvas, and follow edits and visibility', async () => {
    const a = mountAnnotator({ width: 1280, height: 800 });
    await a.loadFiles(await sampleFiles());
    await frames(3);
    const internals = a as unknown as Internals;
    const doc = internals.annotations.document;
    const volume = a.session.volume!;
    const column = Math.floor(volume.columns / 2);
    const row = Math.floor(volume.rows / 2);
    a.session.set('crosshair', { column, row });
    await frames(3);
    const [sagittal, coronal] = Array.from(a.shadowRoot!.querySelectorAll('segmark-reformat'));
    const before = [canvasPixels(sagittal!), canvasPixels(coronal!)];

    for (let k = 20; k < 30; k++) doc.setRegion(4, k, square(column - 30, row - 20, 60), { kind: 'draw' });
    await frames(3);
    const labels = internals.annotations.reformatLabels;
    for (const [plane, index] of [['sagittal', column], ['coronal', row]] as const) {
      const cut = Array.from(labels.labels(plane, index));
      expect(cut, plane).toEqual(reslice(internals.annotations.labelmap, plane, index));
      // 10 slices × 60 pixels of label 4 on each cut (pixel centres inside the square).
      expect(cut.filter((v) => v === 4).length, plane).toBe(600);
    }
    const shown = [canvasPixels(sagittal!), canvasPixels(coronal!)];
    expect(differingPixels(before[0]!, shown[0]!)).toBeGreaterThan(100);
    expect(differingPixels(before[1]!, shown[1]!)).toBeGreaterThan(100);

    doc.updateLabel(4, { visible: false });
    await frames(3);
    expect(differingPixels(before[0]!, canvasPixels(sagittal!))).toBe(0);
    expect(differingPixels(before[1]!, canvasPixels(coronal!))).toBe(0);

    doc.updateLabel(4, { visible: true });
    await frames(3);
    expect(differingPixels(shown[0]!, canvasPixels(sagittal!))).toBe(0);

    // An edit through the annotator: undoing the last slice's outline takes its row off both cuts.
    doc.setRegion(4, 29, { rings: [] }, { kind: 'erase' });
    await frames(3);
    expect(labels.labels('sagittal', column).filter((v) => v === 4).length).toBe(540);
    expect(differingPixels(shown[0]!, canvasPixels(sagittal!))).toBeGreaterThan(0);
    expect(a.undo()).toBe(true);
    await frames(3);
    expect(labels.labels('coronal', row).filter((v) => v === 4).length).toBe(600);
    expect(differingPixels(shown[1]!, canvasPixels(coronal!))).toBe(0);
  });
});
