/**
 * The test PACS as the browser tests see it: Orthanc started by scripts/orthanc.mjs
 * (npm test does it), reached through vite's proxy at /dicom-web. Orthanc accepts
 * only requests with this bearer token (a Lua filter); another token gets a real 403.
 */
import type { DicomWebSource } from '../../../src/dicomweb/request.js';

/** Mirrors PACS_TOKEN in scripts/orthanc.mjs. */
export const PACS_AUTH = { Authorization: 'Bearer segmark-test-token' };
export const WRONG_AUTH = { Authorization: 'Bearer expired-token' };
export const ROOT = '/dicom-web';

export const pacs = (more: Partial<DicomWebSource> = {}): DicomWebSource => ({ root: ROOT, headers: PACS_AUTH, ...more });

/** The seeded studies (scripts/orthanc.mjs). */
export const SAMPLE = {
  patientName: 'SEGMARK^SYNTHETIC',
  patientID: 'SEGMARK-SAMPLE-001',
  accession: 'SEGMARKSYN1',
  studyInstanceUID: '2.25.10582060325486869404419426934474884945',
  seriesInstanceUID: '2.25.244733986053873633128028512370691924528',
  slices: 70,
};
export const J2K = { patientName: 'TOTALSEG^ABDOMEN', patientID: 'TOTALSEG-J2K-001', slices: 20 };

/**
 * Requests in flight over time, from the browser's resource timing entries
 * (XMLHttpRequest included): the largest number whose [start, end) overlap.
 */
export function maxInFlight(entries: readonly PerformanceResourceTiming[]): number {
  const edges: [number, number][] = [];
  for (const e of entries) edges.push([e.startTime, 1], [e.responseEnd, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}
