/** The browser's Segmark storage in tests that list every stored document. */

/** Deletes every Segmark database of this browser (a blocked deletion completes once its connections close). */
export async function emptyStore(): Promise<void> {
  for (const { name } of await indexedDB.databases()) {
    if (!name?.startsWith('segmark')) continue;
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onblocked = () => resolve();
      request.onerror = () => reject(request.error);
    });
  }
}

/** Waits until `ok()` holds, checking every 20 ms; throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 15000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
