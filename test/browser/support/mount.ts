/** An annotator on the test page, sized, without annotation storage unless a test asks for it. */
import type { AnnotationDocument } from '../../../src/core/annotation/document.js';
import type { SegmarkAnnotator } from '../../../src/elements/segmark-annotator/segmark-annotator.js';
import { documentId } from '../../../src/store/schema.js';
import { frames, sampleFiles } from './sample.js';
import { until } from './wait.js';

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

/**
 * An annotator for `user` in `role` that stores its work (unless `autosave` is false) and,
 * with `cacheImages`, caches its images (remove it with unmountAll).
 */
export function mountWorking(user: string, role: string, options: { autosave?: boolean; cacheImages?: boolean; lang?: string } = {}): SegmarkAnnotator {
  const el = document.createElement('segmark-annotator');
  el.user = user;
  el.role = role;
  el.noAutosave = options.autosave === false;
  el.cacheImages = options.cacheImages ?? true;
  if (options.lang) el.lang = options.lang;
  el.style.cssText = 'display:grid;width:1000px;height:700px';
  document.body.append(el);
  mounted.push(el);
  return el;
}

/** `mountWorking` with the first eight sample slices open and the annotation ready to edit. */
export async function openSample(user: string, role: string, options: { autosave?: boolean; lang?: string } = {}): Promise<SegmarkAnnotator> {
  const el = mountWorking(user, role, { ...options, cacheImages: false });
  await el.loadFiles(await sampleFiles(8));
  await until('the annotation to be ready', () => el.annotationReady, 10000);
  await frames(2);
  return el;
}

/**
 * `user` opens the first eight sample slices as an annotator (storing the work and caching the images), draws
 * `outlines` ([label, slice, verified], each a 30-pixel square) and submits; returns the document's id and regions.
 */
export async function submitWork(user: string, outlines: [number, number, boolean][]): Promise<{ id: string; regions: string }> {
  const a = mountWorking(user, 'annotator');
  await a.loadFiles(await sampleFiles(8));
  await until('the annotation to be ready', () => a.annotationReady && a.editable);
  const doc = (a as unknown as { annotations: { document: AnnotationDocument } }).annotations.document;
  for (const [label, slice, verified] of outlines) doc.setRegion(label, slice, { rings: [[10, 10, 40, 10, 40, 40, 10, 40]] }, { kind: 'draw', verified });
  a.setStatus('submitted');
  await a.flushSave();
  const s = a.getDocument()!.series;
  const result = { id: documentId(s.studyInstanceUID, s.seriesInstanceUID, user), regions: JSON.stringify(a.getDocument()!.regions) };
  a.remove();
  return result;
}
