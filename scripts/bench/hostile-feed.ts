/**
 * Feeds one hostile input to an annotator as a user or a host would (open the
 * files, or import a segmentation onto the open series) and reports what the
 * element answered and when.
 */
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { HostileInput } from './hostile-files.js';

export interface FeedResult {
  /** From handing the input over to the element's answer (the call settled). */
  ms: number;
  /** False when the element had not answered within the time allowed (the load was then cancelled). */
  settled: boolean;
  /** Codes of the `segmark-error` events it fired, in order, and of a rejection. */
  codes: string[];
  /** Files those errors named. */
  files: string[];
}

export async function feedInput(el: SegmarkAnnotator, input: HostileInput, timeoutMs = 20_000): Promise<FeedResult> {
  const codes: string[] = [];
  const files: string[] = [];
  const onError = (e: Event): void => {
    const detail = (e as CustomEvent<{ code: string; file?: string }>).detail;
    codes.push(detail.code);
    if (detail.file) files.push(detail.file);
  };
  el.addEventListener('segmark-error', onError);
  const start = performance.now();
  const call: Promise<unknown> = input.via === 'load' ? el.loadFiles(input.files) : el.importMask(input.files[0]!);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answered = await Promise.race([
    call.then(
      () => true,
      (error: unknown) => {
        const code = (error as { code?: string }).code;
        if (code && !codes.includes(code)) codes.push(code);
        return true;
      },
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  const ms = performance.now() - start;
  clearTimeout(timer);
  if (!answered) {
    el.cancelLoad();
    await Promise.race([call.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  el.removeEventListener('segmark-error', onError);
  return { ms, settled: answered, codes, files };
}
