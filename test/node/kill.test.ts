/**
 * The kill test of the storage issue: a Playwright-driven Chromium on a
 * persistent profile makes N edits on the app page with the real mouse, is
 * killed with SIGKILL right after the last one (while a save may still be
 * pending), restarts on the same profile, and every edit committed more than
 * 1 s before the kill must be back exactly. No mocks: real Chromium, real
 * IndexedDB on disk, the app served by vite as `npm start` serves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awaitCommit,
  gesture,
  installProbe,
  prepareEdit,
  readDocument,
  readProbe,
  SAVE_BINDING,
  waitReady,
  type Committed,
  type EditTool,
  type Point,
  type RegionState,
} from './support/kill-page.js';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  alive,
  browserPid,
  killChromium,
  processTree,
  startApp,
  waitGone,
  type AppServer,
} from './support/kill-processes.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** Edits in the session (the issue asks for N ≥ 20). */
const N = 24;
/** What the issue promises: an edit older than this at the kill is stored. */
const DURABLE_AFTER_MS = 1000;
/** Generous: other test runs share this 2-core machine. */
const LOAD_TIMEOUT_MS = 60_000;

interface PlannedEdit {
  tool: EditTool;
  label: number;
  slice: number;
  /** Image pixel coordinates: the brush path, or the polygon's vertices. */
  points: Point[];
}

/**
 * N edits over the series: brush strokes and polygons on different slices and
 * labels, plus edits that revisit earlier work — an eraser cutting an old
 * polygon, a polygon of another label drawn over a brush stroke on its slice
 * (which cuts the stroke's label: one gesture, two regions), and a brush
 * stroke extending an old region.
 */
function planEdits(n: number, slices: number): PlannedEdit[] {
  const centre = (i: number): Point => [96 + (i % 6) * 38, 110 + Math.floor(i / 6) * 42];
  const stroke = ([x, y]: Point): Point[] => [[x - 14, y - 4], [x - 4, y + 6], [x + 6, y - 2], [x + 14, y + 5]];
  const square = ([x, y]: Point): Point[] => [[x - 11, y - 10], [x + 10, y - 12], [x + 12, y + 9], [x - 9, y + 11]];
  const edits: PlannedEdit[] = [];
  for (let i = 0; i < n; i++) {
    const tool: EditTool = i % 2 === 0 ? 'brush' : 'polygon';
    const c = centre(i);
    edits.push({ tool, label: 1 + (i % 11), slice: (3 + 3 * i) % slices, points: tool === 'brush' ? stroke(c) : square(c) });
  }
  const revisit = (i: number, of: number, edit: Omit<PlannedEdit, 'slice'>) => {
    if (i < n) edits[i] = { ...edit, slice: edits[of]!.slice };
  };
  // An eraser across the polygon of edit 1.
  const [x1, y1] = centre(1);
  revisit(7, 1, { tool: 'eraser', label: edits[1]!.label, points: [[x1 - 17, y1], [x1 + 17, y1 + 2]] });
  // A polygon of label 3 over the brush stroke of edit 12 (label 2): cuts that stroke.
  revisit(13, 12, { tool: 'polygon', label: 3, points: square(centre(12)) });
  // A brush stroke lengthening the stroke of edit 6.
  const [x6, y6] = centre(6);
  revisit(18, 6, { tool: 'brush', label: edits[6]!.label, points: [[x6 + 14, y6 + 5], [x6 + 22, y6 + 14], [x6 + 30, y6 + 10]] });
  return edits;
}

type RegionMap = Map<string, string>;
const keyOf = (r: { labelId: number; slice: number }) => `${r.labelId}:${r.slice}`;
function regionMap(regions: readonly RegionState[]): RegionMap {
  return new Map(regions.map((r) => [keyOf(r), JSON.stringify({ rings: r.rings, origin: r.origin, verified: r.verified })]));
}
const ABSENT = '(none)';
const at = (m: RegionMap, k: string) => m.get(k) ?? ABSENT;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Session {
  context: BrowserContext;
  page: Page;
  pid: number;
  /** `segmark-save` times (detail.time) as they reached Node. */
  saves: number[];
  /** Main-frame navigations; more than one means the page reloaded under the test. */
  navigations: () => number;
  pageErrors: string[];
}

describe('kill test (storage issue)', () => {
  let server: AppServer | undefined;
  /** Holds the browser profile and vite's dependency cache of this run. */
  let tempDir: string | undefined;
  let profileDir: string | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'segmark-kill-'));
    profileDir = join(tempDir, 'profile');
    // A cache of its own: another engineer's vite on this checkout may re-optimize the shared one mid-session.
    server = await startApp(ROOT, join(tempDir, 'vite-cache'));
  }, LOAD_TIMEOUT_MS);

  afterAll(async () => {
    // Whatever happened: close what is still open, SIGKILL any Chromium process of ours left, stop vite, remove the profile.
    for (const s of sessions) {
      const tree = alive(s.pid) ? processTree(s.pid) : [];
      await Promise.race([s.context.close().catch(() => {}), sleep(10_000)]);
      const left = await waitGone(tree, 5_000);
      killChromium(left);
      await waitGone(left, 5_000);
    }
    await server?.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }, LOAD_TIMEOUT_MS);

  async function launch(): Promise<Session> {
    const context = await chromium.launchPersistentContext(profileDir!, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    const pageErrors: string[] = [];
    const page = context.pages()[0] ?? (await context.newPage());
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    const session: Session = { context, page, pid: 0, saves: [], navigations: () => navigations, pageErrors };
    sessions.push(session); // closed by afterAll even when what follows fails
    session.pid = browserPid(profileDir!);
    await context.exposeFunction(SAVE_BINDING, (time: number) => void session.saves.push(time));
    await context.addInitScript(installProbe);
    await page.goto(server!.url, { timeout: LOAD_TIMEOUT_MS });
    return session;
  }

  it('every edit older than 1 s survives SIGKILL of the browser mid-session', async () => {
    const started = Date.now();

    // ── session 1: edit, then kill ───────────────────────────────────────
    const first = await launch();
    const series = await waitReady(first.page, LOAD_TIMEOUT_MS);
    const initial = await readDocument(first.page);
    expect(initial.regions, 'a fresh profile starts with nothing stored').toEqual([]);

    const plan = planEdits(N, series.slices);
    const states: RegionMap[] = [regionMap(initial.regions)];
    const commits: Committed[] = [];
    let tree: number[] = [];
    for (const [i, edit] of plan.entries()) {
      // The browser's process tree, to check after the kill that all of it is gone; read before the last
      // edit so that nothing stands between that edit's commit and the kill.
      if (i === plan.length - 1) tree = processTree(first.pid);
      const { client, changes } = await prepareEdit(first.page, edit);
      await gesture(first.page, edit.tool, client);
      const committed = await awaitCommit(first.page, changes, 10_000);
      commits.push(committed);
      states.push(regionMap(committed.regions));
    }
    // Kill at once: the last edit's autosave (300 ms debounce) is most likely still pending.
    const killTime = Date.now();
    process.kill(first.pid, 'SIGKILL');
    const savesBeforeKill = [...first.saves];
    const lastCommit = commits.at(-1)!;
    expect(first.navigations(), 'the page must not reload during the session').toBe(1);

    const mainGone = await waitGone([first.pid], 10_000);
    expect(mainGone, 'the browser process is gone after SIGKILL').toEqual([]);
    const exitMs = Date.now() - killTime;
    // Its children (renderer, GPU, utility, zygotes) go by themselves once the browser is gone; stragglers are killed.
    const stragglers = await waitGone(tree, 10_000);
    killChromium(stragglers);
    expect(await waitGone(stragglers, 5_000)).toEqual([]);
    await Promise.race([first.context.close().catch(() => {}), sleep(5_000)]);
    const probeNote = `${first.pageErrors.length} page errors before the kill${first.pageErrors.length ? ` (${first.pageErrors.join(' | ')})` : ''}`;

    // ── session 2: same profile, restore ─────────────────────────────────
    const second = await launch();
    await waitReady(second.page, LOAD_TIMEOUT_MS);
    const restoredDoc = await readDocument(second.page);
    const restored = regionMap(restoredDoc.regions);
    const probe2 = await readProbe(second.page);
    expect(restoredDoc.labels, 'the labels come back').toEqual(initial.labels);

    // An edit survived when each region it changed holds its result or a later one.
    const results = plan.map((edit, i) => {
      const before = states[i]!;
      const after = states[i + 1]!;
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => at(before, k) !== at(after, k));
      const later = states.slice(i + 1);
      const survived = changed.every((k) => later.some((s) => at(s, k) === at(restored, k)));
      return { i, edit, changed, survived, age: killTime - commits[i]!.time };
    });
    for (const r of results) expect(r.changed.length, `edit ${r.i} (${r.edit.tool}) changed a region`).toBeGreaterThan(0);
    // The polygon over another label's stroke cut it: one gesture, two regions (both must come back together).
    expect(results[13]!.changed, 'edit 13 changed its own region and cut another label').toHaveLength(2);
    // Nothing comes back that the session never had.
    const phantoms = [...restored.keys()].filter((k) => !states.some((s) => at(s, k) === at(restored, k)));
    expect(phantoms, 'restored regions are states the session had').toEqual([]);

    const lost = results.filter((r) => !r.survived);
    const worst = lost.length ? Math.max(...lost.map((r) => r.age)) : 0;
    const bound = worst < DURABLE_AFTER_MS ? DURABLE_AFTER_MS : Math.ceil(worst) + 1;
    const young = results.filter((r) => r.age <= DURABLE_AFTER_MS);
    console.log(
      `kill test: ${N} edits, ${N - lost.length} survived, ${lost.length} lost (all younger than ${bound} ms), worst loss window ${worst} ms`,
    );
    console.log(
      [
        `  edits younger than ${DURABLE_AFTER_MS} ms at the kill: ${young.length} (${young.filter((r) => r.survived).length} survived)`,
        `ages at kill (ms, oldest first): ${results.map((r) => `${r.age}${r.survived ? '' : '✗'}`).join(' ')}`,
        `segmark-save events before the kill: ${savesBeforeKill.length} (last ${savesBeforeKill.length ? killTime - savesBeforeKill.at(-1)! : '–'} ms before it); save state right after the last edit: ${lastCommit.saveState}`,
        `browser gone ${exitMs} ms after SIGKILL; ${stragglers.length} child processes needed a SIGKILL of their own`,
        probeNote,
        `${probe2.errors.length} segmark-error and ${second.pageErrors.length} page errors after restart`,
        `run ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ].join('; '),
    );

    const durableLost = lost.filter((r) => r.age > DURABLE_AFTER_MS);
    expect(
      durableLost.map((r) => `edit ${r.i} (${r.edit.tool}, label ${r.edit.label}, slice ${r.edit.slice}) committed ${r.age} ms before the kill`),
      'every edit older than 1 s at the kill is restored exactly',
    ).toEqual([]);
    // `segmark-save` says "stored": it fires only when nothing is pending, so every edit committed up to then must be back.
    const lastSave = savesBeforeKill.length ? Math.max(...savesBeforeKill) : -Infinity;
    expect(
      results.filter((r) => !r.survived && commits[r.i]!.time <= lastSave).map((r) => `edit ${r.i}`),
      'edits committed before a segmark-save are restored',
    ).toEqual([]);
    expect(probe2.errors, 'the restore reports no error').toEqual([]);
  }, 120_000);
});
