/**
 * The zh-CN glossary holds: each glossary term has one rendering across every
 * zh-CN text. The scan reads the source of all text tables and the message
 * catalogue (every string literal with Chinese in it), so a new table or
 * message is covered without being listed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZH_GLOSSARY } from '../../src/text/glossary.js';

const root = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every string literal (quoted or template) in `src` that holds a CJK character, with where it is. */
function chineseStrings(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const file of sourceFiles(root)) {
    if (file.endsWith('glossary.ts')) continue;
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`|"((?:[^"\\\n]|\\.)*)"/g)) {
      const text = m[1] ?? m[2] ?? m[3] ?? '';
      if (!/[\u4e00-\u9fff]/.test(text)) continue;
      const line = source.slice(0, m.index).split('\n').length;
      out.push({ where: `${file.slice(root.length + 1)}:${line}`, text });
    }
  }
  return out;
}

describe('zh-CN glossary', () => {
  const strings = chineseStrings();

  it('finds the zh-CN texts (the scan reads the tables and the message catalogue)', () => {
    const files = new Set(strings.map((s) => s.where.split(':')[0]));
    expect(files).toContain('core/messages.ts');
    expect(files).toContain('text/verify.ts');
    expect(files).toContain('text/ui.ts');
    expect(strings.length).toBeGreaterThan(300);
  });

  for (const term of ZH_GLOSSARY) {
    it(`"${term.en}" is rendered ${term.zh} throughout, never ${term.not.join(' or ')}`, () => {
      const other = strings.filter((s) => term.not.some((alt) => s.text.includes(alt)));
      expect(other.map((s) => `${s.where}: ${s.text}`)).toEqual([]);
    });
  }

  it('each glossary term differs from its alternatives', () => {
    for (const term of ZH_GLOSSARY) expect(term.not).not.toContain(term.zh);
  });
});
