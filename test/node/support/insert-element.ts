/**
 * Adds one top-level text element to a real Part 10 file whose data set is
 * in Explicit VR Little Endian (native or encapsulated pixel data), in tag order: for tests that need an attribute the public
 * files lack (e.g. Burned In Annotation) on otherwise real images.
 */
import dicomParser from 'dicom-parser';
import { concat, dataSet, text } from './dicom-bytes.js';

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

/** `bytes` with (tag, vr, value) inserted before the first top-level element of a higher tag; throws if the file already has it. */
export function withTextElement(bytes: Uint8Array, tag: number, vr: string, value: string): Uint8Array {
  const ds = dicomParser.parseDicom(bytes);
  const syntax = ds.string('x00020010') ?? '';
  if (['1.2.840.10008.1.2', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'].includes(syntax)) throw new Error(`only Explicit VR Little Endian data sets, not ${syntax}`);
  const key = `x${tag.toString(16).padStart(8, '0')}`;
  if (ds.elements[key]) throw new Error(`${key} is already there`);
  const next = Object.keys(ds.elements)
    .filter((k) => k > key && !k.startsWith('x0002'))
    .map((k) => ds.elements[k]!)
    .sort((a, b) => a.dataOffset - b.dataOffset)[0];
  if (!next) throw new Error('no element after the new one');
  const start = next.dataOffset - (LONG_VRS.has(next.vr ?? '') ? 12 : 8);
  return concat([bytes.subarray(0, start), dataSet([text(tag, vr, value)]), bytes.subarray(start)]);
}
