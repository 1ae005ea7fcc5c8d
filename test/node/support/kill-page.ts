/**
 * The page side of the kill test: a probe that records the annotator's
 * events from the first script on, and the in-page steps of one edit. These
 * functions run in Chromium (Playwright serialises them), so they use only
 * their arguments and the page's globals.
 */
import type { Page } from 'playwright';
import type { ChangeDetail, ErrorDetail, SaveDetail } from '../../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../../src/elements/segmark-annotator/segmark-annotator.js';

export type EditTool = 'brush' | 'eraser' | 'polygon';
export type Point = [number, number];

/** One region of getDocument(), as compared: its key and everything stored about it. */
export interface RegionState {
  labelId: number;
  slice: number;
  rings: number[][];
  origin: string;
  verified: boolean;
}

export interface Probe {
  loads: number;
  changes: { time: number; labelId: number; slice: number | null; kind: string }[];
  saves: { time: number; at: number }[];
  errors: { code: string; message: string }[];
}

/** What the page reports right after an edit was committed. */
export interface Committed {
  /** Wall-clock time (ms since the epoch) of the edit's first `segmark-change`. */
  time: number;
  /** The (label, slice) pairs the edit announced. */
  touched: string[];
  regions: RegionState[];
  /** The autosave indicator (`saved` / `saving` / `error`) at that moment. */
  saveState: string | null;
  saves: number;
}

/** The function `installProbe` calls on each `segmark-save`, when the test exposes it (`context.exposeFunction`). */
export const SAVE_BINDING = '__killSaved';

/** Installed with `addInitScript`: records load, change, save and error events from the page's first script on. */
export function installProbe(): void {
  const probe: Probe = { loads: 0, changes: [], saves: [], errors: [] };
  (window as unknown as { __killProbe: Probe }).__killProbe = probe;
  window.addEventListener('segmark-load', () => {
    probe.loads++;
  });
  // The annotator's events bubble and are composed, so the window sees them (typed on elements, not on window).
  window.addEventListener('segmark-change', (e) => {
    const d = (e as CustomEvent<ChangeDetail>).detail;
    probe.changes.push({ time: Date.now(), labelId: d.labelId, slice: d.slice, kind: d.kind });
  });
  window.addEventListener('segmark-save', (e) => {
    const time = (e as CustomEvent<SaveDetail>).detail.time;
    probe.saves.push({ time, at: Date.now() });
    // Straight to Node as well (see SAVE_BINDING), so saves up to the kill are known after it.
    void (window as unknown as { __killSaved?: (time: number) => Promise<void> }).__killSaved?.(time);
  });
  window.addEventListener('segmark-error', (e) => {
    const d = (e as CustomEvent<ErrorDetail>).detail;
    probe.errors.push({ code: d.code, message: d.message });
  });
}

/** Waits until the sample series is loaded and the stored annotation (if any) restored. */
export async function waitReady(page: Page, timeoutMs: number): Promise<{ slices: number; rows: number; columns: number }> {
  await page.waitForFunction(
    () => {
      const probe = (window as unknown as { __killProbe?: Probe }).__killProbe;
      const a = document.querySelector('segmark-annotator');
      return !!probe && probe.loads > 0 && !!a && a.series !== undefined && a.annotationReady;
    },
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
  return page.evaluate(() => {
    const s = document.querySelector('segmark-annotator')!.series!;
    return { slices: s.slices, rows: s.rows, columns: s.columns };
  });
}

/** The annotator's getDocument() regions, and its labels, as plain data. */
export function readDocument(page: Page): Promise<{ labels: unknown[]; regions: RegionState[] }> {
  return page.evaluate(() => {
    const doc = document.querySelector('segmark-annotator')!.getDocument()!;
    return {
      labels: doc.labels as unknown[],
      regions: doc.regions.map((r) => ({ labelId: r.labelId, slice: r.slice, rings: r.rings.map((x) => [...x]), origin: r.origin, verified: r.verified })),
    };
  });
}

export function readProbe(page: Page): Promise<Probe> {
  return page.evaluate(() => (window as unknown as { __killProbe: Probe }).__killProbe);
}

/**
 * Sets the tool, label and slice as a host page would (properties), waits
 * for the viewport to show that slice, and maps the edit's image points to
 * client (CSS) pixels. Returns those and the number of changes so far.
 */
export function prepareEdit(
  page: Page,
  edit: { tool: EditTool; label: number; slice: number; points: Point[] },
): Promise<{ client: Point[]; changes: number }> {
  return page.evaluate(async ({ tool, label, slice, points }) => {
    const a = document.querySelector('segmark-annotator') as SegmarkAnnotator;
    a.tool = tool;
    a.activeLabel = label;
    a.slice = slice;
    await a.updateComplete;
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
    const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
    const client = points.map(([x, y]): [number, number] => {
      const p = viewport.imageToClient(x, y);
      if (!p) throw new Error('the viewport shows no image');
      return [p.x, p.y];
    });
    const probe = (window as unknown as { __killProbe: Probe }).__killProbe;
    return { client, changes: probe.changes.length };
  }, edit);
}

/**
 * Waits until the edit's gesture has been committed (its `segmark-change`
 * arrived after `before` changes), then reports its time and the document.
 */
export function awaitCommit(page: Page, before: number, timeoutMs: number): Promise<Committed> {
  return page.evaluate(
    async ({ before, timeoutMs }) => {
      const probe = (window as unknown as { __killProbe: Probe }).__killProbe;
      const until = Date.now() + timeoutMs;
      while (probe.changes.length <= before) {
        if (Date.now() > until) throw new Error(`no segmark-change within ${timeoutMs} ms of the gesture`);
        await new Promise((r) => setTimeout(r, 5));
      }
      const a = document.querySelector('segmark-annotator')!;
      // One setRegion announces every (label, slice) it touched synchronously, so they are all in by now.
      const mine = probe.changes.slice(before);
      const doc = a.getDocument()!;
      return {
        time: mine[0]!.time,
        touched: mine.map((c) => `${c.labelId}:${c.slice}`),
        regions: doc.regions.map((r) => ({ labelId: r.labelId, slice: r.slice, rings: r.rings.map((x) => [...x]), origin: r.origin, verified: r.verified })),
        saveState: a.shadowRoot!.querySelector('.save-state')?.getAttribute('data-state') ?? null,
        saves: probe.saves.length,
      };
    },
    { before, timeoutMs },
  );
}

/** The gesture of one edit with Playwright's real mouse: a drag for the brushes, clicks for a polygon. */
export async function gesture(page: Page, tool: EditTool, client: Point[]): Promise<void> {
  const [first, ...rest] = client;
  if (!first) throw new Error('an edit needs points');
  if (tool === 'polygon') {
    // Each vertex a click; a click on the first vertex closes the outline.
    for (const [x, y] of [...client, first]) {
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.up();
    }
    return;
  }
  await page.mouse.move(first[0], first[1]);
  await page.mouse.down();
  for (const [x, y] of rest) await page.mouse.move(x, y, { steps: 3 });
  await page.mouse.up();
}
