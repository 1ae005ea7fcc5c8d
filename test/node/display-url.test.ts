/**
 * `displayUrl` (issue 17): what Segmark shows of a URL is its origin and path,
 * never the query string, fragment or credentials a signed URL carries.
 */
import { describe, expect, it } from 'vitest';
import { SegmarkError } from '../../src/core/errors.js';
import { readSource, sourceName } from '../../src/core/dicom/sources.js';
import { displayUrl } from '../../src/core/util/display-url.js';

describe('displayUrl', () => {
  it('REQ-SEC-URL-3: origin and path only, for absolute, relative and credentialed URLs; data: URLs by media type', () => {
    expect(displayUrl('https://bucket.s3.amazonaws.com/ct/IM1.dcm?X-Amz-Signature=secret#frag')).toBe('https://bucket.s3.amazonaws.com/ct/IM1.dcm');
    expect(displayUrl('https://reader:secret@pacs.example:8443/wado/IM1.dcm?token=secret')).toBe('https://pacs.example:8443/wado/IM1.dcm');
    expect(displayUrl('/sample-dicom/IM0001.dcm?sig=secret#frag')).toBe('/sample-dicom/IM0001.dcm');
    expect(displayUrl('../ct/a.dcm#secret')).toBe('../ct/a.dcm');
    expect(displayUrl('ftp://user:secret@host/a.dcm?x=secret')).toBe('ftp://host/a.dcm');
    expect(displayUrl('data:application/dicom;base64,c2VjcmV0')).toBe('data:application/dicom');
    expect(displayUrl('IM0001.dcm')).toBe('IM0001.dcm');
  });

  it('REQ-SEC-URL-4: a URL source is named without its token, and its failed download says so', async () => {
    const url = 'http://127.0.0.1:9/ct/IM1.dcm?X-Amz-Signature=secret#frag';
    expect(sourceName({ url })).toBe('http://127.0.0.1:9/ct/IM1.dcm');
    // Port 9 (discard) refuses the connection: a real fetch failure.
    const error = await readSource({ url }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SegmarkError);
    const e = error as SegmarkError;
    expect(e.code).toBe('fetch-failed');
    expect(e.file).toBe('http://127.0.0.1:9/ct/IM1.dcm');
    expect(`${e.message} ${JSON.stringify(e.params)}`).not.toContain('secret');
  });
});
