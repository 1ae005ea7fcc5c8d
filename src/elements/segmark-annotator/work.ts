/**
 * The annotator's stored work: a reviewer's queue (submitted documents stored
 * here and those the host gives, oldest submission first, and the next one
 * after an approval), the recent-work list, the open document's versions, and
 * (when the host allows it) the image cache that lets recent work reopen
 * without picking its files again.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { toSegmarkError, type SegmarkError } from '../../core/errors.js';
import type { LoadSource } from '../../core/dicom/sources.js';
import type { Volume } from '../../core/dicom/volume.js';
import { mergeQueue, nextInQueue, type QueueItem } from '../../core/review/queue.js';
import { listDocuments, listRevisions } from '../../store/documents.js';
import { listSubmitted } from '../../store/review-queue.js';
import { eraseFromStore } from '../../store/erase.js';
import { cachedSeries, cacheSeries, loadCachedSeries, seriesFiles } from '../../store/image-cache.js';
import { seriesKey } from '../../store/schema.js';
import type { RecentWorkItem, VersionItem } from '../segmark-work-panel/segmark-work-panel.js';
import type { AnnotationController } from './annotation-controller.js';

/** A document the host page offers for review (`setReviewQueue`); the host opens it, e.g. loads its series and its document. */
export interface ReviewQueueEntry {
  /** The host's id of the document (a stored document's id, `study|series|user`, stands for that one). */
  id: string;
  title?: string;
  /** Who submitted it. */
  annotator?: string;
  /** When it was submitted: ms since 1970 or an ISO 8601 instant (the queue lists the oldest first). */
  submittedAt?: number | string;
  /** Labels with outlines, outlines, and the verified share (0–1), when the host knows them. */
  labels?: number;
  outlines?: number;
  verifiedShare?: number;
  /** Opens the document in this annotator. */
  open: () => Promise<void> | void;
}

export class WorkController implements ReactiveController {
  /** Documents waiting for review: stored here and the host's, oldest submission first. */
  queue: QueueItem[] = [];
  /** The open document was approved since it was opened: the panel offers the next one. */
  afterApproval = false;
  recent: RecentWorkItem[] = [];
  versions: VersionItem[] = [];
  /** Bytes of cached images; undefined when the cache is off or unread. */
  cacheBytes: number | undefined;
  /** Series (`study|series`) whose images are cached. */
  private cached = new Set<string>();
  private refreshing: Promise<void> | undefined;
  private again = false;
  private stored: QueueItem[] = [];
  /** The host's queue, by id; undefined until the host gives one. */
  private hostItems: Map<string, ReviewQueueEntry> | undefined;
  /** Queue items approved here in this session (the next document skips them until the store says so too). */
  private readonly done = new Set<string>();
  /** The host's item opened last from the queue (the store knows nothing of it); forgotten when something else is loaded. */
  private hostOpen: string | undefined;
  /** A queued document is being opened (its load is the queue's). */
  private opening = false;

  constructor(
    /** The annotator: its role decides whether another user's document in recent work opens at once. */
    private readonly host: ReactiveControllerHost & { readonly role: string | null },
    private readonly annotations: AnnotationController,
    private readonly onError: (error: SegmarkError) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.host instanceof EventTarget) {
      this.host.addEventListener('segmark-status', this.onStatus);
      this.host.addEventListener('segmark-load', this.onLoad);
    }
  }

  hostDisconnected(): void {
    if (this.host instanceof EventTarget) {
      this.host.removeEventListener('segmark-status', this.onStatus);
      this.host.removeEventListener('segmark-load', this.onLoad);
    }
  }

  /** Whether the host gave a review queue (the panel then shows it whatever the role). */
  get hostQueued(): boolean {
    return this.hostItems !== undefined;
  }

  /** The open document's queue id: the host's item opened last, else the stored document's id. */
  get openId(): string | undefined {
    return this.hostOpen ?? this.annotations.documentKey;
  }

  /** What Next document opens: the first queued item that is not open and not approved here. */
  get next(): QueueItem | undefined {
    return nextInQueue(this.queue, this.openId, this.done);
  }

  /** The host's documents for review, merged into the queue (replacing those it gave before). */
  setHostQueue(entries: readonly ReviewQueueEntry[]): void {
    this.hostItems = new Map(entries.map((e) => [e.id, e]));
    this.merge();
    void this.refresh();
  }

  /**
   * Opens a queued document: the host's item through its own `open`; a stored one
   * as the document of its submitter (not the reviewer's own of that series),
   * through `openStored` — from the image cache, or asking for its files.
   */
  async openQueued(id: string, openStored: (docId: string) => Promise<void>): Promise<void> {
    const entry = this.hostItems?.get(id);
    this.afterApproval = false;
    this.opening = true;
    this.host.requestUpdate();
    try {
      if (entry) {
        this.hostOpen = id;
        this.annotations.openAs = undefined;
        await entry.open();
      } else {
        this.hostOpen = undefined;
        this.annotations.openAs = id;
        await openStored(id);
      }
    } catch (error) {
      this.onError(toSegmarkError(error, 'internal'));
    } finally {
      this.opening = false;
    }
    await this.refresh();
  }

  /**
   * Opens a recent-work item through `openStored` (from the image cache, or
   * asking for its files): the user's own document as it is; another user's
   * as that document (`openAs`), as the queue does — a reviewer reviewing a
   * submitted one, or anyone who chose it in the panel (`RecentWorkItem.other`)
   * — never as a new, empty one of the user's own.
   */
  async openRecent(id: string, openStored: (docId: string) => Promise<void>): Promise<void> {
    this.hostOpen = undefined;
    this.afterApproval = false;
    this.annotations.openAs = ownerOf(id) === this.annotations.user ? undefined : id;
    try {
      await openStored(id);
    } catch (error) {
      this.onError(toSegmarkError(error, 'internal'));
    }
  }

  /** Reads both lists from the store again (calls during a refresh are folded into one more). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.read().finally(() => {
      this.refreshing = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  /**
   * Keeps the opened series' files (those the volume was read from; from an
   * archive, only its entries of this series) in the image cache, within
   * `capBytes`. URL sources are not kept: they can be fetched again.
   */
  async cacheImages(volume: Volume, sources: readonly LoadSource[], capBytes: number): Promise<void> {
    const db = await this.annotations.storedDb();
    if (!db) return;
    try {
      const files = await seriesFiles(sources, volume.fileNames);
      if (files.length === 0) return;
      await cacheSeries(db, seriesKey(volume.studyInstanceUID, volume.seriesInstanceUID), { description: volume.description }, files, { capBytes });
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-unavailable'));
    }
    await this.refresh();
  }

  /** The cached files of a stored document's series, or undefined when they are not cached. */
  async cachedFiles(docId: string): Promise<File[] | undefined> {
    const db = await this.annotations.storedDb();
    const [study, series] = docId.split('|');
    if (!db || !study || !series) return undefined;
    try {
      return await loadCachedSeries(db, seriesKey(study, series));
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-corrupt'));
      return undefined;
    }
  }

  /** Removes every cached image from the browser, erasing its bytes (documents stay). */
  async forgetImages(): Promise<void> {
    const db = await this.annotations.storedDb();
    if (!db) return;
    try {
      await eraseFromStore(db, { images: true });
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-unavailable'));
    }
    await this.refresh();
  }

  /** Deletes a stored document (never the open one), erasing its bytes. */
  async delete(id: string): Promise<void> {
    if (id === this.annotations.documentKey) return;
    const db = await this.annotations.storedDb();
    if (!db) return;
    try {
      await eraseFromStore(db, { documents: [id] });
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-unavailable'));
    }
    await this.refresh();
  }

  /** Restores a version of the open document (one undo step). */
  async restore(id: number): Promise<boolean> {
    try {
      return await this.annotations.restoreRevision(id);
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-corrupt'));
      return false;
    } finally {
      await this.refresh();
    }
  }

  /** Stores the open document now and keeps it as a version; the version's id, or undefined when it could not be stored. */
  async save(): Promise<number | undefined> {
    try {
      return await this.annotations.save();
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-unavailable'));
      return undefined;
    } finally {
      await this.refresh();
    }
  }

  /** Opens what Next document opens (the Shift+O key); false, with the panel saying the queue is done, when nothing waits. */
  nextDocument(openStored: (docId: string) => Promise<void>): boolean {
    const next = this.next;
    if (!next) {
      this.afterApproval = true;
      this.host.requestUpdate();
      return false;
    }
    void this.openQueued(next.id, openStored);
    return true;
  }

  /** After an approval, the panel offers the next document; the approved one leaves the queue once it is stored. */
  private readonly onStatus = (e: Event): void => {
    const { status } = (e as HTMLElementEventMap['segmark-status']).detail;
    this.afterApproval = status === 'approved';
    const open = this.openId;
    if (this.afterApproval && open !== undefined) this.done.add(open);
    this.host.requestUpdate();
    void this.annotations.flush().finally(() => this.refresh());
  };

  /** A series loaded other than from the queue: the host's item is no longer the open document. */
  private readonly onLoad = (): void => {
    if (this.opening) return;
    this.hostOpen = undefined;
    this.afterApproval = false;
    this.host.requestUpdate();
  };

  private merge(): void {
    const host = [...(this.hostItems?.values() ?? [])].map(
      (e): QueueItem => ({
        id: e.id,
        title: e.title ?? '',
        annotator: e.annotator,
        submittedAt: submittedTime(e.submittedAt),
        labels: e.labels,
        outlines: e.outlines,
        verifiedShare: e.verifiedShare,
        source: 'host',
      }),
    );
    this.queue = mergeQueue(this.stored, host);
    this.host.requestUpdate();
  }

  private async read(): Promise<void> {
    const db = await this.annotations.storedDb();
    if (!db) return;
    const current = this.annotations.documentKey;
    try {
      const [documents, images, submitted] = await Promise.all([listDocuments(db), cachedSeries(db), listSubmitted(db)]);
      this.stored = submitted;
      this.merge();
      this.cached = new Set(images.map((i) => i.key));
      this.cacheBytes = images.reduce((sum, i) => sum + i.totalBytes, 0);
      const user = this.annotations.user;
      const reviewer = this.host.role === 'reviewer';
      const waiting = new Set(submitted.map((q) => q.id));
      this.recent = documents
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .map((d) => ({
          id: d.id,
          ...otherUser(d.id, user, reviewer && waiting.has(d.id)),
          description: d.description ?? '',
          updatedAt: d.updatedAt,
          labelCount: d.labelCount,
          regionCount: d.regionCount,
          verifiedCount: d.verifiedCount,
          current: d.id === current,
          cached: this.cached.has(d.id.split('|').slice(0, 2).join('|')),
        }));
      this.versions = current
        ? (await listRevisions(db, current)).map((r) => ({ id: r.id, time: r.time, summary: r.summary, regionCount: r.regionCount }))
        : [];
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-corrupt'));
    }
    this.host.requestUpdate();
  }
}

/** The user in a document id (`study|series|user`; UIDs hold no `|`, the user may). */
function ownerOf(id: string): string {
  return id.split('|').slice(2).join('|');
}

/** `other` of a recent-work item: set for another user's document; Open asks first unless a reviewer opens one waiting for review. */
function otherUser(id: string, user: string, reviewing: boolean): Pick<RecentWorkItem, 'other'> {
  const owner = ownerOf(id);
  if (owner === user) return {};
  return { other: { user: owner, ask: !reviewing, ownId: [...id.split('|').slice(0, 2), user].join('|') } };
}

function submittedTime(value: number | string | undefined): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : value;
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
}
