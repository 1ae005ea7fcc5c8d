/**
 * A tiny DICOM byte writer for tests that need files no public data set has:
 * odd encodings, broken headers, encapsulated frames split over fragments.
 * Explicit VR Little Endian unless told otherwise; no dictionary, the caller
 * gives each VR.
 */

export interface El {
  /** (group << 16) | element, e.g. 0x00280010. */
  tag: number;
  vr: string;
  /** Value bytes (padded to even length here), or undefined-length content written as is. */
  value: Uint8Array;
  undefinedLength?: boolean;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

export function text(tag: number, vr: string, s: string): El {
  const pad = vr === 'UI' ? '\0' : ' ';
  const padded = s.length % 2 ? s + pad : s;
  return { tag, vr, value: new TextEncoder().encode(padded) };
}

export function us(tag: number, ...values: number[]): El {
  const value = new Uint8Array(values.length * 2);
  const view = new DataView(value.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  return { tag, vr: 'US', value };
}

export function ul(tag: number, ...values: number[]): El {
  const value = new Uint8Array(values.length * 4);
  const view = new DataView(value.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v, true));
  return { tag, vr: 'UL', value };
}

export function raw(tag: number, vr: string, value: Uint8Array): El {
  return { tag, vr, value };
}

export interface WriteOptions {
  implicit?: boolean;
  bigEndian?: boolean;
}

/** Elements in the given order (callers keep tags ascending), no meta header. */
export function dataSet(elements: readonly El[], options: WriteOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const el of elements) {
    const value = el.value.length % 2 && !el.undefinedLength ? concat([el.value, new Uint8Array(1)]) : el.value;
    const length = el.undefinedLength ? 0xffffffff : value.length;
    const head = new DataView(new ArrayBuffer(12));
    const le = !options.bigEndian;
    head.setUint16(0, el.tag >>> 16, le);
    head.setUint16(2, el.tag & 0xffff, le);
    let headLength: number;
    if (options.implicit) {
      head.setUint32(4, length, le);
      headLength = 8;
    } else {
      head.setUint8(4, el.vr.charCodeAt(0));
      head.setUint8(5, el.vr.charCodeAt(1));
      if (LONG_VRS.has(el.vr)) {
        head.setUint32(8, length, le);
        headLength = 12;
      } else {
        head.setUint16(6, length, le);
        headLength = 8;
      }
    }
    parts.push(new Uint8Array(head.buffer, 0, headLength), value);
  }
  return concat(parts);
}

/** A sequence of defined-length items, each a data set of `elements`. */
export function sequence(tag: number, items: readonly (readonly El[])[]): El {
  const encoded = items.map((els) => {
    const body = dataSet(els);
    const head = new DataView(new ArrayBuffer(8));
    head.setUint16(0, 0xfffe, true);
    head.setUint16(2, 0xe000, true);
    head.setUint32(4, body.length, true);
    return concat([new Uint8Array(head.buffer), body]);
  });
  return { tag, vr: 'SQ', value: concat(encoded) };
}

/** Preamble, DICM and a meta header (group length computed) in front of `body`. */
export function part10(transferSyntax: string, sopClass: string, sopInstance: string, body: Uint8Array): Uint8Array {
  const meta = dataSet([
    raw(0x00020001, 'OB', new Uint8Array([0, 1])),
    text(0x00020002, 'UI', sopClass),
    text(0x00020003, 'UI', sopInstance),
    text(0x00020010, 'UI', transferSyntax),
  ]);
  const groupLength = dataSet([ul(0x00020000, meta.length)]);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, meta, body]);
}

/** Encapsulated pixel data: (7FE0,0010) OB of undefined length, BOT item, fragment items, delimiter. */
export function encapsulatedPixelData(fragments: readonly Uint8Array[], basicOffsetTable: readonly number[] = []): El {
  const item = (payload: Uint8Array): Uint8Array => {
    const head = new DataView(new ArrayBuffer(8));
    head.setUint16(0, 0xfffe, true);
    head.setUint16(2, 0xe000, true);
    head.setUint32(4, payload.length, true);
    return concat([new Uint8Array(head.buffer), payload]);
  };
  const bot = new Uint8Array(basicOffsetTable.length * 4);
  basicOffsetTable.forEach((v, i) => new DataView(bot.buffer).setUint32(i * 4, v, true));
  const delimiter = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  const padded = fragments.map((f) => (f.length % 2 ? concat([f, new Uint8Array(1)]) : f));
  return { tag: 0x7fe00010, vr: 'OB', value: concat([item(bot), ...padded.map(item), delimiter]), undefinedLength: true };
}

/** Byte offsets of each fragment's item, as a Basic Offset Table counts them (padding included). */
export function offsetsOf(fragments: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  let o = 0;
  for (const f of fragments) {
    out.push(o);
    o += 8 + f.length + (f.length % 2);
  }
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The usual image-pixel module for a synthetic image. */
export function imagePixel(o: { rows: number; columns: number; bitsAllocated: number; bitsStored?: number; highBit?: number; signed?: boolean; samples?: number; planar?: number; frames?: number }): El[] {
  const bitsStored = o.bitsStored ?? o.bitsAllocated;
  const els: El[] = [
    text(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    text(0x00080018, 'UI', '1.2.3.4.5'),
    text(0x00080060, 'CS', 'OT'),
    us(0x00280002, o.samples ?? 1),
    text(0x00280004, 'CS', (o.samples ?? 1) === 3 ? 'RGB' : 'MONOCHROME2'),
  ];
  if ((o.samples ?? 1) === 3) els.push(us(0x00280006, o.planar ?? 0));
  if (o.frames !== undefined) els.push(text(0x00280008, 'IS', String(o.frames)));
  els.push(
    us(0x00280010, o.rows),
    us(0x00280011, o.columns),
    us(0x00280100, o.bitsAllocated),
    us(0x00280101, bitsStored),
    us(0x00280102, o.highBit ?? bitsStored - 1),
    us(0x00280103, o.signed ? 1 : 0),
  );
  return els;
}
