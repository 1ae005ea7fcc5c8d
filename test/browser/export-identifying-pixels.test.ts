/**
 * The annotator's export gate on images that say their pixels may identify
 * the patient (issue 17): the committed sample with Burned In Annotation YES
 * written into one of its files (not the first) loads as before, and a
 * de-identified export with the CT rejects with `export-blocked` naming
 * `burned-in-annotation` until the host accepts it; the dialog lists it as
 * blocking; masks alone export.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { ExportDetail } from '../../src/elements/events.js';
import type { ExportBlockedError } from '../../src/session/export-gate.js';
import { withTextElement } from '../node/support/insert-element.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

type Internals = { annotations: { document: AnnotationDocument } };

/** The first 12 sample files, the 6th carrying (0028,0301) YES. */
async function burnedSample(): Promise<File[]> {
  const files = await sampleFiles(12);
  const marked = files[5]!;
  files[5] = new File([withTextElement(new Uint8Array(await marked.arrayBuffer()), 0x00280301, 'CS', 'YES') as Uint8Array<ArrayBuffer>], marked.name);
  return files;
}

async function rejection(p: Promise<unknown>): Promise<ExportBlockedError> {
  try {
    await p;
  } catch (error) {
    return error as ExportBlockedError;
  }
  throw new Error('the export resolved');
}

describe('burned-in annotation and the export gate', () => {
  it('REQ-SEC-PIXELS-7: a de-identified NIfTI with the CT is refused until burned-in-annotation is accepted; the labelmap alone exports; the dialog shows it blocking', async () => {
    const a = mountAnnotator();
    await a.loadFiles(await burnedSample());
    (a as unknown as Internals).annotations.document.setRegion(1, 4, { rings: [[100, 100, 160, 100, 160, 150, 100, 150]] }, { kind: 'draw' });
    const exports: ExportDetail[] = [];
    a.addEventListener('segmark-export', (e) => exports.push(e.detail));

    const e = await rejection(a.export('nifti', { image: true, deidentify: true, acceptFindings: ['empty-label'] }));
    expect(e.code).toBe('export-blocked');
    expect(e.findings.map((f) => f.key)).toEqual(['burned-in-annotation']);

    // Identified, or without the CT: no such finding.
    await a.export('nifti', { deidentify: true, acceptFindings: ['empty-label'] });
    await a.export('nifti', { image: true, acceptFindings: ['empty-label'] });
    expect(exports.map((x) => x.overriddenFindings.map((f) => f.code).filter((c) => c !== 'empty-label'))).toEqual([[], []]);

    await a.export('nifti', { image: true, deidentify: true, acceptFindings: ['empty-label', 'burned-in-annotation'] });
    expect(exports[2]!.overridden).toContain('burned-in-annotation');

    // The dialog: the dataset package (de-identified by default) lists the finding as blocking.
    a.openExportDialog();
    await a.updateComplete;
    const dialog = a.shadowRoot!.querySelector('segmark-export-dialog')!;
    await dialog.updateComplete;
    (dialog.shadowRoot!.querySelector('input[value="dataset"]') as HTMLInputElement).click();
    await dialog.updateComplete;
    await a.updateComplete;
    await dialog.updateComplete;
    const item = dialog.shadowRoot!.querySelector('li[data-code="burned-in-annotation"]');
    expect(item?.classList.contains('block')).toBe(true);
    expect(item?.textContent).toContain('(0028,0301)');
  });
});
