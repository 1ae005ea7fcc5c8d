/**
 * The annotator's session and command table without a browser: the state a
 * session owns and how it announces changes, and how keys and buttons reach
 * the same commands. The document is a real AnnotationDocument on the real
 * sample series; the view is a recording stand-in (no canvas in Node).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../src/core/annotation/document.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import { WINDOW_PRESETS } from '../../src/core/display/window.js';
import { AnnotatorSession, type DocumentSource } from '../../src/session/annotator-session.js';
import type { PublicEventName } from '../../src/elements/events.js';
import {
  COMMAND_IDS,
  ANNOTATION_TOOLS,
  command,
  commandForKey,
  handleKey,
  press,
  runCommand,
  shortcutText,
  type CommandContext,
  type CommandUi,
  type ViewControl,
} from '../../src/session/commands.js';
import { TOOL_SHORTCUTS } from '../../src/tools/index.js';
import { sampleVolume } from './support/sample-volume.js';

let volume: Volume;

beforeAll(async () => {
  volume = await sampleVolume();
});

function documentFor(v: Volume): AnnotationDocument {
  const { studyInstanceUID, seriesInstanceUID, sopInstanceUIDs, rows, columns, slices } = v;
  return new AnnotationDocument({
    series: { studyInstanceUID, seriesInstanceUID, sopInstanceUIDs, rows, columns, slices },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
  });
}

interface Harness {
  session: AnnotatorSession;
  context: CommandContext;
  docs: { document: AnnotationDocument | undefined; writable: boolean; ready: boolean };
  events: Array<{ type: PublicEventName; detail: unknown }>;
  calls: string[];
}

/** A session with a document on the sample series, and a view and UI that record what they were asked. */
function harness(open = true): Harness {
  const events: Harness['events'] = [];
  const calls: string[] = [];
  const session = new AnnotatorSession({ emit: (type, detail) => events.push({ type, detail }) });
  const docs: DocumentSource & { document: AnnotationDocument | undefined; writable: boolean; ready: boolean } = {
    document: open ? documentFor(volume) : undefined,
    writable: true,
    ready: true,
  };
  session.attachDocuments(docs);
  if (open) session.set('volume', volume);
  const view: ViewControl = {
    fit: () => calls.push('fit'),
    actualSize: () => calls.push('actualSize'),
    zoomBy: (f) => calls.push(`zoom ${f}`),
    cancelTool: () => calls.push('cancelTool'),
    toolKey: (k) => k.key === 'Enter' && session.tool === 'polygon',
  };
  const record = (name: string) => () => void calls.push(name);
  const ui: CommandUi = {
    toggleShortcuts: record('shortcuts'),
    openExportDialog: record('export'),
    pickFiles: record('pickFiles'),
    pickFolder: record('pickFolder'),
    pickMask: record('pickMask'),
    openCompare: record('compare'),
    saveToPacs: record('saveToPacs'),
    listPacsSegmentations: record('pacsSegmentations'),
    saveVersion: record('saveVersion'),
    acceptSlice: () => (calls.push('acceptSlice'), true),
    openRejectPicker: () => (calls.push('reject'), true),
    nextUnverified: () => (calls.push('next'), true),
    nextUnverifiedLabel: () => (calls.push('nextLabel'), true),
    togglePinMode: record('pin'),
    writable: () => docs.writable,
    chooseLayout: (layout) => {
      calls.push(`layout ${layout}`);
      session.set('layout', layout);
    },
    toggleMaximised: record('maximise'),
  };
  return { session, context: { session, view: () => view, ui }, docs, events, calls };
}

const key = (k: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean } = {}) => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  metaKey: false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

const square = (x: number, y: number, s: number) => ({ rings: [[x, y, x + s, y, x + s, y + s, x, y + s]] });

describe('the command table', () => {
  it('gives every key to at most one command, and every command a key or a button', () => {
    const owners = new Map<string, string>();
    for (const id of COMMAND_IDS) {
      for (const s of command(id).keys ?? []) {
        const k = `${s.ctrl ? 'C' : ''}${s.shift ? 'S' : ''}${s.key}`;
        expect(owners.get(k), `${shortcutText(s)} is taken by ${owners.get(k)} and ${id}`).toBeUndefined();
        owners.set(k, id);
      }
    }
    expect(owners.size).toBeGreaterThan(30);
  });

  it('keeps the tools on the keys the tools chose', () => {
    for (const [letter, tool] of Object.entries(TOOL_SHORTCUTS)) {
      expect(commandForKey(key(letter))).toBe(`tool.${tool}`);
      expect(commandForKey(key(letter.toUpperCase(), { shift: true }))).toBeUndefined();
    }
    expect(ANNOTATION_TOOLS).toEqual(Object.values(TOOL_SHORTCUTS));
    for (const p of WINDOW_PRESETS) expect(commandForKey(key(p.key))).toBe(`preset.${p.id}`);
  });

  it('tells N from Shift+N and Ctrl+Z from Ctrl+Shift+Z, and ignores Alt', () => {
    expect(commandForKey(key('n'))).toBe('verify.next');
    expect(commandForKey(key('N', { shift: true }))).toBe('verify.next-label');
    expect(commandForKey(key('z', { ctrl: true }))).toBe('undo');
    expect(commandForKey(key('Z', { ctrl: true, shift: true }))).toBe('redo');
    expect(commandForKey(key('y', { ctrl: true }))).toBe('redo');
    expect(commandForKey(key('z'))).toBe('tool.zoom');
    expect(commandForKey(key('z', { alt: true }))).toBeUndefined();
    // '?' and '+' need Shift on most layouts; they are found either way.
    expect(commandForKey(key('?', { shift: true }))).toBe('shortcuts');
    expect(commandForKey(key('+', { shift: true }))).toBe('zoom-in');
  });

  it('shows keys as people read them', () => {
    expect(shortcutText({ key: 'z', ctrl: true, shift: true })).toBe('Ctrl + Shift + Z');
    expect(shortcutText({ key: 'ArrowUp' })).toBe('↑');
    expect(shortcutText({ key: '?', shift: true })).toBe('?');
  });

  it('a key and a button run the same command with the same result', () => {
    for (const via of ['key', 'button'] as const) {
      const h = harness();
      h.session.activeLabel = 1;
      h.session.slice = 2;
      h.session.document!.setRegion(1, 2, square(10, 10, 20), { kind: 'draw' });
      const ran = via === 'key' ? handleKey(h.context, key('z', { ctrl: true })) : press(h.context, 'undo');
      expect(ran, via).toBe(true);
      expect(h.session.document!.regionAt(1, 2).rings, via).toEqual([]);
      expect(h.calls, via).toEqual(['cancelTool']);
    }
  });

  it('a disabled command does nothing from a key or a button; its Ctrl key is still kept from the browser', () => {
    const h = harness();
    h.session.setSetting('readonly', true);
    h.session.document!.setRegion(1, 0, square(10, 10, 20), { kind: 'draw' });
    expect(press(h.context, 'undo')).toBe(false);
    expect(handleKey(h.context, key('z', { ctrl: true }))).toBe(true);
    expect(h.session.document!.regionAt(1, 0).rings).toHaveLength(1);
    // Tool letters are left to the page while nothing may be edited.
    expect(handleKey(h.context, key('d'))).toBe(false);
    expect(h.session.tool).toBe('window');
    h.session.setSetting('readonly', false);
    expect(handleKey(h.context, key('d'))).toBe(true);
    expect(h.session.tool).toBe('freehand');
  });

  it('H takes the nearby-slices tool and asks the element to start from the slice shown; Shift+H is no command', () => {
    const h = harness();
    const asked: string[] = [];
    h.context.ui.segmentNearby = () => asked.push(h.session.tool);
    expect(handleKey(h.context, key('h'))).toBe(true);
    expect(h.session.tool).toBe('nearby');
    expect(asked).toEqual(['nearby']);
    expect(commandForKey(key('H', { shift: true }))).toBeUndefined();
    h.session.setSetting('readonly', true);
    expect(handleKey(h.context, key('h'))).toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('offers keys to the tool in hand first', () => {
    const h = harness();
    h.session.tool = 'polygon';
    expect(handleKey(h.context, key('Enter'))).toBe(true);
    expect(h.calls).toEqual([]);
  });

  it('viewing keys move through the images in reading order (image 1 most superior), within the series', () => {
    const h = harness();
    // The sample is axial, its normal pointing to the head: index 0 is the most inferior slice.
    expect(volume.normal[2]).toBeGreaterThan(0.9);
    handleKey(h.context, key('Home'));
    expect(h.session.slice).toBe(volume.slices - 1);
    handleKey(h.context, key('ArrowUp'));
    expect(h.session.slice).toBe(volume.slices - 1);
    handleKey(h.context, key('ArrowDown'));
    expect(h.session.slice).toBe(volume.slices - 2);
    handleKey(h.context, key('PageDown'));
    expect(h.session.slice).toBe(Math.max(0, volume.slices - 12));
    handleKey(h.context, key('End'));
    expect(h.session.slice).toBe(0);
    handleKey(h.context, key('ArrowDown'));
    expect(h.session.slice).toBe(0);
    handleKey(h.context, key('2'));
    expect(h.session.window).toEqual({ center: 500, width: 2000 });
    handleKey(h.context, key('f'));
    handleKey(h.context, key('-'));
    expect(h.calls).toEqual(['fit', 'zoom 0.8']);
  });

  it('Shift+A, M, Q, S and C choose the layout; Shift+F maximises the view in use', () => {
    const h = harness();
    for (const [k, layout] of [['m', 'mpr'], ['q', 'mpr-3d'], ['s', 'sagittal'], ['c', 'coronal'], ['a', 'axial']] as const) {
      expect(handleKey(h.context, key(k.toUpperCase(), { shift: true }))).toBe(true);
      expect(h.session.get('layout')).toBe(layout);
    }
    handleKey(h.context, key('F', { shift: true }));
    expect(h.calls).toEqual(['layout mpr', 'layout mpr-3d', 'layout sagittal', 'layout coronal', 'layout axial', 'maximise']);
    // Plain C is still the reference lines, plain F still fits.
    handleKey(h.context, key('c'));
    expect(h.session.get('referenceLines')).toBe(false);
    // Nothing else is accepted as a layout.
    h.session.set('layout', 'quad' as never);
    expect(h.session.get('layout')).toBe('axial');
  });

  it('. and , step the active label down and up the list, stopping at its ends', () => {
    const h = harness();
    const ids = h.docs.document!.labels.map((l) => l.id);
    expect(ids.length).toBeGreaterThan(2);
    h.session.activeLabel = ids[0]!;
    expect(handleKey(h.context, key('.'))).toBe(true);
    expect(h.session.activeLabel).toBe(ids[1]);
    handleKey(h.context, key(','));
    handleKey(h.context, key(','));
    expect(h.session.activeLabel).toBe(ids[0]);
    for (let i = 0; i < ids.length + 2; i++) handleKey(h.context, key('.'));
    expect(h.session.activeLabel).toBe(ids.at(-1));
  });

  it('C and O toggle the reference lines and every overlay, in the session', () => {
    const h = harness();
    expect([h.session.get('referenceLines'), h.session.get('overlays')]).toEqual([true, true]);
    expect(handleKey(h.context, key('c'))).toBe(true);
    expect(handleKey(h.context, key('o'))).toBe(true);
    expect([h.session.get('referenceLines'), h.session.get('overlays')]).toEqual([false, false]);
    expect(press(h.context, 'overlays')).toBe(true);
    expect(h.session.get('overlays')).toBe(true);
  });

  it('review keys go to verification only while a document is open and editable', () => {
    const h = harness();
    expect(handleKey(h.context, key('v'))).toBe(true);
    h.docs.writable = false;
    expect(handleKey(h.context, key('v'))).toBe(false);
    expect(handleKey(h.context, key('m'))).toBe(false);
    expect(h.calls).toEqual(['acceptSlice']);
  });

  it('interpolation between two outlined slices fills the slices between them', () => {
    const h = harness();
    const doc = h.session.document!;
    doc.setRegion(1, 1, square(100, 100, 60), { kind: 'draw' });
    doc.setRegion(1, 5, square(110, 110, 40), { kind: 'draw' });
    const filled = runCommand(h.context, 'interpolate', 1);
    expect(filled).toEqual([2, 3, 4]);
    expect(runCommand(h.context, 'accept-all', 1)).toBe(3);
  });
});

describe('the session', () => {
  it('clamps the slice to the open series and the window width to 1', () => {
    const h = harness();
    h.session.slice = 10_000;
    expect(h.session.slice).toBe(volume.slices - 1);
    h.session.slice = -3;
    expect(h.session.slice).toBe(0);
    h.session.window = { center: 40, width: -5 };
    expect(h.session.window.width).toBe(1);
  });

  it('announces each change with its old value, and nothing when the value stays', () => {
    const { session } = harness();
    const seen: Array<[string, unknown]> = [];
    session.subscribe((k, old) => seen.push([k, old]));
    session.slice = 3;
    session.slice = 3;
    session.setSetting('lang', 'zh-CN');
    session.notify('info', 'hello');
    expect(seen).toEqual([
      ['slice', 0],
      ['lang', 'en'],
      ['notices', []],
    ]);
  });

  it('is editable only when not readonly, writable by this tab and not approved', () => {
    const h = harness();
    expect(h.session.editable).toBe(true);
    h.docs.writable = false;
    expect(h.session.editable).toBe(false);
    expect(() => h.session.requireEditable()).toThrow(expect.objectContaining({ code: 'storage-other-tab' }));
    h.docs.writable = true;
    h.session.review.setStatus('submitted', { user: 'a', role: '' });
    h.session.review.setStatus('approved', { user: 'r', role: '' });
    expect(h.session.editable).toBe(false);
  });

  it('reports errors to the host in the interface language and as a notice, but not for a stopped job', async () => {
    const { SegmarkError } = await import('../../src/core/errors.js');
    const h = harness();
    h.session.setSetting('lang', 'zh-CN');
    h.session.reportError(new SegmarkError('not-dicom', 'x', { file: 'a.dcm' }));
    h.session.reportError(new SegmarkError('aborted', 'stopped'));
    expect(h.events.map((e) => e.type)).toEqual(['segmark-error', 'segmark-error']);
    const first = h.events[0]!.detail as { code: string; file: string; message: string };
    expect(first).toMatchObject({ code: 'not-dicom', file: 'a.dcm' });
    expect(first.message).toMatch(/a\.dcm/);
    expect(first.message).not.toMatch(/[A-Za-z]{6,}/);
    expect(h.session.notices).toHaveLength(1);
  });

  it('two sessions share nothing', () => {
    const a = harness();
    const b = harness();
    a.session.slice = 4;
    a.session.setSetting('user', 'ana');
    a.session.notify('info', 'only a');
    a.session.review.addComment({ user: 'ana', role: '' }, { slice: 1, x: 2, y: 3, text: 'note' });
    expect(b.session.slice).toBe(0);
    expect(b.session.user).toBe('');
    expect(b.session.notices).toEqual([]);
    expect(b.session.review.snapshot().comments).toEqual([]);
  });
});
