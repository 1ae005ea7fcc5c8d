/**
 * The per-label agreement table as CSV (RFC 4180: CRLF line ends, fields
 * with a comma, quote or line break quoted, quotes doubled), for
 * spreadsheets and scripts. Numbers have fixed decimals and a dot; an
 * undefined value (a surface distance with an empty side, a percentage of an
 * empty A) is an empty field, never a made-up number.
 *
 * Text fields (label names, which may come from an outside SEG) are
 * neutralised against spreadsheet formula injection: one starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return gets a leading `'` inside its
 * quotes, so a spreadsheet shows it as text and never runs it. Numbers we
 * write (a negative difference included) are data and stay numbers.
 */
import type { AgreementResult } from './agreement.js';

export interface AgreementCsvOptions {
  /** Decimals of every non-integer column; default 4. */
  decimals?: number;
}

export const AGREEMENT_CSV_COLUMNS = [
  'id_a',
  'id_b',
  'name',
  'dice',
  'jaccard',
  'hd95_mm',
  'hausdorff_mm',
  'mean_surface_distance_mm',
  'volume_a_ml',
  'volume_b_ml',
  'volume_difference_ml',
  'volume_difference_percent',
  'slices_with_disagreement',
] as const;

/** Header row, then one row per label in the result's order. */
export function agreementCsv(result: AgreementResult, options: AgreementCsvOptions = {}): string {
  const decimals = options.decimals ?? 4;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) throw new RangeError(`decimals ${decimals} is not an integer in 0..20`);
  const fixed = (v: number | null): string => (v === null ? '' : fixedNumber(v, decimals));
  const rows = result.labels.map((l) => [
    l.ids.a === null ? '' : String(l.ids.a),
    l.ids.b === null ? '' : String(l.ids.b),
    csvText(l.name),
    fixed(l.dice),
    fixed(l.jaccard),
    fixed(l.hd95Mm),
    fixed(l.hausdorffMm),
    fixed(l.meanSurfaceDistanceMm),
    fixed(l.volumeAMl),
    fixed(l.volumeBMl),
    fixed(l.volumeDifferenceMl),
    fixed(l.volumeDifferencePercent),
    String(l.slices.length),
  ]);
  return [AGREEMENT_CSV_COLUMNS.join(','), ...rows.map((r) => r.join(','))].map((line) => `${line}\r\n`).join('');
}

/** `toFixed`, without the "-0.0000" a tiny negative rounds to. */
function fixedNumber(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return Number(s) === 0 ? (0).toFixed(decimals) : s;
}

/**
 * One text field: quoted per RFC 4180 when it holds a comma, quote or line
 * break, and, when it starts with a character a spreadsheet reads as the
 * start of a formula, prefixed with `'` and always quoted.
 */
export function csvText(field: string): string {
  if (/^[=+\-@\t\r]/.test(field)) return `"'${field.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
