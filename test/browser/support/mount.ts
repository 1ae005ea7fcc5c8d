/** An annotator on the test page, sized, without annotation storage unless a test asks for it. */
import type { SegmarkAnnotator } from '../../../src/elements/segmark-annotator/segmark-annotator.js';

const mounted: SegmarkAnnotator[] = [];

export function mountAnnotator(options: { width?: number; height?: number; autosave?: boolean; lang?: string } = {}): SegmarkAnnotator {
  const el = document.createElement('segmark-annotator');
  // Annotation storage is tested on its own (autosave.test.ts); elsewhere every test starts clean.
  el.noAutosave = !options.autosave;
  if (options.lang) el.lang = options.lang;
  el.style.cssText = `display:grid;width:${options.width ?? 900}px;height:${options.height ?? 600}px`;
  document.body.append(el);
  mounted.push(el);
  return el;
}

/** Removes every annotator mounted so far (call from afterEach). */
export function unmountAll(): void {
  for (const el of mounted.splice(0)) el.remove();
}

/** An annotator that stores its work and caches its images, as `user` in `role` (remove it with unmountAll). */
export function mountWorking(user: string, role: string): SegmarkAnnotator {
  const el = document.createElement('segmark-annotator');
  el.user = user;
  el.role = role;
  el.cacheImages = true;
  el.style.cssText = 'display:grid;width:1000px;height:700px';
  document.body.append(el);
  mounted.push(el);
  return el;
}
