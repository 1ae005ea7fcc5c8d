/**
 * The encoded bytes of one frame, found from the offsets `parseInstance` kept.
 * Native frames and single-fragment frames are views of `instance.bytes` (no
 * copy); only frames split over several fragments, and 1-bit frames that do
 * not start on a byte boundary, are copied.
 */
import { SegmarkError } from '../../errors.js';
import type { DicomInstance, PixelDataLocation } from '../types.js';
import { nativeFrameLength, sampleCount } from './native.js';
import { pixelEncoding } from './transfer-syntax.js';

type Fragment = NonNullable<PixelDataLocation['fragments']>[number];

export function frameBytes(instance: DicomInstance, frameIndex: number): Uint8Array {
  const loc = instance.pixelData;
  const file = instance.fileName;
  if (!loc) throw new SegmarkError('no-pixel-data', 'no pixel data location', { file });
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= instance.numberOfFrames) {
    throw new SegmarkError('internal', `frame ${frameIndex} of ${instance.numberOfFrames} asked for`, { file });
  }
  if (instance.bytes.length === 0) throw new SegmarkError('internal', 'the file bytes were already released', { file });
  return instance.encapsulated ? encapsulatedFrame(instance, loc, frameIndex) : nativeFrame(instance, loc, frameIndex);
}

function nativeFrame(instance: DicomInstance, loc: PixelDataLocation, frameIndex: number): Uint8Array {
  const { bytes, pixel } = instance;
  const end = Math.min(loc.offset + loc.length, bytes.length);
  if (pixel.bitsAllocated === 1) {
    // 1-bit frames are packed back to back, so frame k starts at bit k × pixels.
    const samples = sampleCount(pixel);
    const firstBit = frameIndex * samples;
    const start = loc.offset + (firstBit >>> 3);
    const length = Math.ceil(samples / 8);
    const shift = firstBit & 7;
    if (start + Math.ceil((samples + shift) / 8) > end) throw short(instance);
    if (shift === 0) return bytes.subarray(start, start + length);
    const out = new Uint8Array(length);
    for (let j = 0; j < length; j++) out[j] = ((bytes[start + j]! >>> shift) | (bytes[start + j + 1]! << (8 - shift))) & 0xff;
    return out;
  }
  const length = nativeFrameLength(pixel);
  const start = loc.offset + frameIndex * length;
  if (start + length > end) throw short(instance);
  return bytes.subarray(start, start + length);
}

function short(instance: DicomInstance): SegmarkError {
  return new SegmarkError('pixel-data-short', 'pixel data ends before the frame does', { file: instance.fileName });
}

function encapsulatedFrame(instance: DicomInstance, loc: PixelDataLocation, frameIndex: number): Uint8Array {
  const fragments = loc.fragments ?? [];
  const frames = instance.numberOfFrames;
  if (fragments.length === 0) throw new SegmarkError('no-pixel-data', 'encapsulated pixel data has no fragments', { file: instance.fileName });
  const picked = pickFragments(instance, loc, fragments, frames, frameIndex);
  if (picked.length === 0) {
    throw new SegmarkError('decode-failed', `no fragment holds frame ${frameIndex + 1}`, { file: instance.fileName });
  }
  for (const f of picked) if (f.position + f.length > instance.bytes.length) throw short(instance);
  return concat(instance.bytes, picked);
}

function pickFragments(instance: DicomInstance, loc: PixelDataLocation, fragments: readonly Fragment[], frames: number, k: number): readonly Fragment[] {
  // Offset tables count from the first fragment item, as dicom-parser's `offset` does.
  const table = loc.extendedOffsetTable?.length === frames ? loc.extendedOffsetTable : loc.basicOffsetTable?.length === frames ? loc.basicOffsetTable : undefined;
  if (table) {
    const start = table[k]!;
    const end = k + 1 < frames ? table[k + 1]! : Infinity;
    return fragments.filter((f) => f.offset >= start && f.offset < end);
  }
  if (frames === 1) return fragments;
  if (fragments.length === frames) return [fragments[k]!];
  // An empty offset table and more fragments than frames: frames start where a codestream starts.
  const starts: number[] = [];
  fragments.forEach((f, i) => {
    if (startsFrame(instance, f)) starts.push(i);
  });
  if (starts.length !== frames) {
    throw new SegmarkError('decode-failed', `found ${starts.length} frame starts in ${fragments.length} fragments for ${frames} frames`, {
      file: instance.fileName,
    });
  }
  return fragments.slice(starts[k]!, k + 1 < frames ? starts[k + 1]! : fragments.length);
}

/** Whether a fragment begins a new frame: a JPEG SOI, a J2K codestream or JP2 signature, or an RLE header. */
function startsFrame(instance: DicomInstance, f: Fragment): boolean {
  const b = instance.bytes;
  const p = f.position;
  if (f.length < 4 || p + 4 > b.length) return false;
  switch (pixelEncoding(instance.pixel.transferSyntaxUID)) {
    case 'jpeg':
    case 'jpeg-ls':
      return b[p] === 0xff && b[p + 1] === 0xd8 && b[p + 2] === 0xff;
    case 'j2k':
    case 'htj2k':
      return (b[p] === 0xff && b[p + 1] === 0x4f && b[p + 2] === 0xff && b[p + 3] === 0x51) || (b[p + 4] === 0x6a && b[p + 5] === 0x50 && b[p + 6] === 0x20);
    case 'rle': {
      if (f.length < 64) return false;
      const view = new DataView(b.buffer, b.byteOffset + p, 8);
      const segments = view.getUint32(0, true);
      return segments >= 1 && segments <= 15 && view.getUint32(4, true) === 64;
    }
    default:
      return false;
  }
}

function concat(bytes: Uint8Array, fragments: readonly Fragment[]): Uint8Array {
  if (fragments.length === 1) {
    const f = fragments[0]!;
    return bytes.subarray(f.position, f.position + f.length);
  }
  let total = 0;
  for (const f of fragments) total += f.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const f of fragments) {
    out.set(bytes.subarray(f.position, f.position + f.length), o);
    o += f.length;
  }
  return out;
}
