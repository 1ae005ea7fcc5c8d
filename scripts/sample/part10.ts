/**
 * DICOM Part 10 encoding with dcmjs's writer: preamble, "DICM", the File Meta
 * Information in Explicit VR Little Endian, then the data set in Explicit VR
 * Little Endian or RLE Lossless. For RLE the caller puts the encoded frame in
 * Pixel Data (VR OB) and dcmjs encapsulates it: an empty basic offset table,
 * then the frame as a single fragment, as PS3.5 §A.4 requires for RLE.
 *
 * (Deflated Explicit VR Little Endian would make slightly smaller files, but
 * dicom3tools' dciodvfy, our validator, cannot read it.)
 */

import dcmjs, { type DcmjsDataset } from 'dcmjs';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

/**
 * Encodes a data set as a Part 10 file.
 *
 * @param meta File Meta Information elements (group 0002) except the group
 *   length, which the writer computes; must include the TransferSyntaxUID.
 */
export function encodePart10(meta: DcmjsDataset, dataset: DcmjsDataset): Uint8Array {
  const syntax = meta['00020010']?.Value?.[0];
  if (syntax !== EXPLICIT_VR_LITTLE_ENDIAN && syntax !== RLE_LOSSLESS) {
    throw new Error(`encodePart10: unsupported transfer syntax ${String(syntax)}`);
  }
  const dict = new dcmjs.data.DicomDict(meta);
  dict.dict = dataset;
  const out = dict.write({ fragmentMultiframe: false });
  return out instanceof Uint8Array ? out : new Uint8Array(out);
}
