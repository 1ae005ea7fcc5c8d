/**
 * Transfer syntaxes Segmark reads, and how each one's pixel data is decoded.
 * One table, so parsing (which must refuse the unsupported ones early, with the
 * file name) and decoding (which dispatches on it) never disagree.
 */

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  /** Encapsulated Uncompressed Explicit VR Little Endian (2019): native bytes in fragments. */
  encapsulatedLE: '1.2.840.10008.1.2.1.98',
  explicitBE: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegSpectral: '1.2.840.10008.1.2.4.53',
  jpegProgressive: '1.2.840.10008.1.2.4.55',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  j2k: '1.2.840.10008.1.2.4.91',
  htj2kLossless: '1.2.840.10008.1.2.4.201',
  htj2kLosslessRpcl: '1.2.840.10008.1.2.4.202',
  htj2k: '1.2.840.10008.1.2.4.203',
} as const;

/**
 * How a frame is turned into stored values. `jpeg` covers every DCT and lossless
 * JPEG process: the codec is picked from the frame's own SOF marker, not the
 * UID, because files in the wild mislabel 8- and 12-bit streams.
 */
export type PixelEncoding = 'native' | 'native-be' | 'rle' | 'jpeg' | 'jpeg-ls' | 'j2k' | 'htj2k';

const ENCODING: Readonly<Record<string, PixelEncoding>> = {
  [TS.implicitLE]: 'native',
  [TS.explicitLE]: 'native',
  [TS.deflatedLE]: 'native',
  [TS.encapsulatedLE]: 'native',
  [TS.explicitBE]: 'native-be',
  [TS.rle]: 'rle',
  [TS.jpegBaseline]: 'jpeg',
  [TS.jpegExtended]: 'jpeg',
  [TS.jpegSpectral]: 'jpeg',
  [TS.jpegProgressive]: 'jpeg',
  [TS.jpegLossless]: 'jpeg',
  [TS.jpegLosslessSV1]: 'jpeg',
  [TS.jpegLsLossless]: 'jpeg-ls',
  [TS.jpegLsNearLossless]: 'jpeg-ls',
  [TS.j2kLossless]: 'j2k',
  [TS.j2k]: 'j2k',
  [TS.htj2kLossless]: 'htj2k',
  [TS.htj2kLosslessRpcl]: 'htj2k',
  [TS.htj2k]: 'htj2k',
};

/** The encoding of a transfer syntax, or undefined when Segmark cannot decode it. */
export function pixelEncoding(transferSyntaxUID: string): PixelEncoding | undefined {
  return ENCODING[transferSyntaxUID];
}

export function isSupportedTransferSyntax(transferSyntaxUID: string): boolean {
  return transferSyntaxUID in ENCODING;
}

/** True when pixel data is stored in fragments (everything but the three native syntaxes). */
export function isEncapsulated(transferSyntaxUID: string): boolean {
  return (
    transferSyntaxUID !== TS.implicitLE &&
    transferSyntaxUID !== TS.explicitLE &&
    transferSyntaxUID !== TS.deflatedLE &&
    transferSyntaxUID !== TS.explicitBE
  );
}

/** Whether decoding needs a WASM/JS codec (and so belongs in a worker) rather than a plain loop. */
export function needsCodec(transferSyntaxUID: string): boolean {
  const e = pixelEncoding(transferSyntaxUID);
  return e === 'jpeg' || e === 'jpeg-ls' || e === 'j2k' || e === 'htj2k';
}

const LOSSY = new Set<string>([TS.jpegBaseline, TS.jpegExtended, TS.jpegSpectral, TS.jpegProgressive, TS.jpegLsNearLossless, TS.j2k, TS.htj2k]);

/** Whether the syntax allows lossy compression (J2K 4.91 and HTJ2K 4.203 may still hold lossless streams). */
export function isLossyTransferSyntax(transferSyntaxUID: string): boolean {
  return LOSSY.has(transferSyntaxUID);
}
