/**
 * The annotation side of the annotator: one document per opened series, its
 * derived labelmap and overlay, the annotation tools, and the bridge from the
 * document's changes to redraws and `segmark-change`. Owned by one annotator;
 * nothing is shared across elements on the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AnnotationDocument } from '../../core/annotation/document.js';
import type { AnnotationChange } from '../../core/annotation/document-data.js';
import { LabelmapSlices } from '../../core/annotation/labelmap.js';
import { REGION_OPS } from '../../core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../core/annotation/templates.js';
import { labelsFromTemplate } from '../../core/annotation/labels.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { AnnotationTool, AnnotationToolId } from '../../tools/annotation-tool.js';
import { TOOL_KEYS, TOOL_SHORTCUTS, createTool } from '../../tools/index.js';
import { LabelOverlay } from '../../viewer/label-overlay.js';
import { Autosaver, type SaveState } from '../../store/autosave.js';
import { Checkpoints } from '../../store/checkpoints.js';
import { openSegmarkDb, type SegmarkDb } from '../../store/db.js';
import { addRevision, loadDocument, loadRevision } from '../../store/documents.js';
import { loadReview } from '../../store/review.js';
import type { ReviewRecord } from '../../core/review/record.js';
import type { ReviewFields } from '../../store/schema.js';
import { documentId, type DocId } from '../../store/schema.js';
import { TabCoordinator, type RoleReason, type TabRole } from '../../store/tabs.js';
import { SegmarkError, toSegmarkError } from '../../core/errors.js';
import type { Locale } from '../../core/text.js';
import type { ViewportAnnotation } from '../segmark-viewport/segmark-viewport.js';

/** The annotation tools, in toolbar order (the tools' own shortcut map lists them). */
export const ANNOTATION_TOOLS: readonly AnnotationToolId[] = Object.values(TOOL_SHORTCUTS);

/** Keys that pick each tool (lower case); W, P, Z, F, A, I and 1–5 belong to viewing. */
export const ANNOTATION_TOOL_KEYS: Readonly<Record<AnnotationToolId, string>> = Object.fromEntries(
  Object.entries(TOOL_KEYS).map(([id, key]) => [id, key.toLowerCase()]),
) as Record<AnnotationToolId, string>;

export function isAnnotationTool(tool: string): tool is AnnotationToolId {
  return (ANNOTATION_TOOLS as readonly string[]).includes(tool);
}

export interface StorageEvents {
  onSaveState(state: SaveState, lastSaved: number | undefined, error: SegmarkError | undefined): void;
  onStorageError(error: SegmarkError): void;
  /** Whether the browser granted persistent storage (stored work is then not evicted under disk pressure). */
  onPersistence(granted: boolean): void;
  /** This tab became the document's writer, or a reader because another tab holds it. */
  onRole(role: TabRole, reason: RoleReason): void;
}

/** The review record kept with the stored document (`review.ts`): loaded with it, stored by its autosave. */
export interface ReviewHooks {
  /** Another document is about to be shown: a fresh review, and nothing to store until the stored one is loaded. */
  reset(): void;
  /** The review of the document now shown: the stored one, or undefined for a new (or unstored) document. */
  loaded(record: ReviewRecord | undefined): void;
  /** The record to store with the document; undefined keeps the stored one. */
  record(): ReviewFields | undefined;
}

/** The stored side of the open document: where it lives, who writes it, and its checkpoints. */
interface Session {
  volume: Volume;
  db: SegmarkDb;
  docId: DocId;
  description: string;
  geometry: string;
  tabs: TabCoordinator;
  /** This tab edits the document: it holds the lock and shows what is stored. */
  editing: boolean;
  saver?: Autosaver;
  checkpoints?: Checkpoints;
}

/** What identifies a series' geometry, so a stored document is never restored onto a different stack. */
function geometryFingerprint(v: Volume): string {
  const round = (x: number) => x.toFixed(3);
  const first = v.planes[0]!.position.map(round).join(',');
  const last = v.planes[v.slices - 1]!.position.map(round).join(',');
  return [v.columns, v.rows, v.slices, v.spacing.map(round).join(','), v.rowCosine.map(round).join(','), v.columnCosine.map(round).join(','), first, last].join('|');
}

function sameImages(series: { sopInstanceUIDs: readonly string[]; rows: number; columns: number }, v: Volume): boolean {
  return (
    series.rows === v.rows &&
    series.columns === v.columns &&
    series.sopInstanceUIDs.length === v.sopInstanceUIDs.length &&
    series.sopInstanceUIDs.every((uid, i) => uid === v.sopInstanceUIDs[i])
  );
}

/** A short stable hash (FNV-1a, 32 bit) for keys. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export class AnnotationController implements ReactiveController {
  document: AnnotationDocument | undefined;
  /** False while a stored document is being looked up: editing waits so nothing stored can be overwritten. */
  ready = false;
  /**
   * The user's name: who draws, edits and reviews from now on (set at any
   * time), and part of the key a newly opened document is stored under.
   */
  get user(): string {
    return this.#user;
  }
  set user(name: string) {
    this.#user = name;
    if (this.document) this.document.user = name;
  }
  /** Off: nothing is written to or read from the browser's storage. */
  persist = true;
  storage: StorageEvents | undefined;
  /** Revisions kept per document. */
  revisionsKept: number | undefined;
  /** Loads and stores the document's review record with it. */
  review: ReviewHooks | undefined;
  /** The interface language, which names template labels the user has not renamed (set at any time). */
  get locale(): Locale {
    return this.#locale;
  }
  set locale(locale: Locale) {
    this.#locale = locale;
    if (this.document) this.document.locale = locale;
  }
  #user = '';
  #locale: Locale = 'en';
  private db: Promise<SegmarkDb | undefined> | undefined;
  private session: Session | undefined;
  private volume: Volume | undefined;
  labelmap: LabelmapSlices | undefined;
  private overlay: LabelOverlay | undefined;
  private readonly tools = new Map<AnnotationToolId, AnnotationTool>();
  /** One document per opened volume, so switching series and back keeps the work. */
  private readonly documents = new WeakMap<Volume, AnnotationDocument>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onChange: (change: AnnotationChange) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // Off the page: store what is pending and let other tabs have the document.
    void this.endSession();
  }

  hostConnected(): void {
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    if (this.document && !this.unsubscribe) this.listen(this.document);
    if (this.volume && this.document && this.persist && !this.session) {
      this.ready = false;
      void this.restore(this.volume, this.document);
    }
  }

  /** The tab is closing or navigating: start writing what is pending (the debounce would be too late). */
  private readonly onPageHide = (): void => {
    void this.flush();
  };

  /** Writes pending changes now (e.g. before the host navigates away). */
  async flush(): Promise<void> {
    await this.session?.saver?.flush();
  }

  /** The review record changed: store the document record soon. */
  touchRecord(): void {
    this.session?.saver?.touch();
  }

  /** False while another tab edits this document (this one shows it read-only). */
  get writable(): boolean {
    return !this.session || (this.session.editing && this.session.tabs.canWrite);
  }

  /** The stored document's key, once the document is stored. */
  get documentKey(): DocId | undefined {
    return this.session?.docId;
  }

  /** The database, when storage is on and available. */
  storedDb(): Promise<SegmarkDb | undefined> {
    return this.persist ? this.database() : Promise.resolve(undefined);
  }

  /** Makes this tab the document's writer (the other tab stores its work and steps down). */
  async takeOver(): Promise<void> {
    await this.session?.tabs.takeOver();
  }

  /** An explicit save: writes now and keeps a checkpoint. Returns the revision id. */
  async save(note = 'Saved'): Promise<number | undefined> {
    const s = this.session;
    if (!s?.saver || !s.checkpoints) return undefined;
    await s.saver.flush();
    if (s.saver.dirty || s.saver.state === 'error') return undefined;
    return s.checkpoints.take(note);
  }

  /**
   * Puts a stored revision back into the open document as one undo step (so
   * the restore itself can be undone). Returns false when there is no such revision.
   */
  async restoreRevision(id: number): Promise<boolean> {
    const s = this.session;
    const document = this.document;
    if (!s || !document || !s.tabs.canWrite) return false;
    const snapshot = await loadRevision(s.db, id);
    if (!snapshot || snapshot.series.seriesInstanceUID !== document.series.seriesInstanceUID) return false;
    document.restore(snapshot, 'Restore version');
    return true;
  }

  /**
   * The volume's document: the stored one for this series and user if there is
   * one, else a fresh one with the lumbar spine labels; autosaved from then on.
   */
  open(volume: Volume): AnnotationDocument {
    const known = this.documents.get(volume);
    const document = this.adopt(volume, known ?? this.fresh(volume));
    this.volume = volume;
    this.ready = !this.persist;
    this.review?.reset();
    if (!this.ready) void this.restore(volume, document);
    return document;
  }

  private fresh(volume: Volume): AnnotationDocument {
    return new AnnotationDocument({
      series: {
        studyInstanceUID: volume.studyInstanceUID,
        seriesInstanceUID: volume.seriesInstanceUID,
        sopInstanceUIDs: volume.sopInstanceUIDs,
        rows: volume.rows,
        columns: volume.columns,
        slices: volume.slices,
      },
      ops: REGION_OPS,
      labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE, this.locale),
      locale: this.locale,
    });
  }

  /** Makes `document` the one shown and edited for `volume`. */
  private adopt(volume: Volume, document: AnnotationDocument): AnnotationDocument {
    this.unsubscribe?.();
    this.documents.set(volume, document);
    this.document = document;
    // Who draws, edits and reviews is recorded with each region.
    document.user = this.user;
    document.locale = this.locale;
    this.labelmap = new LabelmapSlices(document, volume.columns, volume.rows, volume.slices);
    this.overlay = new LabelOverlay(document, this.labelmap);
    this.tools.clear();
    this.listen(document);
    this.host.requestUpdate();
    return document;
  }

  private database(): Promise<SegmarkDb | undefined> {
    this.db ??= openSegmarkDb(undefined, {
      // A newer version elsewhere wants an upgrade, or (no new version) the database is being deleted.
      onBlocking: (_current, newer) =>
        newer === null
          ? this.connectionLost('storage-unavailable', 'the local store was deleted')
          : this.connectionLost('storage-upgraded', 'a newer Segmark in another tab upgrades the local store'),
      onTerminated: () => this.connectionLost('storage-unavailable', 'the browser closed the local store (storage cleared or failing)'),
      // Our upgrade waits for a tab still holding the older version open: say so; it proceeds once that tab lets go.
      onBlocked: () => this.storage?.onStorageError(new SegmarkError('storage-blocked', 'another tab holds the local store open at an older version')),
    }).then(
      (db) => {
        void this.askPersistence();
        return db;
      },
      (error: unknown) => {
        this.storage?.onStorageError(toSegmarkError(error, 'storage-unavailable'));
        return undefined;
      },
    );
    return this.db;
  }

  /**
   * The database connection is gone (another tab upgrades the store, or the
   * browser closed it). The work stays on screen; the user is told; the store
   * is opened again, and what is on screen is written back where the record
   * is missing (an upgrade blocked by this tab fails again, and says so).
   */
  private connectionLost(code: 'storage-upgraded' | 'storage-unavailable', detail: string): void {
    this.storage?.onStorageError(new SegmarkError(code, detail));
    this.db = undefined;
    const s = this.session;
    this.session = undefined;
    if (s) {
      s.saver?.dispose();
      s.checkpoints?.dispose();
      s.tabs.dispose();
    }
    if (code === 'storage-upgraded') return;
    if (this.volume && this.document && this.persist) void this.restore(this.volume, this.document);
  }

  /** Asks the browser to keep our storage under disk pressure, and reports the answer. */
  private async askPersistence(): Promise<void> {
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!storage?.persist) return;
    try {
      const granted = (await storage.persisted?.()) || (await storage.persist());
      this.storage?.onPersistence(granted);
    } catch {
      this.storage?.onPersistence(false);
    }
  }

  /** Looks up the stored document; without storage, annotating still works, unsaved. */
  /**
   * Looks up the stored document and starts autosave; without storage,
   * annotating still works, unsaved. `shown` is the document on screen: a
   * fresh one, or this tab's own from earlier (kept, with its undo history,
   * when the store holds the same; the stored one wins when another tab
   * changed it since).
   */
  private async restore(volume: Volume, shown: AnnotationDocument): Promise<void> {
    const db = await this.database();
    await this.endSession();
    const geometry = geometryFingerprint(volume);
    let docId = documentId(volume.studyInstanceUID, volume.seriesInstanceUID, this.user);
    let document = shown;
    /** Read without error and not there (new, deleted, or evicted by the browser). */
    let missing = false;
    let review: ReviewRecord | undefined;
    if (db) {
      try {
        let stored = await loadDocument(db, docId);
        // The same series opened with other images (a subset, another reconstruction): its own
        // document, so neither is restored onto the wrong slices or overwritten.
        if (stored && !sameImages(stored.series, volume)) {
          docId = `${docId}|${hash(volume.sopInstanceUIDs.join('\\') + geometry)}`;
          stored = await loadDocument(db, docId);
        }
        missing = stored === undefined;
        review = await loadReview(db, docId);
        if (stored && JSON.stringify(stored) !== JSON.stringify(shown.snapshot())) {
          document = AnnotationDocument.fromSnapshot(stored, REGION_OPS);
        }
      } catch (error) {
        this.storage?.onStorageError(toSegmarkError(error, 'storage-corrupt'));
      }
    }
    if (this.volume !== volume || this.documents.get(volume) !== shown || this.session) return;
    if (document !== shown) this.adopt(volume, document);
    this.review?.loaded(review);
    if (db) {
      const session: Session = { volume, db, docId, description: volume.description, geometry, tabs: undefined!, editing: false };
      session.tabs = new TabCoordinator(docId, {
        onRole: (role, reason) => void this.roleChanged(session, role, reason),
        onRemoteSaved: () => void this.reload(session),
      }, () => session.saver?.flush() ?? Promise.resolve());
      this.session = session;
      this.track(session, this.document!);
      const role = await session.tabs.start();
      // Work on screen that the store does not have (its record was evicted or deleted meanwhile): store all of it.
      if (role === 'writer' && missing && document.regionCounts().regions > 0) void session.saver?.saveAll();
    }
    this.ready = true;
    this.host.requestUpdate();
  }

  /** Autosave and checkpoints for the document now shown. */
  private track(session: Session, document: AnnotationDocument): void {
    session.saver?.dispose();
    session.checkpoints?.dispose();
    const checkpoints = new Checkpoints(session.db, session.docId, document, { keep: this.revisionsKept });
    session.checkpoints = checkpoints;
    session.saver = new Autosaver(session.db, session.docId, document, { description: session.description, geometry: session.geometry }, {
      onState: (state, lastSaved, error) => this.storage?.onSaveState(state, lastSaved, error),
      onSaved: () => {
        session.tabs.announceSaved();
        checkpoints.saved().catch((error: unknown) => this.storage?.onStorageError(toSegmarkError(error, 'storage-unavailable')));
      },
      canWrite: () => session.tabs.canWrite,
      review: () => this.review?.record(),
    });
  }

  /** Stores what is pending, then lets the document go (other tabs may write it). */
  private async endSession(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    await s.saver?.flush();
    s.saver?.dispose();
    s.checkpoints?.dispose();
    s.tabs.dispose();
  }

  private async roleChanged(session: Session, role: TabRole, reason: RoleReason): Promise<void> {
    if (this.session !== session) return;
    // A writer that comes back (or starts) reads what the previous writer stored; editing waits for it.
    session.editing = false;
    if (role === 'writer' && reason === 'promoted') await this.reload(session);
    session.editing = role === 'writer' && session.tabs.canWrite;
    this.storage?.onRole(role, reason);
    this.host.requestUpdate();
  }

  /**
   * Replaces the shown document by the stored one (another tab wrote it). Work
   * this tab could not store (it lost the document while editing) is kept
   * first as a revision, so nothing is dropped silently.
   */
  private async reload(session: Session): Promise<void> {
    if (this.session !== session) return;
    try {
      if (session.saver?.dirty && this.document) {
        await addRevision(session.db, session.docId, this.document.snapshot(), 'Unsaved changes of a tab that lost the document to another tab');
      }
      const stored = await loadDocument(session.db, session.docId);
      const review = await loadReview(session.db, session.docId);
      if (!stored || this.session !== session) return;
      const document = AnnotationDocument.fromSnapshot(stored, REGION_OPS);
      this.adopt(session.volume, document);
      this.review?.loaded(review);
      this.track(session, document);
    } catch (error) {
      this.storage?.onStorageError(toSegmarkError(error, 'storage-corrupt'));
    }
  }

  tool(id: AnnotationToolId): AnnotationTool {
    const tool = this.tools.get(id) ?? createTool(id);
    this.tools.set(id, tool);
    return tool;
  }

  /** What the viewport needs to draw labels and route the left button. */
  forViewport(toolId: string, activeLabel: number): ViewportAnnotation | undefined {
    if (!this.document || !this.overlay) return undefined;
    return {
      document: this.document,
      overlay: this.overlay,
      activeLabel,
      tool: this.ready && this.writable && isAnnotationTool(toolId) ? this.tool(toolId) : undefined,
    };
  }

  private listen(document: AnnotationDocument): void {
    this.unsubscribe = document.subscribe((change) => {
      this.labelmap?.invalidate(change.slice);
      this.onChange(change);
      this.host.requestUpdate();
    });
  }
}
