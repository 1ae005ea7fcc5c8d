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
 * other tasks between chunks of work: a MessageChannel message, which joins
 * the back of the task queue and skips the 4 ms clamp that nested
 * `setTimeout(0)` calls get (over a few hundred slices a visible delay).
 * Not `scheduler.yield()`: its continuations go before the page's other
 * tasks, so a chain of them held the host page's timers and network
 * callbacks back for the whole load (a 0 ms timer waited 500 ms behind 4 ms
 * chunks, against about 100 ms with messages).
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
