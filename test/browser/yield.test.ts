/**
 * Yielding between chunks of work gives the page's other tasks a turn (real
 * Chromium, where `scheduler.yield()` exists and would not): a host page's
 * timer set before a chain of chunks runs during the chain, not after it.
 */
import { describe, expect, it } from 'vitest';
import { yieldToEventLoop } from '../../src/core/util/concurrency.js';

describe('yieldToEventLoop', () => {
  it('lets a timer the page set before a chain of 1 ms chunks run before the chain ends', async () => {
    let ranAt = -1;
    let chunk = 0;
    setTimeout(() => (ranAt = chunk), 0);
    for (chunk = 0; chunk < 50; chunk++) {
      const end = performance.now() + 1;
      while (performance.now() < end);
      await yieldToEventLoop();
    }
    expect(ranAt).toBeGreaterThanOrEqual(0);
    expect(ranAt).toBeLessThan(50);
  });
});
