/**
 * The one place that decides the interface language and fills values into
 * text. Every table of text (the message catalogue in `messages.ts`, the
 * elements' tables in `elements/text/`) holds one entry per key and language,
 * with `{name}` placeholders; where wording depends on a value (one or many,
 * a part that is there or not) the table has one key per wording and the
 * caller picks the key. Pure TypeScript: workers, tools and elements use it.
 */

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** The language of a `lang` attribute: any Chinese tag is `zh-CN`, everything else English. */
export function toLocale(lang: string | undefined): Locale {
  return (lang ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export type TextValue = string | number;
export type TextParams = Readonly<Record<string, TextValue | undefined>>;

/**
 * `template` with each `{name}` replaced by `params[name]`; numbers are
 * written the locale's way (at most two decimals). A missing `{file}` becomes
 * empty (a message about no file in particular); any other missing value is
 * left as `{name}`, so a forgotten value shows instead of vanishing.
 */
export function formatText(template: string, params: TextParams = {}, locale: Locale = 'en'): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) return key === 'file' ? '' : `{${key}}`;
    return typeof value === 'number' ? formatNumber(value, locale) : value;
  });
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/**
 * The shape of a table: the English table with every text widened to
 * `string`, so another language's table must have exactly the same keys
 * (a missing or extra key is a type error) but its own words.
 */
export type TextShape<T> = T extends string
  ? string
  : T extends readonly (infer E)[]
    ? readonly TextShape<E>[]
    : { readonly [K in keyof T]: TextShape<T[K]> };

/** A table per language; `pick(lang)` gives the one for a `lang` attribute. */
export function textTables<T>(tables: Record<Locale, T>): (lang: string | undefined) => T {
  return (lang) => tables[toLocale(lang)];
}
