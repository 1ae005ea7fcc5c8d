/**
 * Web Worker that computes agreement for `agreement-runner.ts`, so rasterizing
 * both documents and the surface distances never block the page. Loaded with
 * `new Worker(new URL('./agreement-worker.ts', import.meta.url), { type: 'module' })`
 * (a file beside the page: no blob:, no eval). It answers with progress after
 * each label, then the result; the page ends it to cancel.
 */
import { toSegmarkError, type ErrorCode } from '../errors.js';
import type { AgreementResult } from './agreement.js';
import { runAgreementJob, type AgreementJob } from './agreement-job.js';

export type AgreementResponse =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: AgreementResult }
  | { type: 'error'; code: ErrorCode; message: string; params: Record<string, string | number> };

const post = (response: AgreementResponse) => (self as unknown as Worker).postMessage(response);

self.onmessage = async (event: MessageEvent<AgreementJob>) => {
  try {
    const result = await runAgreementJob(event.data, (done, total) => post({ type: 'progress', done, total }), () => Promise.resolve());
    post({ type: 'done', result });
  } catch (error) {
    const e = toSegmarkError(error, 'internal');
    post({ type: 'error', code: e.code, message: e.message, params: e.params });
  }
};
