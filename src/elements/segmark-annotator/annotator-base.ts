/**
 * The annotator's state and wiring, under the public API of
 * `<segmark-annotator>` (segmark-annotator.ts): the session and the
 * controllers that read it, the host's settings and view state as Lit
 * properties kept in the session, the command table's context, loading, and
 * the handlers the template (annotator-layout.ts) binds. Members here are
 * internal unless documented on SegmarkAnnotator.
 */
import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LoadSource } from '../../core/dicom/sources.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { LoadWarning } from '../../core/dicom/warnings.js';
import { initialWindow } from '../../core/display/window.js';
import { formatMessage } from '../../core/messages.js';
import type { ViewImage } from '../../viewer/cornerstone-view.js';
import { AnnotatorSession, isLayout, type Layout, type Notice, type ToolId } from '../../session/annotator-session.js';
import { readPreferences, writePreferences } from '../../store/preferences.js';
import { AssistRunner } from '../../core/assist/assist-runner.js';
import { toSegmarkError } from '../../core/errors.js';
import { refineActiveLabel, workerRefineRunner } from '../../session/refine.js';
import { commandForKey, handleKey, isAnnotationTool, press, type CommandContext } from '../../session/commands.js';
import { Exchange } from '../../session/exchange.js';
import { PacsLink } from '../../session/pacs.js';
import { emit, type SeriesSummary } from '../events.js';
import type { SegmarkViewport } from '../segmark-viewport/segmark-viewport.js';
import { AgreementController } from '../segmark-agreement/agreement-controller.js';
import { toLocale } from '../../core/text.js';
import { refineStrings } from '../../text/refine.js';
import { toolStatusMessage, toolStrings } from '../../text/tools.js';
import { workStrings } from '../../text/work.js';
import { AnnotationController } from './annotation-controller.js';
import { DatasetController } from './dataset.js';
import { NearbyTool } from '../../tools/index.js';
import type { ExportDialogState, SaveIndicator, SideTab } from './annotator-chrome.js';
import { filesFromDataTransfer, filesFromInput } from './drop.js';
import { ReviewController } from './review-controller.js';
import { REVIEW_ZOOM_ATTRIBUTE, VerifyController, reviewBarStyles } from './review-bar.js';
import { annotatorStyles } from './segmark-annotator.styles.js';
import { thresholdRangeStyles } from './threshold-range.js';
import { refinePanelStyles } from './refine-panel.js';
import { SeriesLoader } from './series-loader.js';
import type { LoadLimitsInit } from '../../core/dicom/limits.js';
import { WorkController } from './work.js';
import { DocumentExchange } from './document-exchange.js';

/** A toggle key held at least this long (ms) acts only while held. */
const HOLD_MS = 400;

/** Show that a 3D computation runs only when it lasts longer than this. */
const SHOW_BUSY_AFTER_MS = 250;
/** Show the progress panel only for loads longer than a blink. */
const PROGRESS_DELAY_MS = 150;

export class AnnotatorBase extends LitElement {
  static override styles = [annotatorStyles, reviewBarStyles, thresholdRangeStyles, refinePanelStyles];

  /** This annotator's state, read live by its controllers, tools and commands; shared with no other annotator. @internal */
  readonly session = new AnnotatorSession({ emit: (type, detail) => emit(this, type, detail) });

  /** @internal */
  readonly loader = new SeriesLoader(this, {
    onError: (e) => this.session.reportError(e),
    onProgress: (p) => this.session.emit('segmark-progress', { ...p }),
    onPreview: (image, window) => {
      if (this.session.volume) return;
      this.preview = image;
      this.session.window = window;
    },
    onVolume: (volume, k) => this.showVolume(volume, k),
    onSlice: (k) => this.sliceLoaded(k),
    onLoaded: (volume, warnings, ms) => this.loaded(volume, warnings, ms),
  });
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
        const opened = this.work.nextDocument((id) => this.openWork(id));
        if (!opened) this.session.notify('info', workStrings(this.lang).queueDone);
        return opened;
      },
      writable: () => this.session.writable,
      chooseLayout: (layout) => this.chooseLayout(layout),
      refineRunner: () => workerRefineRunner(this.assistRunner),
      pickIsland: () => {
        this.islandPick = !this.islandPick;
        if (this.islandPick) this.session.notify('info', refineStrings(this.lang)['pick-island']);
        this.requestUpdate();
      },
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

  /** Where the 3D tools compute, off the page. @internal */
  readonly assistRunner = new AssistRunner({ onBusy: (busy) => this.assistBusyChanged(busy) });
  /** A 3D computation has been running for a moment: the status bar says so, with Cancel. @internal */
  assistBusy = false;
  private assistBusyTimer: ReturnType<typeof setTimeout> | undefined;

  /** Shows the running computation only when it lasts longer than a blink. */
  private assistBusyChanged(busy: boolean): void {
    clearTimeout(this.assistBusyTimer);
    this.assistBusyTimer = busy ? setTimeout(() => ((this.assistBusy = true), this.requestUpdate()), SHOW_BUSY_AFTER_MS) : undefined;
    if (!busy && this.assistBusy) {
      this.assistBusy = false;
      this.requestUpdate();
    }
  }
  /** The view last worked on (focus or pointer). @internal */
  lastView: SegmarkViewport | undefined;
  /** The host set the layout attribute: the user's remembered choice does not replace it. */
  private hostLayout = false;
  /** The overlay toggle key being held, and since when. */
  private heldToggle: { id: 'overlays' | 'reference-lines'; since: number } | undefined;

  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private reformatTimer: ReturnType<typeof setTimeout> | undefined;
  /** Settles once the last opened series' stored work is restored (or known absent) and `segmark-load` is fired. */
  private settled: Promise<void> = Promise.resolve();

  constructor() {
    super();
    this.session.attachDocuments(this.annotations);
    // The 3D tools compute in the assist worker; a newer gesture's request replaces one still waiting.
    // A cancelled computation gives no result (the tool keeps waiting for the next gesture); a failure is reported.
    const runner = this.assistRunner;
    const settle = <T>(asked: Promise<T | undefined>): Promise<T | undefined> =>
      asked.catch((error: unknown) => {
        const e = toSegmarkError(error, 'internal');
        if (e.code !== 'aborted') this.session.reportError(e);
        return undefined;
      });
    this.annotations.assist = {
      grow: (values, box, spacing, seeds) => settle(runner.runLatest('grow', () => runner.grow(values, box, spacing, seeds))),
      nearby: (values, box, spacing, start, options) => settle(runner.runLatest('nearby', () => runner.nearby(values, box, spacing, start, options))),
      oneClick: (values, box, spacing, options) => settle(runner.runLatest('one-click', () => runner.oneClick(values, box, spacing, options))),
    };
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
    this.addEventListener('keydown', this.onKeyDown);
    this.addEventListener('keyup', this.onKeyUp);
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
    this.removeEventListener('keydown', this.onKeyDown);
    this.removeEventListener('keyup', this.onKeyUp);
    clearTimeout(this.progressTimer);
    clearTimeout(this.reformatTimer);
    this.exchange.dispose();
    this.assistRunner.cancel();
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

  /** Opens a recent-work item: from the image cache when its images are there, else the user is asked to open them. @internal */
  async openWork(id: string): Promise<void> {
    const files = this.cacheImages ? await this.work.cachedFiles(id) : undefined;
    // Already in the cache (and marked used): not written again.
    if (files) return this.loadSources(files, false);
    const item = this.work.recent.find((w) => w.id === id);
    this.session.notify('info', `${toolStrings(this.lang).openImagesFor} ${item?.description || id}`);
  }

  private input(name: 'files' | 'folder' | 'mask' | 'urls'): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>(`input[name=${name}]`);
  }

  protected async loadSources(sources: LoadSource[], cache = true): Promise<void> {
    this.session.set('pacs', undefined);
    const volume = await this.startLoad(() => this.loader.load(sources));
    if (cache && volume && this.cacheImages && !this.noAutosave) await this.work.cacheImages(volume, sources, this.cacheLimit * 1e6);
  }

  /**
   * Clears the view and runs one load with the progress panel; resolves once the stored work is restored too.
   * A load that opens no series (every file refused, or cancelled before an image) puts the series that was
   * open back on screen, with its document, slice and window: bad files never take away the work in hand.
   */
  protected async startLoad(load: () => Promise<Volume | undefined>): Promise<Volume | undefined> {
    const { volume: previous, slice, window } = this.session;
    const crosshair = this.session.get('crosshair');
    const shown = this.volumesShown;
    this.session.clearNotices();
    this.session.set('volume', undefined);
    this.preview = undefined;
    this.viewport?.expectFirstImage();
    clearTimeout(this.progressTimer);
    this.showProgress = false;
    this.progressTimer = setTimeout(() => (this.showProgress = true), PROGRESS_DELAY_MS);
    try {
      const volume = await load();
      await this.settled;
      return volume;
    } finally {
      clearTimeout(this.progressTimer);
      this.showProgress = false;
      if (previous && this.volumesShown === shown && !this.session.volume) {
        this.preview = undefined;
        this.session.set('volume', previous);
        this.session.set('slice', slice);
        this.session.set('crosshair', crosshair);
        this.session.window = window;
      }
    }
  }

  /** Series put on screen so far (tells a failed load from one that opened something). */
  private volumesShown = 0;

  private showVolume(volume: Volume, k: number): void {
    const a = this.annotations;
    // Storage is chosen per opened document; user and language reach the controller as they change (constructor).
    a.persist = !this.noAutosave;
    a.revisionsKept = Math.max(1, Math.trunc(this.revisionsKept) || 50);
    a.open(volume);
    this.volumesShown++;
    this.session.set('volume', volume);
    this.preview = undefined;
    this.slice = k;
    this.session.set('crosshair', { column: Math.floor(volume.columns / 2), row: Math.floor(volume.rows / 2) });
    this.session.window = initialWindow(volume.modality, volume.defaultWindow, volume.range);
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

  private sliceLoaded(k: number): void {
    for (const view of this.views()) if (view.plane === 'axial') view.sliceChanged(k);
    // Reformats cut through every slice: rebuild them now and then while slices arrive, not per slice.
    this.reformatTimer ??= setTimeout(() => {
      this.reformatTimer = undefined;
      this.rebuildReformats();
    }, 200);
  }

  private loaded(volume: Volume, warnings: LoadWarning[], elapsedMs: number): void {
    clearTimeout(this.reformatTimer);
    this.reformatTimer = undefined;
    this.rebuildReformats();
    const locale = toLocale(this.lang);
    for (const w of warnings) this.session.notify('warning', formatMessage(w.code, w.params, locale), this.segImport(w));
    const detail = {
      series: seriesSummary(volume),
      warnings: warnings.map((w) => ({ code: w.code, message: w.message, params: w.params, files: w.files })),
      otherSeries: this.loader.candidates.length - 1,
      elapsedMs,
    };
    // The load is over once the stored work is back too: only then may the host export or import.
    this.settled = this.annotations.restored.then((restored) => {
      if (this.session.volume === volume) this.session.emit('segmark-load', { ...detail, restored });
    });
  }

  /** The Import button on the notice of a SEG dropped beside the series it annotates: imports it as `importMask` does. */
  private segImport(w: LoadWarning): Notice['action'] {
    const seg = w.code === 'seg-beside-series' && w.files?.[0] ? this.loader.importableSeg(w.files[0]) : undefined;
    if (!seg) return undefined;
    const action: Notice['action'] = {
      label: toolStrings(this.lang).importSeg,
      run: () => {
        this.session.clearNotices((n) => n.action === action);
        // Failures are reported by importMask (segmark-error and a notice).
        this.exchange.importMask(new File([seg.bytes as Uint8Array<ArrayBuffer>], seg.name)).catch(() => undefined);
      },
    };
    return action;
  }

  private rebuildReformats(): void {
    this.renderRoot.querySelectorAll('segmark-reformat').forEach((r) => r.rebuild());
    for (const view of this.views()) if (view.plane !== 'axial') view.sliceChanged(0);
  }

  // ── handlers (the template in annotator-layout.ts binds them) ──

  /** @internal */
  readonly onPick = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const files = filesFromInput(input);
    input.value = '';
    if (files.length) void this.loadSources(files);
  };

  /** @internal */
  readonly onMaskPick = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    // Failures are reported by importMask (segmark-error and a notice).
    if (file) this.exchange.importMask(file).catch(() => undefined);
  };

  /** @internal */
  readonly onUrlSubmit = (e: Event): void => {
    e.preventDefault();
    const urls = (this.input('urls')?.value ?? '').split(/[\s,]+/).filter(Boolean);
    if (urls.length) void this.loadSources(urls.map((url) => ({ url })));
  };

  /** @internal */
  readonly onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.dragOver = true;
  };

  /** @internal */
  readonly onDragLeave = (e: DragEvent): void => {
    if (e.target === e.currentTarget) this.dragOver = false;
  };

  /** @internal */
  readonly onDrop = async (e: DragEvent): Promise<void> => {
    e.preventDefault();
    this.dragOver = false;
    if (!e.dataTransfer) return;
    const files = await filesFromDataTransfer(e.dataTransfer);
    if (files.length) await this.loadSources(files);
  };

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented) return;
    const target = e.composedPath()[0];
    if (target instanceof HTMLInputElement && target.type !== 'range') return;
    const id = commandForKey(e);
    if (id === 'overlays' || id === 'reference-lines') {
      // A toggle is pressed once: the keyboard's repeat while it is held changes nothing.
      if (e.repeat) return e.preventDefault();
      this.heldToggle = { id, since: e.timeStamp };
    }
    if (e.key === 'Escape' && this.islandPick) {
      this.islandPick = false;
      this.requestUpdate();
      return e.preventDefault();
    }
    if (this.review.key(e) || handleKey(this.commands, e)) {
      e.preventDefault();
      this.requestUpdate();
      if (this.session.editable) this.review.activity();
    }
  };

  /** A toggle key held longer than a tap hides only while held: its release shows the overlays again. */
  private readonly onKeyUp = (e: KeyboardEvent): void => {
    const held = this.heldToggle;
    if (!held || commandForKey(e) !== held.id) return;
    this.heldToggle = undefined;
    if (e.timeStamp - held.since >= HOLD_MS) press(this.commands, held.id);
  };

  /** Refine's "keep clicked" waits for a press on a view. @internal */
  islandPick = false;

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
      const voxel = this.islandPick ? view.clientToVoxel(e.clientX, e.clientY) : undefined;
      if (voxel) {
        // Refine's "keep clicked": this press picks the island; the tool never sees it.
        e.stopPropagation();
        e.preventDefault();
        this.islandPick = false;
        this.requestUpdate();
        void refineActiveLabel(this.session, { op: 'keep-clicked', voxel: [voxel.column, voxel.row, voxel.slice] }, { run: workerRefineRunner(this.assistRunner) });
        return;
      }
      if (this.session.editable && isAnnotationTool(this.tool)) this.review.activity();
    },
  };
}

export function seriesSummary(v: Volume): SeriesSummary {
  const { studyInstanceUID, seriesInstanceUID, description, modality, rows, columns, slices } = v;
  return { studyInstanceUID, seriesInstanceUID, description, modality, sopInstanceUIDs: [...v.sopInstanceUIDs], rows, columns, slices, spacing: [...v.spacing] };
}

