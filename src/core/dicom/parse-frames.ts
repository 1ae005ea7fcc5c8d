/**
 * Per-frame geometry and modality LUT from a parsed data set. Classic images
 * give one set of top-level attributes for every frame; enhanced multi-frame
 * objects (Enhanced CT/MR, SEG) put them in functional groups, per frame
 * (5200,9230) first, then shared (5200,9229), with the top level as a last
 * resort for files that mix the two styles.
 */
import type { DataSet } from 'dicom-parser';
import type { FrameGeometry, Vec3 } from './types.js';

const TAG = {
  imagePosition: 'x00200032',
  imageOrientation: 'x00200037',
  pixelSpacing: 'x00280030',
  imagerPixelSpacing: 'x00181164',
  sliceThickness: 'x00180050',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  sharedGroups: 'x52009229',
  perFrameGroups: 'x52009230',
  planePosition: 'x00209113',
  planeOrientation: 'x00209116',
  pixelMeasures: 'x00289110',
  pixelValueTransformation: 'x00289145',
  frameVoiLut: 'x00289132',
} as const;

/** DS values of an element, or undefined when absent, short or not all finite. */
export function numbers(ds: DataSet | undefined, tag: string, count: number): number[] | undefined {
  if (!ds?.elements[tag]) return undefined;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return undefined;
    values.push(v);
  }
  return values;
}

export function number(ds: DataSet | undefined, tag: string): number | undefined {
  return numbers(ds, tag, 1)?.[0];
}

function vec3(values: number[] | undefined, offset: number): Vec3 | undefined {
  return values ? [values[offset]!, values[offset + 1]!, values[offset + 2]!] : undefined;
}

/** The data set of the first item of a sequence inside `ds`. */
function firstItem(ds: DataSet | undefined, sequence: string): DataSet | undefined {
  return ds?.elements[sequence]?.items?.[0]?.dataSet;
}

/** Where one frame's attributes may be: its own groups, the shared groups, the top level. */
interface FrameSources {
  perFrame: DataSet | undefined;
  shared: DataSet | undefined;
  top: DataSet;
}

/** The first source that has `tag` inside `sequence` (functional groups) or at the top level. */
function lookup(src: FrameSources, sequence: string, tag: string, count: number): number[] | undefined {
  return numbers(firstItem(src.perFrame, sequence), tag, count) ?? numbers(firstItem(src.shared, sequence), tag, count) ?? numbers(src.top, tag, count);
}

function frameGeometry(src: FrameSources): FrameGeometry {
  const orientation = lookup(src, TAG.planeOrientation, TAG.imageOrientation, 6);
  const spacing =
    lookup(src, TAG.pixelMeasures, TAG.pixelSpacing, 2) ?? numbers(src.top, TAG.imagerPixelSpacing, 2);
  const slope = lookup(src, TAG.pixelValueTransformation, TAG.rescaleSlope, 1)?.[0];
  const intercept = lookup(src, TAG.pixelValueTransformation, TAG.rescaleIntercept, 1)?.[0];
  return {
    position: vec3(lookup(src, TAG.planePosition, TAG.imagePosition, 3), 0),
    rowCosine: vec3(orientation, 0),
    columnCosine: vec3(orientation, 3),
    pixelSpacing: spacing && spacing[0]! > 0 && spacing[1]! > 0 ? [spacing[0]!, spacing[1]!] : undefined,
    sliceThickness: lookup(src, TAG.pixelMeasures, TAG.sliceThickness, 1)?.[0],
    // A zero slope would flatten the image; files that write one mean "absent".
    rescaleSlope: slope === undefined || slope === 0 ? 1 : slope,
    rescaleIntercept: intercept ?? 0,
  };
}

/** One FrameGeometry per frame, from functional groups where the file has them. */
export function readFrames(top: DataSet, numberOfFrames: number): FrameGeometry[] {
  const shared = firstItem(top, TAG.sharedGroups);
  const perFrame = top.elements[TAG.perFrameGroups]?.items;
  if (!perFrame?.length) {
    // Classic images: every frame has the same placement and LUT; share one object.
    const g = frameGeometry({ perFrame: undefined, shared, top });
    return Array.from({ length: numberOfFrames }, () => g);
  }
  const frames: FrameGeometry[] = [];
  for (let f = 0; f < numberOfFrames; f++) frames.push(frameGeometry({ perFrame: perFrame[f]?.dataSet, shared, top }));
  return frames;
}

/** The first window (center, width) from the top level, else from the first frame's or shared VOI LUT group. */
export function readWindow(top: DataSet): { center: number | undefined; width: number | undefined } {
  const sources = [top, firstItem(top.elements[TAG.perFrameGroups]?.items?.[0]?.dataSet, TAG.frameVoiLut), firstItem(firstItem(top, TAG.sharedGroups), TAG.frameVoiLut)];
  for (const ds of sources) {
    const center = number(ds, TAG.windowCenter);
    const width = number(ds, TAG.windowWidth);
    if (center !== undefined && width !== undefined && width > 0) return { center, width };
  }
  return { center: undefined, width: undefined };
}
