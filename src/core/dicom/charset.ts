/**
 * Text of a data set in its Specific Character Set (0008,0005), PS3.5 §6.1.
 *
 * dicom-parser reads every string byte as one Latin-1 character, so a UTF-8
 * or GB18030 patient name comes out garbled. These functions decode the raw
 * value bytes instead, with the platform's `TextDecoder` doing the actual
 * character tables (WHATWG encodings, in every browser and in Node with ICU).
 *
 * Single-byte and multi-byte sets without code extensions (ISO_IR 100 … 192,
 * GB18030, GBK) decode the value whole. With code extensions (`ISO 2022 …`)
 * the value is split at escape sequences and each run decodes in the set it
 * designates; at the delimiters of PS3.5 §6.1.2.5.3 (CR, LF, FF, TAB, `^`,
 * `=`, `\`) the first value's set becomes active again.
 */

/** WHATWG encoding label per Defined Term (without and with code extensions). */
const SINGLE: Readonly<Record<string, string>> = {
  'ISO_IR 6': 'windows-1252',
  'ISO_IR 100': 'windows-1252',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'windows-1254',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/** The G0/G1 set an `ISO 2022 …` term designates when it is active: its escape sequence and decoder. */
interface Extension {
  readonly escape: readonly number[];
  readonly encoding: string;
  /** Bytes of a 94×94 set carried in 7 bits (JIS X 0208/0212): decode with their escape kept. */
  readonly keepEscape?: boolean;
}

const ESC = 0x1b;
const bytesOf = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const EXTENSIONS: Readonly<Record<string, Extension>> = {
  'ISO 2022 IR 6': { escape: bytesOf('\x1b(B'), encoding: 'windows-1252' },
  'ISO 2022 IR 100': { escape: bytesOf('\x1b-A'), encoding: 'windows-1252' },
  'ISO 2022 IR 101': { escape: bytesOf('\x1b-B'), encoding: 'iso-8859-2' },
  'ISO 2022 IR 109': { escape: bytesOf('\x1b-C'), encoding: 'iso-8859-3' },
  'ISO 2022 IR 110': { escape: bytesOf('\x1b-D'), encoding: 'iso-8859-4' },
  'ISO 2022 IR 144': { escape: bytesOf('\x1b-L'), encoding: 'iso-8859-5' },
  'ISO 2022 IR 127': { escape: bytesOf('\x1b-G'), encoding: 'iso-8859-6' },
  'ISO 2022 IR 126': { escape: bytesOf('\x1b-F'), encoding: 'iso-8859-7' },
  'ISO 2022 IR 138': { escape: bytesOf('\x1b-H'), encoding: 'iso-8859-8' },
  'ISO 2022 IR 148': { escape: bytesOf('\x1b-M'), encoding: 'windows-1254' },
  'ISO 2022 IR 203': { escape: bytesOf('\x1b-b'), encoding: 'iso-8859-15' },
  'ISO 2022 IR 166': { escape: bytesOf('\x1b-T'), encoding: 'windows-874' },
  'ISO 2022 IR 13': { escape: bytesOf('\x1b)I'), encoding: 'shift_jis' },
  'ISO 2022 IR 87': { escape: bytesOf('\x1b$B'), encoding: 'iso-2022-jp', keepEscape: true },
  'ISO 2022 IR 159': { escape: bytesOf('\x1b$(D'), encoding: 'iso-2022-jp', keepEscape: true },
  'ISO 2022 IR 149': { escape: bytesOf('\x1b$)C'), encoding: 'euc-kr' },
  'ISO 2022 IR 58': { escape: bytesOf('\x1b$)A'), encoding: 'gbk' },
};

/** Bytes that end a code-extension run (PS3.5 §6.1.2.5.3): CR, LF, FF, TAB, and the `^ = \` of names and multiple values. */
const DELIMITERS = new Set([0x0d, 0x0a, 0x0c, 0x09, 0x5e, 0x3d, 0x5c]);

/** A decoder for one character set, built once per set. */
export class CharacterSet {
  readonly #initial: string;
  readonly #extensions: readonly Extension[];
  readonly #decoders = new Map<string, TextDecoder>();

  /** `value` is (0008,0005) as read, e.g. `ISO_IR 192` or `\ISO 2022 IR 58`; empty means the default repertoire. */
  constructor(value: string | undefined) {
    const terms = (value ?? '').split('\\').map((t) => t.trim());
    const first = terms[0] ?? '';
    this.#initial = SINGLE[first] ?? EXTENSIONS[first]?.encoding ?? 'windows-1252';
    this.#extensions = terms.flatMap((t) => (EXTENSIONS[t] ? [EXTENSIONS[t]] : []));
  }

  /** The text of a value's bytes, trailing padding (spaces, NULs) removed. */
  decode(bytes: Uint8Array): string {
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x00)) end--;
    const value = bytes.subarray(0, end);
    const text = this.#extensions.length === 0 || !value.includes(ESC) ? this.#text(this.#initial, value) : this.#extended(value);
    return text.trim();
  }

  #extended(value: Uint8Array): string {
    let out = '';
    let encoding = this.#initial;
    let keepEscape: number[] | undefined;
    let start = 0;
    const flush = (end: number): void => {
      if (end <= start) return;
      const run = value.subarray(start, end);
      out += this.#text(encoding, keepEscape ? Uint8Array.from([...keepEscape, ...run]) : run);
    };
    for (let i = 0; i < value.length; i++) {
      const b = value[i]!;
      if (b === ESC) {
        const ext = this.#extensions.find((e) => e.escape.every((x, j) => value[i + j] === x));
        flush(i);
        const length = ext ? ext.escape.length : escapeLength(value, i);
        encoding = ext?.encoding ?? this.#initial;
        keepEscape = ext?.keepEscape ? [...ext.escape] : undefined;
        i += length - 1;
        start = i + 1;
      } else if (DELIMITERS.has(b) && encoding !== this.#initial && !keepEscape) {
        // A 7-bit two-byte set (JIS X 0208) uses these byte values inside its characters; it must escape back first.
        flush(i);
        encoding = this.#initial;
        keepEscape = undefined;
        start = i;
      }
    }
    flush(value.length);
    return out;
  }

  #text(encoding: string, bytes: Uint8Array): string {
    let d = this.#decoders.get(encoding);
    if (!d) this.#decoders.set(encoding, (d = new TextDecoder(encoding)));
    return d.decode(bytes);
  }
}

/** An escape sequence not among the declared ones: ESC, intermediate bytes 0x20–0x2F, one final byte. */
function escapeLength(value: Uint8Array, at: number): number {
  let i = at + 1;
  while (i < value.length && value[i]! >= 0x20 && value[i]! <= 0x2f) i++;
  return Math.min(i + 1, value.length) - at;
}
