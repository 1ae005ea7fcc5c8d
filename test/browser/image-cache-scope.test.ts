/**
 * With `cache-images`, only the opened series is cached (issue 17): a zip
 * holding two patients' series is opened (the annotator shows the larger),
 * and the image cache then holds exactly that series' files, each as it was
 * in the archive — not the archive, and nothing of the other patient.
 */
import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { openSegmarkDb } from '../../src/store/db.js';
import { cachedSeries, forgetSeries, loadCachedSeries } from '../../src/store/image-cache.js';
import { seriesKey } from '../../src/store/schema.js';
import { sampleFiles } from './support/sample.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

const latin1 = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join('');
const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The value of a short explicit-VR element (group, element little-endian, VR, 2-byte length), without its padding. */
function value(bytes: Uint8Array, group: number, element: number, vr: string): string {
  const text = latin1(bytes);
  const tag = String.fromCharCode(group & 255, group >> 8, element & 255, element >> 8) + vr;
  const at = text.indexOf(tag);
  if (at < 0) throw new Error(`no (${group.toString(16)},${element.toString(16)}) ${vr}`);
  const length = bytes[at + 6]! | (bytes[at + 7]! << 8);
  return text.slice(at + 8, at + 8 + length).replace(/[\0 ]+$/, '');
}

/** Every occurrence of `from` replaced by `to` (same length), so the file stays well formed. */
function replaced(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('replacements keep the length');
  return bytesOf(latin1(bytes).split(from).join(to));
}

/** The same UID with its last digit changed. */
const other = (uid: string) => uid.slice(0, -1) + (uid.endsWith('9') ? '8' : String(Number(uid.at(-1)) + 1));

describe('image cache scope', () => {
  it("opening one series of a zip with two patients caches only that series' files", async () => {
    const sample = await Promise.all((await sampleFiles(8)).map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const first = sample[0]!.bytes;
    const study = value(first, 0x0020, 0x000d, 'UI');
    const series = value(first, 0x0020, 0x000e, 'UI');
    const patient = value(first, 0x0010, 0x0010, 'PN');
    // Patient B: three slices of another study and series, with instance UIDs and a name of their own.
    const patientB = 'OTHER^PATIENT^B'.padEnd(patient.length, 'X');
    const seriesA = sample.slice(0, 5);
    const seriesB = sample.slice(5, 8).map(({ name, bytes }) => {
      const sop = value(bytes, 0x0008, 0x0018, 'UI');
      let b = replaced(bytes, study, other(study));
      b = replaced(b, series, other(series));
      b = replaced(b, sop, other(sop));
      return { name, bytes: replaced(b, patient, patientB) };
    });
    const zip = new File(
      [zipSync({ ...Object.fromEntries(seriesA.map((f) => [`a/${f.name}`, f.bytes])), ...Object.fromEntries(seriesB.map((f) => [`b/${f.name}`, f.bytes])) }) as Uint8Array<ArrayBuffer>],
      'two-patients.zip',
    );

    const db = await openSegmarkDb();
    const keyA = seriesKey(study, series);
    const keyB = seriesKey(other(study), other(series));
    await forgetSeries(db, keyA);

    const a = document.createElement('segmark-annotator');
    a.user = `scope-${Date.now()}`;
    a.cacheImages = true;
    a.style.cssText = 'display:grid;width:1000px;height:700px';
    document.body.append(a);
    mounted.push(a);
    await a.loadFiles([zip]);
    expect(a.series?.seriesInstanceUID, 'the larger series (patient A) is shown').toBe(series);

    const cached = await loadCachedSeries(db, keyA);
    expect(cached?.map((f) => f.name)).toEqual(seriesA.map((f) => `two-patients.zip/a/${f.name}`));
    for (const [i, file] of cached!.entries()) expect(new Uint8Array(await file.arrayBuffer())).toEqual(seriesA[i]!.bytes);
    const summary = (await cachedSeries(db)).find((s) => s.key === keyA)!;
    expect(summary.totalBytes).toBe(seriesA.reduce((n, f) => n + f.bytes.length, 0));
    expect((await cachedSeries(db)).some((s) => s.key === keyB), 'the other patient is not cached').toBe(false);
    for (const file of cached!) expect(latin1(new Uint8Array(await file.arrayBuffer())).includes(patientB)).toBe(false);

    await forgetSeries(db, keyA);
    db.close();
  });
});
