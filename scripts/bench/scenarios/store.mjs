// Node side of scenarios/store.ts: autosave and reopening of a 300-slice document in IndexedDB (the storage issue).
import { row } from '../report.mjs';

const f = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** longTaskDetector as store.ts reports it. */
const DETECTORS = { 1: "PerformanceObserver 'longtask'", 2: 'MessageChannel gap detector' };

function longTasks(m) {
  const how = DETECTORS[m.longTaskDetector] ?? 'unknown detector';
  if (m.longTaskMaxMs === 0) return `longest task while saving: none > 50 ms (${how})`;
  return `longest task while saving ${f(m.longTaskMaxMs, 0)} ms (${f(m.longTaskCount, 0)} > 50 ms, ${how})`;
}

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'store',
  order: 4,
  title: 'store: autosave latency, long tasks and reopening of a 300-slice, 5-label document in IndexedDB',
  rows(m) {
    return [
      row('save.latency_p95_ms', m.saveP95Ms, 'ms', 100, 'lower'),
      row('save.latency_p50_ms', m.saveP50Ms, 'ms', null, 'lower'),
      row('save.latency_back_to_back_p95_ms', m.rapidP95Ms, 'ms', null, 'lower'),
      row('save.longest_task_ms', m.longTaskMaxMs, 'ms', 50, 'lower'),
      row('save.longest_sync_ms', m.longestSyncMs, 'ms', null, 'lower'),
      row('reopen.300_slices_ms', m.reopenMs, 'ms', 500, 'lower'),
      row('reopen.300_slices_first_ms', m.reopenFirstMs, 'ms', null, 'lower'),
      row('reopen.longest_task_ms', m.reopenLongTaskMs, 'ms', null, 'lower'),
      row('store.bytes_per_label_slice', m.bytesPerRegion, 'B', null, 'lower'),
      row('store.document_bytes', m.documentBytes, 'B', null, 'lower'),
      row('store.regions', m.regions, 'count', null, 'lower'),
      row('store.vertices', m.vertices, 'count', null, 'lower'),
      row('store.vertices_per_region', m.verticesPerRegion, 'count', null, 'lower'),
    ];
  },
  summary(m) {
    return [
      `save p50/p95 ${f(m.saveP50Ms)}/${f(m.saveP95Ms)} ms (min ${f(m.saveMinMs)}, first ${f(m.saveFirstMs)}, n ${f(m.saveCount, 0)}; back to back p50/p95 ${f(m.rapidP50Ms)}/${f(m.rapidP95Ms)})`,
      `of which batching/timer p50/p95 ${f(m.saveQueuedP50Ms)}/${f(m.saveQueuedP95Ms)} ms and write p50/p95 ${f(m.saveWrittenP50Ms)}/${f(m.saveWrittenP95Ms)} ms (back to back: batching p50 ${f(m.rapidQueuedP50Ms)})`,
      longTasks(m),
      `sync: setRegion p50/max ${f(m.setRegionP50Ms, 2)}/${f(m.setRegionMaxMs, 2)} ms, write p50/max ${f(m.writeSyncP50Ms, 2)}/${f(m.writeSyncMaxMs, 2)} ms`,
      `reopen ${f(m.reopenMs)} ms (first ${f(m.reopenFirstMs)}; loadDocument ${f(m.reopenLoadMs)}, its getAll alone ${f(m.reopenGetAllMs)}; fromSnapshot ${f(m.reopenLiveMs)})`,
      `whole save ${f(m.saveWholeMs)} ms, longest task > 50 ms: whole save ${f(m.saveWholeLongTaskMs, 0)} ms, reopening ${f(m.reopenLongTaskMs, 0)} ms (0 = none)`,
      `${f(m.regions, 0)} regions, ${f(m.vertices, 0)} vertices, ${f(m.bytesPerRegion, 0)} B/region`,
    ].join(', ');
  },
};
