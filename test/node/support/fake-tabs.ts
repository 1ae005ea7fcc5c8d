/**
 * Stand-ins for what a browser gives the document session and Node does not:
 * Web Locks (exclusive locks with `ifAvailable`, `steal` and an abort
 * `signal`, as the tab coordinator uses them), BroadcastChannel between
 * "tabs" of one test (a tab can be frozen: it never hears anything, like a
 * hung page), and a clock that only moves when the test says so.
 *
 * They follow the specifications' behaviour for what the session uses and
 * no more. The real parts are covered by browser tests with real IndexedDB
 * and real tabs: test/browser/tabs.test.ts, store*.test.ts,
 * autosave.test.ts, work.test.ts and image-cache.test.ts.
 */
import type { Clock } from '../../../src/store/clock.js';
import type { ChannelConstructor, ChannelLike, LockManagerLike } from '../../../src/store/tabs.js';

const abortError = (why: string) => new DOMException(why, 'AbortError');

interface LockRequest {
  name: string;
  callback: (lock: { name: string } | null) => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One origin's Web Locks: exclusive mode only. */
export class FakeLocks implements LockManagerLike {
  private readonly held = new Map<string, LockRequest>();
  private readonly queues = new Map<string, LockRequest[]>();

  /** Who holds `name` (for assertions): true while some request holds it. */
  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  request(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
    callback: (lock: { name: string } | null) => unknown,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const request: LockRequest = { name, callback, resolve, reject };
      if (options.signal?.aborted) return reject(abortError('aborted before the request'));
      const queue = this.queue(name);
      if (options.steal) {
        // The holder's request rejects; its callback may still run, but it no longer holds the lock.
        const holder = this.held.get(name);
        this.held.delete(name);
        holder?.reject(abortError('the lock was stolen'));
        return this.grant(request);
      }
      const free = !this.held.has(name) && queue.length === 0;
      if (free) return this.grant(request);
      if (options.ifAvailable) {
        Promise.resolve()
          .then(() => callback(null))
          .then(resolve, reject);
        return;
      }
      queue.push(request);
      options.signal?.addEventListener(
        'abort',
        () => {
          const at = queue.indexOf(request);
          if (at < 0) return;
          queue.splice(at, 1);
          reject(abortError('aborted while queued'));
        },
        { once: true },
      );
    });
  }

  private queue(name: string): LockRequest[] {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = []));
    return queue;
  }

  private grant(request: LockRequest): void {
    this.held.set(request.name, request);
    // The callback runs in a later task, as in a browser.
    setTimeout(() => {
      let result: unknown;
      try {
        result = request.callback({ name: request.name });
      } catch (error) {
        this.release(request);
        request.reject(error);
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          this.release(request);
          request.resolve(value);
        },
        (error: unknown) => {
          this.release(request);
          request.reject(error);
        },
      );
    }, 0);
  }

  private release(request: LockRequest): void {
    if (this.held.get(request.name) !== request) return;
    this.held.delete(request.name);
    const next = this.queue(request.name).shift();
    if (next) this.grant(next);
  }
}

/** BroadcastChannel between the tabs of one test. */
export class FakeBroadcast {
  private readonly members = new Set<{ name: string; tab: { frozen: boolean }; channel: ChannelLike }>();

  /** A BroadcastChannel constructor for one tab; `freeze()` makes the tab deaf (a hung page never answers). */
  tab(): { channel: ChannelConstructor; freeze(): void } {
    const tab = { frozen: false };
    const members = this.members;
    class Channel implements ChannelLike {
      onmessage: ((event: MessageEvent) => void) | null = null;
      private closed = false;
      private readonly member: { name: string; tab: { frozen: boolean }; channel: ChannelLike };
      constructor(name: string) {
        this.member = { name, tab, channel: this };
        members.add(this.member);
      }
      postMessage(message: unknown): void {
        if (this.closed) throw new DOMException('the channel is closed', 'InvalidStateError');
        for (const other of members) {
          if (other === this.member || other.name !== this.member.name) continue;
          const data = structuredClone(message);
          setTimeout(() => {
            if (members.has(other) && !other.tab.frozen) other.channel.onmessage?.(new MessageEvent('message', { data }));
          }, 0);
        }
      }
      close(): void {
        this.closed = true;
        members.delete(this.member);
      }
    }
    return { channel: Channel, freeze: () => void (tab.frozen = true) };
  }
}

/** A clock that moves only in `advance`; timers fire in time order. */
export class FakeClock implements Clock {
  private time = 1_700_000_000_000;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  now = (): number => this.time;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time on by `ms`, firing each timer due on the way (letting real I/O run between them). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
      await new Promise((r) => setTimeout(r, 0));
    }
    this.time = end;
  }
}
