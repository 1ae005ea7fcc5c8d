/**
 * The one worker message protocol (src/core/util/worker-protocol.ts), with
 * `serve` on one end of a real MessageChannel and `WorkerClient` on the
 * other, and a real worker thread for a worker that dies: answers reach
 * their calls, buffers are transferred and not copied, errors keep their
 * code, params and file across the channel, progress arrives before the
 * result, a cancelled call stops waiting, and a worker that dies — or a
 * note that fails in it — rejects every call it owed.
 */
import { Worker as ThreadWorker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmarkError } from '../../src/core/errors.js';
import { serve, WorkerClient, type Handlers, type ServeScope, type WorkerDeath, type WorkerPort } from '../../src/core/util/worker-protocol.js';

type TestCalls = {
  double: { payload: Uint8Array; result: Uint8Array };
  fail: { payload: { code: 'seg-invalid' | 'none'; file?: string }; result: never };
  count: { payload: number; result: string; progress: number };
  add: { payload: number; result: void };
  total: { payload: null; result: number };
  hang: { payload: null; result: never };
};

/** What the test's worker did, to look at from outside. */
const seen = { sent: [] as Uint8Array[], total: 0 };

const handlers: Handlers<TestCalls> = {
  double(bytes, call) {
    const out = bytes.map((b) => b * 2);
    seen.sent.push(out);
    call.transfer(out.buffer);
    return out;
  },
  fail({ code, file }) {
    if (code === 'none') throw new TypeError('not a SegmarkError');
    throw new SegmarkError(code, 'segment 3 is cut short', { params: { segment: 3 }, ...(file ? { file } : {}) });
  },
  async count(n, call) {
    for (let i = 1; i <= n; i++) {
      await new Promise((r) => setTimeout(r, 1));
      call.progress(i);
    }
    return `counted ${n}`;
  },
  add(n) {
    if (n < 0) throw new SegmarkError('seg-invalid', 'negative');
    seen.total += n;
  },
  total: () => seen.total,
  hang: () => new Promise<never>(() => undefined),
};

const ports: MessagePort[] = [];

/** A worker stand-in: `serve` on one port of a MessageChannel, the client's WorkerPort on the other. */
function channelWorker(): WorkerPort & { terminated: boolean; fire(event: Event): void } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serve<TestCalls>(handlers, { fallback: 'internal', scope: port2 as unknown as ServeScope });
  const worker = {
    onmessage: null as WorkerPort['onmessage'],
    onerror: null as WorkerPort['onerror'],
    onmessageerror: null as WorkerPort['onmessageerror'],
    terminated: false,
    postMessage: (message: unknown, transfer: Transferable[]) => port1.postMessage(message, transfer),
    terminate() {
      worker.terminated = true;
      port1.close();
      port2.close();
    },
    fire: (event: Event) => worker.onerror?.(event as ErrorEvent),
  };
  port1.onmessage = (event) => worker.onmessage?.(event);
  return worker;
}

/** An error event as a browser fires it on a Worker: with a message for an uncaught error, bare when the script never loaded. */
function errorEvent(message?: string): Event {
  const event = new Event('error', { cancelable: true });
  return message === undefined ? event : Object.assign(event, { message });
}

function client(worker: WorkerPort, deaths: WorkerDeath[] = []): WorkerClient<TestCalls> {
  return new WorkerClient<TestCalls>(worker, { name: 'test', deathCode: 'decode-failed', onDeath: (d) => deaths.push(d) });
}

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
  seen.sent.length = 0;
  seen.total = 0;
});

describe('worker protocol: calls and answers', () => {
  it('answers each call with its own result; buffers go both ways transferred, not copied', async () => {
    const c = client(channelWorker());
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(10, 20);
    const [ra, rb] = await Promise.all([c.call('double', a, { transfer: [a.buffer] }), c.call('double', b)]);
    expect(Array.from(ra)).toEqual([2, 4, 6]);
    expect(Array.from(rb)).toEqual([20, 40]);
    // Handed over: the page's buffer is detached; the one listed for transfer, not the other.
    expect(a.byteLength).toBe(0);
    expect(b.byteLength).toBe(2);
    // The worker's results left it transferred too.
    expect(seen.sent.map((s) => s.byteLength)).toEqual([0, 0]);
  });

  it('an error thrown in the worker crosses with its code, message, params and file', async () => {
    const c = client(channelWorker());
    const error = await c.call('fail', { code: 'seg-invalid', file: 'cut-short.dcm' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmarkError);
    expect(error).toMatchObject({ code: 'seg-invalid', message: 'segment 3 is cut short', params: { segment: 3 }, file: 'cut-short.dcm' });
    // Anything else thrown gets the worker's fallback code; the worker stays.
    await expect(c.call('fail', { code: 'none' })).rejects.toMatchObject({ code: 'internal', message: 'not a SegmarkError', file: undefined });
    await expect(c.call('total', null)).resolves.toBe(0);
    expect(c.closed).toBe(false);
  });

  it('reports progress before the result', async () => {
    const c = client(channelWorker());
    const progress: number[] = [];
    const result = await c.call('count', 3, { onProgress: (i) => progress.push(i) });
    expect(progress).toEqual([1, 2, 3]);
    expect(result).toBe('counted 3');
  });

  it('notes are handled in the order posted, before a later call', async () => {
    const c = client(channelWorker());
    c.tell('add', 2);
    c.tell('add', 5);
    await expect(c.call('total', null)).resolves.toBe(7);
  });

  it('a cancelled call rejects at once with aborted; the worker serves the next', async () => {
    const c = client(channelWorker());
    const controller = new AbortController();
    const waiting = c.call('hang', null, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
    await expect(c.call('hang', null, { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    await expect(c.call('total', null)).resolves.toBe(0);
  });

  it('a kind the worker does not serve is an internal error', async () => {
    const c = client(channelWorker());
    const untyped = c as unknown as WorkerClient<{ nope: { payload: null; result: null } }>;
    await expect(untyped.call('nope', null)).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('worker protocol: a worker that ends', () => {
  it('an uncaught error in the worker rejects every pending call with the death code, and is told once', async () => {
    const deaths: WorkerDeath[] = [];
    const worker = channelWorker();
    const c = client(worker, deaths);
    const pending = [c.call('hang', null), c.call('hang', null)];
    worker.fire(errorEvent('Uncaught RangeError: out of memory'));
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: 'decode-failed', message: 'the test worker failed: Uncaught RangeError: out of memory' });
    expect(worker.terminated).toBe(true);
    expect(c.closed).toBe(true);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toMatchObject({ started: true, error: { code: 'decode-failed' } });
    // Later calls are refused with the same error.
    await expect(c.call('total', null)).rejects.toBe(deaths[0]!.error);
  });

  it('a worker whose script never loaded (a bare error event) is reported as not started', async () => {
    const deaths: WorkerDeath[] = [];
    const worker = channelWorker();
    const c = client(worker, deaths);
    const pending = c.call('hang', null);
    const event = errorEvent();
    worker.fire(event);
    await expect(pending).rejects.toMatchObject({ code: 'decode-failed' });
    expect(event.defaultPrevented).toBe(true);
    expect(deaths.map((d) => d.started)).toEqual([false]);
  });

  it('a note that fails in the worker ends it: pending calls reject with the note\'s error', async () => {
    const deaths: WorkerDeath[] = [];
    const worker = channelWorker();
    const c = client(worker, deaths);
    const pending = c.call('hang', null);
    c.tell('add', -1);
    await expect(pending).rejects.toMatchObject({ code: 'seg-invalid', message: 'negative' });
    expect(worker.terminated).toBe(true);
    expect(deaths).toHaveLength(1);
  });

  it('terminate() rejects pending calls with its reason and is not a death', async () => {
    const deaths: WorkerDeath[] = [];
    const worker = channelWorker();
    const c = client(worker, deaths);
    const pending = c.call('hang', null);
    const reason = new SegmarkError('aborted', 'disposed');
    c.terminate(reason);
    await expect(pending).rejects.toBe(reason);
    expect(worker.terminated).toBe(true);
    expect(deaths).toEqual([]);
  });

  it('a real worker thread that dies rejects the call it owed', async () => {
    // It never answers, then throws outside any handler, as a worker out of memory would.
    const thread = new ThreadWorker("setTimeout(() => { throw new Error('worker heap exhausted'); }, 20);", { eval: true });
    const port: WorkerPort = {
      onmessage: null,
      onerror: null,
      onmessageerror: null,
      postMessage: (message, transfer) => thread.postMessage(message, transfer as ArrayBuffer[]),
      terminate: () => void thread.terminate(),
    };
    thread.on('message', (data: unknown) => port.onmessage?.({ data } as MessageEvent));
    thread.on('error', (error: Error) => port.onerror?.(Object.assign(new Event('error', { cancelable: true }), { message: error.message }) as ErrorEvent));
    const deaths: WorkerDeath[] = [];
    const c = client(port, deaths);
    await expect(c.call('total', null)).rejects.toMatchObject({ code: 'decode-failed', message: 'the test worker failed: worker heap exhausted' });
    expect(deaths.map((d) => d.started)).toEqual([true]);
  });
});
