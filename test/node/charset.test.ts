/**
 * Text in the data set's Specific Character Set: patient names and
 * descriptions in UTF-8, GB18030, Latin-1, Cyrillic and the ISO 2022 code
 * extensions (Chinese, Japanese, Korean) read as pydicom reads them (or, for
 * GB2312 with escapes, as PS3.5 Annex K.2 spells the example out). The
 * comparison with pydicom is in charset.tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CharacterSet } from '../../src/core/dicom/charset.js';

describe('Specific Character Set', () => {
  it('REQ-CHARSET-2: a JIS X 0208 run keeps its ^ and = bytes; the first set returns after a delimiter', () => {
    const bytes = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
    // PS3.5 Annex H.3.1, the Yamada example: ideographic group in JIS X 0208 via ESC $ B, back to ASCII via ESC ( B.
    const jis = new CharacterSet('\\ISO 2022 IR 87');
    expect(jis.decode(bytes('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B'))).toBe('Yamada^Tarou=山田^太郎');
    // GB2312 via ESC $ ) A: high bytes after a ^ belong to the first set again (Latin-1 here) until re-designated.
    const gb = new CharacterSet('ISO 2022 IR 100\\ISO 2022 IR 58');
    expect(gb.decode(bytes('\x1b$)A\xcd\xf5^\xe9 '))).toBe('王^é');
    // No character set: the default repertoire; trailing NUL and space padding removed.
    expect(new CharacterSet(undefined).decode(bytes('DOE^JOHN\0'))).toBe('DOE^JOHN');
    expect(new CharacterSet('ISO_IR 192').decode(new TextEncoder().encode('李^雷 '))).toBe('李^雷');
  });
});
