// Node side of scenarios/floor-concat.ts: one Blob read of every file, voxels compacted in place.
import { row, throughput } from '../report.mjs';

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'floor-concat',
  order: 1.5,
  title: 'floor, one read: new Blob(files).arrayBuffer() + compact in place',
  rows(m, { series }) {
    return [
      row('floor_concat.all_slices_ms', m.allMs, 'ms', null, 'lower'),
      row('floor_concat.throughput_mb_s', throughput(series.totalBytes, m.allMs), 'MB/s', null, 'higher'),
      row('floor_concat.heap_to_voxels_ratio', m.heapRatio, '×', null, 'lower'),
      row('floor_concat.cpu_ms', m.loadCpuMs, 'ms', null, 'lower'),
    ];
  },
};
