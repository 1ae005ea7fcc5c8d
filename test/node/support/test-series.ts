/** The series identity and shapes the annotation tests draw on. */
import type { Region } from '../../../src/core/annotation/region.js';

/** Series 1.2.3.4 of study 1.2.3: `slices` slices of `size` × `size` pixels, SOP Instance UIDs 1.2.3.4.1 …. */
export function testSeries(slices: number, size: number) {
  return {
    studyInstanceUID: '1.2.3',
    seriesInstanceUID: '1.2.3.4',
    sopInstanceUIDs: Array.from({ length: slices }, (_, k) => `1.2.3.4.${k + 1}`),
    rows: size,
    columns: size,
    slices,
  };
}

/** The square with corner (x, y) and side `size`, in pixels. */
export function square(x: number, y: number, size: number): Region {
  return { rings: [[x, y, x + size, y, x + size, y + size, x, y + size]] };
}
