import { css } from 'lit';

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
    display: grid;
    grid-template-rows: auto minmax(0, 1fr) auto;
    grid-template-columns: minmax(0, 1fr);
    min-height: 0;
    min-width: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    align-items: center;
    padding: 4px 6px;
    background: var(--_panel);
    border-bottom: 1px solid #0006;
  }
  .toolbar .group { display: flex; flex-wrap: wrap; gap: 2px; align-items: center; min-width: 0; }
  .toolbar .sep { width: 1px; height: 20px; background: #fff2; margin: 0 4px; }
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
  .main {
    display: grid;
    grid-template-columns: minmax(0, 1fr) var(--segmark-side-width, 300px);
    min-height: 0;
    /* The Compare panel lies over the work area's right side. */
    position: relative;
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
  .side {
    display: grid;
    /* Series list, the tab strip, the shown tab's panel, the two reformats. */
    grid-template-rows: auto auto minmax(120px, 1.6fr) 1fr 1fr;
    gap: 4px;
    padding: 4px;
    background: var(--_panel);
    min-height: 0;
    overflow: hidden;
  }
  .side segmark-series-list { max-height: 20vh; overflow: auto; }
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
  .slice-label { font-variant-numeric: tabular-nums; min-width: 9ch; text-align: right; }
  .progress {
    position: absolute;
    left: 50%;
    top: 48px;
    transform: translateX(-50%);
    min-width: 320px;
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
    right: calc(var(--segmark-side-width, 300px) + 8px);
    bottom: 40px;
    max-width: 420px;
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
    background: #2a1416ee;
    border-left: 3px solid var(--_danger);
  }
  .notice.warning { background: #2a2414ee; border-left-color: var(--_warn); }
  .notice.info { background: #142030ee; border-left-color: var(--_accent); }
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
    max-width: 60%;
    padding: 6px 10px;
    border-radius: 4px;
    z-index: 2;
  }
  .other-tab { background: #2a2414f2; border-left: 3px solid var(--_warn); }
  .review-banner { background: #12281cf2; border-left: 3px solid var(--segmark-success-color, #5fd38d); }
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
`;
