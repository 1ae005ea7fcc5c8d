/**
 * The annotator's state and wiring, under the public API of
 * `<segmark-annotator>` (segmark-annotator.ts): the session and the
 * controllers that read it, the host's settings and view state as Lit
 * properties kept in the session, the command table's context, and the
 * views. How loads show is `load-view.ts`'s, the 3D computations
 * `assist-link.ts`'s, the keys `annotator-keys.ts`'s. Members here are
 * internal unless documented on SegmarkAnnotator.
 */
import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { ViewImage } from '../../viewer/cornerstone-view.js';
import { AnnotatorSession, isLayout, type Layout, type ToolId } from '../../session/annotator-session.js';
import { readPreferences, writePreferences } from '../../store/preferences.js';
import { AssistRunner } from '../../core/assist/assist-runner.js';
import { workerRefineRunner } from '../../session/refine.js';
import { isAnnotationTool, type CommandContext } from '../../session/commands.js';
import { Exchange } from '../../session/exchange.js';
import { PacsLink } from '../../session/pacs.js';
import { emit, type SeriesSummary } from '../events.js';
import type { SegmarkViewport } from '../segmark-viewport/segmark-viewport.js';
import { AgreementController } from '../segmark-agreement/agreement-controller.js';
import { toLocale } from '../../core/text.js';
import { toolStatusMessage, toolStrings } from '../../text/tools.js';
import { workStrings } from '../../text/work.js';
import { AnnotationController } from './annotation-controller.js';
import { DatasetController } from './dataset.js';
import { NearbyTool } from '../../tools/index.js';
import type { ExportDialogState, SaveIndicator, SideTab } from './annotator-chrome.js';
import { AnnotatorKeys } from './annotator-keys.js';
import { AssistLink } from './assist-link.js';
import { ReviewController } from './review-controller.js';
import { REVIEW_ZOOM_ATTRIBUTE, VerifyController, reviewBarStyles } from './review-bar.js';
import { annotatorStyles } from './segmark-annotator.styles.js';
import { thresholdRangeStyles } from './threshold-range.js';
import { refinePanelStyles } from './refine-panel.js';
import { SeriesLoader } from './series-loader.js';
import type { LoadLimitsInit } from '../../core/dicom/limits.js';
import { WorkController } from './work.js';
import { DocumentExchange } from './document-exchange.js';
import { LoadView } from './load-view.js';
import { VolumeReveal } from './volume-reveal.js';
import { yieldToEventLoop } from '../../core/util/concurrency.js';

export class AnnotatorBase extends LitElement {
  static override styles = [annotatorStyles, reviewBarStyles, thresholdRangeStyles, refinePanelStyles];

  /** This annotator's state, read live by its controllers, tools and commands; shared with no other annotator. @internal */
  readonly session = new AnnotatorSession({ emit: (type, detail) => emit(this, type, detail) });

  /** @internal */
  readonly loader = new SeriesLoader(this, {
    onError: (e) => this.session.reportError(e),
    onProgress: (p) => this.session.emit('segmark-progress', { ...p }),
    onPreview: (image, window) => this.loads.previewed(image, window),
    onVolume: (volume, k) => this.loads.showVolume(volume, k),
    onSlice: (k) => this.loads.sliceLoaded(k),
    onLoaded: (volume, warnings, ms) => this.loads.loaded(volume, warnings, ms),
  });
  /** How loads show: progress, preview, the series on screen, `segmark-load`; the pick and drop handlers. @internal */
  readonly loads = new LoadView(this);
  /** @internal */
  readonly annotations = new AnnotationController(this, (change) => {
    for (const view of this.views()) view.redraw();
    this.renderRoot.querySelectorAll('segmark-reformat').forEach((r) => r.redraw());
    const document = this.session.document;
    const revision = document?.revision ?? 0;
    const changed = (document?.lastChanged ?? []).map((c) => ({ labelId: c.labelId, slice: c.slice }));
    this.session.emit('segmark-change', { labelId: change.labelId, slice: change.slice, kind: change.kind, revision, changed });
    this.review.changed(change, document);
  });
  /** @internal */
  readonly work = new WorkController(this, this.annotations, (e) => this.session.reportError(e));
  /** The Dataset panel's cases and build. @internal */
  readonly datasets = new DatasetController(this, this.annotations, (e) => this.session.reportError(e), () => this.limits);
  /** @internal */
  readonly verify = new VerifyController(this, this.session);
  /** @internal */
  readonly review = new ReviewController(this, this.annotations, this.session, (x, y) => this.viewport?.centreOn(x, y));
  /** @internal */
  readonly exchange = new Exchange(this.session, () => this.cancelTools());
  /** @internal */
  readonly pacs = new PacsLink(this.session, this.exchange);
  /** @internal */
  readonly agreement = new AgreementController(this, this.session, {
    storedDb: () => this.annotations.storedDb(),
    documentKey: () => this.annotations.documentKey,
    checkpoint: () => this.work.save(),
    download: (file) => this.download(file),
    readMask: (bytes, target, file) => this.exchange.runner.readMask(bytes, target, file),
    cancelTool: () => this.cancelTools(),
  });

  /** `getDocument` and `openDocument`, and review-record revisions. @internal */
  readonly documentExchange = new DocumentExchange(this);
  /** Where the 3D tools compute, off the page. @internal */
  readonly assistRunner = new AssistRunner({ onBusy: (busy) => this.assist.busyChanged(busy) });
  /** The 3D tools' computations and Refine's island pick. @internal */
  readonly assist = new AssistLink(this, this.assistRunner);
  /** @internal */
  readonly keys = new AnnotatorKeys(this);
  /** A new volume reaches the main view first, the reformats and panels in the frames after. @internal */
  readonly reveal = new VolumeReveal(this, () => this.session.volume);

  /** What the command table acts on: the session, the main view, and what only this element can do. @internal */
  readonly commands: CommandContext = {
    session: this.session,
    view: () => this.activeView(),
    ui: {
      toggleShortcuts: () => this.toggleShortcuts(),
      openExportDialog: () => this.openExportDialog(),
      pickFiles: () => this.input('files')?.click(),
      pickFolder: () => this.input('folder')?.click(),
      pickMask: () => this.input('mask')?.click(),
      openCompare: () => void this.agreement.show(),
      saveToPacs: () => void this.pacs.save().catch(() => undefined),
      listPacsSegmentations: () => void this.pacs.list(),
      saveVersion: () => void this.work.save(),
      acceptSlice: () => !this.verify.picking && this.verify.accept(),
      openRejectPicker: () => !this.verify.picking && this.verify.openPicker(),
      nextUnverified: () => !this.verify.picking && this.verify.next(),
      nextUnverifiedLabel: () => !this.verify.picking && this.verify.nextLabel(),
      togglePinMode: () => this.review.setPinMode(!this.review.pinMode),
      nextDocument: () => {
        const opened = this.work.nextDocument((id) => this.loads.openWork(id));
        if (!opened) this.session.notify('info', workStrings(this.lang).queueDone);
        return opened;
      },
      writable: () => this.session.writable,
      chooseLayout: (layout) => this.chooseLayout(layout),
      refineRunner: () => workerRefineRunner(this.assistRunner),
      pickIsland: () => this.assist.toggleIslandPick(),
      segmentNearby: () => {
        const tool = this.annotations.document && this.session.canAnnotate ? this.annotations.tool('nearby') : undefined;
        if (tool instanceof NearbyTool) void tool.propagate(this.activeLabel, this.slice);
      },
      toggleMaximised: () => {
        const shown = this.session.get('maximised');
        this.session.set('maximised', shown ? undefined : (this.activeView()?.plane ?? 'axial'));
      },
    },
  };

  /** What the left button does: `window`, `pan`, `zoom`, or an annotation tool (`freehand`, `polygon`, `livewire`, `edit`, `brush`, `eraser`, `threshold-brush`, `fill`). */
  @property({ reflect: true }) get tool(): ToolId { return this.session.tool; }
  set tool(tool: ToolId) { this.session.tool = tool; }
  /** The label the annotation tools draw (its id, 1..255). */
  @property({ type: Number, attribute: 'active-label', reflect: true }) get activeLabel(): number { return this.session.activeLabel; }
  set activeLabel(id: number) { this.session.activeLabel = id; }
  /** 0-based slice index in sorted order (inferior first for an axial series). */
  @property({ type: Number, reflect: true }) get slice(): number { return this.session.slice; }
  set slice(k: number) { this.session.slice = k; }
  /** Window centre in HU. */
  @property({ type: Number, attribute: 'window-center' }) get windowCenter(): number { return this.session.get('windowCenter'); }
  set windowCenter(c: number) { this.session.set('windowCenter', c); }
  /** Window width in HU. */
  @property({ type: Number, attribute: 'window-width' }) get windowWidth(): number { return this.session.get('windowWidth'); }
  set windowWidth(w: number) { this.session.set('windowWidth', w); }
  /** Interface language: `en` or `zh-CN`. */
  @property({ reflect: true }) override get lang(): string { return this.session.lang; }
  override set lang(lang: string) { this.session.setSetting('lang', lang); }
  /** No editing (reading only). */
  @property({ type: Boolean, reflect: true }) get readonly(): boolean { return this.session.setting('readonly'); }
  set readonly(on: boolean) { this.session.setSetting('readonly', on); }
  /** The annotator's name, given by the host page; stored work is kept per series and user. */
  @property() get user(): string { return this.session.user; }
  set user(user: string) { this.session.setSetting('user', user); }
  /** The annotator's role (e.g. `annotator`, `reviewer`), given by the host page. */
  @property() override get role(): string { return this.session.setting('role'); }
  override set role(role: string) { this.session.setSetting('role', role); }
  /** Keep no annotation in the browser's storage (nothing saved, nothing restored). */
  @property({ type: Boolean, attribute: 'no-autosave' }) get noAutosave(): boolean { return this.session.setting('noAutosave'); }
  set noAutosave(on: boolean) { this.session.setSetting('noAutosave', on); }
  /** Keep opened series' source images in the browser (IndexedDB), so recent work reopens without picking its files again. Off by default: patient images in the browser are the hospital's choice. */
  @property({ type: Boolean, attribute: 'cache-images' }) get cacheImages(): boolean { return this.session.setting('cacheImages'); }
  set cacheImages(on: boolean) { this.session.setSetting('cacheImages', on); }
  /** Versions kept per document (a checkpoint every few minutes of editing and on every saved version); the oldest go first. */
  @property({ type: Number, attribute: 'revisions-kept' }) get revisionsKept(): number { return this.session.setting('revisionsKept'); }
  set revisionsKept(n: number) { this.session.setSetting('revisionsKept', n); }
  /** Most megabytes the image cache may hold; least recently used series go first. */
  @property({ type: Number, attribute: 'cache-limit' }) get cacheLimit(): number { return this.session.setting('cacheLimit'); }
  set cacheLimit(mb: number) { this.session.setSetting('cacheLimit', mb); }
  /**
   * Budgets of the next loads, each over its default (`DEFAULT_LOAD_LIMITS`): `frameVoxels` (pixels of
   * one frame), `seriesVoxels`, `seriesBytes` (stored bytes of a series' files or PACS frames) and
   * `inflateBytes` (what a deflated file may inflate to). Past one, the file or series is refused with
   * `input-too-large` before anything is allocated for it. A value that is not a positive number throws `bad-argument`.
   */
  @property({ attribute: false }) get limits(): LoadLimitsInit { return this.loader.limits; }
  set limits(limits: LoadLimitsInit | undefined) { this.loader.limits = limits; }
  /**
   * How the views are arranged: `axial` (one large view), `mpr` (axial,
   * sagittal and coronal side by side), `mpr-3d` (the three planes and the 3D
   * view, 2×2), `sagittal` or `coronal` alone. Set by the host, or chosen by
   * the user (Shift+A, Shift+M, Shift+Q, Shift+S, Shift+C), which is
   * remembered per user in this browser.
   */
  @property({ reflect: true }) get layout(): Layout { return this.session.get('layout'); }
  set layout(layout: Layout) {
    this.hostLayout = isLayout(layout);
    this.session.set('layout', layout);
  }
  /**
   * Going to a region for review (N, Shift+N, the approval check's Show first) zooms it to half the view's
   * shorter side as well as centring it; off (`review-zoom="off"`) only centres. The Review tab's checkbox
   * changes it too, remembered per user in this browser unless the host set it.
   */
  @property({ attribute: 'review-zoom', reflect: true, converter: REVIEW_ZOOM_ATTRIBUTE }) get reviewZoom(): boolean { return this.verify.zoom; }
  set reviewZoom(on: boolean) { this.verify.setZoomByHost(on); }
  /** `dark` (the default: a reading-room theme, dim and low-glare) or `light`; either adjusts with the `--segmark-*` custom properties. */
  @property({ reflect: true }) theme: 'dark' | 'light' = 'dark';
  /** Hides the built-in tool bar, for hosts that drive the element with their own controls. */
  @property({ type: Boolean, attribute: 'no-toolbar' }) noToolbar = false;
  /** The side bar's tab: `labels`, `review` (verification, status, comments, time) or `work` (recent work, versions). */
  @property({ attribute: 'side-tab', reflect: true }) sideTab: SideTab = 'labels';

  /** @internal */
  @state() preview: ViewImage | undefined;
  /** Where autosave stands, for the indicator. @internal */
  @state() saveState: SaveIndicator = { state: 'saved', lastSaved: undefined, persistent: undefined };
  /** The export dialog is open, with the checklist of its current choice. @internal */
  @state() exportState: ExportDialogState | undefined;
  /** Another tab edits the open document: this one shows it read-only and offers to take over. @internal */
  @state() otherTab = false;
  /** @internal */
  @state() dragOver = false;
  /** @internal */
  @state() showProgress = false;
  /** @internal */
  @state() sheetOpen = false;
  /** The 3D view shows the CT on the three planes. @internal */
  @state() surfacePlanes = false;

  /** The axial view, or the first view of a layout without one. @internal */
  get viewport(): SegmarkViewport | null {
    return this.renderRoot?.querySelector<SegmarkViewport>('segmark-viewport[data-plane=axial]') ?? this.renderRoot?.querySelector('segmark-viewport') ?? null;
  }

  /** Every plane view of the layout. @internal */
  views(): SegmarkViewport[] {
    return this.renderRoot ? [...this.renderRoot.querySelectorAll('segmark-viewport')] : [];
  }

  /** The view in use: the one with focus, else the last one worked on, else the axial one. @internal */
  activeView(): SegmarkViewport | undefined {
    const focused = this.views().find((v) => v.matches(':focus-within'));
    if (focused) this.lastView = focused;
    if (this.lastView?.isConnected) return this.lastView;
    return this.viewport ?? undefined;
  }

  /** Abandons the tool's work in progress on every view. @internal */
  cancelTools(): void {
    for (const view of this.views()) view.cancelTool();
  }

  /** The user's choice of layout: shown at once and remembered for this user. @internal */
  chooseLayout(layout: Layout): void {
    this.session.set('maximised', undefined);
    this.session.set('layout', layout);
    writePreferences(this.user, { layout });
  }

  /** The view last worked on (focus or pointer). @internal */
  lastView: SegmarkViewport | undefined;
  /** The host set the layout attribute: the user's remembered choice does not replace it. */
  private hostLayout = false;

  constructor() {
    super();
    this.session.attachDocuments(this.annotations);
    this.annotations.toolStatus = (status) => {
      const text = toolStatusMessage(this.lang, status);
      if (text) this.session.notify('warning', text);
    };
    // A 3D tool's result arrived (or went): it shows on every view.
    this.annotations.toolChanged = () => {
      for (const view of this.views()) view.redraw();
      this.requestUpdate();
    };
    this.session.attachLoader(this.loader);
    this.annotations.thresholdRange = () => this.session.get('threshold');
    this.annotations.storage = {
      onSaveState: (state, lastSaved, error) => {
        const was = this.saveState.state;
        this.saveState = { ...this.saveState, state, lastSaved };
        if (error && was !== 'error') this.session.reportError(error);
        if (state === 'saved' && lastSaved) this.session.emit('segmark-save', { time: lastSaved });
      },
      onStorageError: (error) => this.session.reportError(error),
      onPersistence: (granted) => (this.saveState = { ...this.saveState, persistent: granted }),
      onRole: (role, reason) => this.roleChanged(role, reason),
    };
    this.session.subscribe((key, old) => {
      // Host settings take effect at once: new work is recorded under the new user; template labels follow the language.
      if (key === 'user') {
        this.annotations.user = this.user;
        this.restoreLayout();
      }
      if (key === 'lang') this.annotations.locale = toLocale(this.lang);
      // A property is compared with its old value; other session state (the crosshair, the maximised view) just asks for a render.
      if (key in this) this.requestUpdate(key, old);
      else this.requestUpdate();
    });
    // The session holds the defaults; reflect them as attributes on the first update, as fields with initial values would.
    for (const key of ['tool', 'activeLabel', 'slice', 'lang', 'layout'] as const) this.requestUpdate(key, undefined);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.restoreLayout();
  }

  /** The user's remembered layout, unless the host chose one. */
  private restoreLayout(): void {
    if (this.hostLayout) return;
    const { layout } = readPreferences(this.user);
    if (isLayout(layout)) this.session.set('layout', layout);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.exchange.dispose();
  }

  /**
   * The first render of a new volume runs in a task of its own: the loader announces the volume
   * from the task that decoded its first slice, and the two together made one long task.
   */
  protected override async scheduleUpdate(): Promise<void> {
    if (this.reveal.firstRender) await yieldToEventLoop();
    await super.scheduleUpdate();
  }

  /** Also waits until every part (reformats, panels) shows a newly opened volume. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let done = await super.getUpdateComplete();
    while (this.reveal.pending) {
      await this.reveal.settled();
      done = await super.getUpdateComplete();
    }
    return done;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // However the tool changes (toolbar, key, or the host), work in progress is abandoned.
    if (changed.has('tool') && changed.get('tool') !== undefined) this.cancelTools();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const volume = this.session.volume;
    if (changed.has('slice') && volume && changed.get('slice') !== undefined) {
      this.session.emit('segmark-slice', { slice: this.slice, location: volume.locations[this.slice]! });
    }
    if ((changed.has('windowCenter') || changed.has('windowWidth')) && this.hasUpdated) {
      this.session.emit('segmark-window', { center: this.windowCenter, width: this.windowWidth });
    }
  }

  /** Shows or hides the shortcut sheet (also the `?` key). */
  toggleShortcuts(open = !this.sheetOpen): void {
    this.sheetOpen = open;
    if (!open) this.focus();
  }

  /** Opens the export dialog (also Ctrl+E and the toolbar's Export… button). */
  openExportDialog(): void {
    if (!this.session.open) return;
    this.cancelTools();
    this.exportState = { findings: [], busy: false };
    this.exchange.warm();
  }

  /** Hands a file to the browser's download. @internal */
  download(file: File): void {
    const url = URL.createObjectURL(file);
    const a = globalThis.document.createElement('a');
    a.href = url;
    a.download = file.name;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** One of the template's hidden file and URL inputs. @internal */
  input(name: 'files' | 'folder' | 'mask' | 'urls'): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>(`input[name=${name}]`);
  }

  private roleChanged(role: 'writer' | 'reader', reason: string): void {
    const t = toolStrings(this.lang);
    this.otherTab = role === 'reader';
    if (role === 'reader') {
      this.cancelTools();
      if (reason === 'handed-over') this.session.notify('warning', t.handedOver);
      if (reason === 'lost') this.session.notify('warning', t.lostDocument);
    } else if (reason === 'promoted') {
      this.session.notify('info', t.nowEditing);
    }
    void this.work.refresh();
  }

  /** A press on the image: places a comment pin in pin mode or picks Refine's island (the tool never sees either), else counts as editing activity. @internal */
  readonly onViewportPointer = {
    capture: true,
    handleEvent: (e: PointerEvent): void => {
      if (e.button !== 0) return;
      const view = e.currentTarget as SegmarkViewport;
      this.lastView = view;
      if (view.plane === 'axial' && this.review.pointer(view.clientToImage(e.clientX, e.clientY))) {
        e.stopPropagation();
        e.preventDefault();
        return;
      }
      if (this.assist.pickIsland(view, e)) return;
      if (this.session.editable && isAnnotationTool(this.tool)) this.review.activity();
    },
  };
}

export function seriesSummary(v: Volume): SeriesSummary {
  const { studyInstanceUID, seriesInstanceUID, description, modality, rows, columns, slices } = v;
  return { studyInstanceUID, seriesInstanceUID, description, modality, sopInstanceUIDs: [...v.sopInstanceUIDs], rows, columns, slices, spacing: [...v.spacing] };
}

