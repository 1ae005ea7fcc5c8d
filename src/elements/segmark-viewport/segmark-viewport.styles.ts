import { css } from 'lit';

export const viewportStyles = css`
  :host {
    display: block;
    position: relative;
    min-width: 64px;
    min-height: 64px;
    background: #000;
    overflow: hidden;
    touch-action: none;
    outline: none;
  }
  :host(:focus-visible) {
    box-shadow: inset 0 0 0 2px var(--segmark-focus-color, #4da3ff);
  }
  .canvas-host {
    position: absolute;
    inset: 0;
    cursor: var(--segmark-viewport-cursor, crosshair);
  }
  .empty {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    color: var(--segmark-muted-color, #8a94a6);
    font: 14px/1.4 var(--segmark-font, system-ui, sans-serif);
    pointer-events: none;
    text-align: center;
    padding: 1em;
  }
`;
