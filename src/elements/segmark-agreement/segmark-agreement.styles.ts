import { css, unsafeCSS } from 'lit';
import { AGREEMENT_COLORS } from '../../viewer/agreement-overlay.js';

/** Legend colours as classes: a style attribute would break a strict CSP (`style-src 'self'`). */
const swatch = (key: keyof typeof AGREEMENT_COLORS) => unsafeCSS(`rgb(${AGREEMENT_COLORS[key].join(' ')})`);

export const agreementStyles = css`
  /* Laid over the right side of the annotator's work area (view and side panel), the image left in sight. */
  :host {
    position: absolute;
    top: 0;
    right: 0;
    bottom: 0;
    width: min(600px, 100%);
    box-sizing: border-box;
    padding: 6px;
    z-index: 4;
    display: flex;
    font: 13px/1.4 var(--segmark-font, system-ui, sans-serif);
    color: var(--segmark-text-color, #e8edf5);
  }
  .panel {
    flex: 1;
    overflow: auto;
    background: var(--segmark-panel-color, #1b2230);
    border-radius: 8px;
    box-shadow: 0 8px 32px #000a;
    padding: 10px 12px;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  header { display: flex; justify-content: space-between; align-items: center; }
  h2 { margin: 0; font-size: 15px; }
  h3 { margin: 0; font-size: 13px; }
  .muted { color: var(--segmark-muted-color, #8a94a6); }
  .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  th, td { padding: 2px 4px; text-align: right; border-bottom: 1px solid #ffffff14; white-space: nowrap; }
  thead th { white-space: normal; vertical-align: bottom; font-size: 12px; }
  th:first-child, td:first-child { text-align: left; white-space: normal; min-width: 8em; }
  tr.selected td { background: #ffffff10; }
  ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 2px; }
  li { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
  li .where { min-width: 5em; }
  .legend { display: flex; gap: 10px; }
  .swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; margin-right: 3px; vertical-align: middle; }
  .swatch.both { background: ${swatch('both')}; }
  .swatch.aOnly { background: ${swatch('aOnly')}; }
  .swatch.bOnly { background: ${swatch('bOnly')}; }
  progress { width: 100%; }
  .actions { display: flex; gap: 8px; justify-content: flex-end; flex-wrap: wrap; }
  input[type='file'] { display: none; }
  button, select {
    font: inherit;
    color: inherit;
    background: #ffffff14;
    border: 1px solid #ffffff33;
    border-radius: 4px;
    padding: 2px 8px;
    cursor: pointer;
  }
  select option { background: var(--segmark-panel-color, #1b2230); }
  button.primary { background: var(--segmark-accent-color, #4da3ff); color: var(--segmark-on-accent-color, #06121f); border-color: transparent; }
  button.link { background: none; border: none; padding: 0; text-align: left; text-decoration: underline; }
  button:disabled { opacity: 0.5; cursor: default; }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--segmark-focus-color, #4da3ff); outline-offset: 1px; }
  fieldset { border: none; margin: 0; padding: 0; display: inline-flex; gap: 4px; align-items: center; }
  fieldset legend { float: left; padding: 0; margin-right: 2px; }
`;
