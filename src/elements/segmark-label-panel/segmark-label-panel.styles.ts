import { css } from 'lit';

export const labelPanelStyles = css`
  :host {
    --_panel: var(--segmark-panel-color, #1b2230);
    --_item: var(--segmark-label-item-color, #ffffff0d);
    --_text: var(--segmark-text-color, #e8edf5);
    --_muted: var(--segmark-muted-color, #8a94a6);
    --_accent: var(--segmark-accent-color, #4da3ff);
    --_danger: var(--segmark-danger-color, #ff6b6b);
    --_focus: var(--segmark-focus-color, var(--_accent));
    --_swatch: var(--segmark-label-swatch-size, 18px);
    display: block;
    color: var(--_text);
    font: 12px/1.3 var(--segmark-font, system-ui, sans-serif);
  }
  :host([hidden]) { display: none; }
  button, input { font: inherit; color: inherit; }
  button {
    display: inline-grid;
    place-items: center;
    min-width: 22px;
    min-height: 22px;
    padding: 1px 4px;
    background: transparent;
    border: 1px solid transparent;
    border-radius: 4px;
    cursor: pointer;
  }
  button:hover:not(:disabled) { background: #ffffff1a; }
  button:disabled, input:disabled { opacity: 0.4; cursor: default; }
  :focus-visible { outline: 2px solid var(--_focus); outline-offset: 1px; }
  svg { width: 14px; height: 14px; fill: none; stroke: currentColor; stroke-width: 1.4; stroke-linecap: round; stroke-linejoin: round; }
  svg .solid { fill: currentColor; stroke: none; }
  .toolbar { display: flex; gap: 4px; align-items: center; margin-bottom: 4px; position: relative; }
  .toolbar [part='create'], .toolbar [part='template-button'] {
    grid-auto-flow: column;
    gap: 4px;
    padding: 2px 8px;
    background: #ffffff12;
    border-color: #ffffff1f;
    white-space: nowrap;
  }
  [role='menu'] {
    position: absolute;
    z-index: 1;
    top: 100%;
    right: 0;
    display: grid;
    min-width: 12em;
    padding: 4px;
    background: var(--_panel);
    border: 1px solid #ffffff2a;
    border-radius: 4px;
    box-shadow: 0 4px 12px #0008;
  }
  [role='menuitem'] { justify-items: start; padding: 4px 8px; }
  .notice { margin: 0 0 4px; color: var(--segmark-warning-color, #f5c451); }
  .notice:empty { display: none; }
  .empty { color: var(--_muted); margin: 8px 0; }
  ul { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--segmark-label-gap, 3px); }
  /*
   * Rows scrolled out of the panel are not laid out or painted until they come near: a new
   * document's eleven template rows (a colour well, a slider, eight buttons each) took 20 ms
   * of layout in the frame that showed them. \`auto\` keeps a row's last height for the scrollbar.
   */
  li { position: relative; content-visibility: auto; contain-intrinsic-size: auto 84px; }
  li.drop-before::before, li.drop-after::after {
    content: '';
    position: absolute;
    left: 0;
    right: 0;
    height: 2px;
    background: var(--_accent);
  }
  li.drop-before::before { top: -2px; }
  li.drop-after::after { bottom: -2px; }
  .item {
    display: grid;
    grid-template-columns: auto var(--_swatch) minmax(0, 1fr) repeat(3, auto);
    grid-template-areas:
      'handle swatch name visible lock display'
      'handle tools tools tools tools tools'
      'handle stats stats stats stats stats';
    align-items: center;
    gap: 2px 4px;
    padding: 3px 4px;
    background: var(--_item);
    border: 1px solid transparent;
    border-radius: 4px;
  }
  .item.active { border-color: var(--_accent); }
  .item.hidden .name { color: var(--_muted); }
  .handle { grid-area: handle; align-self: stretch; display: grid; place-items: center; color: var(--_muted); cursor: grab; }
  .item.readonly .handle { cursor: default; visibility: hidden; }
  .swatch {
    grid-area: swatch;
    width: var(--_swatch);
    height: var(--_swatch);
    padding: 0;
    border: 1px solid #fff6;
    border-radius: 3px;
    background: none;
    cursor: pointer;
  }
  .swatch::-webkit-color-swatch-wrapper { padding: 0; }
  .swatch::-webkit-color-swatch { border: none; border-radius: 2px; }
  .name {
    grid-area: name;
    justify-items: start;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    text-align: left;
  }
  .name[aria-pressed='true'] { font-weight: 600; }
  .name-input { grid-area: name; min-width: 0; padding: 1px 4px; background: #0006; border: 1px solid var(--_accent); border-radius: 3px; }
  [data-control='visible'] { grid-area: visible; }
  [data-control='lock'] { grid-area: lock; }
  [data-control='display'] { grid-area: display; }
  [aria-pressed='true'][data-control='lock'] { color: var(--_accent); }
  .tools { grid-area: tools; display: flex; align-items: center; gap: 2px; }
  .tools input[type='range'] { flex: 1; min-width: 40px; accent-color: var(--_accent); }
  .opacity-value { min-width: 4ch; text-align: right; color: var(--_muted); font-variant-numeric: tabular-nums; }
  [data-control='delete'].confirm { color: #fff; background: var(--_danger); }
  .stats {
    grid-area: stats;
    display: flex;
    flex-wrap: wrap;
    gap: 0 10px;
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .stats > div { display: flex; gap: 4px; min-width: 0; max-width: 100%; white-space: nowrap; }
  .stats dt { color: var(--_muted); }
  .stats dd { margin: 0; overflow: hidden; text-overflow: ellipsis; }
  /* An edit still being counted: the last values, dimmed until they are brought up to date. */
  .stats.stale dd { opacity: 0.6; }
  .progress { grid-column: 2 / -1; display: grid; gap: 1px; font-size: 11px; color: var(--_muted); }
  .progress-bar { display: block; width: 100%; height: 5px; border-radius: 3px; overflow: hidden; background: color-mix(in srgb, var(--_muted) 30%, transparent); }
  .progress-verified { fill: var(--segmark-accent-color, #4da3ff); }
  .progress-rejected { fill: var(--segmark-danger-color, #ff6b6b); }
  .progress-text { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
`;
