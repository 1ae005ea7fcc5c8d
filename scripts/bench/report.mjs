// Node side: result rows, the printed table and bench-results.json.

/**
 * One result row as bench-results.json stores it. `value` null = not measured
 * (n/a); `target` null = informational (printed, never passes or fails).
 * @typedef {{ name: string, value: number | null, unit: string, target: number | null, better: 'lower' | 'higher' }} Row
 */

/** @returns {Row} */
export function row(name, value, unit, target, better) {
  const v = typeof value === 'number' && Number.isFinite(value) ? round(value) : null;
  return { name, value: v, unit, target, better };
}

function round(x) {
  const digits = Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  return Number(x.toFixed(digits));
}

/** 'pass' | 'fail' | 'n/a' (not measured) | 'info' (no target). */
export function verdict(r) {
  if (r.target === null) return 'info';
  if (r.value === null) return 'n/a';
  return (r.better === 'lower' ? r.value <= r.target : r.value >= r.target) ? 'pass' : 'fail';
}

const MARK = { pass: '✓', fail: '✗', 'n/a': '?', info: ' ' };

function display(x) {
  return x.toFixed(Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
}

/** The table the bench prints: name, value, unit, target, better, mark. */
export function formatTable(rows) {
  const head = ['name', 'value', 'unit', 'target', 'better', ''];
  const body = rows.map((r) => [r.name, r.value === null ? 'n/a' : display(r.value), r.unit, r.target === null ? '-' : String(r.target), r.better, MARK[verdict(r)]]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = new Set([1, 3]);
  const line = (cells) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** MB/s (10^6 bytes) for `bytes` read in `ms`; null when `ms` is not a number. */
export function throughput(bytes, ms) {
  return typeof ms === 'number' && ms > 0 ? bytes / 1e6 / (ms / 1000) : null;
}
