/**
 * Download names from the annotator (issue 17): a de-identified export is
 * named after the case id even when the host or the user gives a name, and
 * the export dialog does not take a typed name while "De-identify" is ticked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import type { ExportDetail } from '../../src/elements/events.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

type Internals = { annotations: { document: AnnotationDocument } };

describe('export names', () => {
  it('REQ-SEC-NAME-5: export() and the dialog name a de-identified file after the case id, not a typed name or the series', async () => {
    const a = mountAnnotator();
    await a.loadFiles(await sampleFiles(12));
    (a as unknown as Internals).annotations.document.setRegion(1, 4, { rings: [[100, 100, 160, 100, 160, 150, 100, 150]] }, { kind: 'draw' });
    const exports: ExportDetail[] = [];
    a.addEventListener('segmark-export', (e) => exports.push(e.detail));

    const file = await a.export('coco', { deidentify: true, caseId: 'case_0007', name: 'DOE_JOHN', acceptFindings: ['empty-label'] });
    expect(file.name).toBe('case_0007_coco.json');
    expect(exports[0]!.fileName).toBe('case_0007_coco.json');

    a.openExportDialog();
    await a.updateComplete;
    const dialog = a.shadowRoot!.querySelector('segmark-export-dialog')!;
    await dialog.updateComplete;
    const root = dialog.shadowRoot!;
    (root.querySelector('input[value="coco"]') as HTMLInputElement).click();
    await dialog.updateComplete;
    const nameInput = root.querySelector('input[name="file-name"]') as HTMLInputElement;
    expect(nameInput.disabled).toBe(false);
    nameInput.value = 'DOE_JOHN';
    nameInput.dispatchEvent(new Event('input'));
    (root.querySelector('input[name="deidentify"]') as HTMLInputElement).click();
    await dialog.updateComplete;
    expect(nameInput.disabled).toBe(true);
    expect(nameInput.placeholder).toBe('case_0001');
    // The typed name is not shown as if it would be used.
    expect(nameInput.value).toBe('');
    // The dialog picks the drawn label only: nothing blocks.
    await a.updateComplete;
    await dialog.updateComplete;
    expect(root.querySelector('li.block')).toBeNull();
    (root.querySelector('button.export') as HTMLButtonElement).click();
    await expect.poll(() => exports.length, { timeout: 10000 }).toBe(2);
    expect(exports[1]!.fileName).toBe('case_0001_coco.json');
  });
});
