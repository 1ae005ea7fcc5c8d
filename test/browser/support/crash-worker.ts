/**
 * The real decode worker, plus a way to crash it on purpose: a request whose
 * transfer syntax is 'crash' throws outside any try, which is what a worker
 * dying of an uncaught error looks like to the pool.
 */
import '../../../src/core/dicom/decode-worker.js';

const scope = globalThis as unknown as { onmessage: ((event: MessageEvent) => void) | null };
const serve = scope.onmessage;
scope.onmessage = (event: MessageEvent<{ payload: { desc: { transferSyntaxUID: string } } }>) => {
  if (event.data.payload.desc.transferSyntaxUID === 'crash') throw new Error('simulated worker crash');
  serve?.(event);
};
