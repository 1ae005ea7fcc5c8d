/**
 * Searching a browser profile's files for planted texts (issue 17): the
 * tests that check patient data does not stay on disk (erase-profile,
 * pacs-http-cache) plant random texts, let Chromium store what it stores,
 * and look for the texts in every file of the profile, byte for byte.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Valid in every text VR (PN and LO included). */
export const CAPITALS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A text nothing else on the disk holds: random letters and digits. No word
 * in it: Snappy (LevelDB's compression) would store a word seen earlier in
 * the block as a reference, splitting the text on disk.
 */
export function planted(length = 24, alphabet = LETTERS_AND_DIGITS): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** What is looked for: `bytes`, reported as `key` (and `encoding`, where it says how the text became bytes). */
export interface Needle {
  key: string;
  bytes: Buffer;
  encoding?: string;
}

/**
 * Every 12-character piece of a text: a text that Snappy split on disk (at a
 * chance match with earlier bytes) still shows one of them whole, and 12
 * random letters and digits turn up nowhere by chance.
 */
function pieces(text: string): string[] {
  const size = Math.min(12, text.length);
  return Array.from({ length: text.length - size + 1 }, (_, i) => text.slice(i, i + size));
}

/**
 * Needles for `texts` in every encoding a browser stores them in: V8
 * serialises a one-byte string as Latin-1 and any other as UTF-16LE;
 * IndexedDB keys are UTF-16BE.
 */
export function textNeedles(texts: Record<string, string>): Needle[] {
  return Object.entries(texts).flatMap(([key, text]) =>
    pieces(text).flatMap((piece) => [
      { key, encoding: 'latin1', bytes: Buffer.from(piece, 'latin1') },
      { key, encoding: 'utf-16le', bytes: Buffer.from(piece, 'utf16le') },
      { key, encoding: 'utf-16be', bytes: Buffer.from(piece, 'utf16le').swap16() },
    ]),
  );
}

/** Every regular file below `dir`, skipping what goes away while it is walked (a socket, a lock). */
export function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    if (stat.isDirectory()) filesUnder(path, out);
    else if (stat.isFile()) out.push(path);
  }
  return out;
}

/** Which needles a file of the profile holds, each once: "key in /file" or "key in /file (encoding)". */
export function findInProfile(profile: string, needles: readonly Needle[]): string[] {
  const hits: string[] = [];
  for (const file of filesUnder(profile)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue;
    }
    for (const n of needles) if (bytes.includes(n.bytes)) hits.push(`${n.key} in ${file.slice(profile.length)}${n.encoding ? ` (${n.encoding})` : ''}`);
  }
  return [...new Set(hits)];
}

/**
 * Replaces the value of a short explicit-VR element in DICOM bytes — `tag`
 * as it stands in the file (group and element little-endian, then the VR) —
 * with `value` of the same length, so the planted text is what a file holds.
 */
export function replaceValue(bytes: Buffer, tag: readonly number[], value: string): void {
  const at = bytes.indexOf(Buffer.from(tag));
  const length = at < 0 ? -1 : bytes.readUInt16LE(at + 6);
  if (length !== value.length) throw new Error(`element ${tag.join(',')}: ${length} bytes, not ${value.length}`);
  bytes.write(value, at + 8, 'latin1');
}
