/** Waiting in browser tests for what the page does in its own time. */

/** Polls `ok` every 20 ms until it holds, or throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 15000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
