/**
 * The text module: one locale check, one formatter, and every table — the
 * message catalogue and the elements' interface text — complete in English
 * and Chinese, with the same placeholders in both.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import { WARNING_CODES } from '../../src/core/dicom/warnings.js';
import { IMPORT_WARNING_CODES } from '../../src/core/formats/import-common.js';
import { formatMessage } from '../../src/core/messages.js';
import { formatText, toLocale, type TextShape } from '../../src/core/text.js';
import { agreementStrings } from '../../src/text/agreement.js';
import { exportStrings, findingText } from '../../src/text/export.js';
import { auditText, approvedBannerText, reviewStrings } from '../../src/text/review.js';
import { shortcutStrings } from '../../src/text/shortcuts.js';
import { studyBrowserStrings } from '../../src/text/study-browser.js';
import { toolDescriptions } from '../../src/text/tool-descriptions.js';
import { toolStrings } from '../../src/text/tools.js';
import { strings } from '../../src/text/ui.js';
import { verifyStrings } from '../../src/text/verify.js';
import { workStrings } from '../../src/text/work.js';

const CJK = /[\u3400-\u9fff]/;
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

/** Every string in `value` by its path, e.g. `formats.nifti` or `rows.3.1`. */
function leaves(value: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(path, value);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) for (const [p, s] of leaves(v, path ? `${path}.${k}` : k)) out.set(p, s);
  }
  return out;
}

describe('locale and formatter', () => {
  it('REQ-I18N-6: any Chinese lang tag is zh-CN, everything else English', () => {
    expect(['zh-CN', 'zh', 'ZH-cn', 'zh-Hans', 'zh-TW'].map(toLocale)).toEqual(Array(5).fill('zh-CN'));
    expect(['en', 'en-GB', 'de', '', undefined].map(toLocale)).toEqual(Array(5).fill('en'));
  });

  it('REQ-I18N-6: fills {name} placeholders; a missing file is empty, any other missing value shows', () => {
    expect(formatText('{file} holds {count} of {total}', { file: 'a.dcm', count: 3, total: 1250.5 })).toBe('a.dcm holds 3 of 1,250.5');
    expect(formatText('{file} is empty ({size})', {})).toBe(' is empty ({size})');
    expect(formatText('{a}{b}', { a: '{b}', b: '$&' })).toBe('{b}$&');
  });
});

describe('the message catalogue', () => {
  const codes = [...ERROR_CODES, ...WARNING_CODES, ...IMPORT_WARNING_CODES];

  it('REQ-ERR-4: every error and warning code has an English and a Chinese message with the same placeholders', () => {
    for (const code of codes) {
      const en = formatMessage(code, {}, 'en');
      const zh = formatMessage(code, {}, 'zh-CN');
      expect(en, code).not.toBe(code);
      expect(zh, code).not.toBe(en);
      expect(CJK.test(zh), `${code} zh-CN`).toBe(true);
      expect(placeholders(zh), code).toEqual(placeholders(en));
    }
  });

  it('REQ-ERR-4: the states a host can reach have their own codes; internal stays for bugs', () => {
    for (const code of ['not-loaded', 'still-loading', 'read-only', 'approved-locked', 'bad-argument', 'label-locked', 'bad-snapshot'] as const) {
      expect(ERROR_CODES).toContain(code);
    }
    expect(formatMessage('still-loading', {}, 'en')).toBe('The series is still loading: try again once every slice is read.');
    expect(formatMessage('read-only', {}, 'zh')).toBe('此处文档为只读，无法修改。');
    expect(formatMessage('label-limit', { max: 255 }, 'en')).toBe('All 255 label values are in use.');
  });
});

describe('the interface tables', () => {
  const tables: [string, (lang: string) => unknown][] = [
    ['ui', strings],
    ['tools', toolStrings],
    ['agreement', agreementStrings],
    ['export', exportStrings],
    ['review', reviewStrings],
    ['verify', verifyStrings],
    ['study-browser', studyBrowserStrings],
    ['work', workStrings],
    ['shortcuts', shortcutStrings],
    ['tool descriptions', (lang) => toolDescriptions(lang)],
  ];

  it.each(tables)('REQ-I18N-6: %s has the same keys and placeholders in English and Chinese', (_, table) => {
    const en = leaves(table('en'));
    const zh = leaves(table('zh-CN'));
    expect([...zh.keys()]).toEqual([...en.keys()]);
    for (const [path, text] of en) expect(placeholders(zh.get(path)!), path).toEqual(placeholders(text));
    expect([...zh.values()].some((s) => CJK.test(s))).toBe(true);
  });

  it('REQ-I18N-6: a table for another language must have every key (a type error otherwise)', () => {
    const en = { a: 'A', nested: { b: 'B' } };
    // @ts-expect-error — `nested.b` is missing.
    const partial: TextShape<typeof en> = { a: 'А', nested: {} };
    expect(partial.a).toBe('А');
  });

  it('REQ-I18N-6: texts that were functions read as before', () => {
    expect(findingText('en', { code: 'non-uniform-spacing', severity: 'warning', params: { minStep: 1, maxStep: 1.257, maxErrorMm: 0.5, slice: 3 } } as never)).toBe(
      'Slices are unevenly spaced (1.00–1.26 mm): NIfTI spaces them evenly from first to last; up to 0.50 mm off, worst at slice',
    );
    expect(findingText('zh-CN', { code: 'pending-interpolation', severity: 'warning', params: { label: 'L4/L5', count: 3 } } as never)).toBe(
      'L4/L5：3 个插值轮廓尚未确认，位于以下层',
    );
    expect(findingText('en', { code: 'qform-precision', severity: 'info', params: { maxErrorMm: 0.0012 } } as never)).toBe(
      'The qform can hold this orientation only to 0.001 mm; the sform is exact.',
    );
    const at = '2026-01-01T00:00:00Z';
    expect(auditText('en', { action: 'status', from: 'draft', to: 'submitted', note: 'done', at, user: 'a' } as never)).toBe('Draft → Submitted: “done”');
    expect(auditText('zh-CN', { action: 'export', format: 'nifti', at, user: 'a' } as never)).toBe('导出（nifti）');
    expect(auditText('en', { action: 'comment', at, user: 'a' } as never)).toBe('Added a comment');
    expect(approvedBannerText('en', 'dr.wang', '')).toBe('Approved by dr.wang: read only.');
    expect(approvedBannerText('zh-CN', 'dr.wang', '2026/1/1')).toBe('2026/1/1 由 dr.wang 批准：只读。');
    expect(approvedBannerText('en', '', '')).toBe('Approved: read only.');
  });
});
