/**
 * Yielding between chunks of work gives the page's other tasks a turn (real
 * Chromium, where `scheduler.yield()` exists and would not): a host page's
 * timer set before a chain of chunks runs during the chain, not after it;
 * and reading a PACS answer whose parts are all in already does the same.
 * A host's chain of 0 ms timers (the 4 ms clamp makes each one due during a
 * chunk) gets a turn after every chunk, not every second one.
 */
import { describe, expect, it } from 'vitest';
import { yieldToEventLoop } from '../../src/core/util/concurrency.js';
import { multipartParts } from '../../src/dicomweb/multipart-stream.js';

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

  it("lets a host page's chain of 0 ms timers run after every 10 ms chunk", async () => {
    expect(document.visibilityState).toBe('visible');
    let chunk = 0;
    let running = true;
    /** How many chunks ended between two turns of the host's timer chain. */
    const between: number[] = [];
    let seen = 0;
    const tick = (): void => {
      between.push(chunk - seen);
      seen = chunk;
      if (running) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    for (chunk = 0; chunk < 30; ) {
      const end = performance.now() + 10;
      while (performance.now() < end);
      chunk++;
      await yieldToEventLoop();
    }
    running = false;
    // With a message alone the timer, due during a chunk, was queued behind the message that chunk posted: two chunks a turn.
    expect(between.length).toBeGreaterThan(20);
    expect(Math.max(...between)).toBe(1);
  });

  it('multipartParts gives a timer set before it a turn while it reads parts that are all in already', async () => {
    // 50 parts of a multipart/related answer, all in the stream at once; each part takes 1 ms of work.
    const text = new TextEncoder();
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) pieces.push(text.encode(`${i ? '\r\n' : ''}--b\r\nContent-Type: application/dicom\r\n\r\n`), new Uint8Array(64).fill(i));
    pieces.push(text.encode('\r\n--b--'));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(piece);
        controller.close();
      },
    });
    let ranAt = -1;
    let part = 0;
    setTimeout(() => (ranAt = part), 0);
    for await (const { body } of multipartParts(stream, 'b', 'answer')) {
      expect(body).toEqual(new Uint8Array(64).fill(part));
      const end = performance.now() + 1;
      while (performance.now() < end);
      part++;
    }
    expect(part).toBe(50);
    expect(ranAt).toBeGreaterThanOrEqual(0);
    expect(ranAt).toBeLessThan(50);
  });
});
