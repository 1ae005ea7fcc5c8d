/**
 * Browser commands that run in Node and drive Playwright's real mouse: input
 * goes through Chromium's input pipeline (hit testing, pointer capture,
 * coalesced events), not through synthetic DOM events.
 * Coordinates are CSS pixels in the test page's viewport.
 */
import type { BrowserCommand } from 'vitest/node';

type Point = [number, number];

interface PlaywrightContext {
  page: {
    mouse: {
      move(x: number, y: number, options?: { steps?: number }): Promise<void>;
      down(options?: { button?: 'left' | 'right' | 'middle' }): Promise<void>;
      up(options?: { button?: 'left' | 'right' | 'middle' }): Promise<void>;
      dblclick(x: number, y: number, options?: { delay?: number }): Promise<void>;
    };
    keyboard: { down(key: string): Promise<void>; up(key: string): Promise<void>; press(key: string): Promise<void> };
  };
  frame(): Promise<{ frameElement(): Promise<{ boundingBox(): Promise<{ x: number; y: number; width: number } | null> }>; evaluate<T>(fn: () => T): Promise<T> }>;
}

/** Where the test page's (0, 0) is on the outer page, and its scale. */
async function origin(context: PlaywrightContext): Promise<{ x: number; y: number; scale: number }> {
  const frame = await context.frame();
  const box = await (await frame.frameElement()).boundingBox();
  const innerWidth = await frame.evaluate(() => window.innerWidth);
  if (!box) return { x: 0, y: 0, scale: 1 };
  return { x: box.x, y: box.y, scale: box.width / innerWidth };
}

/** Presses at the first point, moves through the others, releases at the last. Optional modifier key held. */
export const pointerPath: BrowserCommand<[points: Point[], options?: { modifier?: string; stepsPerSegment?: number }]> = async (
  ctx,
  points,
  options = {},
) => {
  const context = ctx as unknown as PlaywrightContext;
  const { page } = context;
  const o = await origin(context);
  const at = ([x, y]: Point): Point => [o.x + x * o.scale, o.y + y * o.scale];
  if (options.modifier) await page.keyboard.down(options.modifier);
  const [first, ...rest] = points;
  if (!first) return;
  await page.mouse.move(...at(first));
  await page.mouse.down();
  for (const p of rest) await page.mouse.move(...at(p), { steps: options.stepsPerSegment ?? 1 });
  await page.mouse.up();
  if (options.modifier) await page.keyboard.up(options.modifier);
};

/** Clicks at each point in turn (e.g. polygon or livewire anchors). */
export const pointerClicks: BrowserCommand<[points: Point[]]> = async (ctx, points) => {
  const context = ctx as unknown as PlaywrightContext;
  const o = await origin(context);
  for (const [x, y] of points) {
    await context.page.mouse.move(o.x + x * o.scale, o.y + y * o.scale);
    await context.page.mouse.down();
    await context.page.mouse.up();
  }
};

/** Moves to a point without pressing (hover, e.g. to place a brush's footprint). */
export const pointerMove: BrowserCommand<[point: Point, options?: { steps?: number }]> = async (ctx, [x, y], options = {}) => {
  const context = ctx as unknown as PlaywrightContext;
  const o = await origin(context);
  await context.page.mouse.move(o.x + x * o.scale, o.y + y * o.scale, { steps: options.steps ?? 1 });
};

/** A real double click at a point (two presses with click counts 1 and 2, then dblclick). */
export const pointerDoubleClick: BrowserCommand<[point: Point]> = async (ctx, [x, y]) => {
  const context = ctx as unknown as PlaywrightContext;
  const o = await origin(context);
  await context.page.mouse.dblclick(o.x + x * o.scale, o.y + y * o.scale);
};

/**
 * Presses keys in turn through Playwright's keyboard (to the focused element),
 * e.g. ['b', ']', 'Enter']; combinations as Playwright writes them ('Control+z').
 */
export const keyPress: BrowserCommand<[keys: string[]]> = async (ctx, keys) => {
  const context = ctx as unknown as PlaywrightContext;
  for (const key of keys) await context.page.keyboard.press(key);
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    pointerPath(points: Point[], options?: { modifier?: string; stepsPerSegment?: number }): Promise<void>;
    pointerClicks(points: Point[]): Promise<void>;
    pointerMove(point: Point, options?: { steps?: number }): Promise<void>;
    pointerDoubleClick(point: Point): Promise<void>;
    keyPress(keys: string[]): Promise<void>;
  }
}
