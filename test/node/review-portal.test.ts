/**
 * The review portal example (examples/review-portal, issue 18) between two
 * machines: two Chromiums on separate persistent profiles, the built library,
 * the portal's own server. The annotator draws, imports a model's pre-label,
 * verifies part of it, comments and submits; the reviewer gets the document
 * from the server through the Work tab's queue, rejects two outlines with
 * reasons (R, a reason key, a note, Enter) and requests changes; the
 * annotator's stale page is refused (HTTP 409) and takes the server's
 * version; she fixes the outlines offline, and back online the portal sees
 * this browser's newer work (`segmark-conflict`) and sends it; she submits
 * again and the reviewer approves. At every hand-over the document is
 * deep-equal on both machines and on the server, and the exported provenance
 * names annotator, reviewer and model.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeDocument } from '../../src/core/annotation/exchange-format.js';
import { CHROMIUM, CHROMIUM_ARGS, alive, browserPid, killChromium, processTree, waitGone } from './support/kill-processes.js';
import { MODEL, modelPrelabel } from './support/review-portal-model.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** The library as `npm run build` bundles it, in a folder of this test's own (library.test.ts builds dist/ meanwhile). */
const DIST = join(ROOT, '.tmp/review-portal-dist');
const SERIES = '2.25.244733986053873633128028512370691924528';
const WAIT_MS = 90_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What examples/review-portal/server.mjs exports (a plain JS file: typed here). */
interface PortalServer {
  url: string;
  close(): Promise<void>;
}
type StartServer = (options: { port: number; dataDir?: string; distDir?: string }) => Promise<PortalServer>;
const serverModule = pathToFileURL(join(ROOT, 'examples/review-portal/server.mjs')).href;

interface Stored {
  document: ExchangeDocument;
  revision: number;
}

interface Machine {
  context: BrowserContext;
  pid: number;
  page: Page;
  /** Uncaught errors and Content-Security-Policy violations on this machine's page. */
  problems: string[];
}

let work = '';
let server: PortalServer | undefined;
const machines: Machine[] = [];

beforeAll(async () => {
  const built = spawnSync(
    'node',
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.lib.config.ts', '--mode', 'production', '--logLevel', 'warn', '--outDir', DIST, '--emptyOutDir'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (built.status !== 0) throw new Error(`the library build failed:\n${built.stdout}\n${built.stderr}`);
  work = mkdtempSync(join(tmpdir(), 'segmark-portal-'));
  const { startServer } = (await import(serverModule)) as { startServer: StartServer };
  server = await startServer({ port: 0, dataDir: join(work, 'data'), distDir: DIST });
}, 240_000);

afterAll(async () => {
  for (const m of machines) {
    const tree = alive(m.pid) ? processTree(m.pid) : [];
    await Promise.race([m.context.close().catch(() => {}), sleep(10_000)]);
    killChromium(await waitGone(tree, 5_000));
  }
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

/** A machine of its own: a Chromium on a fresh persistent profile, with the portal open as `user` in `role`. */
async function machine(user: string, role: string): Promise<Machine> {
  const profile = join(work, `profile-${user}`);
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  const m: Machine = { context, pid: browserPid(profile), page: context.pages()[0] ?? (await context.newPage()), problems: [] };
  machines.push(m);
  await m.page.exposeFunction('__violation', (text: string) => void m.problems.push(`CSP: ${text}`));
  await m.page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => void (window as unknown as { __violation(t: string): void }).__violation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  m.page.on('pageerror', (e) => void m.problems.push(String(e)));
  await m.page.goto(`${server!.url}/examples/review-portal/?user=${user}&role=${role}`);
  await ready(m.page);
  return m;
}

/** The portal page has loaded the series and opened what it opens at start. */
async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: WAIT_MS });
}

/** Waits for a line of the portal's log (its record of what it did); returns the whole log. */
async function logged(page: Page, text: string): Promise<string> {
  await page.waitForFunction((t) => document.getElementById('log')!.textContent!.includes(t), text, { timeout: WAIT_MS });
  return page.evaluate(() => document.getElementById('log')!.textContent!);
}

function documentOf(page: Page): Promise<ExchangeDocument> {
  return page.evaluate(() => document.querySelector('segmark-annotator')!.getDocument()!);
}

/** Ana's document as the server holds it, through its API. */
async function stored(): Promise<Stored> {
  const response = await fetch(`${server!.url}/api/documents/${SERIES}/ana`);
  expect(response.status).toBe(200);
  return (await response.json()) as Stored;
}

/**
 * A hand-over: the receiving machine has the very document the sending one
 * sent, and so has the server, at its revision. Nothing is left out of the
 * comparison: the exchange form holds no per-browser state (view settings,
 * tool, slice stay out of it), and neither side acts between sending and
 * opening, so not even the active time can differ.
 */
async function expectHandedOver(from: Machine, to: Machine, sent: ExchangeDocument): Promise<ExchangeDocument> {
  const received = await documentOf(to.page);
  const server = await stored();
  expect(received).toEqual(sent);
  expect(server.document).toEqual(sent);
  expect(server.revision).toBe(sent.revision);
  expect(await documentOf(from.page)).toEqual(sent);
  return received;
}

/** Sets properties of the annotator (the host's way to show a slice and pick a label or tool). */
async function show(page: Page, settings: { activeLabel?: number; slice?: number; tool?: string; sideTab?: string }): Promise<void> {
  await page.evaluate((s) => Object.assign(document.querySelector('segmark-annotator')!, s), settings);
  await page.evaluate(() => document.querySelector('segmark-annotator')!.updateComplete);
}

/** Keys to the image, as a reviewer presses them. */
async function press(page: Page, ...keys: string[]): Promise<void> {
  await page.locator('segmark-annotator segmark-viewport').first().focus();
  for (const key of keys) await page.keyboard.press(key);
}

/** A freehand outline with the real mouse around the image rectangle [x0, y0]–[x1, y1] (pixels) of the shown slice. */
async function trace(page: Page, [x0, y0, x1, y1]: [number, number, number, number]): Promise<void> {
  const points = await page.evaluate((corners) => {
    const view = document.querySelector('segmark-annotator')!.shadowRoot!.querySelector('segmark-viewport')!;
    return corners.map(([x, y]) => view.imageToClient(x!, y!)!);
  }, [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]);
  await page.mouse.move(points[0]!.x, points[0]!.y);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps: 5 });
  await page.mouse.up();
}

/** The bounding box of an outline of the open document, a few pixels larger. */
async function around(page: Page, labelId: number, slice: number): Promise<[number, number, number, number]> {
  const ring = (await documentOf(page)).regions.find((r) => r.labelId === labelId && r.slice === slice)!.rings[0]!;
  const xs = ring.filter((_, i) => i % 2 === 0);
  const ys = ring.filter((_, i) => i % 2 === 1);
  return [Math.min(...xs) - 4, Math.min(...ys) - 4, Math.max(...xs) + 4, Math.max(...ys) + 4];
}

/** A review step from the Review tab's panel, with its note. */
async function step(page: Page, status: string, note = ''): Promise<void> {
  await show(page, { sideTab: 'review' });
  if (note) await page.locator('segmark-review-panel textarea.note').fill(note);
  await page.locator(`segmark-review-panel button.step[data-status="${status}"]`).click();
}

interface LabelProvenance {
  id: number;
  provenance: { sources: { algorithm?: string }[]; people: { user: string; made: number; verified: number; rejected: number }[]; rejections: { slice: number; reason: string; user: string; note?: string }[] };
}

/** The provenance per label of an identified NIfTI bundle exported on `page` (its labels.json). */
async function exportedProvenance(page: Page): Promise<LabelProvenance[]> {
  const bytes = await page.evaluate(async () => {
    // The model's outlines not verified yet, and rejected ones, block an export unless accepted, as Export anyway does.
    const acceptFindings = ['unverified-import', 'rejected-outline'];
    const file = await document.querySelector('segmark-annotator')!.export('nifti', { bundle: true, labels: [3, 4, 5], acceptFindings });
    return [...new Uint8Array(await file.arrayBuffer())];
  });
  const files = unzipSync(new Uint8Array(bytes));
  const name = Object.keys(files).find((n) => n.endsWith('_labels.json'))!;
  return (JSON.parse(strFromU8(files[name]!)) as { labels: LabelProvenance[] }).labels;
}

const people = (labels: LabelProvenance[]) => [...new Set(labels.flatMap((l) => l.provenance.people.map((p) => p.user)))].sort();
const models = (labels: LabelProvenance[]) => [...new Set(labels.flatMap((l) => l.provenance.sources.map((s) => s.algorithm)))];

describe('the review portal between two machines (issue 18)', () => {
  it('annotator and reviewer hand one document back and forth through the portal: equal on both machines and the server at every hand-over; stale and offline work never overwrites', async () => {
    const { bytes: seg, slices: modelSlices } = modelPrelabel();

    // ── Machine 1, the annotator: draws, imports the model's pre-label, verifies part, comments, submits.
    const ana = await machine('ana', 'annotator');
    expect(await logged(ana.page, 'loaded 70 slices')).toContain('the portal has no document of ana for this series yet');
    await show(ana.page, { activeLabel: 5, slice: 14, tool: 'freehand' });
    await trace(ana.page, [176, 226, 212, 252]);
    const imported = await ana.page.evaluate(async (b) => {
      const summary = await document.querySelector('segmark-annotator')!.importMask(new File([new Uint8Array(b)], 'spinenet_output.dcm'));
      return summary.regions;
    }, [...seg]);
    expect(imported).toBe(modelSlices.get(3)!.length + modelSlices.get(4)!.length);
    for (const k of [37, 38]) {
      await show(ana.page, { activeLabel: 3, slice: k });
      await press(ana.page, 'v');
    }
    await ana.page.evaluate(() => document.querySelector('segmark-annotator')!.addComment({ slice: 37, x: 190, y: 200, text: 'L3/L4 looks narrow here' }));
    await step(ana.page, 'submitted');
    await logged(ana.page, 'submitted revision');
    const submitted = await documentOf(ana.page);
    expect(submitted.review.status).toBe('submitted');

    // ── Machine 2, the reviewer: the queue from the server in the Work tab; Open gets the document from the server.
    const rita = await machine('rita', 'reviewer');
    const queued = rita.page.locator(`segmark-work-panel details.review-queue li[data-id="${SERIES}/ana"]`);
    await expect.poll(() => queued.locator('.meta').textContent(), { timeout: WAIT_MS }).toContain('submitted by ana');
    expect(await queued.locator('.meta').textContent()).toContain(`3 labels · ${imported + 1} outlines`);
    await queued.locator('button.open').click();
    await logged(rita.page, `opened ana's document, revision ${submitted.revision}, submitted`);
    // Hand-over 1: as submitted, with the annotator's verifications and comment.
    await expectHandedOver(ana, rita, submitted);
    expect(submitted.regions.filter((r) => r.verified).map((r) => [r.labelId, r.slice])).toEqual([[3, 37], [3, 38]]);
    expect(submitted.review.comments.map((c) => [c.user, c.text])).toEqual([['ana', 'L3/L4 looks narrow here']]);
    const seen = await exportedProvenance(rita.page);
    expect(people(seen)).toEqual(['ana']);
    expect(models(seen)).toEqual([MODEL]);

    // Two outlines rejected with reasons from the keyboard, then Request changes with a note.
    const rejections = [
      { labelId: 3, slice: 35, key: '1', reason: 'boundary-wrong', note: 'misses the posterior part' },
      { labelId: 4, slice: 28, key: '4', reason: 'not-this-structure', note: 'this is the endplate' },
    ];
    for (const r of rejections) {
      await show(rita.page, { activeLabel: r.labelId, slice: r.slice });
      await press(rita.page, 'r');
      await rita.page.locator('.reject-picker input[type="radio"]:checked').waitFor();
      await rita.page.keyboard.press(r.key);
      await rita.page.locator('.reject-picker .reject-note').fill(r.note);
      await rita.page.keyboard.press('Enter');
    }
    await step(rita.page, 'changes-requested', 'Two outlines need work.');
    await logged(rita.page, 'sent back for changes');
    const returned = await documentOf(rita.page);
    expect(returned.review.status).toBe('changes-requested');
    expect(returned.regions.filter((r) => r.review?.state === 'rejected').map((r) => ({ labelId: r.labelId, slice: r.slice, by: r.review!.by, reason: r.review!.reason, note: r.review!.note })))
      .toEqual(rejections.map(({ labelId, slice, reason, note }) => ({ labelId, slice, by: 'rita', reason, note })));
    expect((await stored()).document).toEqual(returned);

    // A stale PUT (based on the submitted revision) is refused with both revisions; nothing is overwritten.
    const stale = await fetch(`${server!.url}/api/documents/${SERIES}/ana`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ document: { ...submitted, revision: returned.revision + 5 }, baseRevision: submitted.revision, savedBy: 'ana' }),
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({ revision: submitted.revision, current: returned.revision });
    // The annotator's page, still showing what she submitted, draws: its save is refused the same way, and shown.
    await show(ana.page, { activeLabel: 5, slice: 15, tool: 'freehand' });
    await trace(ana.page, [176, 226, 212, 252]);
    await ana.page.locator('#conflict').waitFor({ state: 'visible' });
    expect(await ana.page.locator('#conflict-text').textContent()).toContain(`The portal holds revision ${returned.revision} of ana's document`);
    expect(await ana.page.locator('#send-mine').isVisible()).toBe(false);
    expect((await stored()).document).toEqual(returned);
    // She takes the portal's version. Hand-over 2: the reviewer's decisions, on her machine.
    await ana.page.locator('#take-portal').click();
    await logged(ana.page, `took the portal's revision ${returned.revision}`);
    await expectHandedOver(rita, ana, returned);
    const sentBack = await exportedProvenance(ana.page);
    expect(people(sentBack)).toEqual(['ana', 'rita']);
    expect(models(sentBack)).toEqual([MODEL]);
    expect(sentBack.flatMap((l) => l.provenance.rejections)).toEqual(rejections.map(({ slice, reason, note }) => ({ slice, reason, note, user: 'rita' })));
    // The export is a revision of its own (its audit entry), which the page saves: the portal holds it before she goes offline.
    const online = await documentOf(ana.page);
    expect(online.revision).toBe(returned.revision + 1);
    await expect.poll(async () => (await stored()).revision, { timeout: WAIT_MS }).toBe(online.revision);

    // She fixes both outlines while the portal cannot be reached: the work stays in this browser.
    await ana.page.route('**/api/documents/**', (route) => (route.request().method() === 'PUT' ? route.abort() : route.continue()));
    for (const r of rejections) {
      await show(ana.page, { activeLabel: r.labelId, slice: r.slice, tool: 'freehand' });
      await trace(ana.page, await around(ana.page, r.labelId, r.slice));
    }
    await logged(ana.page, 'not saved to the portal');
    const fixed = await ana.page.evaluate(async () => {
      const a = document.querySelector('segmark-annotator')!;
      await a.flushSave();
      return a.getDocument()!;
    });
    expect(fixed.regions.filter((r) => r.review?.state === 'rejected')).toEqual([]);
    expect((await stored()).revision).toBe(online.revision);
    // Back online, the portal page again: the server's copy is older than this browser's work, so openDocument
    // refuses it (segmark-conflict); the page offers to send hers, and the server takes it.
    await ana.page.unroute('**/api/documents/**');
    await ana.page.reload();
    await ready(ana.page);
    await ana.page.locator('#conflict').waitFor({ state: 'visible' });
    expect(await ana.page.locator('#conflict-text').textContent()).toContain(`The portal holds revision ${online.revision} of ana's document; this page holds revision ${fixed.revision}`);
    // Her work came back from this browser's store (the active time aside, which is stored at most once a second).
    const restored = await documentOf(ana.page);
    expect([restored.revision, restored.regions]).toEqual([fixed.revision, fixed.regions]);
    await ana.page.locator('#send-mine').click();
    await logged(ana.page, `sent revision ${fixed.revision} to the portal`);
    expect((await stored()).document).toEqual(await documentOf(ana.page));
    await step(ana.page, 'submitted');
    await logged(ana.page, 'submitted revision');
    const resubmitted = await documentOf(ana.page);

    // ── The reviewer comes back to the portal: the document is routed to her again.
    await rita.page.reload();
    await ready(rita.page);
    await queued.locator('button.open').click();
    await logged(rita.page, `opened ana's document, revision ${resubmitted.revision}, submitted`);
    // Hand-over 3: the fixes, the rejections gone.
    await expectHandedOver(ana, rita, resubmitted);
    for (const r of rejections) {
      await show(rita.page, { activeLabel: r.labelId, slice: r.slice });
      await press(rita.page, 'v');
    }
    // The model's other outlines are still unverified: the approval asks, and she approves anyway with a note.
    await step(rita.page, 'approved', 'Fixes verified; the other model outlines spot-checked.');
    await rita.page.locator('.approve-check .approve-anyway').click();
    await logged(rita.page, 'approved: revision');
    const approved = await documentOf(rita.page);
    expect(approved.review.status).toBe('approved');

    // ── The annotator opens the portal again. Hand-over 4: approved, read-only on her machine too.
    await ana.page.reload();
    await ready(ana.page);
    await logged(ana.page, `opened ana's document, revision ${approved.revision}, approved`);
    await expectHandedOver(rita, ana, approved);
    expect(await ana.page.evaluate(() => document.querySelector('segmark-annotator')!.editable)).toBe(false);
    expect(await ana.page.locator('#list').textContent()).toContain('rita approved: Fixes verified');
    expect(approved.review.audit.filter((e) => e.action === 'status').map((e) => [e.user, e.role, e.to])).toEqual([
      ['ana', 'annotator', 'submitted'],
      ['rita', 'reviewer', 'changes-requested'],
      ['ana', 'annotator', 'submitted'],
      ['rita', 'reviewer', 'approved'],
    ]);
    // The exported provenance names everyone, the same on both machines.
    const fromAna = await exportedProvenance(ana.page);
    expect(await exportedProvenance(rita.page)).toEqual(fromAna);
    expect(people(fromAna)).toEqual(['ana', 'rita']);
    expect(models(fromAna)).toEqual([MODEL]);
    const byId = new Map(fromAna.map((l) => [l.id, l.provenance.people]));
    expect(byId.get(3)!.find((p) => p.user === 'rita')!.verified).toBe(1);
    expect(byId.get(4)!.find((p) => p.user === 'rita')!.verified).toBe(1);
    expect(byId.get(5)!.map((p) => [p.user, p.made])).toEqual([['ana', 1]]);

    // An export is logged in the document's audit trail, a revision of its own: the annotator's page saved it.
    const exported = await documentOf(ana.page);
    expect(exported.revision).toBeGreaterThan(approved.revision);
    expect(exported.review.audit.at(-1)).toMatchObject({ action: 'export', user: 'ana' });
    await expect.poll(async () => (await stored()).document.revision, { timeout: WAIT_MS }).toBe(exported.revision);
    // The portal's files: a server started again on its data directory serves the same document.
    const held = (await stored()).document;
    expect(held).toEqual(exported);
    const { startServer } = (await import(serverModule)) as { startServer: StartServer };
    const again = await startServer({ port: 0, dataDir: join(work, 'data'), distDir: DIST });
    try {
      const reread = (await (await fetch(`${again.url}/api/documents/${SERIES}/ana`)).json()) as Stored;
      expect(reread.document).toEqual(held);
    } finally {
      await again.close();
    }
    expect([...ana.problems, ...rita.problems]).toEqual([]);
  }, 240_000);
});
