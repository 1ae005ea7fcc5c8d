/**
 * The erase's copy in a worker of its own (`erase.ts` says why): the page
 * posts an `EraseMessage`, gets an `EraseReply`, and ends the worker.
 * `new Worker(new URL('./erase-worker.ts', import.meta.url), { type: 'module' })`
 */
import { toSegmarkError } from '../core/errors.js';
import { eraseStore, type EraseMessage, type EraseReply } from './erase.js';

self.onmessage = async (event: MessageEvent<EraseMessage>) => {
  let reply: EraseReply;
  try {
    reply = { ok: true, result: await eraseStore(event.data.name, event.data.request) };
  } catch (error) {
    const e = toSegmarkError(error, 'storage-unavailable');
    reply = { ok: false, code: e.code, message: e.message };
  }
  self.postMessage(reply);
};
