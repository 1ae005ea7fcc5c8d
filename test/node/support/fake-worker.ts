/**
 * A stand-in for a browser Web Worker in Node tests. Node has no Web Worker,
 * and a worker_threads Worker would need the TypeScript worker modules built
 * first and could only be made to die at a moment chosen by a race. This one
 * runs the worker's own request handler on this thread, on a later task, with
 * the message structured-cloned as a real worker receives it; the test decides
 * exactly when it dies, and it then fails as a browser worker does: an
 * `error` event (an ErrorEvent with a message) and no more answers.
 */

import type { ErrorCode } from '../../../src/core/errors.js';
import { serve, type CallMessage, type Calls, type Handlers, type ServeScope } from '../../../src/core/util/worker-protocol.js';

/** What the worker script does with one message: answer through `worker.post`, or `worker.crash`. */
export type FakeWorkerScript = (data: unknown, worker: FakeWorker) => Promise<void> | void;

/**
 * Node has no ErrorEvent; the decoder pool tells a crash (an ErrorEvent with a
 * message) from a worker that never started (a bare Event) by it, as a browser
 * does, so the tests give Node the same class.
 */
class NodeErrorEvent extends Event {
  readonly message: string;
  constructor(type: string, init: EventInit & { message?: string } = {}) {
    super(type, init);
    this.message = init.message ?? '';
  }
}
const g = globalThis as { ErrorEvent?: unknown };
g.ErrorEvent ??= NodeErrorEvent;

/**
 * A stand-in worker that serves `handlers` through the real worker protocol
 * (`serve` of worker-protocol.ts), as the worker module would; `hooks.call`
 * sees each call first and may make the worker die instead of answering.
 */
export function servingWorker<C extends Calls<C>>(
  handlers: Handlers<C>,
  fallback: ErrorCode,
  hooks: { call?: (message: CallMessage, worker: FakeWorker) => boolean } = {},
): FakeWorker {
  const scope: ServeScope = { onmessage: null, postMessage: (message, transfer) => worker.post(message, transfer) };
  serve(handlers, { fallback, scope });
  const worker = new FakeWorker((data, self) => {
    if (hooks.call?.(data as CallMessage, self) === false) return;
    scope.onmessage?.(new MessageEvent('message', { data }));
  });
  return worker;
}

export class FakeWorker {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  /** Messages received, in order. */
  readonly received: unknown[] = [];
  terminated = false;
  dead = false;

  constructor(private readonly script: FakeWorkerScript) {}

  postMessage(data: unknown, transfer: Transferable[] = []): void {
    if (this.terminated || this.dead) return;
    const copy = structuredClone(data, { transfer });
    this.received.push(copy);
    setTimeout(() => {
      if (this.terminated || this.dead) return;
      void Promise.resolve(this.script(copy, this)).catch((error: unknown) => this.crash(String(error)));
    }, 0);
  }

  /** Sends a message to the page (dropped once the worker is terminated or dead). */
  post(message: unknown, transfer: Transferable[] = []): void {
    if (this.terminated || this.dead) return;
    const copy = structuredClone(message, { transfer });
    setTimeout(() => {
      if (!this.terminated && !this.dead) this.onmessage?.(new MessageEvent('message', { data: copy }));
    }, 0);
  }

  /** Dies of an uncaught error: the page gets an `error` event, and nothing more from this worker. */
  crash(message: string): void {
    if (this.terminated || this.dead) return;
    this.dead = true;
    setTimeout(() => {
      if (!this.terminated) this.onerror?.(new (g.ErrorEvent as typeof NodeErrorEvent)('error', { message, cancelable: true }));
    }, 0);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** As the `Worker` the code under test expects (the members it uses are all here). */
  asWorker(): Worker {
    return this as unknown as Worker;
  }
}
