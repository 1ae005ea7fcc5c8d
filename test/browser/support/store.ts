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
