/**
 * A page of its own inside the test page: a same-origin iframe with its own
 * document and its own copy of Segmark (real Web Locks, BroadcastChannel and
 * IndexedDB between the two), holding one annotator for `user` on sample
 * slices 30 … 30 + count.
 */
import type { SegmarkAnnotator } from '../../../src/elements/segmark-annotator/segmark-annotator.js';
import { sampleIndex } from './sample.js';
import { until } from './wait.js';

const open: HTMLIFrameElement[] = [];

export async function framePage(user: string, count: number): Promise<{ annotator: SegmarkAnnotator; frame: HTMLIFrameElement }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:900px;height:620px;border:0';
  frame.srcdoc = `<!doctype html><body style="margin:0"><segmark-annotator style="display:grid;width:900px;height:600px"></segmark-annotator>
    <script type="module">import '/src/index.ts';</script></body>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  open.push(frame);
  await loaded;
  await frame.contentWindow!.customElements.whenDefined('segmark-annotator');
  const a = frame.contentDocument!.querySelector('segmark-annotator') as SegmarkAnnotator;
  a.user = user;
  const index = await sampleIndex();
  await a.loadUrls(index.files.slice(30, 30 + count).map((f) => `${location.origin}/sample-dicom/${f}`));
  await until('the annotation to be ready', () => a.annotationReady, 10000);
  return { annotator: a, frame };
}

/** Removes every frame page still open (call from afterEach). */
export function removeFramePages(): void {
  for (const f of open.splice(0)) f.remove();
}
