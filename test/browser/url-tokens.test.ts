/**
 * Signed-URL tokens stay out of what Segmark says (issue 17): a URL's query
 * string and fragment (an S3 signature, a token) never reach an error's
 * `file`, an event a host may log, or a notice on screen — by URL and over
 * DICOMweb. Origin and path still name the file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { PUBLIC_EVENTS } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleIndex } from './support/sample.js';

afterEach(unmountAll);

const TOKEN = '?X-Amz-Signature=secret&X-Amz-Credential=AKIDsecret#frag';

/** Every public event's detail, as a host would log it. */
function recordEvents(a: SegmarkAnnotator): string[] {
  const seen: string[] = [];
  for (const type of PUBLIC_EVENTS) {
    a.addEventListener(type, (e) => seen.push(`${type} ${JSON.stringify((e as CustomEvent).detail, (_, v: unknown) => (ArrayBuffer.isView(v) ? `[${v.constructor.name}]` : v))}`));
  }
  return seen;
}

/** What the host sees: events, the thrown error (message, file, params), and the annotator's own text on screen. */
function everything(a: SegmarkAnnotator, events: readonly string[], thrown: unknown): string {
  const e = thrown as { message?: string; file?: string; params?: unknown } | undefined;
  return [...events, e?.message ?? '', e?.file ?? '', JSON.stringify(e?.params ?? {}), a.shadowRoot!.innerHTML, a.shadowRoot!.textContent ?? ''].join('\n');
}

describe('URLs in errors, events and notices', () => {
  it('REQ-SEC-URL-1: loadUrls with signed URLs: a 404, a duplicate and the loaded series never show the query or fragment', async () => {
    const a = mountAnnotator();
    const events = recordEvents(a);
    const files = (await sampleIndex()).files.slice(0, 4);
    const absolute = (f: string) => `${location.origin}/sample-dicom/${f}${TOKEN}`;
    let thrown: unknown;
    try {
      // The same image twice under two signatures (a duplicate warning names both), and a missing file.
      await a.loadUrls([...files.map(absolute), `/sample-dicom/${files[0]}?X-Amz-Signature=othersecret`, `/sample-dicom/missing.dcm${TOKEN}`]);
    } catch (error) {
      thrown = error;
    }
    expect(a.series?.slices).toBe(4);
    const errors = events.filter((e) => e.startsWith('segmark-error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"file":"/sample-dicom/missing.dcm"');
    expect(events.some((e) => e.startsWith('segmark-load'))).toBe(true);
    const text = everything(a, events, thrown);
    expect(text).toContain('/sample-dicom/missing.dcm');
    // The duplicate's warning and notice name both copies, by origin and path.
    expect(events.find((e) => e.startsWith('segmark-load'))).toContain('duplicate-instance');
    expect(a.shadowRoot!.querySelector('.notices')!.textContent).toContain(`${location.origin}/sample-dicom/${files[0]}`);
    for (const leak of ['secret', 'AKID', 'X-Amz', 'frag']) expect(text).not.toContain(leak);
  });

  it('REQ-SEC-URL-2: a DICOMweb root carrying a token in its query: the failure names the root without it', async () => {
    const a = mountAnnotator();
    const events = recordEvents(a);
    let thrown: unknown;
    try {
      await a.loadDicomWeb({ root: `/no-such-pacs/dicom-web${TOKEN}`, studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', retries: 0 });
    } catch (error) {
      thrown = error;
    }
    const errors = events.filter((e) => e.startsWith('segmark-error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"file":"/no-such-pacs/dicom-web"');
    const text = everything(a, events, thrown);
    for (const leak of ['secret', 'AKID', 'X-Amz', 'frag']) expect(text).not.toContain(leak);
  });
});
