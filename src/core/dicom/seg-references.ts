/**
 * DICOM segmentations found among dropped files. They are not images to
 * show, but they are often exactly what the user meant to open with the CT
 * beside them: the loader keeps their bytes and what they point at, so the
 * annotator can name them and offer to import one onto the series it
 * annotates. Only what placing needs is read here (the series, the images,
 * the frame of reference); the segments and frames are read on import.
 */
import dicomParser, { type DataSet } from 'dicom-parser';
import type { SeriesCandidate } from './series.js';
import type { DicomInstance } from './types.js';

/** Segmentation Storage and Label Map Segmentation Storage. */
const SEGMENTATION_CLASSES: readonly string[] = ['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7'];

const TAG = {
  referencedSeriesSequence: 'x00081115',
  referencedInstanceSequence: 'x0008114a',
  referencedSOPInstanceUID: 'x00081155',
  seriesInstanceUID: 'x0020000e',
  perFrameFunctionalGroups: 'x52009230',
  sharedFunctionalGroups: 'x52009229',
  derivationImageSequence: 'x00089124',
  sourceImageSequence: 'x00082112',
} as const;

/** What a segmentation says it was drawn on. */
export interface SegReferences {
  /** Referenced Series Sequence: the series the segmentation annotates. */
  seriesInstanceUIDs: string[];
  /** Images it derives from: the Referenced Series Sequence's instances and each frame's source images. */
  sopInstanceUIDs: string[];
  frameOfReferenceUID: string;
}

/** A segmentation file kept whole, as importing it by hand would read it. */
export interface SegSource {
  name: string;
  bytes: Uint8Array;
  references: SegReferences;
}

export function isSegmentation(instance: DicomInstance): boolean {
  return SEGMENTATION_CLASSES.includes(instance.sopClassUID);
}

/**
 * The references of a segmentation that `parseInstance` has accepted (with
 * `allowNonImage`). A data set dicom-parser cannot walk gives no references
 * but the frame of reference: the import itself reports what is wrong.
 */
export function segReferences(instance: DicomInstance): SegReferences {
  const series = new Set<string>();
  const images = new Set<string>();
  let ds: DataSet | undefined;
  try {
    // parseInstance has inflated a deflated file already, so the inflater hands the bytes back.
    ds = dicomParser.parseDicom(instance.bytes, { inflater: (array: Uint8Array) => array });
  } catch {
    ds = undefined;
  }
  if (ds) {
    for (const item of items(ds, TAG.referencedSeriesSequence)) {
      add(series, uid(item, TAG.seriesInstanceUID));
      for (const ref of items(item, TAG.referencedInstanceSequence)) add(images, uid(ref, TAG.referencedSOPInstanceUID));
    }
    const groups = [...items(ds, TAG.sharedFunctionalGroups), ...items(ds, TAG.perFrameFunctionalGroups)];
    for (const group of groups) {
      for (const derivation of items(group, TAG.derivationImageSequence)) {
        for (const source of items(derivation, TAG.sourceImageSequence)) add(images, uid(source, TAG.referencedSOPInstanceUID));
      }
    }
  }
  return { seriesInstanceUIDs: [...series], sopInstanceUIDs: [...images], frameOfReferenceUID: instance.frameOfReferenceUID };
}

/**
 * Whether the segmentation was drawn on `series`: it names the series or one
 * of its images. Only a segmentation that names neither is matched by its
 * frame of reference (several series of one scan share a frame of reference,
 * so that alone says little when the file says more).
 */
export function segAnnotates(references: SegReferences, series: SeriesCandidate): boolean {
  if (references.seriesInstanceUIDs.includes(series.seriesInstanceUID)) return true;
  if (references.sopInstanceUIDs.length > 0) {
    const named = new Set(references.sopInstanceUIDs);
    if (series.slices.some((s) => named.has(s.instance.sopInstanceUID))) return true;
  }
  if (references.seriesInstanceUIDs.length > 0 || references.sopInstanceUIDs.length > 0) return false;
  const frameOfReference = series.slices[0]?.instance.frameOfReferenceUID ?? '';
  return frameOfReference !== '' && frameOfReference === references.frameOfReferenceUID;
}

function items(ds: DataSet, tag: string): DataSet[] {
  return (ds.elements[tag]?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
}

function uid(ds: DataSet, tag: string): string {
  return (ds.string(tag) ?? '').replace(/\0/g, '').trim();
}

function add(to: Set<string>, value: string): void {
  if (value) to.add(value);
}
