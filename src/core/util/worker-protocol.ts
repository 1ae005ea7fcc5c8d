/**
 * The one message protocol between the page and Segmark's workers (decode,
 * export, agreement): typed calls by kind, answered by id.
 *
 * - A call is `{ id, kind, payload }`; the worker answers `{ id, ok, result }`
 *   or `{ id, ok: false, error }`, and may report `{ id, progress }` before.
 *   A note (`tell`) has id 0 and no answer.
 * - Errors cross as data — code, message, params and file — because a
 *   structured clone keeps an Error's message but drops its class and fields;
 *   the page gets a `SegmarkError` again, so a host sees the worker's code and
 *   the name of the file it concerned.
 * - Buffers listed with a call or an answer are transferred, not copied.
 * - A worker that dies (an uncaught error, a script that never loaded, an
 *   unreadable message, a note that failed) rejects every call it owed, and
 *   the client says so once (`onDeath`) so its owner can replace it.
 *
 * The kinds a worker serves are a type, e.g.
 * `{ decode: { payload: DecodeInput; result: StoredPixels } }`, shared by the
 * worker's `serve(handlers)` and the page's `WorkerClient`, so neither side
 * can post a message the other does not expect.
 */
import { SegmarkError, toSegmarkError, type ErrorCode } from '../errors.js';

/** One kind of call: what goes in, what comes back, and what the worker reports while it works. */
export interface CallSpec {
  payload: unknown;
  result: unknown;
  progress?: unknown;
}

/** The calls a worker serves, by kind. */
export type Calls<C> = { [K in keyof C]: CallSpec };

/** A SegmarkError as plain data, to cross a structured clone. */
export interface CrossedError {
  code: ErrorCode;
  message: string;
  params: Record<string, string | number>;
  file?: string;
}

/** Page → worker. `id` 0: a note, not answered. */
export interface CallMessage {
  id: number;
  kind: string;
  payload: unknown;
}

/** Worker → page. An error with id 0 is a note that failed. */
export type AnswerMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: CrossedError }
  | { id: number; progress: unknown };

function crossed(error: SegmarkError): CrossedError {
  return { code: error.code, message: error.message, params: error.params, ...(error.file === undefined ? {} : { file: error.file }) };
}

function uncrossed(error: CrossedError): SegmarkError {
  return new SegmarkError(error.code, error.message, { params: error.params, ...(error.file === undefined ? {} : { file: error.file }) });
}

// ── worker side ─────────────────────────────────────────────────────────────

/** What a handler may do besides returning its result. */
export interface CallContext<P> {
  /** Hands these buffers over with the answer (the worker loses them; nothing is copied). */
  transfer(...buffers: Transferable[]): void;
  /** Reports progress to the caller's `onProgress` (ignored for notes), handing over `transfer` with it. */
  progress(value: P, transfer?: Transferable[]): void;
}

export type Handlers<C extends Calls<C>> = {
  [K in keyof C]: (payload: C[K]['payload'], call: CallContext<C[K]['progress']>) => C[K]['result'] | Promise<C[K]['result']>;
};

/** The worker's end of the channel: a dedicated worker's global scope, or a MessagePort in tests. */
export interface ServeScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: AnswerMessage, transfer: Transferable[]): void;
}

export interface ServeOptions {
  /** The code of errors thrown without one (anything not a SegmarkError). */
  fallback: ErrorCode;
  /** Where to serve; default the worker's global scope. */
  scope?: ServeScope;
}

/** The global scope when this code runs in a dedicated worker, else undefined. */
function workerScope(): ServeScope | undefined {
  const g = globalThis as { WorkerGlobalScope?: unknown; window?: unknown };
  return typeof g.WorkerGlobalScope !== 'undefined' && typeof g.window === 'undefined' ? (globalThis as unknown as ServeScope) : undefined;
}

/**
 * Answers calls with `handlers`, each as it arrives (a handler runs at once,
 * so notes and calls are handled in the order they were posted). Without a
 * `scope`, serves only inside a dedicated worker: importing a worker module
 * elsewhere (for its types, in a test) has no effect.
 */
export function serve<C extends Calls<C>>(handlers: Handlers<C>, options: ServeOptions): void {
  const scope = options.scope ?? workerScope();
  if (!scope) return;
  const table = handlers as unknown as Record<string, (payload: unknown, call: CallContext<unknown>) => unknown>;
  scope.onmessage = (event: MessageEvent) => {
    const { id, kind, payload } = event.data as CallMessage;
    const transfer: Transferable[] = [];
    const call: CallContext<unknown> = {
      transfer: (...buffers) => void transfer.push(...buffers),
      progress: (value, buffers = []) => {
        if (id !== 0) scope.postMessage({ id, progress: value }, buffers);
      },
    };
    let outcome: Promise<unknown>;
    try {
      const handler = table[kind];
      if (!handler) throw new SegmarkError('internal', `this worker serves no "${kind}"`);
      outcome = Promise.resolve(handler(payload, call));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => {
        if (id !== 0) scope.postMessage({ id, ok: true, result }, transfer);
      },
      (error: unknown) => scope.postMessage({ id, ok: false, error: crossed(toSegmarkError(error, options.fallback)) }, []),
    );
  };
}

// ── page side ───────────────────────────────────────────────────────────────

/** The page's handle on a worker: a `Worker`, or a stand-in in tests. */
export interface WorkerPort {
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
  postMessage(message: CallMessage, transfer: Transferable[]): void;
  terminate(): void;
}

/** How a worker ended without being asked to. */
export interface WorkerDeath {
  /** What every call it owed was rejected with. */
  readonly error: SegmarkError;
  /**
   * False when its script never ran: the error event was a bare Event (the
   * file was not found or a Content-Security-Policy refused it), which no
   * call is to blame for.
   */
  readonly started: boolean;
}

export interface WorkerClientOptions {
  /** Names the worker in messages ("the export worker failed: …"). */
  name: string;
  /** The code of the error calls are rejected with when the worker dies. */
  deathCode: ErrorCode;
  /** Told once when the worker dies, after its calls were rejected; not when `terminate` ends it. */
  onDeath?: (death: WorkerDeath) => void;
}

export interface CallOptions<P> {
  /** Buffers to hand over with the payload (the page loses them; nothing is copied). */
  transfer?: Transferable[];
  /** Rejects the call with `aborted` at once; the worker's late answer is dropped. */
  signal?: AbortSignal;
  onProgress?: (value: P) => void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: SegmarkError): void;
  onProgress: ((value: unknown) => void) | undefined;
}

/** Calls into one worker and matches its answers to them. */
export class WorkerClient<C extends Calls<C>> {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Why the worker is gone, once it is. */
  private ended: SegmarkError | undefined;

  constructor(
    private readonly worker: WorkerPort,
    private readonly options: WorkerClientOptions,
  ) {
    worker.onmessage = (event) => this.received(event.data as AnswerMessage);
    worker.onerror = (event) => {
      event.preventDefault();
      const message = typeof event.message === 'string' ? event.message : '';
      if (message) this.die(`the ${options.name} worker failed: ${message}`, true);
      else this.die(`the ${options.name} worker did not start`, false);
    };
    worker.onmessageerror = () => this.die(`the ${options.name} worker sent an unreadable message`, true);
  }

  /** True once the worker has died or been terminated: calls are then refused. */
  get closed(): boolean {
    return this.ended !== undefined;
  }

  /** Posts a call and resolves with the worker's answer. */
  call<K extends keyof C & string>(kind: K, payload: C[K]['payload'], options: CallOptions<C[K]['progress']> = {}): Promise<C[K]['result']> {
    if (this.ended) return Promise.reject(this.ended);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new SegmarkError('aborted', 'cancelled', { cause: signal.reason }));
    const id = this.nextId++;
    return new Promise<C[K]['result']>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(new SegmarkError('aborted', 'cancelled', { cause: signal?.reason }));
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (result) => {
          done();
          resolve(result as C[K]['result']);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        onProgress: options.onProgress as ((value: unknown) => void) | undefined,
      });
      this.worker.postMessage({ id, kind, payload }, options.transfer ?? []);
    });
  }

  /** Posts a note, which the worker does not answer; if it fails there, the worker dies. */
  tell<K extends keyof C & string>(kind: K, payload: C[K]['payload'], transfer: Transferable[] = []): void {
    if (this.ended) return;
    this.worker.postMessage({ id: 0, kind, payload }, transfer);
  }

  /** Ends the worker; the calls it owed are rejected with `reason`. */
  terminate(reason: SegmarkError): void {
    if (this.ended) return;
    this.end(reason);
  }

  private received(answer: AnswerMessage): void {
    if (answer.id === 0) {
      if ('ok' in answer && !answer.ok) this.dieOf(uncrossed(answer.error), true);
      return;
    }
    const call = this.pending.get(answer.id);
    if (!call) return; // cancelled meanwhile
    if ('progress' in answer) {
      call.onProgress?.(answer.progress);
      return;
    }
    this.pending.delete(answer.id);
    if (answer.ok) call.resolve(answer.result);
    else call.reject(uncrossed(answer.error));
  }

  private die(detail: string, started: boolean): void {
    this.dieOf(new SegmarkError(this.options.deathCode, detail), started);
  }

  private dieOf(error: SegmarkError, started: boolean): void {
    if (this.ended) return;
    this.end(error);
    this.options.onDeath?.({ error, started });
  }

  private end(error: SegmarkError): void {
    this.ended = error;
    this.worker.terminate();
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(error);
  }
}
