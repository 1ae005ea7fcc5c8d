import type { SeriesItem } from '../../session/series-loading.js';
import type { Thumbnail } from '../../core/display/thumbnail.js';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { SERIES_SELECT, emit } from '../events.js';

/** One entry of the list: a series of the last drop (its shape is the loading workflow's). */
export type SeriesListItem = SeriesItem;

/** Series drawn at first, and added each time the list is scrolled near its end. */
const PAGE = 100;

/**
 * The series found in what was opened, with thumbnails; the user picks one.
 * A drop can hold thousands of series (issue 17): the list draws the first
 * hundred, and more as it is scrolled to its end (each item says its place
 * in the whole list to assistive technology).
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
    .more { height: 1px; }
  `;

  @property({ attribute: false }) items: SeriesListItem[] = [];
  @property() selected = '';

  /** How many series are drawn (the rest come as the list scrolls). */
  @state() private shown = PAGE;
  #observer: IntersectionObserver | undefined;

  /** The thumbnail each canvas shows: only a canvas whose thumbnail changed is painted again. */
  readonly #painted = new WeakMap<HTMLCanvasElement, Thumbnail | undefined>();

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new drop starts from its first page again (new thumbnails keep the list as it is).
    const before = changed.get('items');
    if (changed.has('items') && before && (before.length !== this.items.length || before[0]?.key !== this.items[0]?.key)) this.shown = PAGE;
  }

  protected override updated(changed: PropertyValues): void {
    this.#watchEnd();
    if (!changed.has('items') && !changed.has('shown')) return;
    const canvases = this.renderRoot.querySelectorAll('canvas');
    canvases.forEach((canvas, i) => {
      const t = this.items[i]?.thumbnail;
      // A drop of thousands of series gets its thumbnails one by one: repainting every
      // canvas on each made the list quadratic (issue 17).
      if (this.#painted.get(canvas) === t) return;
      this.#painted.set(canvas, t);
      if (!t) {
        canvas.width = 0;
        return;
      }
      canvas.width = t.width;
      canvas.height = t.height;
      canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(t.rgba), t.width, t.height), 0, 0);
    });
  }

  override render() {
    const selectedAt = this.items.findIndex((item) => item.key === this.selected);
    const drawn = this.items.slice(0, Math.max(this.shown, selectedAt + 1));
    const total = this.items.length;
    return html`<ul role="list">
      ${drawn.map(
        (item, i) => html`<li aria-setsize=${total} aria-posinset=${i + 1}>
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
      ${drawn.length < total ? html`<li class="more" aria-hidden="true"></li>` : null}
    </ul>`;
  }

  /** Draws the next page when the end of the drawn part comes into view. */
  #watchEnd(): void {
    const end = this.renderRoot.querySelector('.more');
    this.#observer?.disconnect();
    if (!end || typeof IntersectionObserver !== 'function') return;
    this.#observer ??= new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) this.shown += PAGE;
      },
      { rootMargin: '200px' },
    );
    this.#observer.observe(end);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-series-list': SegmarkSeriesList;
  }
}
