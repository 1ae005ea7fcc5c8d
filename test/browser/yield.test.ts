/**
 * Yielding between chunks of work gives the page's other tasks a turn (real
 * Chromium, where `scheduler.yield()` exists and would not): a host page's
 * timer set before a chain of chunks runs during the chain, not after it;
 * and reading a PACS answer whose parts are all in already does the same.
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
