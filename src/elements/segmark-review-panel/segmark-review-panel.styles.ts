import { css } from 'lit';
import { panelButtonStyles } from '../panel-styles.js';

/** Shared by the review and comments panels: the work panel's look. */
export const reviewPanelStyles = [
  panelButtonStyles,
  css`
  :host {
    display: block;
    font: 12px/1.35 var(--segmark-font, system-ui, sans-serif);
    color: var(--segmark-text-color, #e8edf5);
  }
  section, details { background: var(--segmark-panel-color, #1b2230); border-radius: 4px; padding: 4px 6px; }
  details { margin-top: 4px; }
  h2 { font-size: 12px; margin: 0 0 4px; }
  summary { cursor: pointer; font-weight: 600; }
  summary:focus-visible, button:focus-visible, textarea:focus-visible { outline: 2px solid var(--segmark-focus-color, #4da3ff); outline-offset: 1px; }
  ul, ol { list-style: none; margin: 4px 0 0; padding: 0; display: grid; gap: 4px; max-height: 200px; overflow: auto; }
  .meta, .empty, .hint { color: var(--segmark-muted-color, #a3acbd); }
  .empty, .hint { margin: 4px 0; }
  .status { font-weight: 600; }
  .status[data-status='approved'] { color: var(--segmark-success-color, #5fd38d); }
  .status[data-status='changes-requested'] { color: var(--segmark-warning-color, #f0b429); }
  .status[data-status='submitted'] { color: var(--segmark-accent-color, #4da3ff); }
  .steps, .actions { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
  textarea {
    box-sizing: border-box;
    width: 100%;
    font: inherit;
    color: inherit;
    background: var(--segmark-background-color, #10151f);
    border: 1px solid var(--segmark-muted-color, #8a94a6);
    border-radius: 3px;
    padding: 2px 4px;
    resize: vertical;
  }
  button[aria-pressed='true'] { background: var(--segmark-accent-color, #4da3ff); color: #10151f; }
  dl { display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; margin: 4px 0 0; }
  dt { margin: 0; }
  dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
`,
];
