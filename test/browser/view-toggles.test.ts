/**
 * Keys that clear the view, through the command table: C hides the lines
 * where the other planes cut (on the image and on the reformats), O hides
 * everything drawn over the images, labels included; each key and its tool-bar
 * button agree, and a second press brings back exactly what was there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { canvasPixels, differingPixels } from './support/canvas.js';
import { frames, sampleFiles } from './support/sample.js';

afterEach(unmountAll);

const key = (a: SegmarkAnnotator, k: string) => a.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));



describe('view toggles', () => {
  it('C hides the reference lines and O every overlay; the buttons show the state; a second press restores the picture', async () => {
    const a = mountAnnotator({ width: 1280, height: 800 });
    await a.loadFiles(await sampleFiles());
    await frames(3);
    const volume = a.session.volume!;
    const doc = (a as unknown as { annotations: { document: AnnotationDocument } }).annotations.document;
    const column = Math.floor(volume.columns / 2);
    const row = Math.floor(volume.rows / 2);
    doc.setRegion(4, a.slice, { rings: [[column - 40, row - 30, column + 40, row - 30, column + 40, row + 30, column - 40, row + 30]] }, { kind: 'draw' });
    await frames(3);
    const root = a.shadowRoot!;
    const viewport = root.querySelector('segmark-viewport')!;
    const sagittal = root.querySelector('segmark-reformat')!;
    const linesButton = root.querySelector<HTMLButtonElement>('button[data-command="reference-lines"]')!;
    const overlaysButton = root.querySelector<HTMLButtonElement>('button[data-command="overlays"]')!;
    expect([linesButton.getAttribute('aria-pressed'), overlaysButton.getAttribute('aria-pressed')]).toEqual(['true', 'true']);
    const shown = { axial: canvasPixels(viewport), sagittal: canvasPixels(sagittal) };

    key(a, 'c');
    await frames(3);
    expect(linesButton.getAttribute('aria-pressed')).toBe('false');
    const noLines = { axial: canvasPixels(viewport), sagittal: canvasPixels(sagittal) };
    expect(differingPixels(shown.axial, noLines.axial)).toBeGreaterThan(0);
    expect(differingPixels(shown.sagittal, noLines.sagittal)).toBeGreaterThan(0);
    linesButton.click();
    await frames(3);
    expect(differingPixels(shown.axial, canvasPixels(viewport))).toBe(0);

    key(a, 'o');
    await frames(3);
    expect(overlaysButton.getAttribute('aria-pressed')).toBe('false');
    const bare = canvasPixels(viewport);
    // The label, the lines and the text are gone: more than the lines alone changed.
    expect(differingPixels(shown.axial, bare)).toBeGreaterThan(differingPixels(shown.axial, noLines.axial));
    // Hiding the label itself no longer changes anything: it is not drawn.
    doc.updateLabel(4, { visible: false });
    await frames(3);
    expect(differingPixels(bare, canvasPixels(viewport))).toBe(0);
    doc.updateLabel(4, { visible: true });
    key(a, 'o');
    await frames(3);
    expect(overlaysButton.getAttribute('aria-pressed')).toBe('true');
    expect(differingPixels(shown.axial, canvasPixels(viewport))).toBe(0);
    expect(differingPixels(shown.sagittal, canvasPixels(sagittal))).toBe(0);
  });
});
