import { css, unsafeCSS } from 'lit';

/** Below this frame width the side panel is a drawer over the stage, opened from the tool bar. */
const DRAWER = 880;
/** From this width the interpolation steps show their names beside their icons. */
const NAMES = 2200;

/**
 * The More menu's three nested steps (toolbar.ts), widest first: below
 * `below` (or `withThreshold`, while the threshold brush's range list is on
 * the bar) the step's groups leave the bar for the menu. The widths are what
 * the bar needs in the widest case (every PACS button, the range list), with
 * a margin; the buttons are icons, so only the presets, the URL form and the
 * range list change with the font and the language.
 */
const MENU_STEPS = [
  // The layouts, the files group, the URL form and the W/L read-out.
  { step: '.menu-m', below: 1980, withThreshold: 2440 },
  // … and the window presets and the interpolation steps.
  { step: '.menu-s', below: 1180, withThreshold: 1380 },
  // … and the display toggles and the range list: only navigation and the annotation tools stay.
  { step: '.menu-xs', below: 840, withThreshold: 920 },
] as const;

/**
 * The container queries of the More menu's steps. In each, the step's
 * container is the popup (it hangs from the tool bar's right end, over the
 * stage, listing each button's icon and name) and the step inside it
 * dissolves into it. Deeper steps come later, so they win.
 */
function menuSteps() {
  const rules = MENU_STEPS.flatMap(({ step, below, withThreshold }, i) => {
    const inner = MENU_STEPS[i - 1]?.step;
    const closed = step === '.menu-xs' ? '.menu-xs:not([data-open])' : `.menu-xs:not([data-open]) ${step}`;
    return ([[below, '.toolbar'], [withThreshold, '.toolbar:has(.threshold)']] as const).map(
      ([width, bar]) => `@container frame (width < ${width}px) {
        ${bar} .more-button { display: inline-flex; }
        ${inner ? `${bar} ${inner} { display: contents; }` : ''}
        ${bar} ${step} {
          position: absolute;
          top: calc(100% + 2px);
          right: 4px;
          z-index: 1;
          display: grid;
          gap: 6px;
          align-content: start;
          width: min(34em, calc(100cqi - 8px));
          max-height: calc(100cqb - 48px);
          box-sizing: border-box;
          overflow: auto;
          padding: 6px;
          background: var(--_panel);
          border: 1px solid var(--_control-border);
          border-radius: 6px;
          box-shadow: 0 6px 24px #000a;
        }
        ${bar} ${closed} { display: none; }
        ${bar} ${step} .group { display: grid; grid-template-columns: repeat(auto-fill, minmax(10em, 1fr)); border: 0; padding: 0; }
        ${bar} ${step} button { justify-content: flex-start; min-width: 0; }
        ${bar} ${step} .name { display: inline; overflow: hidden; text-overflow: ellipsis; }
        ${bar} ${step} .urls input { flex: 1; width: auto; min-width: 0; }
        ${bar} ${step} .wl { margin: 0; }
        ${bar} ${step} select { width: 100%; max-width: none; }
      }`,
    );
  });
  return unsafeCSS(rules.join('\n'));
}

export const annotatorStyles = css`
  /* Light theme (theme="light"): the page's own --segmark-* values on the element still win. */
  :host([theme='light']) {
    --segmark-background-color: #eef1f5;
    --segmark-panel-color: #ffffff;
    --segmark-text-color: #1b2330;
    --segmark-muted-color: #566378;
    --segmark-accent-color: #0b63c5;
    --segmark-on-accent-color: #ffffff;
    --segmark-focus-color: #0b63c5;
    --segmark-danger-color: #b42318;
    --segmark-warning-color: #8a5a00;
    --segmark-label-item-color: #0000000a;
    --_control: #0000000d;
    --_control-border: #00000026;
    /* Notices and banners on a light ground, so the theme's dark text stays readable (≥ 4.5:1). */
    --_notice-error: #fde8e6f5;
    --_notice-warning: #fff3d6f5;
    --_notice-info: #e3eefbf5;
    --_notice-success: #e2f4e8f5;
  }
  :host {
    --_control: #ffffff12;
    --_control-border: #ffffff1f;
    --_bg: var(--segmark-background-color, #0f141c);
    --_panel: var(--segmark-panel-color, #1b2230);
    --_text: var(--segmark-text-color, #e8edf5);
    --_muted: var(--segmark-muted-color, #8a94a6);
    --_accent: var(--segmark-accent-color, #4da3ff);
    /* Text on the accent colour: dark on the dark theme's light blue, white on the light theme's deep blue (both ≥ 4.5:1). */
    --_on-accent: var(--segmark-on-accent-color, #0b1220);
    --_danger: var(--segmark-danger-color, #ff6b6b);
    --_warn: var(--segmark-warning-color, #f5c451);
    display: block;
    background: var(--_bg);
    color: var(--_text);
    font: 13px/1.4 var(--segmark-font, system-ui, sans-serif);
    position: relative;
    min-height: 320px;
    overflow: hidden;
  }
  /*
   * The layout lives inside the shadow root, on a frame that fills the host:
   * a page style on the element itself (display: block, flex, grid) cannot
   * take it apart.
   */
  .frame {
    position: absolute;
    inset: 0;
    /*
     * The layout answers to this box, not to the page's viewport: the element
     * sits in portal panels of any size. (Its size never depends on its
     * content, so it can be a size container: the More menu and the side
     * panel's rows read its height too.)
     */
    container: frame / size;
    /* The side bar grows a little with the box; the views take the rest. A host's --segmark-side-width wins. */
    --_side: var(--segmark-side-width, clamp(260px, 18cqi, 380px));
    display: grid;
    grid-template-rows: auto minmax(0, 1fr) auto;
    grid-template-columns: minmax(0, 1fr);
    min-height: 0;
    min-width: 0;
  }
  button, .button {
    font: inherit;
    color: inherit;
    background: var(--_control);
    border: 1px solid var(--_control-border);
    border-radius: 4px;
    padding: 3px 8px;
    cursor: pointer;
  }
  button:hover { background: #ffffff22; }
  button[aria-pressed='true'] { background: var(--_accent); color: var(--_on-accent); border-color: var(--_accent); }
  button:focus-visible, input:focus-visible, .sheet-body:focus-visible { outline: 2px solid var(--segmark-focus-color, var(--_accent)); outline-offset: 1px; }
  .wl { color: var(--_muted); font-variant-numeric: tabular-nums; margin-left: 4px; }
  /* One row at any width: narrower frames move groups into the More menu (below). */
  .toolbar {
    /* The More menu hangs from it, over the stage and the side panel. */
    position: relative;
    z-index: 4;
    display: flex;
    flex-wrap: nowrap;
    gap: 4px;
    align-items: center;
    min-width: 0;
    padding: 4px 6px;
    background: var(--_panel);
    border-bottom: 1px solid #0006;
  }
  .toolbar .group { display: flex; flex-wrap: nowrap; gap: 2px; align-items: center; flex: none; }
  .toolbar .group:not(.navigate) { border-left: 1px solid var(--_control-border); padding-left: 4px; }
  .toolbar button { display: inline-flex; align-items: center; justify-content: center; gap: 6px; min-height: 26px; white-space: nowrap; flex: none; }
  .toolbar button.has-icon, .more-button, .side-toggle { padding: 3px 5px; }
  /* On the bar a button shows its icon; its name is its aria-label and tooltip (and is shown in the More menu). */
  .toolbar .has-icon .name { display: none; }
  .icon { width: 16px; height: 16px; flex: none; fill: none; stroke: currentColor; stroke-width: 1.4; stroke-linecap: round; stroke-linejoin: round; }
  .icon .solid { fill: currentColor; stroke: none; }
  .icon .dots { stroke-width: 2.4; }
  .toolbar .menu-xs, .toolbar .menu-s, .toolbar .menu-m { display: contents; }
  .toolbar .more-button, .toolbar .side-toggle { display: none; }
  .more-button { margin-left: auto; }
  .toolbar [aria-expanded='true'] { border-color: var(--_accent); box-shadow: inset 0 0 0 1px var(--_accent); }
  .toolbar select { max-width: 12em; font: inherit; }
  @container frame (width >= ${NAMES}px) {
    .toolbar .steps .name { display: inline; }
  }
  ${menuSteps()}
  @container frame (width < ${MENU_STEPS[2].below}px) {
    .toolbar { gap: 2px; padding: 4px; }
  }
  .main {
    display: grid;
    grid-template-columns: minmax(0, 1fr) var(--_side);
    min-height: 0;
    /* The Compare panel (and in a narrow frame the side panel's drawer) lies over the work area's right side. */
    position: relative;
    overflow: clip;
  }
  /*
   * The views of the layout share the stage at equal size: one view, three
   * side by side (stacked when the stage is taller than wide), or 2×2.
   */
  .stage {
    position: relative;
    min-width: 0;
    min-height: 0;
    display: grid;
    gap: 2px;
    background: #000;
    grid-template-columns: minmax(0, 1fr);
    grid-template-rows: minmax(0, 1fr);
    grid-auto-rows: minmax(0, 1fr);
    container-type: size;
  }
  .stage[data-views='3'] { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .stage[data-views='4'] { grid-template-columns: repeat(2, minmax(0, 1fr)); grid-template-rows: repeat(2, minmax(0, 1fr)); }
  @container (max-aspect-ratio: 1 / 1) {
    .stage[data-views='3'] > * { grid-column: 1 / -1; }
  }
  .stage > segmark-viewport,
  .stage > .view-3d { position: relative; min-width: 0; min-height: 0; }
  .view-3d segmark-surface-view { position: absolute; inset: 0; }
  /* Over the black 3D canvas in either theme: light text on a dark ground. */
  .view-3d-controls { position: absolute; left: 4px; bottom: 4px; display: flex; flex-wrap: wrap; gap: 2px; z-index: 1; }
  .view-3d-controls button { padding: 1px 6px; color: #e8edf5; background: #000c; border-color: #ffffff40; }
  .view-3d-controls button[aria-pressed='true'] { color: #0b1220; background: #4da3ff; border-color: #4da3ff; }
  .side {
    display: grid;
    /* Series list, the tab strip, the shown tab's panel. */
    grid-template-rows: auto auto minmax(120px, 1fr);
    gap: 4px;
    padding: 4px;
    background: var(--_panel);
    min-height: 0;
    min-width: 0;
    /* Too short a box: the whole bar scrolls rather than squeezing its panel to nothing. */
    overflow: hidden auto;
  }
  /* In the axial layout, the two reformats below the panel; the panel keeps the larger share. */
  .side:has(> segmark-reformat) { grid-template-rows: auto auto minmax(160px, 2.2fr) minmax(80px, 1fr) minmax(80px, 1fr); }
  .side segmark-series-list { max-height: 20cqb; overflow: auto; }
  /*
   * A narrow frame: the side panel becomes a drawer over the stage's right
   * side, opened by the tool bar's last button (its aria-expanded is the
   * state). Without the built-in tool bar it stays docked.
   */
  @container frame (width < ${DRAWER}px) {
    .frame:has(> .toolbar) > .main { grid-template-columns: minmax(0, 1fr); }
    .frame:has(> .toolbar) .side {
      position: absolute;
      top: 0;
      right: 0;
      bottom: 0;
      z-index: 3;
      width: min(var(--_side), calc(100% - 40px));
      box-sizing: border-box;
      border-left: 1px solid var(--_control-border);
      box-shadow: -8px 0 24px #0009;
    }
    .frame:has(> .toolbar):not(:has(.side-toggle[aria-expanded='true'])) .side { visibility: hidden; }
    .toolbar .side-toggle { display: inline-flex; }
    .frame:has(> .toolbar) .notices { right: 8px; }
  }
  .side-tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--_control-border); }
  .side-tabs [role='tab'] { flex: 1; border-radius: 4px 4px 0 0; border-bottom: 0; }
  .side-tabs [role='tab'][aria-selected='true'] { background: var(--_accent); color: var(--_on-accent); border-color: var(--_accent); }
  .side-tabs [role='tab']:focus-visible { outline: 2px solid var(--segmark-focus-color, var(--_accent)); outline-offset: 1px; }
  .tab-panel { min-height: 0; overflow: auto; display: grid; gap: 4px; align-content: start; }
  .tab-panel[hidden] { display: none; }
  .tab-panel segmark-label-panel { min-height: 0; }
  /* The review and comments panels stack in the Review tab, which scrolls. */
  .side .review-side { min-height: 0; display: grid; gap: 4px; align-content: start; }
  segmark-reformat { min-height: 0; }
  .statusbar {
    display: flex;
    gap: 8px;
    align-items: center;
    padding: 3px 8px;
    background: var(--_panel);
    border-top: 1px solid #0006;
  }
  .statusbar input[type='range'] { flex: 1; }
  .save-state { color: var(--_muted); white-space: nowrap; }
  .save-state.error { color: var(--_danger); }
  .assist-busy { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; color: var(--_muted); }
  .assist-busy .spinner { width: 10px; height: 10px; border: 2px solid var(--_muted); border-top-color: transparent; border-radius: 50%; animation: segmark-spin 0.8s linear infinite; }
  @keyframes segmark-spin { to { transform: rotate(360deg); } }
  @media (prefers-reduced-motion: reduce) { .assist-busy .spinner { animation: none; } }
  .slice-label { font-variant-numeric: tabular-nums; min-width: 9ch; text-align: right; }
  .progress {
    position: absolute;
    left: 50%;
    top: 48px;
    transform: translateX(-50%);
    min-width: min(320px, calc(100% - 16px));
    padding: 8px 10px;
    background: var(--_panel);
    border: 1px solid #ffffff22;
    border-radius: 6px;
    box-shadow: 0 4px 16px #0008;
    display: grid;
    gap: 6px;
    z-index: 2;
  }
  .progress .row { display: flex; gap: 8px; align-items: center; justify-content: space-between; }
  progress { width: 100%; }
  .notices {
    position: absolute;
    right: calc(var(--_side) + 8px);
    bottom: 40px;
    max-width: min(420px, calc(100% - 16px));
    max-height: 40%;
    overflow: auto;
    display: grid;
    gap: 4px;
    z-index: 2;
  }
  .notice {
    display: flex;
    gap: 8px;
    align-items: start;
    padding: 6px 8px;
    border-radius: 4px;
    background: var(--_notice-error, #2a1416ee);
    border-left: 3px solid var(--_danger);
  }
  .notice.warning { background: var(--_notice-warning, #2a2414ee); border-left-color: var(--_warn); }
  .notice.info { background: var(--_notice-info, #142030ee); border-left-color: var(--_accent); }
  /* Banners over the top of the image: another tab holds the document; the document is approved. */
  .other-tab,
  .review-banner {
    position: absolute;
    left: 50%;
    top: 52px;
    transform: translateX(-50%);
    display: flex;
    gap: 10px;
    align-items: center;
    max-width: max(60%, min(420px, calc(100% - 16px)));
    padding: 6px 10px;
    border-radius: 4px;
    z-index: 2;
  }
  .other-tab { background: var(--_notice-warning, #2a2414f2); border-left: 3px solid var(--_warn); }
  .review-banner { background: var(--_notice-success, #12281cf2); border-left: 3px solid var(--segmark-success-color, #5fd38d); }
  .notice span { flex: 1; word-break: break-word; }
  .notice button { padding: 0 6px; }
  .drop-hint {
    position: absolute;
    inset: 8px;
    border: 2px dashed var(--_accent);
    border-radius: 8px;
    background: #4da3ff18;
    display: grid;
    place-items: center;
    font-size: 16px;
    pointer-events: none;
    z-index: 3;
  }
  .urls { display: flex; gap: 4px; }
  .urls input { width: 22ch; font: inherit; background: #0004; color: inherit; border: 1px solid #ffffff2a; border-radius: 4px; padding: 2px 6px; }
  input[type='file'] { display: none; }

  .sheet {
    position: absolute;
    inset: 40px 60px;
    z-index: 4;
    background: var(--_panel);
    border: 1px solid #ffffff33;
    border-radius: 8px;
    box-shadow: 0 8px 32px #000a;
    display: grid;
    grid-template-rows: auto 1fr;
    overflow: hidden;
  }
  .sheet-head { display: flex; justify-content: space-between; align-items: center; padding: 8px 12px; border-bottom: 1px solid #ffffff22; }
  .sheet-head h2 { margin: 0; font-size: 16px; }
  .sheet-body { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; padding: 8px 12px; overflow: auto; }
  .sheet h3 { margin: 8px 0 4px; font-size: 13px; color: var(--_muted); }
  .sheet table { border-collapse: collapse; }
  .sheet th { text-align: left; font-weight: normal; padding: 2px 12px 2px 0; white-space: nowrap; }
  .sheet kbd { font: 12px ui-monospace, monospace; background: #ffffff14; border: 1px solid #ffffff2a; border-radius: 3px; padding: 0 4px; }
  .sheet ul { margin: 2px 0 8px 18px; padding: 0; color: var(--_muted); }
  @container frame (width < 640px) or (height < 480px) {
    .sheet { inset: 8px; }
    .sheet-body { grid-template-columns: minmax(0, 1fr); }
  }
`;
