/**
 * What placing SEG frames on a series needs and `readSeg` does not keep:
 * each frame's plane orientation and pixel spacing, and the frame numbers of
 * the images it derives from (multi-frame sources). Read from the functional
 * groups like `readSeg` does — the frame's own first, then the shared ones.
 *
 * Call it after `readSeg` has accepted the file: the file is parsed a second
 * time (cheap: the pixel data is not touched), and anything wrong with it has
 * already been reported there.
 */
import dicomParser, { type DataSet } from 'dicom-parser';
import { parseInstance } from '../dicom/parse.js';
import type { Vec3 } from '../dicom/types.js';
import { key, type Keyword } from './seg-tags.js';

export interface SegSourceReference {
  sopInstanceUID: string;
  /** ReferencedFrameNumber: 1-based frames of a multi-frame source; empty when not given. */
  frameNumbers: number[];
}

export interface SegFramePlane {
  /** Source images of the frame (Derivation Image Sequence → Source Image Sequence). */
  references: SegSourceReference[];
  /** ImageOrientationPatient: row cosine, column cosine. */
  orientation: readonly [Vec3, Vec3] | undefined;
  /** PixelSpacing: [Δrow, Δcol] mm. */
  pixelSpacing: readonly [number, number] | undefined;
}

/** Per frame, in frame order. */
export function readSegPlanes(bytes: Uint8Array, file: string): SegFramePlane[] {
  const instance = parseInstance(bytes, file, { allowNonImage: true });
  // parseInstance has inflated a deflated file already, so the inflater hands the bytes back.
  const ds = dicomParser.parseDicom(instance.bytes, { inflater: (array: Uint8Array) => array });
  const shared = items(ds, 'SharedFunctionalGroupsSequence')[0];
  const group = (frame: DataSet, keyword: Keyword): DataSet | undefined => items(frame, keyword)[0] ?? (shared && items(shared, keyword)[0]);
  return items(ds, 'PerFrameFunctionalGroupsSequence').map((frame) => {
    const derivation = items(frame, 'DerivationImageSequence');
    const sources = (derivation.length ? derivation : shared ? items(shared, 'DerivationImageSequence') : []).flatMap((d) => items(d, 'SourceImageSequence'));
    const cosines = numbers(group(frame, 'PlaneOrientationSequence'), 'ImageOrientationPatient', 6);
    const spacing = numbers(group(frame, 'PixelMeasuresSequence'), 'PixelSpacing', 2);
    return {
      references: sources
        .map((s) => ({
          sopInstanceUID: (s.string(key('ReferencedSOPInstanceUID')) ?? '').replace(/\0/g, '').trim(),
          frameNumbers: frameNumbers(s),
        }))
        .filter((r) => r.sopInstanceUID !== ''),
      orientation: cosines && [
        [cosines[0]!, cosines[1]!, cosines[2]!],
        [cosines[3]!, cosines[4]!, cosines[5]!],
      ],
      pixelSpacing: spacing && [spacing[0]!, spacing[1]!],
    };
  });
}

function items(ds: DataSet, keyword: Keyword): DataSet[] {
  return (ds.elements[key(keyword)]?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
}

/** `count` finite decimal values of a DS attribute, or undefined when any is missing. */
function numbers(ds: DataSet | undefined, keyword: Keyword, count: number): number[] | undefined {
  if (!ds) return undefined;
  const values = Array.from({ length: count }, (_, i) => ds.floatString(key(keyword), i));
  return values.every((x): x is number => x !== undefined && Number.isFinite(x)) ? values : undefined;
}

/** ReferencedFrameNumber is IS, multi-valued. */
function frameNumbers(source: DataSet): number[] {
  const text = source.string(key('ReferencedFrameNumber'));
  if (!text) return [];
  return text
    .split('\\')
    .map((v) => Number(v.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}
