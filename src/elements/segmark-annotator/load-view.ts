/**
 * How loads show in the annotator: the progress panel once a load lasts
 * longer than a blink, the first image's preview, the series put on screen
 * and its stored work opened, the reformats rebuilt while slices arrive, the
 * load's warnings as notices, `segmark-load` once the stored work is back,
 * and a load that opens nothing giving back the series that was open. With
 * the file pick, URL and drop handlers the template binds. The reading
 * itself is `SeriesLoader`'s.
 */
import type { ReactiveController } from 'lit';
import type { LoadSource } from '../../core/dicom/sources.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { LoadWarning } from '../../core/dicom/warnings.js';
import { initialWindow, type WindowLevel } from '../../core/display/window.js';
import { formatMessage } from '../../core/messages.js';
import { toLocale } from '../../core/text.js';
import type { Notice } from '../../session/annotator-session.js';
import { toolStrings } from '../../text/tools.js';
import type { ViewImage } from '../../viewer/cornerstone-view.js';
import { afterNextFrame } from '../after-frame.js';
import { seriesSummary, type AnnotatorBase } from './annotator-base.js';
import { filesFromDataTransfer, filesFromInput } from './drop.js';

/** Show the progress panel only for loads longer than a blink. */
const PROGRESS_DELAY_MS = 150;

export class LoadView implements ReactiveController {
  /** Settles once the last opened series' stored work is restored (or known absent) and `segmark-load` is fired. */
  private settled: Promise<void> = Promise.resolve();
  /** Series put on screen so far (tells a failed load from one that opened something). */
  private volumesShown = 0;
  /** The notices `loaded` made of the shown series' warnings. */
  private seriesNotices = new Set<number>();
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private reformatTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: AnnotatorBase) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.progressTimer);
    clearTimeout(this.reformatTimer);
  }

  /** Opens `sources` (files, blobs, URLs) and, when the host keeps images, caches them (`cache` false: they came from the cache). */
  async load(sources: LoadSource[], cache = true): Promise<void> {
    const host = this.host;
    host.session.set('pacs', undefined);
    const volume = await this.start(() => host.loader.load(sources));
    if (cache && volume && host.cacheImages && !host.noAutosave) await host.work.cacheImages(volume, sources, host.cacheLimit * 1e6);
  }

  /**
   * Clears the view and runs one load with the progress panel; resolves once the stored work is restored too.
   * A load that opens no series (every file refused, or cancelled before an image) puts the series that was
   * open back on screen, with its document, slice and window: bad files never take away the work in hand.
   */
  async start(load: () => Promise<Volume | undefined>): Promise<Volume | undefined> {
    const host = this.host;
    const session = host.session;
    const { volume: previous, slice, window } = session;
    const crosshair = session.get('crosshair');
    const shown = this.volumesShown;
    session.clearNotices();
    session.set('volume', undefined);
    host.preview = undefined;
    host.viewport?.expectFirstImage();
    clearTimeout(this.progressTimer);
    host.showProgress = false;
    this.progressTimer = setTimeout(() => (host.showProgress = true), PROGRESS_DELAY_MS);
    try {
      const volume = await load();
      await this.settled;
      return volume;
    } finally {
      clearTimeout(this.progressTimer);
      host.showProgress = false;
      if (previous && this.volumesShown === shown && !session.volume) {
        host.preview = undefined;
        host.reveal.showAtOnce(previous);
        session.set('volume', previous);
        session.set('slice', slice);
        session.set('crosshair', crosshair);
        session.window = window;
      }
    }
  }

  /** Opens a recent-work item: from the image cache when its images are there, else the user is asked to open them. */
  async openWork(id: string): Promise<void> {
    const host = this.host;
    const files = host.cacheImages ? await host.work.cachedFiles(id) : undefined;
    // Already in the cache (and marked used): not written again.
    if (files) return this.load(files, false);
    // The user's own document of a series may not be listed (Open mine on another user's item): the series is named from any item of it.
    const series = id.split('|').slice(0, 2).join('|');
    const item = host.work.recent.find((w) => w.id === id) ?? host.work.recent.find((w) => w.id.split('|').slice(0, 2).join('|') === series);
    host.session.notify('info', `${toolStrings(host.lang).openImagesFor} ${item?.description || id}`);
  }

  // ── what the loader reports (SeriesLoader's hooks) ──

  /** The first image, shown while the series loads unless one is already open. */
  previewed(image: ViewImage, window: WindowLevel): void {
    if (this.host.session.volume) return;
    this.host.preview = image;
    this.host.session.window = window;
    // Once the first image is on screen, the local store opens while the rest of the files are read,
    // so the stored work comes back as soon as the series is in (not where the host turned storage off).
    if (!this.host.noAutosave) void afterNextFrame().then(() => this.host.annotations.storedDb());
  }

  showVolume(volume: Volume, k: number): void {
    const host = this.host;
    const a = host.annotations;
    // Storage is chosen per opened document; user and language reach the controller as they change (AnnotatorBase's constructor).
    a.persist = !host.noAutosave;
    a.revisionsKept = Math.max(1, Math.trunc(host.revisionsKept) || 50);
    a.open(volume);
    this.volumesShown++;
    host.session.set('volume', volume);
    host.preview = undefined;
    host.slice = k;
    host.session.set('crosshair', { column: Math.floor(volume.columns / 2), row: Math.floor(volume.rows / 2) });
    host.session.window = initialWindow(volume.modality, volume.defaultWindow, volume.range);
  }

  sliceLoaded(k: number): void {
    for (const view of this.host.views()) if (view.plane === 'axial') view.sliceChanged(k);
    // Reformats cut through every slice: rebuild them now and then while slices arrive, not per slice.
    this.reformatTimer ??= setTimeout(() => {
      this.reformatTimer = undefined;
      this.rebuildReformats();
    }, 200);
  }

  loaded(volume: Volume, warnings: LoadWarning[], elapsedMs: number): void {
    const session = this.host.session;
    clearTimeout(this.reformatTimer);
    this.reformatTimer = undefined;
    this.rebuildReformats();
    const locale = toLocale(this.host.lang);
    // The warnings of the series shown before (another series of the same drop) no longer apply;
    // a SEG's Import button among them would import onto the wrong series.
    const stale = this.seriesNotices;
    session.clearNotices((n) => stale.has(n.id));
    this.seriesNotices = new Set();
    for (const w of warnings) {
      session.notify('warning', formatMessage(w.code, w.params, locale), this.segImport(w));
      const added = session.notices.at(-1);
      if (added) this.seriesNotices.add(added.id);
    }
    const detail = {
      series: seriesSummary(volume),
      warnings: warnings.map((w) => ({ code: w.code, message: w.message, params: w.params, files: w.files })),
      otherSeries: this.host.loader.candidates.length - 1,
      elapsedMs,
    };
    // The load is over once the stored work is back too: only then may the host export or import.
    this.settled = this.host.annotations.restored.then((restored) => {
      if (session.volume === volume) session.emit('segmark-load', { ...detail, restored });
    });
  }

  /** The Import button on the notice of a SEG dropped beside the series it annotates: imports it as `importMask` does. */
  private segImport(w: LoadWarning): Notice['action'] {
    const host = this.host;
    const seg = w.code === 'seg-beside-series' && w.files?.[0] ? host.loader.importableSeg(w.files[0]) : undefined;
    if (!seg) return undefined;
    const action: Notice['action'] = {
      label: toolStrings(host.lang).importSeg,
      run: () => {
        host.session.clearNotices((n) => n.action === action);
        // Failures are reported by importMask (segmark-error and a notice).
        host.exchange.importMask(new File([seg.bytes as Uint8Array<ArrayBuffer>], seg.name)).catch(() => undefined);
      },
    };
    return action;
  }

  private rebuildReformats(): void {
    this.host.renderRoot.querySelectorAll('segmark-reformat').forEach((r) => r.rebuild());
    for (const view of this.host.views()) if (view.plane !== 'axial') view.sliceChanged(0);
  }

  // ── handlers (the template in annotator-layout.ts binds them) ──

  readonly onPick = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const files = filesFromInput(input);
    input.value = '';
    if (files.length) void this.load(files);
  };

  readonly onMaskPick = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    // Failures are reported by importMask (segmark-error and a notice).
    if (file) this.host.exchange.importMask(file).catch(() => undefined);
  };

  readonly onUrlSubmit = (e: Event): void => {
    e.preventDefault();
    const urls = (this.host.input('urls')?.value ?? '').split(/[\s,]+/).filter(Boolean);
    if (urls.length) void this.load(urls.map((url) => ({ url })));
  };

  readonly onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.host.dragOver = true;
  };

  readonly onDragLeave = (e: DragEvent): void => {
    if (e.target === e.currentTarget) this.host.dragOver = false;
  };

  readonly onDrop = async (e: DragEvent): Promise<void> => {
    e.preventDefault();
    this.host.dragOver = false;
    if (!e.dataTransfer) return;
    const files = await filesFromDataTransfer(e.dataTransfer);
    if (files.length) await this.load(files);
  };
}
