/**
 * A newly opened series reaches the annotator's parts a frame apart (issue 19):
 * the main view first, then the sagittal view, the coronal view, and last the
 * label panel (the document) — each in a later animation frame than the one
 * before, so their first draws do not pile up in one frame. `updateComplete`,
 * asked while only the main view shows the series, resolves once every part
 * shows it, the deferred views do draw it, and a view waiting its turn does
 * not ask for files meanwhile. Observed frame by frame in real
 * Chromium, for the side reformats (layout `axial`) and the plane views (`mpr`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { canvasPixels } from './support/canvas.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { frames, sampleFiles } from './support/sample.js';

afterEach(() => {
  unmountAll();
  localStorage.clear();
});

type Part = 'main' | 'sagittal' | 'coronal' | 'labels';
const PARTS: readonly Part[] = ['main', 'sagittal', 'coronal', 'labels'];

/** The element of each part in a layout: the side reformats beside one axial view, or the plane views of an MPR layout. */
type PartElement = HTMLElement & { volume?: unknown; document?: unknown };

function partElements(a: SegmarkAnnotator, layout: 'axial' | 'mpr'): Record<Part, PartElement> {
  const root = a.shadowRoot!;
  const plane = (p: string): PartElement =>
    layout === 'axial' ? [...root.querySelectorAll('segmark-reformat')].find((r) => r.plane === p)! : root.querySelector<PartElement>(`segmark-viewport[data-plane=${p}]`)!;
  return {
    main: root.querySelector<PartElement>('segmark-viewport[data-plane=axial]')!,
    sagittal: plane('sagittal'),
    coronal: plane('coronal'),
    labels: root.querySelector('segmark-label-panel')!,
  };
}

function shows(a: SegmarkAnnotator, layout: 'axial' | 'mpr'): Record<Part, boolean> {
  const el = partElements(a, layout);
  return {
    main: el.main.volume !== undefined,
    sagittal: el.sagittal.volume !== undefined,
    coronal: el.coronal.volume !== undefined,
    labels: el.labels.document !== undefined,
  };
}

function lit(pixels: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! + pixels[i + 1]! + pixels[i + 2]! > 30) n++;
  return n;
}

describe('a newly opened series', () => {
  for (const layout of ['axial', 'mpr'] as const) {
    it(`${layout}: reaches the main view, then the sagittal and coronal views, then the label panel, each in a later frame; updateComplete waits for all`, async () => {
      const a = mountAnnotator({ width: 1280, height: 800 });
      a.layout = layout;
      await a.updateComplete;
      const files = await sampleFiles(8);

      // The frame (counted from the load's start) in which each part was first seen showing the series.
      const seenIn: Partial<Record<Part, number>> = {};
      let frame = 0;
      let watching = true;
      let whenAsked: Record<Part, boolean> | undefined;
      let whenComplete: Promise<Record<Part, boolean>> | undefined;
      /** Views that asked for files ("Open or drop a CT series") while the series was being revealed. */
      const askedForFiles = new Set<string>();
      const watch = (): void => {
        frame++;
        const now = shows(a, layout);
        for (const part of PARTS) if (now[part] && seenIn[part] === undefined) seenIn[part] = frame;
        if (now.main) {
          for (const v of a.shadowRoot!.querySelectorAll('segmark-viewport')) {
            if (v.shadowRoot!.querySelector('.empty')?.textContent?.trim()) askedForFiles.add(v.dataset.plane!);
          }
        }
        if (now.main && !whenComplete) {
          // Asked in the first frame that has the series on the main view.
          whenAsked = now;
          whenComplete = a.updateComplete.then(() => shows(a, layout));
        }
        if (watching) requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      await a.loadFiles(files);
      const atComplete = await whenComplete;
      watching = false;

      expect(whenAsked).toEqual({ main: true, sagittal: false, coronal: false, labels: false });
      expect(atComplete).toEqual({ main: true, sagittal: true, coronal: true, labels: true });
      expect(seenIn.main).toBeDefined();
      expect(seenIn.sagittal!, 'sagittal after main').toBeGreaterThan(seenIn.main!);
      expect(seenIn.coronal!, 'coronal after sagittal').toBeGreaterThan(seenIn.sagittal!);
      expect(seenIn.labels!, 'labels after coronal').toBeGreaterThan(seenIn.coronal!);
      expect([...askedForFiles], 'views waiting their turn show no empty-viewer text').toEqual([]);

      // The deferred parts do show the series: the views draw it, the panel lists the document's labels.
      await frames(2);
      const el = partElements(a, layout);
      for (const part of ['main', 'sagittal', 'coronal'] as const) expect(lit(canvasPixels(el[part])), part).toBeGreaterThan(1000);
      const listed = el.labels.shadowRoot!.querySelectorAll('li[data-id]').length;
      expect(listed).toBe(a.getDocument()!.labels.length);
      expect(listed).toBeGreaterThan(0);
    });
  }

  it('after a load, updateComplete resolves once every part shows the series; the next series is revealed the same way; a load that opens nothing puts the series back at once', async () => {
    const a = mountAnnotator({ width: 1280, height: 800 });
    await a.loadFiles(await sampleFiles(8));
    await a.updateComplete;
    expect(shows(a, 'axial')).toEqual({ main: true, sagittal: true, coronal: true, labels: true });
    const first = partElements(a, 'axial').main.volume;

    // A second series: the parts are cleared, then given it in turn.
    const seen: Record<Part, boolean>[] = [];
    let watching = true;
    const watch = (): void => {
      seen.push(shows(a, 'axial'));
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    await a.loadFiles(await sampleFiles(12));
    await a.updateComplete;
    watching = false;
    const second = partElements(a, 'axial').main.volume;
    expect(second).not.toBe(first);
    expect(shows(a, 'axial')).toEqual({ main: true, sagittal: true, coronal: true, labels: true });
    expect(seen.some((s) => s.main && !s.sagittal && !s.coronal && !s.labels), 'a frame with the main view alone').toBe(true);

    // Files that open nothing: the series in hand is back on every part as soon as the load is over.
    await a.loadFiles([new File([new Uint8Array(300).fill(7)], 'not-dicom.bin')]);
    expect(partElements(a, 'axial').main.volume).toBe(second);
    expect(shows(a, 'axial')).toEqual({ main: true, sagittal: true, coronal: true, labels: true });
  });
});
