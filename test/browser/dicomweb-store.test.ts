/**
 * Save to PACS and back, against the real Orthanc: open the sample over
 * DICOMweb, draw two regions, `saveToPacs` (STOW-RS), then find the SEG with a
 * plain QIDO request, retrieve it with a plain fetch, read it with our SEG
 * reader and compare its masks with what was drawn; `pacsSegmentations` lists
 * it and opening it in a fresh annotator gives the same regions back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { readSeg } from '../../src/core/formats/seg.js';
import type { PacsStoreDetail } from '../../src/elements/events.js';
import { PACS_AUTH, ROOT, SAMPLE, pacs } from './support/dicomweb-pacs.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

type Internals = { annotations: { document: AnnotationDocument } };
const documentOf = (a: HTMLElement): AnnotationDocument => (a as unknown as Internals).annotations.document;

afterEach(unmountAll);

/** Two outlines on two slices, in pixel coordinates of the 384² sample. */
const DRAWN = [
  { labelId: 3, slice: 30, rings: [[150, 160, 230, 158, 236, 210, 155, 214]] },
  { labelId: 4, slice: 41, rings: [[120.5, 120.5, 200, 130, 190, 200, 110, 190]] },
];

/** A plain DICOMweb GET through the proxy, for checking what the PACS holds independently of our client. */
async function get(path: string, accept: string): Promise<Response> {
  const response = await fetch(`${ROOT}${path}`, { headers: { ...PACS_AUTH, Accept: accept } });
  expect(response.status, path).toBe(200);
  return response;
}

/** The first part of a multipart/related body (one instance). */
async function firstPart(response: Response): Promise<Uint8Array> {
  const boundary = /boundary="?([^";]+)"?/.exec(response.headers.get('content-type') ?? '')![1]!;
  const body = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder('latin1').decode(body);
  const start = text.indexOf('\r\n\r\n', text.indexOf(`--${boundary}`)) + 4;
  const end = text.indexOf(`\r\n--${boundary}`, start);
  return body.subarray(start, end);
}

describe('Save to PACS (STOW-RS) and earlier segmentations', () => {
  it('stores the drawn regions as a SEG that Orthanc returns with the same masks, and that opens again as the same regions', async () => {
    const a = mountAnnotator();
    await a.loadDicomWeb({ root: ROOT, headers: PACS_AUTH, studyInstanceUID: SAMPLE.studyInstanceUID, seriesInstanceUID: SAMPLE.seriesInstanceUID });
    const doc = documentOf(a);
    for (const d of DRAWN) doc.setRegion(d.labelId, d.slice, { rings: d.rings }, { kind: 'draw' });
    const stored: PacsStoreDetail[] = [];
    a.addEventListener('segmark-pacs-store', (e) => stored.push(e.detail));

    const detail = await a.saveToPacs();
    expect(stored).toEqual([detail]);
    expect(detail.studyInstanceUID).toBe(SAMPLE.studyInstanceUID);

    // QIDO for SEG series in the study, then a plain WADO-RS retrieve of the instance.
    const series = (await (await get(`/studies/${SAMPLE.studyInstanceUID}/series?Modality=SEG`, 'application/dicom+json')).json()) as Record<string, { Value?: string[] }>[];
    expect(series.map((s) => s['0020000E']!.Value![0])).toContain(detail.seriesInstanceUID);
    const instance = await get(
      `/studies/${SAMPLE.studyInstanceUID}/series/${detail.seriesInstanceUID}/instances/${detail.sopInstanceUID}`,
      'multipart/related; type="application/dicom"; transfer-syntax=*',
    );
    const seg = readSeg(await firstPart(instance));
    expect(seg.sopInstanceUID).toBe(detail.sopInstanceUID);
    const uids = a.series!.sopInstanceUIDs;
    const labels = a.getDocument()!.labels;
    expect(seg.frames).toHaveLength(DRAWN.length);
    for (const d of DRAWN) {
      const segment = seg.segments.find((s) => s.label === labels.find((l) => l.id === d.labelId)!.name)!;
      const frame = seg.frames.find((f) => f.segmentNumber === segment.number && f.sopInstanceUIDs.includes(uids[d.slice]!))!;
      const expected = rasterizeToMask({ rings: d.rings }, seg.columns, seg.rows);
      expect(expected.some((v) => v === 1)).toBe(true);
      expect(Array.from(frame.mask)).toEqual(Array.from(expected));
    }

    // The annotator finds it among the PACS's segmentations of the series and imports it onto a fresh load.
    const b = mountAnnotator();
    await b.loadDicomWeb({ ...pacs(), studyInstanceUID: SAMPLE.studyInstanceUID, seriesInstanceUID: SAMPLE.seriesInstanceUID });
    const found = await b.pacsSegmentations();
    const ours = found.find((s) => s.sopInstanceUID === detail.sopInstanceUID);
    expect(ours).toBeDefined();
    expect(ours!.segments).toBe(seg.segments.length);
    await b.openPacsSegmentation(ours!);
    const reopened = documentOf(b);
    for (const d of DRAWN) {
      // Labels are matched by code and name on import: find the drawn label's namesake.
      const name = labels.find((l) => l.id === d.labelId)!.name;
      const region = reopened.regionAt(reopened.labels.find((l) => l.name === name)!.id, d.slice);
      expect(Array.from(rasterizeToMask(region, seg.columns, seg.rows))).toEqual(Array.from(rasterizeToMask({ rings: d.rings }, seg.columns, seg.rows)));
    }
  });

  it('the toolbar button lists the PACS segmentations as notices with an Open button', async () => {
    const a = mountAnnotator();
    await a.loadDicomWeb({ ...pacs(), ...SAMPLE });
    documentOf(a).setRegion(DRAWN[0]!.labelId, DRAWN[0]!.slice, { rings: DRAWN[0]!.rings }, { kind: 'draw' });
    await a.saveToPacs();
    (a.shadowRoot!.querySelector('[data-action="pacs-segmentations"]') as HTMLButtonElement).click();
    await expect.poll(() => a.shadowRoot!.querySelectorAll('.notice .notice-action').length).toBeGreaterThan(0);
  });
});
