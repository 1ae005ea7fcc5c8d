/**
 * What a DICOM SEG needs of its source that the source may lack: the UIDs it
 * copies or references. Real files leave some empty — the TotalSegmentator
 * Siemens series has empty Study, Series, SOP Class and SOP Instance UIDs in
 * its data set (the loader takes the last two from the file meta, where they
 * are). The checklist names what is still missing as a blocking finding
 * (`segChecks`); exported anyway, the SEG gets stand-in UIDs
 * (`withSourceUids`), one per role, so it is valid and never names one UID
 * for two things.
 */
import type { ChecklistFinding } from './checklist.js';
import type { ExportJob, ExportSeries } from './export-job.js';
import type { SegSlice, SegSource } from './seg-input.js';
import { sha256 } from './sha256.js';

/** The checklist code of a source UID a SEG needs and the source lacks. */
export type SegCheckCode = 'missing-uid';

/** A `ChecklistFinding` of the SEG checks. */
export type SegFinding = Omit<ChecklistFinding, 'code'> & { readonly code: SegCheckCode };

/** Source attributes a SEG copies (study, frame of reference) or references (series, SOP class and instances), by their DICOM names. */
const SOURCE_UIDS = [
  ['studyInstanceUID', 'StudyInstanceUID'],
  ['seriesInstanceUID', 'SeriesInstanceUID'],
  ['sopClassUID', 'SOPClassUID'],
  ['frameOfReferenceUID', 'FrameOfReferenceUID'],
] as const;

/** CT Image Storage and Secondary Capture Image Storage (PS3.4 B.5), stand-ins for a missing SOP Class UID. */
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const SECONDARY_CAPTURE_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.7';

/** How many slice numbers a finding lists, as the other findings do. */
const LISTED_SLICES = 48;

export interface MissingSourceUids {
  /** DICOM names of the series-level UIDs that are empty, e.g. `StudyInstanceUID`. */
  attributes: string[];
  /** Slices (0-based) whose SOP Instance UID is empty. */
  slices: number[];
}

/** The UIDs a SEG of `series` needs that the source left empty. */
export function missingSourceUids(series: Pick<ExportSeries, 'header' | 'sopInstanceUIDs'>): MissingSourceUids {
  const attributes: string[] = SOURCE_UIDS.filter(([key]) => !series.header[key].trim()).map(([, name]) => name);
  const slices: number[] = [];
  series.sopInstanceUIDs.forEach((uid, k) => {
    // Frames of a multi-frame source are `uid#frame`.
    if (!uid.split('#')[0]!.trim()) slices.push(k);
  });
  if (slices.length) attributes.push('SOPInstanceUID');
  return { attributes, slices };
}

/** The checklist's findings for a DICOM SEG: one blocking `missing-uid` naming every empty UID the SEG needs. None for other formats. */
export function segChecks(job: Pick<ExportJob, 'format' | 'series'>): SegFinding[] {
  if (job.format !== 'dicom-seg') return [];
  const { attributes, slices } = missingSourceUids(job.series);
  if (attributes.length === 0) return [];
  const list = attributes.join(', ');
  return [
    {
      code: 'missing-uid',
      severity: 'block',
      ...(slices.length ? { slices: slices.slice(0, LISTED_SLICES) } : {}),
      params: { attributes: list, count: attributes.length },
      detail: `the source images have no ${list}: exported anyway, the SEG gets new UIDs in their place, so a PACS will not file it with its CT`,
    },
  ];
}

/**
 * `source` and `slices` with every empty UID a SEG needs replaced by a
 * stand-in: a UID derived from the series (its frame of reference, SOP
 * Instance UIDs and first and last positions) and the role, so two exports
 * of one series agree and no two roles share one; an empty SOP Class UID
 * becomes CT Image Storage for CT, else Secondary Capture.
 */
export function withSourceUids(
  source: SegSource,
  slices: readonly SegSlice[],
  series: Pick<ExportSeries, 'modality' | 'sopInstanceUIDs' | 'planes'>,
): { source: SegSource; slices: SegSlice[] } {
  const fingerprint = [
    source.frameOfReferenceUID,
    series.sopInstanceUIDs.join('\\'),
    series.planes[0]?.position.join('\\') ?? '',
    series.planes[series.planes.length - 1]?.position.join('\\') ?? '',
  ].join('|');
  const standIn = (role: string): string => derivedUid(`segmark stand-in ${role}|${fingerprint}`);
  const filled = (value: string, role: string): string => (value.trim() ? value : standIn(role));
  return {
    source: {
      ...source,
      studyInstanceUID: filled(source.studyInstanceUID, 'study'),
      seriesInstanceUID: filled(source.seriesInstanceUID, 'series'),
      frameOfReferenceUID: filled(source.frameOfReferenceUID, 'frame-of-reference'),
      sopClassUID: source.sopClassUID.trim() || (series.modality === 'CT' ? CT_IMAGE_STORAGE : SECONDARY_CAPTURE_IMAGE_STORAGE),
    },
    slices: slices.map((s, k) => (s.sopInstanceUID.trim() ? { ...s } : { ...s, sopInstanceUID: standIn(`sop-instance ${k}`) })),
  };
}

/** `2.25.` and the decimal value of a UUID (version 8, RFC 9562) from the first 128 bits of SHA-256 of `text` (PS3.5 §B.2). */
function derivedUid(text: string): string {
  const bytes = sha256(new TextEncoder().encode(text)).subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return `2.25.${value.toString(10)}`;
}
