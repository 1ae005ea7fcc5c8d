/**
 * The annotator's stored work: the recent-work list and the open document's
 * versions, kept in step with the store for the work panel.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { toSegmarkError, type SegmarkError } from '../../core/errors.js';
import { deleteDocument, listDocuments, listRevisions } from '../../store/documents.js';
import type { RecentWorkItem, VersionItem } from '../segmark-work-panel/segmark-work-panel.js';
import type { AnnotationController } from './annotation-controller.js';

export class WorkController implements ReactiveController {
  recent: RecentWorkItem[] = [];
  versions: VersionItem[] = [];
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

  /** Deletes a stored document (never the open one). */
  async delete(id: string): Promise<void> {
    if (id === this.annotations.documentKey) return;
    const db = await this.annotations.storedDb();
    if (!db) return;
    try {
      await deleteDocument(db, id);
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
      const documents = await listDocuments(db);
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
