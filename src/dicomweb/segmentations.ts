/**
 * DICOM SEGs in the PACS that segment a given series: QIDO for the study's
 * SEG series, then their instances' metadata, kept when their Referenced
 * Series Sequence (0008,1115) names the series. QIDO cannot filter on that
 * sequence, hence the metadata step.
 */
import dicomParser from 'dicom-parser';
import { mapLimit } from '../core/util/concurrency.js';
import { retrieveInstance, searchSeries, seriesMetadata } from './client.js';
import { jsonItems, jsonString } from './dicom-json.js';
import type { DicomWebSource } from './request.js';
import type { SeriesRef } from './read-series.js';

export interface PacsSegmentation {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
  seriesDescription: string;
  /** Content Label (0070,0080). */
  contentLabel: string;
  /** Content Creator's Name (0070,0084), e.g. the annotator. */
  creator: string;
  /** `YYYYMMDD` and `HHMMSS…` of the content, for ordering. */
  contentDate: string;
  contentTime: string;
  segments: number;
}

/** SEGs of `series`, newest first. */
export async function findSegmentations(source: DicomWebSource, series: SeriesRef, signal?: AbortSignal): Promise<PacsSegmentation[]> {
  const segSeries = await searchSeries(source, series.studyInstanceUID, { modality: 'SEG' }, signal);
  const found = await mapLimit(
    segSeries.filter((s) => s.modality === 'SEG' || s.modality === ''),
    4,
    async (s) => {
      const instances = await seriesMetadata(source, series.studyInstanceUID, s.seriesInstanceUID, signal);
      return instances
        .filter((ds) => jsonItems(ds, '00081115').some((ref) => jsonString(ref, '0020000E') === series.seriesInstanceUID))
        .map(
          (ds): PacsSegmentation => ({
            studyInstanceUID: series.studyInstanceUID,
            seriesInstanceUID: s.seriesInstanceUID,
            sopInstanceUID: jsonString(ds, '00080018'),
            seriesDescription: jsonString(ds, '0008103E'),
            contentLabel: jsonString(ds, '00700080'),
            creator: jsonString(ds, '00700084'),
            contentDate: jsonString(ds, '00080023'),
            contentTime: jsonString(ds, '00080033'),
            segments: jsonItems(ds, '00620002').length,
          }),
        );
    },
    signal,
  );
  return found.flat().sort((a, b) => `${b.contentDate}${b.contentTime}`.localeCompare(`${a.contentDate}${a.contentTime}`));
}

/** The SEG's Part 10 bytes. */
export function retrieveSegmentation(source: DicomWebSource, seg: Pick<PacsSegmentation, 'studyInstanceUID' | 'seriesInstanceUID' | 'sopInstanceUID'>, signal?: AbortSignal): Promise<Uint8Array> {
  return retrieveInstance(source, seg, signal);
}

/** Study, series and SOP instance UIDs of a Part 10 file, read without touching its pixel data. */
export function dicomIdentity(bytes: Uint8Array): Pick<PacsSegmentation, 'studyInstanceUID' | 'seriesInstanceUID' | 'sopInstanceUID'> {
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  const str = (tag: string): string => ds.string(tag)?.trim() ?? '';
  return { studyInstanceUID: str('x0020000d'), seriesInstanceUID: str('x0020000e'), sopInstanceUID: str('x00080018') };
}
