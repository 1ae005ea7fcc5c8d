/**
 * De-identification never maps two roles to one UID (issue 16): a source that
 * leaves its Study and Series Instance UIDs empty (the TotalSegmentator
 * Siemens series does) once got one replacement for both, so the SEG's study
 * was the series it referenced. An empty UID now gets a fresh replacement per
 * role; a real UID keeps one replacement whatever role it is asked in.
 */
import { describe, expect, it } from 'vitest';
import { Deidentifier, type UidRole } from '../../src/core/formats/deidentify.js';
import { deidentifySegInput } from '../../src/core/formats/deidentify-seg.js';
import { readSeg, writeSeg } from '../../src/core/formats/seg.js';
import { smallSeg } from './support/seg-cases.js';

const ROLES: readonly UidRole[] = ['study', 'series', 'sop-instance', 'frame-of-reference'];
const UID = /^2\.25\.\d{1,39}$/;

describe('de-identification of empty UIDs, per role', () => {
  it('REQ-DEID-UID-1: an empty UID gets a different replacement in each role, each a valid UID', () => {
    const d = new Deidentifier({ caseId: 'case_0001', secret: 'one secret' });
    const out = ROLES.map((role) => d.uid('', role));
    for (const uid of out) expect(uid).toMatch(UID);
    expect(new Set(out).size).toBe(ROLES.length);
    // Whitespace is as empty as nothing (a padded empty UI value).
    expect(d.uid(' ', 'study')).toBe(out[0]);
  });

  it('REQ-DEID-UID-2: within one de-identifier a role keeps its replacement, so the files of one export agree', () => {
    const d = new Deidentifier({ caseId: 'case_0001', secret: 'one secret' });
    expect(d.uid('', 'study')).toBe(d.uid('', 'study'));
    expect(d.uid('', 'sop-instance', 3)).toBe(d.uid('', 'sop-instance', 3));
    expect(d.uid('', 'sop-instance', 3)).not.toBe(d.uid('', 'sop-instance', 4));
    expect(d.uid('', 'sop-instance', 3)).not.toBe(d.uid('', 'sop-instance'));
  });

  it('REQ-DEID-UID-3: an empty UID without a role is never shared: a new replacement every time', () => {
    const d = new Deidentifier({ caseId: 'case_0001', secret: 'one secret' });
    expect(d.uid('')).not.toBe(d.uid(''));
  });

  it('REQ-DEID-UID-4: two cases exported with one secret do not share a study because both left it empty', () => {
    const a = new Deidentifier({ caseId: 'case_0001', secret: 'dataset secret' });
    const b = new Deidentifier({ caseId: 'case_0002', secret: 'dataset secret' });
    for (const role of ROLES) expect(a.uid('', role)).not.toBe(b.uid('', role));
  });

  it('REQ-DEID-UID-5: a real UID keeps one replacement whatever role it is asked in, and the same with the same secret', () => {
    const a = new Deidentifier({ caseId: 'case_0001', secret: 'one secret' });
    const b = new Deidentifier({ caseId: 'case_0001', secret: 'one secret' });
    const uid = '1.3.12.2.1107.5.1.4.60064.30000022120807274275100000041';
    expect(a.uid(uid, 'frame-of-reference')).toBe(a.uid(uid));
    expect(a.uid(uid, 'study')).toBe(b.uid(uid, 'study'));
    expect(a.uid(uid)).not.toBe(a.uid('', 'frame-of-reference'));
  });

  it('REQ-DEID-UID-6: a de-identified SEG of a source with empty Study and Series UIDs names distinct study, series, referenced series and instances', () => {
    const { input } = smallSeg();
    const bare = { ...input, source: { ...input.source, studyInstanceUID: '', seriesInstanceUID: '' }, slices: input.slices.map((s) => ({ ...s })) };
    const d = new Deidentifier({ caseId: 'case_0007' });
    const out = deidentifySegInput(bare, d);
    expect(out.source.studyInstanceUID).toMatch(UID);
    expect(out.source.seriesInstanceUID).toMatch(UID);
    expect(out.source.studyInstanceUID).not.toBe(out.source.seriesInstanceUID);
    expect(out.source.frameOfReferenceUID).toBe(d.uid(input.source.frameOfReferenceUID));

    const seg = readSeg(writeSeg({ ...out, uid: undefined }));
    const referenced = seg.referencedSeries[0]!.seriesInstanceUID;
    const all = [seg.studyInstanceUID, seg.seriesInstanceUID, seg.sopInstanceUID, referenced, seg.frameOfReferenceUID];
    expect(new Set(all).size).toBe(all.length);
    expect(seg.studyInstanceUID).toBe(out.source.studyInstanceUID);
    expect(referenced).toBe(out.source.seriesInstanceUID);
  });

  it('REQ-DEID-UID-7: empty SOP Instance UIDs of slices get one replacement per slice', () => {
    const { input } = smallSeg();
    const bare = { ...input, slices: input.slices.map((s) => ({ ...s, sopInstanceUID: '' })) };
    const out = deidentifySegInput(bare, new Deidentifier({ caseId: 'case_0007' }));
    const uids = out.slices.map((s) => s.sopInstanceUID);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).not.toContain(out.source.studyInstanceUID);
  });
});
