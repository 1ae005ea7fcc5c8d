import { css } from 'lit';

export const studyBrowserStyles = css`
  :host {
    display: block;
    font: 13px/1.4 var(--segmark-font, system-ui, sans-serif);
    color: var(--segmark-text-color, #e8edf5);
    background: var(--segmark-background-color, #11151d);
    padding: 8px;
  }
  form { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 8px; }
  label { display: grid; gap: 2px; color: var(--segmark-muted-color, #8a94a6); font-size: 12px; }
  input, select, button { font: inherit; color: inherit; background: var(--segmark-panel-color, #1b2230); border: 1px solid #2c3546; border-radius: 4px; padding: 4px 6px; }
  button { cursor: pointer; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--segmark-focus-color, #4da3ff); outline-offset: 1px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #2c3546; vertical-align: top; }
  th { color: var(--segmark-muted-color, #8a94a6); font-weight: normal; }
  td.count { text-align: right; }
  tr.series-row > td { padding: 0 0 6px 28px; }
  .expand { width: 2em; padding: 2px; }
  [role='status'] { min-height: 1.4em; color: var(--segmark-muted-color, #8a94a6); }
  .error { color: #ff8a80; }
`;
