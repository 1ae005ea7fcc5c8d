/**
 * Two annotators on one page share nothing: loading both at once, each shows
 * its own series; tools, labels, slices, windows, documents and undo are each
 * its own; an export of one holds only its own work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

/** Labels of the template left empty block an export (issue 16): these exports accept that, as "Export anyway" does. */
const ANYWAY = { acceptFindings: ['empty-label'] };

type Internals = { annotations: { document: AnnotationDocument } };

describe('two annotators on one page', () => {
  it('load at the same time and keep their own series, tools, slices, windows, documents and history', async () => {
    const files = await sampleFiles();
    const a = mountAnnotator({ width: 640, height: 480 });
    const b = mountAnnotator({ width: 640, height: 480 });
    await Promise.all([a.loadFiles(files.slice(0, 30)), b.loadFiles(files.slice(30, 70))]);
    expect([a.series!.slices, b.series!.slices]).toEqual([30, 40]);
    expect(a.series!.sopInstanceUIDs.some((u) => b.series!.sopInstanceUIDs.includes(u))).toBe(false);

    a.tool = 'brush';
    a.activeLabel = 3;
    a.slice = 5;
    a.applyPreset('bone');
    b.slice = 20;
    await Promise.all([a.updateComplete, b.updateComplete]);
    expect([b.tool, b.activeLabel, b.slice]).toEqual(['window', 1, 20]);
    expect(b.windowWidth).not.toBe(a.windowWidth);

    (a as unknown as Internals).annotations.document.setRegion(3, 5, { rings: [[50, 50, 120, 50, 120, 110, 50, 110]] }, { kind: 'draw' });
    expect(a.getDocument()!.regions.length).toBe(1);
    expect(b.getDocument()!.regions).toEqual([]);
    expect(b.undo()).toBe(false);
    expect(a.getDocument()!.regions.length).toBe(1);

    const fromB = readNifti(new Uint8Array(await (await b.export('nifti', ANYWAY)).arrayBuffer()));
    expect((fromB.data as Uint8Array).some((v) => v !== 0)).toBe(false);
    const fromA = readNifti(new Uint8Array(await (await a.export('nifti', ANYWAY)).arrayBuffer()));
    expect((fromA.data as Uint8Array).some((v) => v === 3)).toBe(true);

    expect(a.undo()).toBe(true);
    expect(a.getDocument()!.regions).toEqual([]);
  });
});
