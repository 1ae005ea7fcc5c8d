import { throwIfAborted } from '../errors.js';

/** Runs `task` over `items` with at most `limit` in flight, preserving result order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      throwIfAborted(signal);
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Resolves on a later task, letting the page paint, handle input and run its
 * other tasks between chunks of work.
 *
 * - A message first: it skips the 4 ms clamp that nested `setTimeout(0)`
 *   calls get (over a few hundred slices a visible delay), since a timer set
 *   from a message task is not nested.
 * - Then, in a visible page, a 0 ms timer: the continuation waits in line
 *   with the host page's own timers. A timer that became due while a chunk
 *   ran is queued after the message that chunk posted, so with messages
 *   alone it waited about two chunks (26–35 ms behind 10 ms chunks, 10.7 ms
 *   this way; the same number of chunks a second).
 * - A hidden page gets the message alone: browsers hold its timers to about
 *   one a second. So do workers and Node, where no page waits.
 *
 * Not `scheduler.yield()`: its continuations go before the page's other
 * tasks, so a chain of them held the host page's timers and network
 * callbacks back for the whole load (a 0 ms timer waited 500 ms behind 4 ms
 * chunks, against about 100 ms with messages).
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      if (visiblePage()) setTimeout(resolve, 0);
      else resolve();
    };
    channel.port2.postMessage(null);
  });
}

function visiblePage(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'visible';
}
