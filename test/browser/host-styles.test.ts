/**
 * The annotator's layout lives in its shadow root: a portal's own style on
 * the element (display: block, flex, inline-block) leaves the tool bar, the
 * image, the side bar and the status bar inside the box it gives, and a
 * click on the image still lands on the image.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

function inside(inner: DOMRect, outer: DOMRect): boolean {
  return inner.left >= outer.left - 0.5 && inner.top >= outer.top - 0.5 && inner.right <= outer.right + 0.5 && inner.bottom <= outer.bottom + 0.5;
}

describe('host styles on <segmark-annotator>', () => {
  for (const display of ['block', 'flex', 'inline-block', 'grid']) {
    it(`display: ${display} on the element keeps every part inside its box`, async () => {
      const a = document.createElement('segmark-annotator');
      a.noAutosave = true;
      a.style.cssText = `display:${display};width:1100px;height:700px`;
      document.body.append(a);
      mounted.push(a);
      await a.loadFiles(await sampleFiles(12));
      await frames(3);
      const box = a.getBoundingClientRect();
      expect(box.height).toBeCloseTo(700, 0);
      const root = a.shadowRoot!;
      for (const part of ['toolbar', 'viewport', 'side', 'statusbar']) {
        const rect = root.querySelector(`[part="${part}"]`)!.getBoundingClientRect();
        expect(rect.height, part).toBeGreaterThan(10);
        expect(inside(rect, box), `${part} ${JSON.stringify(rect)} in ${JSON.stringify(box)}`).toBe(true);
      }
      // The image takes most of the box, not a sliver below it.
      const view = root.querySelector('[part="viewport"]')!.getBoundingClientRect();
      expect(view.height).toBeGreaterThan(400);
      // What is at the centre of the image is the viewport.
      const hit = root.elementFromPoint(view.left + view.width / 2, view.top + view.height / 2);
      expect(hit?.closest('segmark-viewport')).not.toBeNull();
    });
  }
});
