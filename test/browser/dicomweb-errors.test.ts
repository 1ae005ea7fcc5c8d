/**
 * What the host sees when the PACS says no or is not there, with the real
 * Orthanc (bearer token checked) through vite's proxy: a wrong root or an unknown
 * series (404), a closed port, a wrong token (403, no retry), a timeout
 * (retried with backoff), a multipart body cut short, and a failed STOW that
 * keeps the work and stores it on Retry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { SegmarkError } from '../../src/core/errors.js';
import { checkParts, searchStudies } from '../../src/dicomweb/client.js';
import { instanceFromMetadata } from '../../src/dicomweb/dicom-json.js';
import type { ErrorDetail, PacsStoreDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { PACS_AUTH, ROOT, SAMPLE, WRONG_AUTH, pacs } from './support/dicomweb-pacs.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

afterEach(unmountAll);

/** Loads with `options` and returns the segmark-error details fired. */
async function loadErrors(a: SegmarkAnnotator, options: Partial<Parameters<SegmarkAnnotator['loadDicomWeb']>[0]>): Promise<ErrorDetail[]> {
  const errors: ErrorDetail[] = [];
  a.addEventListener('segmark-error', (e) => errors.push(e.detail));
  await a.loadDicomWeb({ root: ROOT, headers: PACS_AUTH, ...SAMPLE, retryDelayMs: 10, ...options });
  return errors;
}

describe('DICOMweb failures become segmark-error codes', () => {
  it('a wrong root and an unknown series give pacs-not-found', async () => {
    expect(await loadErrors(mountAnnotator(), { root: `${ROOT}/wrong` })).toEqual([expect.objectContaining({ code: 'pacs-not-found', status: 404 })]);
    expect(await loadErrors(mountAnnotator(), { seriesInstanceUID: '2.25.1' })).toEqual([expect.objectContaining({ code: 'pacs-not-found' })]);
  });

  it('a closed port gives pacs-unreachable after the retries', async () => {
    let attempts = 0;
    const headers = () => {
      attempts++;
      return PACS_AUTH;
    };
    const errors = await loadErrors(mountAnnotator(), { root: 'http://127.0.0.1:65534/dicom-web', headers, retries: 2 });
    expect(errors).toEqual([expect.objectContaining({ code: 'pacs-unreachable' })]);
    expect(attempts).toBe(3);
  });

  it('a refused token gives pacs-unauthorized with the status, once, without retrying', async () => {
    let attempts = 0;
    const headers = async () => {
      attempts++;
      return WRONG_AUTH;
    };
    const a = mountAnnotator();
    expect(await loadErrors(a, { headers })).toEqual([expect.objectContaining({ code: 'pacs-unauthorized', status: 403 })]);
    expect(attempts).toBe(1);
    expect(a.series).toBeUndefined();
  });

  it('a request slower than timeoutMs is retried with backoff, then gives pacs-timeout', async () => {
    let attempts = 0;
    const started = performance.now();
    const error = await searchStudies(pacs({ timeoutMs: 1, retries: 2, retryDelayMs: 50, headers: () => (attempts++, PACS_AUTH) }), {}).catch((e: SegmarkError) => e);
    expect(error).toMatchObject({ code: 'pacs-timeout' });
    expect(attempts).toBe(3);
    // Two waits: about 50 ms, then about 100 ms (±25 % jitter).
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('a multipart body cut short is pacs-bad-response, not a silently missing slice', () => {
    // dicomweb-client's parser keeps only the parts closed by a boundary: a body cut inside its
    // only part comes back as no parts, one cut inside its second part as one.
    const part = new ArrayBuffer(8);
    expect(() => checkParts([], 1, 'frames/1')).toThrowError(expect.objectContaining({ code: 'pacs-bad-response' }));
    expect(() => checkParts([part], 2, 'frames/1,2')).toThrowError(expect.objectContaining({ code: 'pacs-bad-response' }));
    const meta = { '00280010': { vr: 'US', Value: [2] }, '00280011': { vr: 'US', Value: [2] }, '00280100': { vr: 'US', Value: [16] }, '00280008': { vr: 'IS', Value: [2] } };
    expect(() => instanceFromMetadata(meta, [new Uint8Array(8)], '1.2.840.10008.1.2.1', 'x')).toThrowError(expect.objectContaining({ code: 'pacs-bad-response' }));
  });
});

describe('a failed Save to PACS', () => {
  it('reports the failure, keeps the work, and stores it on Retry', async () => {
    // Two real refusals: a token the PACS rejects (403), and a request the server refuses
    // outright (a header over its size limit: HTTP 431 from the proxy in front of Orthanc).
    let mode: 'ok' | 'refused' | 'bad-request' = 'ok';
    const headers = (): Record<string, string> =>
      mode === 'refused' ? WRONG_AUTH : mode === 'bad-request' ? { ...PACS_AUTH, 'X-Padding': 'x'.repeat(64 * 1024) } : PACS_AUTH;
    const a = mountAnnotator();
    await a.loadDicomWeb({ root: ROOT, headers, ...SAMPLE });
    const doc = (a as unknown as { annotations: { document: AnnotationDocument } }).annotations.document;
    doc.setRegion(2, 20, { rings: [[100, 100, 180, 100, 180, 170, 100, 170]] }, { kind: 'draw' });
    const errors: ErrorDetail[] = [];
    const stored: PacsStoreDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    a.addEventListener('segmark-pacs-store', (e) => stored.push(e.detail));

    mode = 'refused';
    await expect(a.saveToPacs()).rejects.toMatchObject({ code: 'pacs-unauthorized' });
    mode = 'bad-request';
    await expect(a.saveToPacs()).rejects.toMatchObject({ code: 'pacs-store-failed' });
    expect(errors.map((e) => e.code)).toEqual(['pacs-unauthorized', 'pacs-store-failed']);
    expect(stored).toEqual([]);
    expect(doc.regionAt(2, 20).rings).toHaveLength(1);

    mode = 'ok';
    await a.updateComplete;
    const retry = [...a.shadowRoot!.querySelectorAll<HTMLButtonElement>('.notice .notice-action')].filter((b) => b.textContent === 'Retry');
    expect(retry).toHaveLength(2);
    retry.at(-1)!.click();
    await expect.poll(() => stored.length).toBe(1);
    await a.updateComplete;
    expect([...a.shadowRoot!.querySelectorAll('.notice .notice-action')].filter((b) => b.textContent === 'Retry')).toHaveLength(0);
  });
});
