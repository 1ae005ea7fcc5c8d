/** Styles shared by the side bar's small panels (work, review, comments). */
import { css } from 'lit';

/** Quiet outlined buttons, dimmed when disabled. */
export const panelButtonStyles = css`
  button {
    font: inherit;
    color: inherit;
    background: transparent;
    border: 1px solid var(--segmark-muted-color, #8a94a6);
    border-radius: 3px;
    padding: 1px 6px;
    cursor: pointer;
  }
  button:disabled { opacity: 0.5; cursor: default; }
`;
