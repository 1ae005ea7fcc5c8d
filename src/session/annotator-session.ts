/**
 * One annotator's state, in plain TypeScript (no DOM, no Lit): the host's
 * settings (read live, never copied), what is shown (series, slice, window,
 * tool, active label), the notices, and the review record. Controllers, tools
 * and commands read it; `<segmark-annotator>` keeps its attributes and
 * properties in step with it, renders it and exposes the public API.
 *
 * Two annotators on one page have two sessions and share nothing.
 *
 * Every change goes through a setter that announces the key and its old
 * value (`subscribe`), so the element can ask Lit for exactly that update.
 */
import type { Volume } from '../core/dicom/volume.js';
import type { ViewPlane } from '../core/dicom/view-plane.js';
import { SegmarkError, editRefusal } from '../core/errors.js';
import { formatMessage } from '../core/messages.js';
import { toLocale } from '../core/text.js';
// Types only: the event map is written once, with the elements that fire its events.
import type { EventDetail, PublicEventName } from '../elements/events.js';
import type { AnnotationDocument } from '../core/annotation/document.js';
import type { WindowLevel } from '../core/display/window.js';
import { ReviewState } from '../core/review/review-state.js';
import { isLocked } from '../core/review/workflow.js';
import type { Actor } from '../core/review/comments.js';
import type { AnnotationToolId } from '../tools/annotation-tool.js';
import type { NavigationTool } from '../tools/navigation.js';
import { THRESHOLD_PRESETS, thresholdRange, type ThresholdRange } from '../tools/threshold-brush.js';
import { DEFAULT_REFINE, refineParameters, type RefineParameters } from './refine.js';
import type { DicomWebSource } from '../dicomweb/request.js';
import type { SeriesRef } from '../dicomweb/read-series.js';

/** What the left button does: a viewing tool or an annotation tool. */
export type ToolId = NavigationTool | AnnotationToolId;

/** What the host page sets on the element; read live wherever it matters. */
export interface HostSettings {
  /** The annotator's name: stored work is kept per series and user, and each edit records it. */
  user: string;
  /** The annotator's role (`annotator`, `reviewer`, …): which review steps are allowed. */
  role: string;
  /** Interface language: `en` or `zh-CN`. */
  lang: string;
  /** No editing (reading only). */
  readonly: boolean;
  /** Nothing is stored in or restored from the browser. */
  noAutosave: boolean;
  /** Opened series' images are kept in the browser. */
  cacheImages: boolean;
  /** Versions kept per document. */
  revisionsKept: number;
  /** Most megabytes the image cache may hold. */
  cacheLimit: number;
}

/**
 * How the views are arranged: `axial` one large view (with small reformats
 * to navigate), `mpr` axial, sagittal and coronal side by side at equal
 * size, `mpr-3d` those three and the 3D view in a 2×2 grid, `sagittal` or
 * `coronal` alone.
 */
export type Layout = 'axial' | 'mpr' | 'mpr-3d' | 'sagittal' | 'coronal';

export const LAYOUTS: readonly Layout[] = ['axial', 'mpr', 'mpr-3d', 'sagittal', 'coronal'];

export function isLayout(value: unknown): value is Layout {
  return (LAYOUTS as readonly unknown[]).includes(value);
}

/** A view of the layout: a plane or the 3D view. */
export type ViewName = ViewPlane | '3d';

/** What is shown and in hand. */
export interface ViewState {
  tool: ToolId;
  activeLabel: number;
  slice: number;
  windowCenter: number;
  windowWidth: number;
  invert: boolean;
  /** The pixel the sagittal and coronal planes go through. */
  crosshair: { column: number; row: number } | undefined;
  /** The lines that show where the other planes cut each view. */
  referenceLines: boolean;
  /** Labels, outlines, pins, text and lines over the images; off shows the bare images. */
  overlays: boolean;
  layout: Layout;
  /** The HU range the threshold brush and Fill use (min ≤ max, inclusive). */
  threshold: ThresholdRange;
  /** The Refine panel's numbers: min island (mm³), smoothing radius and margin (mm), each ≥ 0. */
  refine: RefineParameters;
  /** The view shown alone in place of the layout (a double click), or none. */
  maximised: ViewName | undefined;
  /** The open series, once its first slice is decoded. */
  volume: Volume | undefined;
  /** The PACS and series the open series came from (`loadDicomWeb`); undefined for files and URLs. */
  pacs: { source: DicomWebSource; series: SeriesRef } | undefined;
}

export type SessionKey = keyof HostSettings | keyof ViewState | 'notices';

export interface Notice {
  id: number;
  kind: 'error' | 'warning' | 'info';
  text: string;
  /** A button on the notice, e.g. Retry after a failed Save to PACS. */
  action?: { label: string; run: () => void };
}

/** Where the open document lives and whether it may be written (the document session). */
export interface DocumentSource {
  readonly document: AnnotationDocument | undefined;
  /** False while another tab edits the document. */
  readonly writable: boolean;
  /** False while the stored document is being looked up. */
  readonly ready: boolean;
}

export type SessionListener = (key: SessionKey, old: unknown) => void;

/** How the session speaks to the host page: the element fires these as DOM events. */
export interface SessionOutput {
  emit<K extends PublicEventName>(type: K, detail: EventDetail<K>): void;
}

const MAX_NOTICES = 50;

const DEFAULT_SETTINGS: Readonly<HostSettings> = {
  user: '',
  role: '',
  lang: 'en',
  readonly: false,
  noAutosave: false,
  cacheImages: false,
  revisionsKept: 50,
  cacheLimit: 2048,
};

export class AnnotatorSession {
  /** The document's review record: status, audit trail, comments, active time. */
  readonly review = new ReviewState();
  private readonly settings: HostSettings = { ...DEFAULT_SETTINGS };
  private readonly view: ViewState = {
    tool: 'window',
    activeLabel: 1,
    slice: 0,
    windowCenter: 40,
    windowWidth: 400,
    invert: false,
    crosshair: undefined,
    referenceLines: true,
    overlays: true,
    layout: 'axial',
    threshold: { ...THRESHOLD_PRESETS.disc },
    refine: { ...DEFAULT_REFINE },
    maximised: undefined,
    volume: undefined,
    pacs: undefined,
  };
  private noticeList: readonly Notice[] = [];
  private noticeId = 0;
  private readonly listeners = new Set<SessionListener>();
  private documents: DocumentSource | undefined;
  private loader: { readonly loading: boolean } | undefined;

  constructor(private readonly output: SessionOutput) {}

  /** Fires a public event on the host. */
  emit<K extends PublicEventName>(type: K, detail: EventDetail<K>): void {
    this.output.emit(type, detail);
  }

  /**
   * Tells the host (`segmark-error`, with the catalogue's message in the
   * interface language) and the user (a notice, unless the work was merely
   * stopped) about an error.
   */
  reportError(error: SegmarkError, action?: Notice['action']): void {
    const message = formatMessage(error.code, { ...error.params, file: error.file ?? '' }, toLocale(this.lang)).trim();
    this.emit('segmark-error', {
      code: error.code,
      message,
      ...(error.file ? { file: error.file } : {}),
      ...(error.params.status ? { status: Number(error.params.status) } : {}),
    });
    if (error.code !== 'aborted') this.notify('error', message, action);
  }

  /** Connects the document session (set once by the annotator that owns both). */
  attachDocuments(source: DocumentSource): void {
    this.documents = source;
  }

  /** Connects the loader, so a call made while a series loads can say so. */
  attachLoader(loader: { readonly loading: boolean }): void {
    this.loader = loader;
  }

  /** A series is being read or decoded. */
  get loading(): boolean {
    return this.loader?.loading ?? false;
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── the host's settings ──

  setting<K extends keyof HostSettings>(key: K): HostSettings[K] {
    return this.settings[key];
  }

  setSetting<K extends keyof HostSettings>(key: K, value: HostSettings[K]): void {
    const old = this.settings[key];
    if (Object.is(old, value)) return;
    this.settings[key] = value;
    this.announce(key, old);
  }

  get lang(): string {
    return this.settings.lang;
  }

  get user(): string {
    return this.settings.user;
  }

  /** Who acts, for the review record and the provenance of each edit. */
  get actor(): Actor {
    return { user: this.settings.user, role: this.settings.role };
  }

  // ── what is shown ──

  get<K extends keyof ViewState>(key: K): ViewState[K] {
    return this.view[key];
  }

  set<K extends keyof ViewState>(key: K, value: ViewState[K]): void {
    const next = this.normalise(key, value);
    const old = this.view[key];
    if (Object.is(old, next)) return;
    this.view[key] = next;
    this.announce(key, old);
  }

  get volume(): Volume | undefined {
    return this.view.volume;
  }

  get slice(): number {
    return this.view.slice;
  }

  set slice(k: number) {
    this.set('slice', k);
  }

  get activeLabel(): number {
    return this.view.activeLabel;
  }

  set activeLabel(id: number) {
    this.set('activeLabel', id);
  }

  get tool(): ToolId {
    return this.view.tool;
  }

  set tool(tool: ToolId) {
    this.set('tool', tool);
  }

  get window(): WindowLevel {
    return { center: this.view.windowCenter, width: this.view.windowWidth };
  }

  set window(w: WindowLevel) {
    this.set('windowCenter', w.center);
    this.set('windowWidth', w.width);
  }

  // ── the document ──

  get document(): AnnotationDocument | undefined {
    return this.documents?.document;
  }

  /** A series and its document are open. */
  get open(): boolean {
    return this.view.volume !== undefined && this.document !== undefined;
  }

  /** False while another tab edits the open document (this one shows it read-only). */
  get writable(): boolean {
    return this.documents?.writable ?? true;
  }

  /** The stored document (if any) has been looked up: editing may start. */
  get ready(): boolean {
    return this.documents?.ready ?? false;
  }

  /** False while nothing may be edited: `readonly`, another tab editing this document, or an approved document. */
  get editable(): boolean {
    return !this.settings.readonly && this.writable && !isLocked(this.review.status);
  }

  /** Editable, with a series open: the annotation tools and verification may act. */
  get canAnnotate(): boolean {
    return this.editable && this.view.volume !== undefined;
  }

  /** Why nothing may be edited now (`read-only`, `approved-locked`, `storage-other-tab`), or undefined. */
  editRefusal(): SegmarkError | undefined {
    return editRefusal({ readonly: this.settings.readonly, approved: isLocked(this.review.status), otherTab: !this.writable });
  }

  /** The open document; a coded error (`still-loading` or `not-loaded`) when there is none yet. */
  requireOpen(): AnnotationDocument {
    const document = this.document;
    if (!this.view.volume || !document) throw new SegmarkError(this.loading ? 'still-loading' : 'not-loaded', 'no series is open');
    return document;
  }

  /**
   * The open document, when it may be changed now; otherwise a coded error
   * saying why (nothing open yet, read-only, approved, another tab editing).
   */
  requireEditable(): AnnotationDocument {
    const document = this.requireOpen();
    const refused = this.editRefusal();
    if (refused) throw refused;
    return document;
  }

  // ── notices ──

  get notices(): readonly Notice[] {
    return this.noticeList;
  }

  notify(kind: Notice['kind'], text: string, action?: Notice['action']): void {
    this.setNotices([...this.noticeList, { id: ++this.noticeId, kind, text, ...(action ? { action } : {}) }].slice(-MAX_NOTICES));
  }

  dismiss(id: number): void {
    this.setNotices(this.noticeList.filter((n) => n.id !== id));
  }

  /** Drops the notices `which` picks (all of them without it). */
  clearNotices(which: (n: Notice) => boolean = () => true): void {
    this.setNotices(this.noticeList.filter((n) => !which(n)));
  }

  private setNotices(next: readonly Notice[]): void {
    const old = this.noticeList;
    this.noticeList = next;
    this.announce('notices', old);
  }

  private normalise<K extends keyof ViewState>(key: K, value: ViewState[K]): ViewState[K] {
    const volume = this.view.volume;
    if (key === 'slice' && volume) {
      return Math.min(volume.slices - 1, Math.max(0, Math.round(value as number))) as ViewState[K];
    }
    if (key === 'windowWidth') return Math.max(1, value as number) as ViewState[K];
    if (key === 'layout' && !isLayout(value)) return this.view.layout as ViewState[K];
    if (key === 'threshold') return thresholdRange(value as ThresholdRange) as ViewState[K];
    if (key === 'refine') return refineParameters(value as RefineParameters, this.view.refine) as ViewState[K];
    return value;
  }

  private announce(key: SessionKey, old: unknown): void {
    for (const listener of this.listeners) listener(key, old);
  }
}
