/**
 * A full disk, for real: the app in a Playwright-driven Chromium on a
 * persistent profile stores some work; the browser restarts with the
 * origin's storage quota set (DevTools Storage.overrideQuotaForOrigin, set
 * before the page touches storage — Chromium reads the quota when the origin's
 * storage first opens) to less than it already uses. The stored work opens;
 * a new edit cannot be saved: the user is told (segmark-error
 * `storage-quota`, the save indicator), the edit stays in memory, and the
 * stored document is untouched. When room comes back, saving resumes by
 * itself, and a restart shows everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProbe, readDocument, readProbe, waitReady } from './support/kill-page.js';
import { CHROMIUM, CHROMIUM_ARGS, startApp, type AppServer } from './support/kill-processes.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const LOAD_TIMEOUT_MS = 60_000;

let server: AppServer | undefined;
let tempDir = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'segmark-quota-'));
  server = await startApp(ROOT, join(tempDir, 'vite-cache'));
}, LOAD_TIMEOUT_MS);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await server?.close();
  rmSync(tempDir, { recursive: true, force: true });
}, LOAD_TIMEOUT_MS);

async function launch(profile: string, quota?: number): Promise<{ context: BrowserContext; page: Page; setQuota(bytes: number | null): Promise<void> }> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  contexts.push(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const origin = new URL(server!.url).origin;
  // The override lasts as long as this DevTools session.
  const cdp = await context.newCDPSession(page);
  const setQuota = async (bytes: number | null) => {
    await cdp.send('Storage.overrideQuotaForOrigin', bytes === null ? { origin } : { origin, quotaSize: bytes });
  };
  if (quota !== undefined) await setQuota(quota);
  await context.addInitScript(installProbe);
  await page.goto(server!.url, { timeout: LOAD_TIMEOUT_MS });
  await waitReady(page, LOAD_TIMEOUT_MS);
  return { context, page, setQuota };
}

/** Draws a region through the annotator's document (as a tool's commit does). */
function draw(page: Page, label: number, slice: number, ring: number[]): Promise<void> {
  return page.evaluate(
    ({ label, slice, ring }) => {
      const a = document.querySelector('segmark-annotator') as unknown as {
        annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void } };
      };
      a.annotations.document.setRegion(label, slice, { rings: [ring] }, { kind: 'draw' });
    },
    { label, slice, ring },
  );
}

function saveState(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('segmark-annotator')!.shadowRoot!.querySelector('.save-state')?.getAttribute('data-state') ?? null);
}

/** What IndexedDB holds for the open document, read with the raw API: the record's region count and the region keys. */
function storedRaw(page: Page): Promise<{ regionCount: number; keys: string[] }> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('segmark');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(['documents', 'regions'], 'readonly');
    const all = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const docs = await all(tx.objectStore('documents').getAll());
    const keys = await all(tx.objectStore('regions').getAllKeys());
    db.close();
    return { regionCount: (docs[0] as { regionCount: number }).regionCount, keys: keys.map((k) => JSON.stringify(k)) };
  });
}

/** A wavy closed outline of `n` vertices: big enough a record that it cannot fit in pages the database already has. */
function outline(cx: number, cy: number, n: number): number[] {
  const ring: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    const r = 40 + 3 * Math.sin(97 * t);
    ring.push(cx + r * Math.cos(t), cy + r * Math.sin(t));
  }
  return ring;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a full disk in a real browser profile', () => {
  it('keeps the edit in memory, reports it, leaves the stored work intact, and saves once there is room', async () => {
    const profile = join(tempDir, 'profile');

    // 1. Some stored work.
    const first = await launch(profile);
    await draw(first.page, 1, 30, [100, 100, 160, 100, 160, 150, 100, 150]);
    await first.page.evaluate(() => document.querySelector('segmark-annotator')!.flushSave());
    const stored = await readDocument(first.page);
    expect(stored.regions.length).toBe(1);
    await first.context.close();

    // 2. The same profile with (almost) no quota: the work opens, a new edit cannot be stored.
    const second = await launch(profile, 1);
    expect(await readDocument(second.page)).toEqual(stored);
    const before = await storedRaw(second.page);
    await draw(second.page, 4, 35, outline(200, 200, 30_000));
    const inMemory = await readDocument(second.page);
    expect(inMemory.regions.length).toBe(2);
    const probe = await until('the storage-quota error', () => readProbe(second.page), (p) => p.errors.some((e) => e.code === 'storage-quota'));
    const message = probe.errors.find((e) => e.code === 'storage-quota')!.message;
    expect(message).toMatch(/no room left/);
    expect(await saveState(second.page)).toBe('error');
    expect(await readDocument(second.page)).toEqual(inMemory);
    expect(await storedRaw(second.page)).toEqual(before);

    // 3. Room again: the retry stores the edit without the user doing anything.
    await second.setQuota(null);
    await until('saving to resume', () => saveState(second.page), (s) => s === 'saved', 40_000);
    await second.context.close();

    // 4. A restart shows everything.
    const third = await launch(profile);
    expect(await readDocument(third.page)).toEqual(inMemory);
    await third.context.close();
  }, 180_000);
});
