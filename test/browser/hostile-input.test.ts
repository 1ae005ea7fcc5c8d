/**
 * The security review's hostile inputs (issue 17) fed to one annotator with
 * a series open and a region drawn: each gets its coded error naming the
 * file, the page answers a watchdog worker within 1 s throughout (a main
 * thread busy for longer cannot answer), and the open series and the drawing
 * are untouched. The inputs are made on the page (`hostile-files.ts`): a
 * deflate bomb, six 16384² RLE files, a zip of 3 × 1 GiB zeros, sequences
 * nested 100,000 deep, SEGs of 1,000 and 300 segments, 5,000 tiny files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/register.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { feedInput } from '../../scripts/bench/hostile-feed.js';
import { hostileInputs } from '../../scripts/bench/hostile-files.js';
import { startWatchdog } from '../../scripts/bench/watchdog.js';
import { fullestSlice, groundTruth } from './support/ground-truth.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

/** The longest the page may leave a message unanswered: a user's click waits as long. */
const ANSWER_MS = 1000;

type Internals = { annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void } } };

async function openSampleWithDrawing(): Promise<SegmarkAnnotator> {
  const el = mountAnnotator();
  await el.loadFiles(await sampleFiles());
  const truth = await groundTruth();
  const { k, mask } = fullestSlice(truth, 4);
  (el as unknown as Internals).annotations.document.setRegion(4, k, maskToRegion(mask, truth.columns, truth.rows), { kind: 'draw' });
  return el;
}

describe('hostile inputs', () => {
  it('each gets its coded error naming the file, the page answers within 1 s, and the open work is untouched', { timeout: 300_000 }, async () => {
    const el = await openSampleWithDrawing();
    const series = el.series!.seriesInstanceUID;
    const drawn = JSON.stringify(el.getDocument()!.regions);
    const inputs = hostileInputs();
    const dog = startWatchdog();
    try {
      for (const input of inputs.filter((i) => i.expect.length > 0)) {
        const result = await feedInput(el, input, 60_000);
        const unanswered = await dog.lap();
        expect.soft(result.settled, `${input.name}: answered`).toBe(true);
        expect.soft(result.codes.filter((c) => input.expect.includes(c)), `${input.name}: codes ${result.codes.join(', ')}`).not.toEqual([]);
        for (const file of input.files) expect.soft(result.files.some((f) => f.includes(file.name)), `${input.name}: an error names ${file.name}`).toBe(true);
        expect.soft(unanswered, `${input.name}: longest unanswered ms`).toBeLessThan(ANSWER_MS);
        expect.soft(el.series?.seriesInstanceUID, `${input.name}: the open series stays`).toBe(series);
        expect.soft(JSON.stringify(el.getDocument()?.regions), `${input.name}: the drawing stays`).toBe(drawn);
      }
      // Last, because it opens one of them: 5,000 one-image series dropped at once.
      const tiny = inputs.find((i) => i.expect.length === 0)!;
      const result = await feedInput(el, tiny, 120_000);
      expect.soft(result.settled && result.codes, `${tiny.name}: loaded without error`).toEqual([]);
      expect.soft(await dog.lap(), `${tiny.name}: longest unanswered ms`).toBeLessThan(ANSWER_MS);
      expect(el.series?.slices).toBe(1);
    } finally {
      await dog.stop();
    }
  });
});
