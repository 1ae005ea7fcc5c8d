import type { SeriesItem } from '../../session/series-loading.js';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { SERIES_SELECT, emit } from '../events.js';

/** One entry of the list: a series of the last drop (its shape is the loading workflow's). */
export type SeriesListItem = SeriesItem;

/**
 * The series found in what was opened, with thumbnails; the user picks one.
 *
 * @fires sm-series-select - detail `{ key }`: the user picked this series
 * @csspart item - one series
 * @csspart selected - the series on screen
 *
 * @tagname segmark-series-list
 */
export class SegmarkSeriesList extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font: 12px/1.3 var(--segmark-font, system-ui, sans-serif);
      color: var(--segmark-text-color, #e8edf5);
    }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
    button {
      display: grid;
      grid-template-columns: 48px 1fr;
      gap: 6px;
      align-items: center;
      width: 100%;
      padding: 4px;
      background: var(--segmark-panel-color, #1b2230);
      color: inherit;
      border: 1px solid transparent;
      border-radius: 4px;
      text-align: left;
      cursor: pointer;
      font: inherit;
    }
    button[aria-current='true'] { border-color: var(--segmark-accent-color, #4da3ff); }
    button:focus-visible { outline: 2px solid var(--segmark-focus-color, #4da3ff); }
    canvas { width: 48px; height: 48px; background: #000; object-fit: contain; }
    .meta { color: var(--segmark-muted-color, #8a94a6); }
  `;

  @property({ attribute: false }) items: SeriesListItem[] = [];
  @property() selected = '';

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('items')) return;
    const canvases = this.renderRoot.querySelectorAll('canvas');
    this.items.forEach((item, i) => {
      const canvas = canvases[i];
      const t = item.thumbnail;
      if (!canvas || !t) return;
      canvas.width = t.width;
      canvas.height = t.height;
      canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(t.rgba), t.width, t.height), 0, 0);
    });
  }

  override render() {
    return html`<ul role="list">
      ${this.items.map(
        (item) => html`<li>
          <button
            part=${item.key === this.selected ? 'item selected' : 'item'}
            aria-current=${item.key === this.selected ? 'true' : 'false'}
            @click=${() => emit(this, SERIES_SELECT, { key: item.key })}
          >
            <canvas aria-hidden="true"></canvas>
            <span>
              <div translate="no">${item.seriesNumber !== undefined ? `#${item.seriesNumber} ` : ''}${item.description || item.modality}</div>
              <div class="meta">${item.modality} · ${item.slices} × ${item.columns}×${item.rows}${item.warnings ? ' · ⚠' : ''}</div>
            </span>
          </button>
        </li>`,
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-series-list': SegmarkSeriesList;
  }
}
