/**
 * <segmark-series-list> with a drop of thousands of series (issue 17): it
 * draws a page of them and more as it is scrolled, always the selected one,
 * tells assistive technology the whole count, and paints a thumbnail only
 * where one changed (the loading workflow hands out thumbnails in batches,
 * each a new list).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../src/index.js';
import type { Thumbnail } from '../../src/core/display/thumbnail.js';
import type { SegmarkSeriesList, SeriesListItem } from '../../src/elements/segmark-series-list/segmark-series-list.js';
import { frames } from './support/sample.js';

let list: SegmarkSeriesList | undefined;
afterEach(() => {
  list?.remove();
  list = undefined;
  vi.restoreAllMocks();
});

function item(k: number, thumbnail?: Thumbnail): SeriesListItem {
  return {
    key: `series-${k}`,
    description: `tiny ${k}`,
    modality: 'CT',
    seriesNumber: k,
    slices: 1,
    columns: 16,
    rows: 16,
    warnings: 0,
    thumbnail,
  };
}

function thumbnail(shade: number): Thumbnail {
  const rgba = new Uint8ClampedArray(16 * 16 * 4).fill(shade);
  return { width: 16, height: 16, rgba };
}

async function mount(items: SeriesListItem[], selected = ''): Promise<SegmarkSeriesList> {
  const el = document.createElement('segmark-series-list');
  el.style.cssText = 'display:block;width:240px;max-height:300px;overflow:auto';
  el.items = items;
  el.selected = selected;
  document.body.append(el);
  list = el;
  await el.updateComplete;
  return el;
}

const buttons = (el: SegmarkSeriesList) => el.shadowRoot!.querySelectorAll('button');

describe('a series list of 5,000 series', () => {
  it('draws a page of them, more as it is scrolled to its end, and the selected one wherever it is', async () => {
    const items = Array.from({ length: 5000 }, (_, k) => item(k + 1));
    const el = await mount(items);
    const first = buttons(el).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(200);
    const li = el.shadowRoot!.querySelector('li')!;
    expect(li.getAttribute('aria-setsize')).toBe('5000');
    expect(li.getAttribute('aria-posinset')).toBe('1');

    el.scrollTop = el.scrollHeight;
    for (let i = 0; i < 10 && buttons(el).length === first; i++) {
      await frames(2);
      await el.updateComplete;
    }
    expect(buttons(el).length).toBeGreaterThan(first);

    el.selected = 'series-4000';
    await el.updateComplete;
    const selected = el.shadowRoot!.querySelector('button[aria-current="true"]');
    expect(selected?.textContent).toContain('tiny 4000');
  });

  it('a new thumbnail for one series paints that canvas only', async () => {
    const items = Array.from({ length: 5000 }, (_, k) => item(k + 1, k < 50 ? thumbnail(k) : undefined));
    const paint = vi.spyOn(CanvasRenderingContext2D.prototype, 'putImageData');
    const el = await mount(items);
    expect(paint.mock.calls.length).toBe(50);
    paint.mockClear();
    el.items = items.map((it, k) => (k === 7 ? item(8, thumbnail(200)) : it));
    await el.updateComplete;
    expect(paint.mock.calls.length).toBe(1);
    const canvas = el.shadowRoot!.querySelectorAll('canvas')[7]!;
    expect([...canvas.getContext('2d')!.getImageData(0, 0, 1, 1).data]).toEqual([200, 200, 200, 200]);
  });
});
