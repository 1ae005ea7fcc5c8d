/**
 * Several tabs on one document: exactly one writes. The writer holds a Web
 * Lock named after the document; every other tab opens the document read-only,
 * waits in the lock's queue (so it becomes the writer by itself when the
 * writer's tab closes), and reloads whenever the writer tells it, over a
 * BroadcastChannel, that it stored changes. Taking over asks the writer to
 * store what it has and step down; a writer that does not answer in time
 * (a frozen tab) has its lock stolen, and from then on its saves are refused.
 *
 * Without the Web Locks API (very old browsers) a tab is always the writer;
 * without BroadcastChannel readers only see changes when reopened.
 */
import { systemClock, type Clock } from './clock.js';
import type { DocId } from './schema.js';

export type TabRole = 'writer' | 'reader';

/** Why the role changed, for the message the user sees. */
export type RoleReason =
  /** First decision when the document opens. */
  | 'opened'
  /** The writer tab closed or handed over on request: this tab writes now. */
  | 'promoted'
  /** Another tab asked to take over; this tab stored its work and reads now. */
  | 'handed-over'
  /** Another tab took the lock without this tab's consent (this tab did not answer). */
  | 'lost';

export interface TabEvents {
  onRole(role: TabRole, reason: RoleReason): void;
  /** The writer stored changes: a reader reloads the document. */
  onRemoteSaved(): void;
}

/** What a BroadcastChannel offers that the coordinator uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** A BroadcastChannel constructor (the browser's, or a stand-in in tests). */
export type ChannelConstructor = new (name: string) => ChannelLike;

/** The part of the Web Locks API (`navigator.locks`) the coordinator uses: exclusive locks only. */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
    callback: (lock: { name: string } | null) => unknown,
  ): Promise<unknown>;
}

/** What the coordinator talks through; a missing part is handled as in a browser without it. */
export interface TabEnvironment {
  channel?: ChannelConstructor | undefined;
  locks?: LockManagerLike | undefined;
  clock?: Clock | undefined;
}

/** This page's BroadcastChannel and Web Locks, where the browser has them. */
export function browserTabEnvironment(): TabEnvironment {
  return {
    channel: typeof BroadcastChannel === 'undefined' ? undefined : BroadcastChannel,
    locks: typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined,
    clock: systemClock,
  };
}

type Message =
  | { type: 'saved'; from: string }
  | { type: 'release'; from: string };

/** How long a take-over waits for the writer to store its work and step down before stealing the lock. */
const HANDOVER_TIMEOUT_MS = 3000;

let tabCounter = 0;

export class TabCoordinator {
  role: TabRole | undefined;
  private readonly id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++tabCounter}`;
  private readonly lockName: string;
  private readonly channel: ChannelLike | undefined;
  private readonly locks: LockManagerLike | undefined;
  private readonly clock: Clock;
  private releaseLock: (() => void) | undefined;
  /** Aborts this tab's place in the lock queue. */
  private queued: AbortController | undefined;
  private disposed = false;
  /** Resolved when this tab next becomes the writer. */
  private writerWaiters: (() => void)[] = [];

  /**
   * @param beforeRelease stores this tab's pending work; called when another
   *   tab asks to take over, before the lock is let go.
   * @param env the channel, locks and clock to use; default: the browser's.
   */
  constructor(
    docId: DocId,
    private readonly events: TabEvents,
    private readonly beforeRelease: () => Promise<void>,
    env: TabEnvironment = browserTabEnvironment(),
  ) {
    this.lockName = `segmark:document:${docId}`;
    this.locks = env.locks;
    this.clock = env.clock ?? systemClock;
    if (env.channel) {
      this.channel = new env.channel(`segmark:document:${docId}`);
      this.channel.onmessage = (e: MessageEvent<Message>) => void this.received(e.data);
    }
  }

  /** Decides this tab's role: writer when no other tab holds the document, else reader (queued to write next). */
  async start(): Promise<TabRole> {
    if (!this.locks) return this.become('writer', 'opened');
    const granted = await this.request({ ifAvailable: true });
    if (granted) return this.become('writer', 'opened');
    this.become('reader', 'opened');
    this.queue();
    return 'reader';
  }

  /** True while this tab may write the document. */
  get canWrite(): boolean {
    return this.role === 'writer' && !this.disposed;
  }

  /** Tells readers that changes are stored. */
  announceSaved(): void {
    this.post({ type: 'saved', from: this.id });
  }

  /**
   * Makes this reader the writer: asks the writer to store its work and step
   * down, and takes the lock when it does, or by force after a few seconds.
   */
  async takeOver(): Promise<void> {
    if (this.role === 'writer' || this.disposed) return;
    if (!this.locks) return;
    if (!this.queued) this.queue();
    this.post({ type: 'release', from: this.id });
    const promoted = await Promise.race([
      new Promise<boolean>((resolve) => this.writerWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => this.clock.setTimeout(() => resolve(false), HANDOVER_TIMEOUT_MS)),
    ]);
    if (promoted || this.disposed || this.canWrite) return;
    // The writer did not answer (a frozen or busy tab): take the lock from it.
    this.queued?.abort();
    this.queued = undefined;
    if (await this.request({ steal: true })) this.become('writer', 'promoted');
  }

  dispose(): void {
    this.disposed = true;
    this.queued?.abort();
    this.releaseLock?.();
    this.releaseLock = undefined;
    this.channel?.close();
  }

  private async received(message: Message): Promise<void> {
    if (this.disposed || message.from === this.id) return;
    if (message.type === 'saved') {
      if (this.role === 'reader') this.events.onRemoteSaved();
      return;
    }
    if (message.type === 'release' && this.role === 'writer') {
      try {
        await this.beforeRelease();
      } finally {
        // Step down even if storing failed: the work stays in this tab's memory, and the user is told.
        this.role = 'reader';
        this.releaseLock?.();
        this.releaseLock = undefined;
        this.events.onRole('reader', 'handed-over');
        this.queue();
      }
    }
  }

  /** Waits in the lock's queue; when granted (the writer left), this tab becomes the writer. */
  private queue(): void {
    if (this.disposed || this.queued) return;
    const controller = new AbortController();
    this.queued = controller;
    void this.request({ signal: controller.signal }).then((granted) => {
      if (this.queued === controller) this.queued = undefined;
      if (granted && !this.disposed) this.become('writer', 'promoted');
    });
  }

  /**
   * Requests the lock; resolves true once held (and keeps holding it until
   * released or stolen), false when not granted (unavailable, aborted).
   */
  private request(options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal }): Promise<boolean> {
    const locks = this.locks!;
    return new Promise<boolean>((resolve) => {
      let held = false;
      locks
        .request(this.lockName, options, (lock) => {
          if (!lock || this.disposed) {
            resolve(false);
            return undefined;
          }
          held = true;
          resolve(true);
          return new Promise<void>((release) => {
            this.releaseLock = release;
          });
        })
        .catch(() => {
          // Rejected: aborted while queued, or stolen by another tab while held.
          if (!held) {
            resolve(false);
            return;
          }
          if (this.disposed || this.role !== 'writer') return;
          this.releaseLock = undefined;
          this.become('reader', 'lost');
          this.queue();
        });
    });
  }

  private become(role: TabRole, reason: RoleReason): TabRole {
    this.role = role;
    this.events.onRole(role, reason);
    if (role === 'writer') for (const resolve of this.writerWaiters.splice(0)) resolve();
    return role;
  }

  private post(message: Message): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel (the tab is going away): nothing to tell.
    }
  }
}
