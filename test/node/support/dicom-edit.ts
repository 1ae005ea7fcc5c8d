/**
 * Real DICOM files changed in one or two elements, for cases no public data
 * set has as such: a real CT slice flagged as a localizer, or stripped of its
 * position and orientation. Little endian, explicit or implicit VR; only
 * elements with a short (2-byte length) VR in the data set, which is what
 * ImageType and the geometry attributes are. Usable in Node and the browser.
 */
import dicomParser from 'dicom-parser';

export interface DicomEdits {
  /** New text values by tag (`x00080008`), padded to even length with a space. */
  set?: Readonly<Record<string, string>>;
  /** Tags to take out. */
  remove?: readonly string[];
}

export function editedDicom(bytes: Uint8Array, edits: DicomEdits): Uint8Array {
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  const implicit = ds.string('x00020010')?.replace(/\0/g, '').trim() === '1.2.840.10008.1.2';
  const changes: { start: number; end: number; replacement: Uint8Array }[] = [];
  const element = (tag: string) => {
    const el = ds.elements[tag];
    if (!el) throw new Error(`the file has no element ${tag}`);
    // Implicit VR: tag and a 4-byte length; explicit short VR: tag, VR and a 2-byte length — 8 bytes either way.
    return { start: el.dataOffset - 8, end: el.dataOffset + el.length };
  };
  for (const [tag, value] of Object.entries(edits.set ?? {})) {
    const { start, end } = element(tag);
    const text = new TextEncoder().encode(value.length % 2 ? `${value} ` : value);
    const replacement = new Uint8Array(8 + text.length);
    replacement.set(bytes.subarray(start, start + 8));
    const view = new DataView(replacement.buffer);
    if (implicit) view.setUint32(4, text.length, true);
    else view.setUint16(6, text.length, true);
    replacement.set(text, 8);
    changes.push({ start, end, replacement });
  }
  for (const tag of edits.remove ?? []) changes.push({ ...element(tag), replacement: new Uint8Array(0) });
  changes.sort((a, b) => a.start - b.start);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const c of changes) {
    parts.push(bytes.subarray(at, c.start), c.replacement);
    at = c.end;
  }
  parts.push(bytes.subarray(at));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** ImageType of a localizer (scout). */
export const LOCALIZER = { set: { x00080008: 'ORIGINAL\\PRIMARY\\LOCALIZER' } } as const satisfies DicomEdits;

/** No ImagePositionPatient and no ImageOrientationPatient: an image without geometry. */
export const NO_GEOMETRY = { remove: ['x00200032', 'x00200037'] } as const satisfies DicomEdits;
