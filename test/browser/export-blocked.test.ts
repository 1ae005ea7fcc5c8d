/**
 * export() from the host honours the checklist (issue 16): it once exported
 * past ten blocking `empty-label` findings with `overridden` empty. Blocking
 * findings now reject with `export-blocked`, listing them, unless the caller
 * accepts them by code or by key, as the dialog's "Export anyway" does; the
 * `segmark-export` event records what was overridden.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { SegmarkError } from '../../src/core/errors.js';
import { readSeg } from '../../src/core/formats/seg.js';
import type { ExportDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { ExportBlockedError } from '../../src/session/export-gate.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

type Internals = { annotations: { document: AnnotationDocument } };

const SQUARE = { rings: [[100, 100, 160, 100, 160, 150, 100, 150]] };

/** The sample open, one outline of label 1 on slice 10: every other label of the template is empty. */
async function oneOutline(): Promise<{ a: SegmarkAnnotator; exports: ExportDetail[]; errors: string[] }> {
  const a = mountAnnotator();
  await a.loadFiles(await sampleFiles());
  (a as unknown as Internals).annotations.document.setRegion(1, 10, SQUARE, { kind: 'draw' });
  const exports: ExportDetail[] = [];
  const errors: string[] = [];
  a.addEventListener('segmark-export', (e) => exports.push(e.detail));
  a.addEventListener('segmark-error', (e) => errors.push(e.detail.code));
  return { a, exports, errors };
}

async function rejection(p: Promise<unknown>): Promise<ExportBlockedError> {
  try {
    await p;
  } catch (error) {
    return error as ExportBlockedError;
  }
  throw new Error('the export resolved');
}

describe('export() and the checklist', () => {
  it('REQ-EXPORT-GATE-1: a document with empty labels rejects with export-blocked, listing each empty label, and exports nothing', async () => {
    const { a, exports, errors } = await oneOutline();
    const empty = a.getDocument()!.labels.filter((l) => l.id !== 1);
    expect(empty.length).toBeGreaterThan(0);

    const e = await rejection(a.export('dicom-seg'));
    expect((e as SegmarkError).code).toBe('export-blocked');
    expect(e.findings.map((f) => f.key)).toEqual(empty.map((l) => `empty-label:${l.id}`));
    expect(e.findings.map((f) => f.label)).toEqual(empty.map((l) => l.name));
    expect(e.findings.every((f) => f.code === 'empty-label')).toBe(true);
    expect(e.params['count']).toBe(empty.length);
    expect(String(e.params['findings'])).toContain(`empty-label (${empty[0]!.name})`);
    expect(errors).toEqual(['export-blocked']);
    expect(exports).toEqual([]);
  });

  it('REQ-EXPORT-GATE-2: accepting all but one by key still rejects, naming only the one left', async () => {
    const { a, exports } = await oneOutline();
    const empty = a.getDocument()!.labels.filter((l) => l.id !== 1);
    const [left, ...rest] = empty;
    const e = await rejection(a.export('nifti', { acceptFindings: rest.map((l) => `empty-label:${l.id}`) }));
    expect((e as SegmarkError).code).toBe('export-blocked');
    expect(e.findings.map((f) => f.key)).toEqual([`empty-label:${left!.id}`]);
    expect(exports).toEqual([]);
  });

  it('REQ-EXPORT-GATE-3: with the findings accepted the export is made, and segmark-export records each overridden finding', async () => {
    const { a, exports, errors } = await oneOutline();
    const empty = a.getDocument()!.labels.filter((l) => l.id !== 1);
    const file = await a.export('dicom-seg', { acceptFindings: ['empty-label'] });
    const seg = readSeg(new Uint8Array(await file.arrayBuffer()));
    expect(seg.segments).toHaveLength(empty.length + 1);
    expect(exports).toHaveLength(1);
    expect(exports[0]!.format).toBe('dicom-seg');
    expect(exports[0]!.overridden).toEqual(['empty-label']);
    expect(exports[0]!.overriddenFindings.map((f) => f.key)).toEqual(empty.map((l) => `empty-label:${l.id}`));
    expect(exports[0]!.overriddenFindings.map((f) => f.label)).toEqual(empty.map((l) => l.name));
    expect(errors).toEqual([]);
  });

  it('REQ-EXPORT-GATE-4: nothing blocking, nothing overridden: exporting only the outlined label needs no acceptance', async () => {
    const { a, exports } = await oneOutline();
    await a.export('nifti', { labels: [1], acceptFindings: ['generic-code'] });
    expect(exports.map((e) => [e.overridden, e.overriddenFindings])).toEqual([[[], []]]);
  });

  it('REQ-EXPORT-GATE-5: acceptFindings that is not a list of strings is a bad argument', async () => {
    const { a, exports } = await oneOutline();
    await expect(a.export('nifti', { acceptFindings: 'empty-label' as unknown as string[] })).rejects.toMatchObject({ code: 'bad-argument' });
    expect(exports).toEqual([]);
  });
});
