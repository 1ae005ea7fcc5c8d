/**
 * The reviewer's queue order: stored and host items in one list, the longest
 * waiting first, and the next document after the open one.
 */
import { describe, expect, it } from 'vitest';
import { mergeQueue, nextInQueue, type QueueItem } from '../../src/core/review/queue.js';

const item = (id: string, submittedAt: number | undefined, source: QueueItem['source'] = 'store'): QueueItem => ({
  id,
  title: id,
  annotator: undefined,
  submittedAt,
  labels: undefined,
  outlines: undefined,
  verifiedShare: undefined,
  source,
});

describe('review queue', () => {
  it('REQ-QUEUE-N1: lists the oldest submission first, stored and host items together; items without a time come last in their given order', () => {
    const stored = [item('s-late', Date.parse('2026-12-04T10:00:00Z')), item('s-none', undefined), item('s-early', Date.parse('2026-12-01T08:00:00Z'))];
    const host = [item('h-mid', Date.parse('2026-12-02T09:30:00Z'), 'host'), item('h-none', undefined, 'host')];
    expect(mergeQueue(stored, host).map((i) => i.id)).toEqual(['s-early', 'h-mid', 's-late', 's-none', 'h-none']);
  });

  it('REQ-QUEUE-N2: a host item with a stored item’s id replaces it (the host opens it)', () => {
    const merged = mergeQueue([item('a|b|ann', 1000)], [item('a|b|ann', 2000, 'host')]);
    expect(merged).toEqual([item('a|b|ann', 2000, 'host')]);
  });

  it('REQ-QUEUE-N3: the next document is the first that is neither open nor approved here; none when all are', () => {
    const queue = [item('one', 1), item('two', 2), item('three', 3)];
    expect(nextInQueue(queue, 'one', new Set())?.id).toBe('two');
    expect(nextInQueue(queue, 'two', new Set(['one']))?.id).toBe('three');
    expect(nextInQueue(queue, 'three', new Set(['one', 'two']))).toBeUndefined();
  });
});
