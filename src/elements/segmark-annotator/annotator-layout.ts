/**
 * The annotator's template: tool bar, the main view, the side bar (series,
 * tabs, reformats), the status bar and what opens over them. It reads the
 * element's session and controllers and binds the element's handlers; it
 * keeps no state of its own.
 */
import { pixelSpacingOf, sliceView } from '../../core/dicom/volume.js';
import { html, nothing } from 'lit';
import type { SegmarkAnnotator } from './segmark-annotator.js';
import type { WindowLevel } from '../../core/display/window.js';
import { nextSliceIndex, numbering, type ViewPlane } from '../../core/dicom/view-plane.js';
import type { Layout, ViewName } from '../../session/annotator-session.js';
import { press } from '../../session/commands.js';
import { SEGMARK_LABEL_SELECT, emit } from '../events.js';
import { toolStatusMessage } from '../../text/tools.js';
import { strings } from '../../text/ui.js';
import {
  renderExportDialog,
  renderNotices,
  renderOtherTab,
  renderProgress,
  renderAssistBusy,
  renderSaveState,
  renderSideTabs,
  renderStatusbar,
  type SideTab,
} from './annotator-chrome.js';
import { renderShortcutSheet } from './shortcut-sheet.js';
import { renderToolbar, sideKeys } from './toolbar.js';

/**
 * Whether there is a Work tab: stored work and versions, unless `no-autosave`
 * keeps nothing here; then only the host's review queue, when it gives one
 * (a portal that is the documents' only store still routes them through it).
 */
function hasWorkTab(a: SegmarkAnnotator): boolean {
  return !a.noAutosave || a.work.hostQueued;
}

/** The tab shown: the chosen one, except that an open reject picker or a comment being placed shows Review. */
function shownSideTab(a: SegmarkAnnotator): SideTab {
  if (a.verify.picking || a.review.pendingPoint()) return 'review';
  return a.sideTab === 'work' && !hasWorkTab(a) ? 'labels' : a.sideTab;
}

function pickSideTab(a: SegmarkAnnotator, tab: SideTab, focus: boolean): void {
  a.sideTab = tab;
  if (focus) void a.updateComplete.then(() => a.shadowRoot?.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
}

/** From the views: an absolute slice (reformat click) or a step along a view's plane (wheel, in reading order on axial). */
function onSliceRequest(a: SegmarkAnnotator, e: HTMLElementEventMap['sm-viewport-slice']): void {
  e.stopPropagation();
  const { session } = a;
  const v = session.volume;
  if (!v) return;
  const { slice, delta = 0, plane = 'axial' } = e.detail;
  if (slice !== undefined) a.slice = slice;
  else if (plane === 'axial') a.slice = nextSliceIndex(v, a.slice, delta);
  else {
    const at = session.get('crosshair') ?? { column: Math.floor(v.columns / 2), row: Math.floor(v.rows / 2) };
    const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
    session.set(
      'crosshair',
      plane === 'sagittal' ? { ...at, column: clamp(at.column + delta, v.columns) } : { ...at, row: clamp(at.row + delta, v.rows) },
    );
  }
}

/** The views of a layout, in reading order of the grid; one when a view is maximised. */
export function layoutViews(layout: Layout, maximised: ViewName | undefined): ViewName[] {
  const views: ViewName[] =
    layout === 'mpr' ? ['axial', 'sagittal', 'coronal'] : layout === 'mpr-3d' ? ['axial', 'sagittal', 'coronal', '3d'] : [layout];
  return maximised && views.includes(maximised) ? [maximised] : views;
}

function renderToolbarOf(a: SegmarkAnnotator) {
  if (a.noToolbar) return html`<div></div>`;
  return renderToolbar({
    context: a.commands,
    run: (id) => {
      // Some commands change what the session does not announce (the paint mode): draw again after each.
      press(a.commands, id);
      a.requestUpdate();
    },
    threshold: a.session.get('threshold'),
    setThreshold: (range) => a.setThresholdRange(range),
    pickingIsland: a.assist.islandPick,
    sliceValues: () => {
      const volume = a.session.volume;
      return volume ? sliceView(volume, a.slice) : undefined;
    },
    picked: a.loads.onPick,
    maskPicked: a.loads.onMaskPick,
    urlsSubmitted: a.loads.onUrlSubmit,
  });
}

function renderSide(a: SegmarkAnnotator, win: WindowLevel, invert: boolean) {
  const { session } = a;
  const t = strings(a.lang);
  const volume = session.volume;
  const tabs: SideTab[] = hasWorkTab(a) ? ['labels', 'review', 'work'] : ['labels', 'review'];
  const shown = shownSideTab(a);
  const crosshair = session.get('crosshair');
  return html`<div class="side" part="side" id="side" @keydown=${sideKeys(a.commands)}>
    <segmark-series-list aria-label=${t.series} .items=${a.loader.items} .selected=${a.loader.selectedKey}
      @sm-series-select=${(e: HTMLElementEventMap['sm-series-select']) => {
        e.stopPropagation();
        void a.loader.select(e.detail.key);
      }}
    ></segmark-series-list>
    ${renderSideTabs(t, tabs, shown, (tab, focus) => pickSideTab(a, tab, focus))}
    <div class="tab-panel" role="tabpanel" id="panel-labels" aria-labelledby="tab-labels" ?hidden=${shown !== 'labels'}>
      <segmark-label-panel
        .document=${a.reveal.shows('panels') ? session.document : undefined}
        .activeLabel=${a.activeLabel}
        .slice=${a.slice}
        .sliceNumber=${numbering(volume)}
        .pixelSpacing=${volume ? pixelSpacingOf(volume) : undefined}
        .sliceSpacing=${volume?.spacing[2] ?? 0}
        .lang=${a.lang}
        .readonly=${!a.editable}
        @sm-label-select=${(e: HTMLElementEventMap['sm-label-select']) => {
          // The pick goes to the host first; a cancelled one keeps the active label.
          e.stopPropagation();
          if (emit(a, SEGMARK_LABEL_SELECT, { labelId: e.detail.labelId })) a.activeLabel = e.detail.labelId;
          else e.preventDefault();
        }}
      ></segmark-label-panel>
    </div>
    <div class="tab-panel" role="tabpanel" id="panel-review" aria-labelledby="tab-review" ?hidden=${shown !== 'review'}>
      ${a.verify.render()} ${a.review.renderSide(session.document?.labels ?? [])}
    </div>
    ${!hasWorkTab(a)
      ? nothing
      : html`<div class="tab-panel" role="tabpanel" id="panel-work" aria-labelledby="tab-work" ?hidden=${shown !== 'work'}>
          <segmark-work-panel
            .queue=${a.work.queue}
            .reviewQueue=${a.role === 'reviewer' || a.work.hostQueued}
            .afterApproval=${a.work.afterApproval}
            .next=${a.work.next}
            .openId=${a.work.openId}
            @sm-review-queue-open=${(e: HTMLElementEventMap['sm-review-queue-open']) => void a.work.openQueued(e.detail.id, (id) => a.loads.openWork(id))}
            .recent=${a.work.recent}
            .versions=${a.work.versions}
            .lang=${a.lang}
            .readonly=${!a.editable}
            .hasDocument=${a.annotations.documentKey !== undefined}
            .cacheBytes=${a.cacheImages ? a.work.cacheBytes : undefined}
            @sm-work-refresh=${() => void a.work.refresh()}
            @sm-work-delete=${(e: HTMLElementEventMap['sm-work-delete']) => void a.work.delete(e.detail.id)}
            @sm-work-open=${(e: HTMLElementEventMap['sm-work-open']) => void a.work.openRecent(e.detail.id, (id) => a.loads.openWork(id))}
            @sm-images-forget=${() => void a.forgetCachedImages()}
            @sm-version-restore=${(e: HTMLElementEventMap['sm-version-restore']) => void a.restoreVersion(e.detail.id)}
            @sm-version-save=${() => void a.saveVersion()}
          ></segmark-work-panel>
          ${a.noAutosave ? nothing : a.datasets.render(a.lang, (docIds, name) => void a.buildDataset(docIds, { name }))}
        </div>`}
    ${session.get('layout') !== 'axial' ? nothing : (['sagittal', 'coronal'] as const).map(
      (plane) => html`<segmark-reformat
        aria-label=${t[plane]}
        .plane=${plane}
        .volume=${a.reveal.volumeFor(plane)}
        .index=${plane === 'sagittal' ? (crosshair?.column ?? 0) : (crosshair?.row ?? 0)}
        .slice=${a.slice}
        .window=${win}
        .invert=${invert}
        .labels=${a.annotations.reformatLabels}
        .showReferenceLines=${session.get('referenceLines')}
        .showOverlays=${session.get('overlays')}
        @sm-viewport-slice=${(e: HTMLElementEventMap['sm-viewport-slice']) => onSliceRequest(a, e)}
      ></segmark-reformat>`,
    )}
  </div>`;
}

/**
 * One plane view; `main`: the first of the layout, which shows a new volume before the others
 * (the others, waiting their turn for a frame or two, do not ask for files meanwhile).
 */
function renderViewport(a: SegmarkAnnotator, plane: ViewPlane, main: boolean, win: WindowLevel, invert: boolean) {
  const { session } = a;
  const t = strings(a.lang);
  return html`<segmark-viewport
    part=${plane === 'axial' ? 'viewport' : `viewport-${plane}`}
    data-plane=${plane}
    tabindex="0"
    aria-label=${plane === 'axial' ? t.slice : t[plane]}
    .plane=${plane}
    .volume=${a.reveal.volumeFor(main || plane === 'axial' ? 'main' : plane)}
    .preview=${a.preview}
    .slice=${a.slice}
    .window=${win}
    .tool=${a.tool}
    .invert=${invert}
    .crosshair=${session.get('crosshair')}
    .showReferenceLines=${session.get('referenceLines')}
    .showOverlays=${session.get('overlays')}
    .agreement=${a.agreement.overlay}
    .annotation=${a.annotations.forViewport(a.editable ? a.tool : 'window', a.activeLabel)}
    .emptyText=${session.volume ? '' : strings(a.lang).emptyViewer}
    .pins=${a.review.pins()}
    .pendingPin=${a.review.pendingPoint()}
    @sm-viewport-slice=${(e: HTMLElementEventMap['sm-viewport-slice']) => onSliceRequest(a, e)}
    @sm-viewport-window=${(e: HTMLElementEventMap['sm-viewport-window']) => {
      e.stopPropagation();
      session.window = e.detail;
    }}
    @sm-viewport-crosshair=${(e: HTMLElementEventMap['sm-viewport-crosshair']) => {
      e.stopPropagation();
      const { column, row, slice } = e.detail;
      session.set('crosshair', { column, row });
      if (slice !== undefined) a.slice = slice;
    }}
    @sm-viewport-maximise=${(e: HTMLElementEventMap['sm-viewport-maximise']) => {
      e.stopPropagation();
      session.set('maximised', session.get('maximised') ? undefined : e.detail.plane);
    }}
    @sm-viewport-tool-status=${(e: HTMLElementEventMap['sm-viewport-tool-status']) => {
      e.stopPropagation();
      const text = toolStatusMessage(a.lang, e.detail.status);
      if (text) session.notify('warning', text);
    }}
    @pointerdown=${a.onViewportPointer}
  ></segmark-viewport>`;
}

function renderStage(a: SegmarkAnnotator, win: WindowLevel, invert: boolean) {
  const { session } = a;
  const views = layoutViews(session.get('layout'), session.get('maximised'));
  return html`<div class="stage" part="stage" data-views=${views.length} data-layout=${session.get('layout')}>
    ${views.map((view, i) => (view === '3d' ? renderSurface(a, win) : renderViewport(a, view, i === 0, win, invert)))}
  </div>`;
}

/** The 3D view of the labels, with its camera buttons and the CT planes switch. */
function renderSurface(a: SegmarkAnnotator, win: WindowLevel) {
  const { session } = a;
  const t = strings(a.lang);
  const volume = a.reveal.volumeFor('panels');
  const crosshair = session.get('crosshair') ?? { column: Math.floor((volume?.columns ?? 0) / 2), row: Math.floor((volume?.rows ?? 0) / 2) };
  const view = () => a.renderRoot.querySelector('segmark-surface-view');
  const directions = ['A', 'P', 'L', 'R', 'S', 'I'] as const;
  return html`<div class="view-3d" part="view-3d">
    <segmark-surface-view
      role="img"
      aria-label=${t.view3d}
      .volume=${volume}
      .document=${session.document}
      .labelmap=${a.annotations.labelmap}
      .crosshair=${crosshair}
      .slice=${a.slice}
      .window=${win}
      .showPlanes=${a.surfacePlanes}
      @sm-surface-point=${(e: HTMLElementEventMap['sm-surface-point']) => {
        e.stopPropagation();
        session.set('crosshair', { column: e.detail.column, row: e.detail.row });
        a.slice = e.detail.slice;
      }}
      @dblclick=${() => session.set('maximised', session.get('maximised') ? undefined : '3d')}
    ></segmark-surface-view>
    <div class="view-3d-controls" role="toolbar" aria-label=${t.view3dControls}>
      ${directions.map((d) => html`<button data-view-from=${d} title=${t[`viewFrom${d}`]} aria-label=${t[`viewFrom${d}`]} @click=${() => view()?.viewFrom(d)}>${d}</button>`)}
      <button data-action="reset-3d" title=${t.view3dResetHint} @click=${() => view()?.resetCamera()}>${t.view3dReset}</button>
      <button data-action="planes-3d" aria-pressed=${String(a.surfacePlanes)} title=${t.view3dPlanesHint}
        @click=${() => (a.surfacePlanes = !a.surfacePlanes)}>${t.view3dPlanes}</button>
    </div>
  </div>`;
}

function renderExport(a: SegmarkAnnotator) {
  const state = a.exportState;
  if (!state) return nothing;
  return renderExportDialog(a.lang, a.session.document, a.session.volume?.description ?? '', state, {
    sliceNumber: numbering(a.session.volume),
    check: (choice) => {
      if (a.exportState) a.exportState = { ...a.exportState, findings: a.exportChecklist(choice.format, choice.options) };
    },
    goto: (slice, labelId) => {
      a.slice = slice;
      if (labelId !== undefined) a.activeLabel = labelId;
      a.exportState = undefined;
    },
    close: () => {
      a.exportState = undefined;
      a.focus();
    },
    run: async (choice) => {
      if (!a.exportState) return;
      a.exportState = { ...a.exportState, busy: true };
      try {
        a.download(await a.exchange.export(choice.format, choice.options, choice.overridden));
        a.exportState = undefined;
      } catch {
        // Reported by the export (segmark-error and a notice); the dialog stays for another try.
        if (a.exportState) a.exportState = { ...a.exportState, busy: false };
      }
    },
  });
}

export function renderAnnotator(a: SegmarkAnnotator) {
  const { session } = a;
  const t = strings(a.lang);
  const progress = a.loader.progress;
  const volume = session.volume;
  const win = session.window;
  const invert = session.get('invert') !== (volume?.invert ?? false);
  return html`<div class="frame" part="frame">
    ${renderToolbarOf(a)}
    <div class="main" @dragover=${a.loads.onDragOver} @dragleave=${a.loads.onDragLeave} @drop=${a.loads.onDrop}>
      ${renderStage(a, win, invert)}
      ${renderSide(a, win, invert)} ${a.agreement.render()}
    </div>
    ${renderStatusbar(t, volume, a.slice, (k) => (a.slice = k), html`${a.assist.busy ? renderAssistBusy(a.lang, () => a.assist.runner.cancel()) : nothing}${
      volume && !a.noAutosave ? renderSaveState(a.lang, a.saveState) : nothing
    }`)}
    ${a.showProgress && progress ? renderProgress(t, progress, () => a.cancelLoad()) : nothing}
    ${a.otherTab ? renderOtherTab(a.lang, () => void a.takeOver()) : nothing} ${a.review.renderBanner()}
    ${session.notices.length ? renderNotices(t, session.notices, (id) => session.dismiss(id)) : nothing}
    ${a.dragOver ? html`<div class="drop-hint">${t.dropHere}</div>` : nothing}
    ${a.sheetOpen ? renderShortcutSheet(a.lang, () => a.toggleShortcuts(false)) : nothing} ${renderExport(a)}
  </div>`;
}
