/**
 * The Dataset panel in the annotator's Work tab (issue 16), in real
 * Chromium with real IndexedDB and a real File System Access folder (the
 * origin private file system): the sample is opened with the image cache on
 * and annotated, the panel lists it with its status and cached images,
 * filters, picks and asks for a build; `buildDataset` writes the nnU-Net v2
 * layout into the folder, the label holding the disc's value from the
 * dataset definition; a second build of the same name keeps the case id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import { gunzip } from '../../src/core/formats/bytes.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { documentId } from '../../src/store/schema.js';
import { sampleFiles } from './support/sample.js';
import { until } from './support/wait.js';

const mounted: SegmarkAnnotator[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const a of mounted.splice(0)) a.remove();
  const root = await navigator.storage.getDirectory();
  for (const name of folders.splice(0)) await root.removeEntry(name, { recursive: true });
});

function centre(el: Element): [number, number] {
  const r = el.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}

async function fileIn(dir: FileSystemDirectoryHandle, path: string): Promise<File> {
  const parts = path.split('/');
  let d = dir;
  for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
  return (await d.getFileHandle(parts.at(-1)!)).getFile();
}

describe('the Dataset panel', () => {
  it('REQ-DATASET-UI-1: lists the stored work, filters and picks it, and builds an nnU-Net dataset into a folder with stable case ids', async () => {
    const user = `lead-${Date.now()}`;
    const a = document.createElement('segmark-annotator');
    a.user = user;
    a.cacheImages = true;
    a.style.cssText = 'display:grid;width:1200px;height:700px';
    document.body.append(a);
    mounted.push(a);
    await a.loadFiles(await sampleFiles(8));
    await until('the annotation to be ready', () => a.annotationReady && a.editable);
    const doc = (a as unknown as { annotations: { document: AnnotationDocument } }).annotations.document;
    // The L1/L2 disc (label 1, the first of the lumbar template) drawn on two slices.
    for (const k of [3, 4]) doc.setRegion(1, k, { rings: [[100, 100, 140, 100, 140, 130, 100, 130]] }, { kind: 'draw' });
    await a.flushSave();
    const s = a.getDocument()!.series;
    const docId = documentId(s.studyInstanceUID, s.seriesInstanceUID, user);
    const cases = await a.listDatasetCases();
    const mine = cases.find((c) => c.docId === docId);
    expect(mine).toMatchObject({ status: 'draft', user, regionCount: 2 });
    // The images were cached when the series was opened (in the background: wait for them).
    let cached = false;
    for (let i = 0; i < 100 && !cached; i++) {
      cached = (await a.listDatasetCases()).find((c) => c.docId === docId)?.imagesCached === true;
      if (!cached) await new Promise((r) => setTimeout(r, 50));
    }
    expect(cached).toBe(true);

    // The panel in the Work tab: open it, filter, pick our case; Build asks the annotator with the picks.
    const root = a.shadowRoot!;
    await commands.pointerClicks([centre(root.querySelector('[role="tab"]#tab-work')!)]);
    const panel = root.querySelector('segmark-dataset-panel')!;
    await panel.updateComplete;
    await commands.pointerClicks([centre(panel.shadowRoot!.querySelector('summary')!)]);
    await until('the case in the panel', () => panel.shadowRoot!.querySelector(`li[data-id="${CSS.escape(docId)}"]`) !== null);
    const status = panel.shadowRoot!.querySelector<HTMLSelectElement>('select[data-filter="status"]')!;
    status.value = 'approved';
    status.dispatchEvent(new Event('change'));
    await panel.updateComplete;
    expect(panel.shadowRoot!.querySelector(`li[data-id="${CSS.escape(docId)}"]`), 'a draft is not approved').toBeNull();
    status.value = '';
    status.dispatchEvent(new Event('change'));
    await panel.updateComplete;
    const box = panel.shadowRoot!.querySelector<HTMLInputElement>(`li[data-id="${CSS.escape(docId)}"] input[type="checkbox"]`)!;
    box.scrollIntoView({ block: 'center' });
    await commands.pointerClicks([centre(box)]);
    await panel.updateComplete;
    expect(panel.shadowRoot!.querySelector('.pick .meta')!.textContent).toBe('1 picked');
    panel.shadowRoot!.querySelector('.build-button')!.scrollIntoView({ block: 'center' });
    const asked: { docIds: string[]; name: string }[] = [];
    // Caught before the annotator's handler, which would open the folder picker.
    root.addEventListener('sm-dataset-build', (e) => (asked.push((e as CustomEvent).detail), e.stopPropagation()), { capture: true, once: true });
    await commands.pointerClicks([centre(panel.shadowRoot!.querySelector('.build-button')!)]);
    expect(asked).toEqual([{ docIds: [docId], name: 'Segmark' }]);

    // The build, into a folder of the origin private file system.
    const name = `seg-${Date.now()}`;
    folders.push(name);
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
    const datasetName = `Test${Date.now() % 100000}`;
    const result = (await a.buildDataset([docId], { name: datasetName, directory: folder }))!;
    expect(result.needsFiles).toEqual([]);
    const [built] = result.build.cases;
    expect(built!.outcome).toBe('written');
    const dir = await folder.getDirectoryHandle(result.build.folder);
    const datasetJson = JSON.parse(await (await fileIn(dir, 'dataset.json')).text()) as { labels: Record<string, number>; numTraining: number };
    const side = built!.split === 'train' ? 'Tr' : 'Ts';
    const label = readNifti(gunzip(new Uint8Array(await (await fileIn(dir, `labels${side}/${built!.caseId}.nii.gz`)).arrayBuffer()), 'nifti-invalid'));
    const image = readNifti(gunzip(new Uint8Array(await (await fileIn(dir, `images${side}/${built!.caseId}_0000.nii.gz`)).arrayBuffer()), 'nifti-invalid'));
    expect(label.dims).toEqual(image.dims);
    const discValue = result.definition.labels.find((l) => l.name.startsWith('L1/L2'))!.value;
    expect(Object.values(datasetJson.labels)).toContain(discValue);
    const values = new Set(label.data as unknown as Iterable<number>);
    expect([...values].sort()).toEqual([0, discValue]);

    // Built again under the same name: the same case id and label value.
    const again = (await a.buildDataset([docId], { name: datasetName, directory: folder }))!;
    expect(again.build.cases[0]).toMatchObject({ caseId: built!.caseId, outcome: 'skipped' });
    expect(again.definition.labels.find((l) => l.name.startsWith('L1/L2'))!.value).toBe(discValue);

    // The definition travels as JSON: exported, removed here, imported again — the same definition.
    const stored = (await a.listDatasets()).find((d) => d.name === datasetName)!;
    expect(stored).toMatchObject({ folder: result.build.folder, cases: 1 });
    const file = await a.exportDatasetDefinition(stored.id);
    expect(file.name).toBe(`${result.build.folder}.definition.json`);
    const { deleteDataset } = await import('../../src/store/datasets.js');
    const { openSegmarkDb } = await import('../../src/store/db.js');
    const db = await openSegmarkDb();
    await deleteDataset(db, stored.id);
    db.close();
    expect((await a.listDatasets()).some((d) => d.id === stored.id)).toBe(false);
    const back = await a.importDatasetDefinition(file);
    expect(JSON.parse(JSON.stringify(back))).toEqual(JSON.parse(await file.text()));
    await expect(a.importDatasetDefinition(file)).rejects.toMatchObject({ code: 'dataset-export-invalid' });

    // The host's load budgets hold for a build too: a series budget below this series refuses it, naming the limit.
    a.limits = { seriesVoxels: 1000 };
    const refusedName = `${datasetName}b`;
    await expect(a.buildDataset([docId], { name: refusedName, directory: folder })).rejects.toMatchObject({ code: 'input-too-large' });
  });
});
