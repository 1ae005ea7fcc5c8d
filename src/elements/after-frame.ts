/**
 * Waiting for the page to paint, for work that must not share a frame with
 * what it follows (a load after its preview, a view after the main view,
 * counting after an edit is drawn).
 */
import { yieldToEventLoop } from '../core/util/concurrency.js';

/** When no frame comes (a hidden page draws none), the wait ends after this long. */
const NO_FRAME_MS = 100;

/**
 * Resolves in a task after the next frame has been drawn, or after
 * NO_FRAME_MS when no frame comes. Not inside the animation frame callback:
 * work started from there would make that frame wait for it.
 */
export function afterNextFrame(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = (): void => {
      if (done) return;
      done = true;
      clearTimeout(fallback);
      void yieldToEventLoop().then(resolve);
    };
    const fallback = setTimeout(go, NO_FRAME_MS);
    requestAnimationFrame(go);
  });
}
