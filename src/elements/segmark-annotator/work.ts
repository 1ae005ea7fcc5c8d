/**
 * The annotator's stored work: the recent-work list, the open document's
 * versions, and (when the host allows it) the image cache that lets recent
 * work reopen without picking its files again.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { toSegmarkError, type SegmarkError } from '../../core/errors.js';
import type { LoadSource } from '../../core/dicom/sources.js';
import type { Volume } from '../../core/dicom/volume.js';
import { listDocuments, listRevisions } from '../../store/documents.js';
import { eraseFromStore } from '../../store/erase.js';
import { cachedSeries, cacheSeries, loadCachedSeries, seriesFiles } from '../../store/image-cache.js';
import { seriesKey } from '../../store/schema.js';
import type { RecentWorkItem, VersionItem } from '../segmark-work-panel/segmark-work-panel.js';
import type { AnnotationController } from './annotation-controller.js';

export class WorkController implements ReactiveController {
  recent: RecentWorkItem[] = [];
  versions: VersionItem[] = [];
  /** Bytes of cached images; undefined when the cache is off or unread. */
  cacheBytes: number | undefined;
  /** Series (`study|series`) whose images are cached. */
  private cached = new Set<string>();
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly annotations: AnnotationController,
    private readonly onError: (error: SegmarkError) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

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

  private async read(): Promise<void> {
    const db = await this.annotations.storedDb();
    if (!db) return;
    const current = this.annotations.documentKey;
    try {
      const [documents, images] = await Promise.all([listDocuments(db), cachedSeries(db)]);
      this.cached = new Set(images.map((i) => i.key));
      this.cacheBytes = images.reduce((sum, i) => sum + i.totalBytes, 0);
      this.recent = documents
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .map((d) => ({
          id: d.id,
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
