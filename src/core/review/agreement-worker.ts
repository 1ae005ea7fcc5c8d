/**
 * Web Worker that computes agreement for `agreement-runner.ts`, so rasterizing
 * both documents and the surface distances never block the page. Loaded with
 * `new Worker(new URL('./agreement-worker.ts', import.meta.url), { type: 'module' })`
 * (a file beside the page: no blob:, no eval). It answers with progress after
 * each label, then the result (`worker-protocol.ts`); the page ends it to
 * cancel.
 */
import { serve, type Handlers } from '../util/worker-protocol.js';
import type { AgreementResult } from './agreement.js';
import { runAgreementJob, type AgreementJob } from './agreement-job.js';

/** The call the agreement worker serves. */
export type AgreementCalls = {
  agree: { payload: AgreementJob; result: AgreementResult; progress: { done: number; total: number } };
};

/** What the worker does with each call (exported so Node tests can serve it from a stand-in worker). */
export const AGREEMENT_HANDLERS: Handlers<AgreementCalls> = {
  agree: (job, call) => runAgreementJob(job, (done, total) => call.progress({ done, total }), () => Promise.resolve()),
};

serve<AgreementCalls>(AGREEMENT_HANDLERS, { fallback: 'internal' });
