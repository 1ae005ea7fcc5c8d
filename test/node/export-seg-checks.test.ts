/**
 * The DICOM SEG's source checks (issue 16) on hand-made series: empty Study,
 * Series, SOP Class, Frame of Reference or SOP Instance UIDs are one blocking
 * finding for a SEG and none for other formats; exported anyway, the SEG is
 * valid and names distinct UIDs, the same stand-ins on every export; its
 * SliceThickness is the source's, SpacingBetweenSlices the step.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { SeriesHeader } from '../../src/core/dicom/types.js';
import { runExport, type ExportJob, type ExportOptions, type ExportSeries } from '../../src/core/formats/export-job.js';
import { missingSourceUids, segChecks, withSourceUids } from '../../src/core/formats/seg-checks.js';
import { readSeg } from '../../src/core/formats/seg.js';
import { exportChecklist } from '../../src/core/formats/checklist.js';
import { findingText } from '../../src/text/export.js';
import dicomParser from 'dicom-parser';

type V3 = [number, number, number];

const HEADER: SeriesHeader = {
  patientName: 'Doe^Jane', patientID: 'P1', patientBirthDate: '', patientSex: 'F', studyInstanceUID: '1.2', studyDate: '20221208', studyTime: '',
  referringPhysicianName: '', studyID: '', accessionNumber: '', studyDescription: '', seriesInstanceUID: '1.2.3',
  sopClassUID: '1.2.840.10008.5.1.4.1.1.2', frameOfReferenceUID: '1.2.4',
};

/** Six 8×6 slices 2 mm apart, with `header` changed as given. */
function series(header: Partial<SeriesHeader> = {}, sopInstanceUIDs?: string[]): ExportSeries {
  const slices = 6;
  return {
    columns: 8,
    rows: 6,
    slices,
    spacing: [0.5, 0.75, 2],
    rowCosine: [1, 0, 0],
    columnCosine: [0, 1, 0],
    planes: Array.from({ length: slices }, (_, k) => ({ position: [-20, 35, 100 + 2 * k] as V3 })),
    description: 'test',
    modality: 'CT',
    sopInstanceUIDs: sopInstanceUIDs ?? Array.from({ length: slices }, (_, k) => `1.2.3.${k + 1}`),
    header: { ...HEADER, ...header },
  };
}

/** A job whose one exported label (L4/L5) has an outline on slices 1 and 2. */
function job(s: ExportSeries, options: ExportOptions = {}): ExportJob {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: s.header.studyInstanceUID, seriesInstanceUID: s.header.seriesInstanceUID, sopInstanceUIDs: [...s.sopInstanceUIDs], rows: s.rows, columns: s.columns, slices: s.slices },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
  const id = doc.labels[3]!.id;
  for (const k of [1, 2]) doc.setRegion(id, k, { rings: [[1, 1, 5, 1, 5, 4, 1, 4]] }, { kind: 'draw' });
  return { format: 'dicom-seg', options: { labels: [id], ...options }, series: s, snapshot: doc.snapshot(), user: 'Dr. A' };
}

/** A Pixel Measures attribute of the SEG's shared functional groups, read with dicom-parser. */
function pixelMeasure(bytes: Uint8Array, tag: string): number {
  const shared = dicomParser.parseDicom(bytes).elements.x52009229!.items![0]!.dataSet!;
  return Number(shared.elements.x00289110!.items![0]!.dataSet!.string(tag));
}

describe('DICOM SEG source checks', () => {
  it('REQ-SEG-UID-1: a complete source gives no finding', () => {
    expect(segChecks(job(series()))).toEqual([]);
  });

  it('REQ-SEG-UID-2: empty Study and Series Instance UIDs block a DICOM SEG, named in one finding', () => {
    const findings = segChecks(job(series({ studyInstanceUID: '', seriesInstanceUID: ' ' })));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'missing-uid', severity: 'block', params: { attributes: 'StudyInstanceUID, SeriesInstanceUID', count: 2 } });
    expect(findings[0]!.slices).toBeUndefined();
  });

  it('REQ-SEG-UID-3: an empty Frame of Reference, SOP Class or SOP Instance UID is named too, the instances with their slices', () => {
    const uids = ['1.2.3.1', '', '1.2.3.3', '1.2.3.4', '#2', '1.2.3.6'];
    const [finding] = segChecks(job(series({ frameOfReferenceUID: '', sopClassUID: '' }, uids)));
    expect(finding).toMatchObject({ code: 'missing-uid', severity: 'block', slices: [1, 4], params: { attributes: 'SOPClassUID, FrameOfReferenceUID, SOPInstanceUID', count: 3 } });
    expect(missingSourceUids(series({}, uids))).toEqual({ attributes: ['SOPInstanceUID'], slices: [1, 4] });
  });

  it('REQ-SEG-UID-2b: the export checklist carries the finding, and the dialog says it in both languages', () => {
    const j = job(series({ studyInstanceUID: '', seriesInstanceUID: '' }));
    const finding = exportChecklist(j).find((f) => f.code === 'missing-uid');
    expect(finding).toMatchObject({ severity: 'block', params: { attributes: 'StudyInstanceUID, SeriesInstanceUID' } });
    expect(findingText('en', finding!)).toBe(
      'The source images have no StudyInstanceUID, SeriesInstanceUID: a DICOM SEG exported anyway gets new UIDs in their place, so a PACS will not file it with its CT.',
    );
    expect(findingText('zh-CN', finding!)).toContain('StudyInstanceUID, SeriesInstanceUID');
    expect(exportChecklist({ ...j, format: 'nifti' }).some((f) => f.code === 'missing-uid')).toBe(false);
  });

  it('REQ-SEG-UID-4: only the DICOM SEG is blocked: NIfTI, PNG, COCO and the dataset carry no source UID they need', () => {
    const s = series({ studyInstanceUID: '', seriesInstanceUID: '' });
    for (const format of ['nifti', 'png-zip', 'coco', 'dataset'] as const) expect(segChecks({ ...job(s), format })).toEqual([]);
  });

  it('REQ-SEG-UID-5: stand-ins differ by role, keep what the source has, and are the same on every export of the series', () => {
    const s = series({ studyInstanceUID: '', seriesInstanceUID: '', frameOfReferenceUID: '' }, ['1.2.3.1', '', '1.2.3.3', '1.2.3.4', '1.2.3.5', '']);
    const slices = s.sopInstanceUIDs.map((sopInstanceUID, k) => ({ sopInstanceUID, position: s.planes[k]!.position }));
    const a = withSourceUids(s.header, slices, s);
    const b = withSourceUids(s.header, slices, s);
    expect(b).toEqual(a);
    const made = [a.source.studyInstanceUID, a.source.seriesInstanceUID, a.source.frameOfReferenceUID, a.slices[1]!.sopInstanceUID, a.slices[5]!.sopInstanceUID];
    for (const uid of made) expect(uid).toMatch(/^2\.25\.\d{1,39}$/);
    expect(new Set(made).size).toBe(made.length);
    expect(a.slices[0]!.sopInstanceUID).toBe('1.2.3.1');
    expect(a.source.sopClassUID).toBe(HEADER.sopClassUID);
    // Another series (other instances) gets other stand-ins.
    const other = series({ studyInstanceUID: '', seriesInstanceUID: '' }, Array.from({ length: 6 }, (_, k) => `9.9.${k}`));
    expect(withSourceUids(other.header, slices, other).source.studyInstanceUID).not.toBe(a.source.studyInstanceUID);
  });

  it('REQ-SEG-UID-6: exported anyway, a SEG of a source without Study and Series UIDs is written with distinct UIDs, identified and de-identified', async () => {
    const s = series({ studyInstanceUID: '', seriesInstanceUID: '' });
    for (const options of [{}, { deidentify: true }, { deidentify: true, secret: 'x' }]) {
      const seg = readSeg((await runExport(job(s, options))).bytes);
      const referenced = seg.referencedSeries[0]!.seriesInstanceUID;
      const all = [seg.studyInstanceUID, seg.seriesInstanceUID, seg.sopInstanceUID, referenced, seg.frameOfReferenceUID];
      expect(all.every(Boolean), JSON.stringify(options)).toBe(true);
      expect(new Set(all).size, JSON.stringify(options)).toBe(all.length);
      expect(seg.frames.map((f) => f.sopInstanceUIDs.length)).toEqual([1, 1]);
    }
  });

  it("REQ-SEG-THICK-1: SliceThickness is the source's and SpacingBetweenSlices the step; without a source thickness, the step", async () => {
    const thick = (await runExport(job(series({ sliceThickness: 2.5 })))).bytes;
    expect(pixelMeasure(thick, 'x00180050')).toBe(2.5);
    expect(pixelMeasure(thick, 'x00180088')).toBe(2);
    const none = (await runExport(job(series()))).bytes;
    expect(pixelMeasure(none, 'x00180050')).toBe(2);
    expect(pixelMeasure(none, 'x00180088')).toBe(2);
  });
});
