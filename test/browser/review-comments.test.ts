/**
 * Comments in the real annotator with real IndexedDB: a pin placed with M and
 * a real click (the brush in hand does not paint), text typed into the
 * panel, a reply and resolve from the panel's buttons, all back after a
 * reload in a new annotator; jump-to shows the slice and centres the pin,
 * which is drawn on the image.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames, sampleFiles } from './support/sample.js';
import { until } from './support/wait.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

async function open(user: string, lang = 'en'): Promise<SegmarkAnnotator> {
  const a = document.createElement('segmark-annotator');
  a.user = user;
  a.role = 'reviewer';
  a.lang = lang;
  a.style.cssText = 'display:grid;width:1000px;height:700px';
  document.body.append(a);
  mounted.push(a);
  await a.loadFiles(await sampleFiles(8));
  await until('the annotation to be ready', () => a.annotationReady && a.editable, 10000);
  await frames(2);
  return a;
}

const comments = (a: SegmarkAnnotator) => a.shadowRoot!.querySelector('segmark-comments')!;
const inPanel = <T extends Element>(a: SegmarkAnnotator, selector: string) => comments(a).shadowRoot!.querySelector<T>(selector)!;

async function settle(a: SegmarkAnnotator): Promise<void> {
  await a.updateComplete;
  await comments(a).updateComplete;
}

describe('comments', () => {
  it('REQ-COMMENT-B1: pinned with M and a click, replied to and resolved in the panel, back after a reload; jump-to centres the drawn pin', async () => {
    const user = `comments-${Date.now()}`;
    const a = await open(user);
    a.slice = 5;
    a.tool = 'brush';
    await frames(2);
    const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
    viewport.focus();
    await commands.keyPress(['m']);
    await settle(a);
    expect(inPanel(a, 'button.pin').getAttribute('aria-pressed')).toBe('true');
    const at = viewport.imageToClient(40.5, 30.5)!;
    await commands.pointerClicks([[at.x, at.y]]);
    await settle(a);
    expect(inPanel(a, 'button.pin').getAttribute('aria-pressed')).toBe('false');
    // The click placed the pin; the brush in hand painted nothing.
    expect(a.getDocument()!.regions).toEqual([]);
    expect(inPanel(a, '.hint').textContent).toBe('Pin at (41, 31)');

    const box = inPanel<HTMLTextAreaElement>(a, 'textarea.new');
    box.focus();
    await commands.keyPress(['L', '4', ' ', 'e', 'd', 'g', 'e', '?']);
    expect(a.tool).toBe('brush');
    inPanel<HTMLButtonElement>(a, 'button.add').click();
    await settle(a);
    const [thread] = a.getComments();
    expect(thread).toMatchObject({ slice: 5, user, role: 'reviewer', text: 'L4 edge?', resolved: false, replies: [] });
    expect(thread!.x).toBeCloseTo(40.5, 0);
    expect(thread!.y).toBeCloseTo(30.5, 0);

    inPanel<HTMLButtonElement>(a, 'button.reply-toggle').click();
    await settle(a);
    inPanel<HTMLTextAreaElement>(a, 'textarea.reply-text').value = 'fixed on 5 and 6';
    inPanel<HTMLButtonElement>(a, 'button.send').click();
    await settle(a);
    inPanel<HTMLButtonElement>(a, 'button.resolve').click();
    await settle(a);
    const before = a.getComments();
    expect(before[0]!.replies.map((r) => r.text)).toEqual(['fixed on 5 and 6']);
    expect(before[0]!.resolved).toBe(true);
    expect(a.getDocument()!.review!.audit.map((e) => e.action)).toEqual(['comment', 'reply', 'resolve']);
    await a.flushSave();
    a.remove();

    const b = await open(user);
    expect(b.getComments()).toEqual(before);
    await settle(b);
    expect(inPanel(b, 'li').textContent).toContain('L4 edge?');
    expect(inPanel(b, 'li').textContent).toContain('resolved');
    // Reopen the thread from the panel, then jump to it from slice 0.
    inPanel<HTMLButtonElement>(b, 'button.resolve').click();
    await settle(b);
    expect(b.getComments()[0]!.resolved).toBe(false);
    b.slice = 0;
    await frames(2);
    inPanel<HTMLButtonElement>(b, 'button.jump').click();
    await until('the jump', () => b.slice === 5);
    await frames(3);
    const vb = b.shadowRoot!.querySelector('segmark-viewport')!;
    const canvas = vb.shadowRoot!.querySelector('canvas')!;
    const rect = canvas.getBoundingClientRect();
    const pin = vb.imageToClient(thread!.x, thread!.y)!;
    expect(Math.abs(pin.x - (rect.left + rect.width / 2))).toBeLessThan(2);
    expect(Math.abs(pin.y - (rect.top + rect.height / 2))).toBeLessThan(2);
    // The pin's disc (above the point) is drawn in the pin colour (#ffb020): sample it above its number.
    const scale = canvas.width / rect.width;
    const r = 10 * (window.devicePixelRatio || 1);
    const cx = Math.round((pin.x - rect.left) * scale);
    const cy = Math.round((pin.y - rect.top) * scale - 1.8 * r - 0.7 * r);
    const [red, green, blue] = canvas.getContext('2d')!.getImageData(cx, cy, 1, 1).data;
    expect([red, green, blue]).toEqual([0xff, 0xb0, 0x20]);
  });

  it('REQ-COMMENT-B2: the comments panel in Chinese names its controls for assistive technology and shows no English', async () => {
    const a = await open(`王医生${Date.now()}`, 'zh-CN');
    a.addComment({ slice: a.slice, x: 10, y: 10, text: '请检查' });
    await settle(a);
    const root = comments(a).shadowRoot!;
    expect(root.querySelector('textarea.new')!.getAttribute('aria-label')).toBe('在此层上新建评论');
    expect(root.querySelector('button.jump')!.getAttribute('aria-label')).toBe('显示 1');
    const text = [...root.querySelectorAll('h2, button, .hint, .meta')].map((e) => e.textContent).join(' ');
    // Key names (Shift) are the keyboard's own labels.
    expect(text.replaceAll('Shift', '')).not.toMatch(/[A-Za-z]{3,}/);
  });
});
