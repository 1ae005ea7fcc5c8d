/**
 * How long the page's main thread did not answer, measured from outside it:
 * a worker sends a message every 50 ms and notes when each is answered. A
 * busy main thread cannot answer while the worker's clock goes on, so the
 * longest wait is the longest the page was unresponsive to a user (an input
 * event waits in the same queue). The bench's hostile scenario and the
 * hostile-input browser test both use it.
 */

const WORKER_SOURCE = `
let longest = 0;
const waiting = new Map();
let seq = 0;
const oldest = (now) => { for (const sent of waiting.values()) longest = Math.max(longest, now - sent); };
const timer = setInterval(() => {
  const now = performance.now();
  oldest(now);
  waiting.set(++seq, now);
  postMessage({ ping: seq });
}, 50);
onmessage = (e) => {
  const now = performance.now();
  if (e.data.pong !== undefined) {
    const sent = waiting.get(e.data.pong);
    if (sent !== undefined) longest = Math.max(longest, now - sent);
    waiting.delete(e.data.pong);
    return;
  }
  oldest(now);
  postMessage({ longest, id: e.data.lap });
  longest = 0;
  if (e.data.stop) clearInterval(timer);
};
`;

export interface Watchdog {
  /** The longest the main thread left a message unanswered (ms) since the start or the last lap; starts a new lap. */
  lap(): Promise<number>;
  /** As `lap`, and ends the watch. */
  stop(): Promise<number>;
}

export function startWatchdog(): Watchdog {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: 'segmark-watchdog' });
  URL.revokeObjectURL(url);
  const laps = new Map<number, (ms: number) => void>();
  let lapId = 0;
  worker.onmessage = (e: MessageEvent<{ ping?: number; longest?: number; id?: number }>) => {
    if (e.data.ping !== undefined) worker.postMessage({ pong: e.data.ping });
    else if (e.data.id !== undefined) {
      laps.get(e.data.id)?.(e.data.longest ?? 0);
      laps.delete(e.data.id);
    }
  };
  const ask = (stop: boolean): Promise<number> =>
    new Promise<number>((resolve) => {
      const id = ++lapId;
      laps.set(id, (ms) => {
        if (stop) worker.terminate();
        resolve(ms);
      });
      worker.postMessage({ lap: id, stop });
    });
  return { lap: () => ask(false), stop: () => ask(true) };
}
