// Node side of scenarios/floor.ts: read + copy into one Int16Array, the lower bound.
import { row, throughput } from '../report.mjs';

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'floor',
  order: 1,
  title: 'floor: File.arrayBuffer() + copy into one Int16Array',
  rows(m, { series }) {
    return [
      row('floor.all_slices_ms', m.allMs, 'ms', null, 'lower'),
      row('floor.throughput_mb_s', throughput(series.totalBytes, m.allMs), 'MB/s', null, 'higher'),
      row('floor.heap_to_voxels_ratio', m.heapRatio, '×', null, 'lower'),
      row('floor.cpu_ms', m.loadCpuMs, 'ms', null, 'lower'),
    ];
  },
};
