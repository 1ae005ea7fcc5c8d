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
import { openSegmarkDb, type SegmarkDb } from '../../store/db.js';
import { loadDocument } from '../../store/documents.js';
import { documentId } from '../../store/schema.js';
import { toSegmarkError, type SegmarkError } from '../../core/errors.js';
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
  /** The user's name, part of the stored document's key. */
  user = '';
  /** Off: nothing is written to or read from the browser's storage. */
  persist = true;
  storage: StorageEvents | undefined;
  private db: Promise<SegmarkDb | undefined> | undefined;
  private readonly savers = new WeakMap<AnnotationDocument, Autosaver>();
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
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  hostConnected(): void {
    if (this.document && !this.unsubscribe) this.listen(this.document);
  }

  /** Writes pending changes now (e.g. before the host navigates away). */
  async flush(): Promise<void> {
    const saver = this.document ? this.savers.get(this.document) : undefined;
    await saver?.flush();
  }

  /**
   * The volume's document: the stored one for this series and user if there is
   * one, else a fresh one with the lumbar spine labels; autosaved from then on.
   */
  open(volume: Volume): AnnotationDocument {
    const known = this.documents.get(volume);
    const document = this.adopt(volume, known ?? this.fresh(volume));
    this.ready = known !== undefined || !this.persist;
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
      labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
    });
  }

  /** Makes `document` the one shown and edited for `volume`. */
  private adopt(volume: Volume, document: AnnotationDocument): AnnotationDocument {
    this.unsubscribe?.();
    this.documents.set(volume, document);
    this.document = document;
    this.labelmap = new LabelmapSlices(document, volume.columns, volume.rows, volume.slices);
    this.overlay = new LabelOverlay(document, this.labelmap);
    this.tools.clear();
    this.listen(document);
    this.host.requestUpdate();
    return document;
  }

  private database(): Promise<SegmarkDb | undefined> {
    this.db ??= openSegmarkDb().then(
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
  private async restore(volume: Volume, fresh: AnnotationDocument): Promise<void> {
    const db = await this.database();
    const geometry = geometryFingerprint(volume);
    let docId = documentId(volume.studyInstanceUID, volume.seriesInstanceUID, this.user);
    let document = fresh;
    if (db) {
      try {
        let stored = await loadDocument(db, docId);
        // The same series opened with other images (a subset, another reconstruction): its own
        // document, so neither is restored onto the wrong slices or overwritten.
        if (stored && !sameImages(stored.series, volume)) {
          docId = `${docId}|${hash(volume.sopInstanceUIDs.join('\\') + geometry)}`;
          stored = await loadDocument(db, docId);
        }
        if (stored) document = AnnotationDocument.fromSnapshot(stored, REGION_OPS);
      } catch (error) {
        this.storage?.onStorageError(toSegmarkError(error, 'storage-corrupt'));
      }
    }
    if (this.documents.get(volume) !== fresh) return;
    if (document !== fresh) this.adopt(volume, document);
    if (db) {
      this.savers.set(
        document,
        new Autosaver(db, docId, document, { description: volume.description, geometry }, {
          onState: (state, lastSaved, error) => this.storage?.onSaveState(state, lastSaved, error),
        }),
      );
    }
    this.ready = true;
    this.host.requestUpdate();
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
      tool: this.ready && isAnnotationTool(toolId) ? this.tool(toolId) : undefined,
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
