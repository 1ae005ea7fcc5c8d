/**
 * A full review of a real imported SEG (dcmqi's liver segmentation of a
 * 3-slice CT, ../shared/dicom), driven by a portal through the annotator's
 * methods with its toolbar hidden: the import arrives unverified with the
 * file and algorithm recorded; the reviewer walks it with nextUnverified,
 * accepts, rejects one slice with a reason, submits; a reviewer approves and
 * the document becomes read-only; the exported SEG says which algorithm and
 * people made it.
 */
import dicomParser from 'dicom-parser';
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { StatusDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames } from './support/sample.js';

const ctUrls = import.meta.glob<string>('../../../shared/dicom/seg-dcmqi-liver-on-ct3slice/ct/*.dcm', { query: '?url', import: 'default', eager: true });
const segUrls = import.meta.glob<string>('../../../shared/dicom/seg-dcmqi-liver-on-ct3slice/seg/liver_seg.dcm', { query: '?url', import: 'default', eager: true });
const haveShared = Object.keys(ctUrls).length === 3 && Object.keys(segUrls).length === 1;
if (!haveShared) console.warn('[review-host] skipped: shared DICOM test data not found next to the project');

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

const fetchFile = async (url: string, name: string) => new File([await (await fetch(url)).blob()], name);

async function open(): Promise<SegmarkAnnotator> {
  const a = document.createElement('segmark-annotator');
  a.noAutosave = true;
  a.noToolbar = true;
  a.user = 'dr.wang';
  a.role = 'annotator';
  a.style.cssText = 'display:grid;width:1000px;height:700px';
  document.body.append(a);
  mounted.push(a);
  await a.loadFiles(await Promise.all(Object.values(ctUrls).map((u, i) => fetchFile(u, `ct${i + 1}.dcm`))));
  for (let i = 0; i < 300 && !a.annotationReady; i++) await new Promise((r) => setTimeout(r, 10));
  await frames(2);
  return a;
}

describe.skipIf(!haveShared)('a host-driven review of an imported SEG', () => {
  it('REQ-REVIEW-HOST-1: import → walk → accept / reject → submit → approve (read-only) → SEG names the algorithm', async () => {
    const a = await open();
    const summary = await a.importMask(await fetchFile(Object.values(segUrls)[0]!, 'liver_seg.dcm'));
    expect(summary.regions).toBeGreaterThan(0);
    const liver = summary.labels[0]!.id;

    // Every imported region is unverified, with the file, the SEG's algorithm and the importing user recorded.
    const imported = a.getDocument()!.regions.filter((r) => r.labelId === liver);
    expect(imported.length).toBe(summary.regions);
    for (const r of imported) {
      expect(r).toMatchObject({ origin: 'imported', verified: false, provenance: { file: 'liver_seg.dcm', algorithm: 'SlicerEditor', algorithmType: 'SEMIAUTOMATIC', by: 'dr.wang' } });
    }
    const slices = imported.map((r) => r.slice).sort((x, y) => x - y);

    // Walk: from the first slice (0) nextUnverified goes to each imported slice in turn when the current one is decided.
    a.activeLabel = liver;
    a.slice = 0;
    await a.updateComplete;
    const visited: number[] = [];
    for (let i = 0; i < slices.length; i++) {
      const here = a.getDocument()!.regions.find((r) => r.labelId === liver && r.slice === a.slice);
      if (!here || here.verified || here.review) a.nextUnverified();
      await a.updateComplete;
      visited.push(a.slice);
      if (i === slices.length - 1) a.rejectRegion(liver, a.slice, 'boundary-wrong', 'misses the left lobe tip');
      else expect(a.acceptSlice()).toBe(true);
      await a.updateComplete;
    }
    expect(visited).toEqual(slices);

    const decided = a.getDocument()!.regions.filter((r) => r.labelId === liver);
    const last = slices.at(-1)!;
    for (const r of decided) {
      if (r.slice === last) expect(r).toMatchObject({ verified: false, review: { state: 'rejected', reason: 'boundary-wrong', note: 'misses the left lobe tip', by: 'dr.wang' } });
      else expect(r).toMatchObject({ verified: true, review: { state: 'verified', by: 'dr.wang' } });
    }
    // Undo takes back the rejection only.
    expect(a.undo()).toBe(true);
    expect(a.getDocument()!.regions.find((r) => r.labelId === liver && r.slice === last)!.review).toBeUndefined();
    expect(a.redo()).toBe(true);

    // Status: the annotator submits; a reviewer approves; approved is read-only.
    const statuses: StatusDetail[] = [];
    a.addEventListener('segmark-status', (e) => statuses.push(e.detail));
    a.setStatus('submitted', 'one slice needs a second look');
    a.role = 'reviewer';
    a.user = 'dr.li';
    await a.updateComplete;
    expect(a.statusSteps()).toEqual(expect.arrayContaining(['approved', 'changes-requested']));
    // The rejected slice is still open: approval needs the reviewer's word on it.
    expect(() => a.setStatus('approved')).toThrow(expect.objectContaining({ code: 'review-open-items', params: expect.objectContaining({ rejected: '1' }) }));
    a.setStatus('approved', 'left lobe tip accepted as drawn');
    await a.updateComplete;
    expect(statuses.map((s) => [s.previous, s.status, s.role])).toEqual([
      ['draft', 'submitted', 'annotator'],
      ['submitted', 'approved', 'reviewer'],
    ]);
    expect(a.editable).toBe(false);
    expect(a.acceptSlice()).toBe(false);
    expect(() => a.rejectRegion(liver, slices[0]!, 'other')).toThrow();
    expect(a.getDocument()!.review!.audit.filter((e) => e.action === 'status').map((e) => e.user)).toEqual(['dr.wang', 'dr.li']);

    // The exported SEG: the segment is SEMIAUTOMATIC and names the imported algorithm (read with dicom-parser, not our reader).
    const seg = new Uint8Array(await (await a.export('dicom-seg', { acceptFindings: ['empty-label', 'rejected-outline'] })).arrayBuffer());
    const ds = dicomParser.parseDicom(seg);
    const segments = ds.elements.x00620002!.items!.map((item) => ({
      label: item.dataSet!.string('x00620005'),
      type: item.dataSet!.string('x00620008'),
      algorithm: item.dataSet!.string('x00620009'),
    }));
    const exported = segments.find((s) => s.label === summary.labels[0]!.name)!;
    expect(exported.type).toBe('SEMIAUTOMATIC');
    expect(exported.algorithm).toContain('SlicerEditor');
  });
});
