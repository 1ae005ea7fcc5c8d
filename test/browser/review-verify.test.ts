/**
 * Verification on a real annotator in real Chromium (issue 7, "Provenance and
 * verification"): a model's SEG (written by our writer with its algorithm
 * name) is imported onto the sample series; the reviewer walks it with real
 * keys — N to the next unverified slice, V to accept, R and the reason picker
 * to reject, Shift+N to the next label — sees the label panel's progress
 * bar, undoes with Ctrl+Z, and after a reload from the real IndexedDB finds
 * every decision and the provenance (file, algorithm, who) again.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import { exportSeries, runExport } from '../../src/core/formats/export-job.js';
import type { ChangeDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

type Internals = { annotations: { document: AnnotationDocument } };

async function open(files: File[], options: { user: string; autosave: boolean }): Promise<SegmarkAnnotator> {
  const a = document.createElement('segmark-annotator');
  a.user = options.user;
  a.noAutosave = !options.autosave;
  a.style.cssText = 'display:grid;width:1100px;height:760px';
  document.body.append(a);
  mounted.push(a);
  await a.loadFiles(files);
  for (let i = 0; i < 300 && !a.annotationReady; i++) await new Promise((r) => setTimeout(r, 10));
  expect(a.annotationReady).toBe(true);
  await frames(2);
  return a;
}

const square = (c0: number, r0: number, size: number) => ({ rings: [[c0, r0, c0 + size, r0, c0 + size, r0 + size, c0, r0 + size]] });

/** A SEG as a model would deliver it: labels 3 (slices 20, 24, 28) and 4 (slice 24), AUTOMATIC, named "SpineNet v2". */
async function modelSeg(files: File[]): Promise<File> {
  const m = await open(files, { user: 'model', autosave: false });
  const internals = m as unknown as Internals;
  const doc = internals.annotations.document;
  const model = { algorithm: 'SpineNet v2', algorithmType: 'AUTOMATIC' as const };
  for (const k of [20, 24, 28]) doc.setRegion(3, k, square(150, 150, 20), { kind: 'import', provenance: model });
  doc.setRegion(4, 24, square(100, 100, 16), { kind: 'import', provenance: model });
  const result = await runExport({
    format: 'dicom-seg',
    options: { labels: [3, 4] },
    series: exportSeries(m.session.volume!),
    snapshot: doc.snapshot(),
    user: '',
  });
  m.remove();
  return new File([result.bytes as Uint8Array<ArrayBuffer>], 'spinenet_output.dcm', { type: 'application/dicom' });
}

function bar(a: SegmarkAnnotator): HTMLElement {
  return a.shadowRoot!.querySelector<HTMLElement>('.verify')!;
}

function progress(a: SegmarkAnnotator, labelId: number): HTMLElement | null {
  const panel = a.shadowRoot!.querySelector('segmark-label-panel')!;
  return panel.shadowRoot!.querySelector<HTMLElement>(`li[data-id="${labelId}"] [role="progressbar"]`);
}

/** axe's WCAG 2.1 AA violations inside the annotator (names, ARIA, contrast). */
async function violations(el: Element): Promise<string[]> {
  const result = await axe.run(el, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}

async function press(a: SegmarkAnnotator, keys: string): Promise<void> {
  await userEvent.keyboard(keys);
  await a.updateComplete;
  await a.shadowRoot!.querySelector('segmark-label-panel')!.updateComplete;
}

describe('reviewing an imported model segmentation with the keyboard', () => {
  it('REQ-7.3: N, V, R with a reason, Shift+N and Ctrl+Z on a real annotator; decisions and provenance survive a reload', async () => {
    const files = await sampleFiles();
    const seg = await modelSeg(files);
    const user = `Dr Chen ${Date.now()}`;
    const a = await open(files, { user, autosave: true });
    const summary = await a.importMask(seg);
    expect(summary.labels.map((l) => [l.id, l.slices])).toEqual([[3, 3], [4, 1]]);

    const changes: Pick<ChangeDetail, 'labelId' | 'slice' | 'kind'>[] = [];
    a.addEventListener('segmark-change', ({ detail: { labelId, slice, kind } }) => changes.push({ labelId, slice, kind }));
    a.activeLabel = 3;
    a.slice = 0;
    await a.updateComplete;
    a.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!.focus();

    // N: to the first unverified slice of the active label.
    await press(a, 'n');
    expect(a.slice).toBe(20);
    expect(bar(a).querySelector('.verify-state')!.getAttribute('data-state')).toBe('unverified');
    // V: accept it.
    await press(a, 'v');
    expect(changes).toEqual([{ labelId: 3, slice: 20, kind: 'verify' }]);
    expect(bar(a).querySelector('.verify-state')!.getAttribute('data-state')).toBe('verified');
    expect(progress(a, 3)!.getAttribute('aria-valuenow')).toBe('1');
    expect(progress(a, 3)!.getAttribute('aria-valuemax')).toBe('3');

    // N, then V on slice 24 accepts both visible labels there at once (one undo step).
    await press(a, 'n');
    expect(a.slice).toBe(24);
    await press(a, 'v');
    expect(changes.slice(1)).toEqual([
      { labelId: 3, slice: 24, kind: 'verify' },
      { labelId: 4, slice: 24, kind: 'verify' },
    ]);
    expect(progress(a, 4)!.getAttribute('aria-valuenow')).toBe('1');

    // N to 28, R: the picker; 4 picks "not this structure", a note, Enter rejects.
    await press(a, 'n');
    expect(a.slice).toBe(28);
    await press(a, 'r');
    const picker = bar(a).querySelector<HTMLElement>('.reject-picker')!;
    expect(picker.getAttribute('role')).toBe('dialog');
    expect(await violations(bar(a))).toEqual([]);
    await press(a, '4');
    const checked = picker.querySelector<HTMLInputElement>('input[type="radio"]:checked')!;
    expect(checked.value).toBe('not-this-structure');
    expect(a.shadowRoot!.activeElement).toBe(checked);
    picker.querySelector<HTMLInputElement>('.reject-note')!.focus();
    await press(a, 'this is L5/S1');
    // The 1 … 5 window presets and tool keys did not fire underneath while typing.
    expect(a.slice).toBe(28);
    await press(a, '{Enter}');
    expect(bar(a).querySelector('.reject-picker')).toBeNull();
    const rejected = a.getDocument()!.regions.find((r) => r.labelId === 3 && r.slice === 28)!;
    expect(rejected.verified).toBe(false);
    expect(rejected.review).toMatchObject({ state: 'rejected', by: user, reason: 'not-this-structure', note: 'this is L5/S1' });
    expect(bar(a).querySelector('.verify-state')!.getAttribute('data-state')).toBe('rejected');
    a.setAttribute('theme', 'light');
    await a.updateComplete;
    expect(await violations(bar(a))).toEqual([]);
    a.removeAttribute('theme');
    expect(changes.at(-1)).toEqual({ labelId: 3, slice: 28, kind: 'verify' });

    // Nothing left unverified: N says so and stays.
    await press(a, 'n');
    expect(a.slice).toBe(28);
    expect(bar(a).querySelector('.verify-notice')!.textContent).toBe('Nothing left to verify');

    // Ctrl+Z undoes the rejection; Escape in a reopened picker cancels without a decision.
    a.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!.focus();
    await press(a, '{Control>}z{/Control}');
    expect(a.getDocument()!.regions.find((r) => r.labelId === 3 && r.slice === 28)!.review).toBeUndefined();
    await press(a, 'r');
    await press(a, '{Escape}');
    expect(bar(a).querySelector('.reject-picker')).toBeNull();
    expect(a.getDocument()!.regions.find((r) => r.labelId === 3 && r.slice === 28)!.review).toBeUndefined();
    // Reject again: the picker preselects the first reason; Enter takes it.
    await press(a, 'r');
    await press(a, '{Enter}');
    expect(a.getDocument()!.regions.find((r) => r.labelId === 3 && r.slice === 28)!.review).toMatchObject({ state: 'rejected', reason: 'boundary-wrong' });

    // Shift+N from label 3 with label 4 done and 3 decided: no label waits.
    await press(a, '{Shift>}N{/Shift}');
    expect(a.activeLabel).toBe(3);

    const before = a.getDocument()!.regions.filter((r) => r.labelId === 3 || r.labelId === 4);
    await a.flushSave();
    a.remove();

    const again = await open(files, { user, autosave: true });
    const after = again.getDocument()!.regions.filter((r) => r.labelId === 3 || r.labelId === 4);
    expect(after).toEqual(before);
    const bySlice = new Map(after.filter((r) => r.labelId === 3).map((r) => [r.slice, r]));
    expect(bySlice.get(20)!.verified).toBe(true);
    expect(bySlice.get(20)!.review).toMatchObject({ state: 'verified', by: user });
    expect(bySlice.get(28)!.review).toMatchObject({ state: 'rejected', by: user, reason: 'boundary-wrong' });
    expect(bySlice.get(20)!.provenance).toEqual({ by: user, file: 'spinenet_output.dcm', algorithm: 'SpineNet v2', algorithmType: 'AUTOMATIC' });
    again.activeLabel = 3;
    again.slice = 28;
    await again.updateComplete;
    await again.shadowRoot!.querySelector('segmark-label-panel')!.updateComplete;
    expect(progress(again, 3)!.getAttribute('aria-valuetext')).toBe('2 of 3 verified, 1 rejected');

    // Editing a verified outline makes it unverified again; Shift+N then finds it.
    (again as unknown as Internals).annotations.document.setRegion(4, 24, square(100, 100, 18), { kind: 'edit' });
    again.slice = 0;
    await again.updateComplete;
    again.shadowRoot!.querySelector<HTMLElement>('segmark-viewport')!.focus();
    await press(again, '{Shift>}N{/Shift}');
    expect([again.activeLabel, again.slice]).toEqual([4, 24]);
    const edited = again.getDocument()!.regions.find((r) => r.labelId === 4 && r.slice === 24)!;
    expect(edited.origin).toBe('drawn');
    expect(edited.provenance).toMatchObject({ editedFrom: 'imported', algorithm: 'SpineNet v2' });
  });
});
