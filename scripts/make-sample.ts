/**
 * Writes Segmark's synthetic lumbar spine CT series to sample-dicom/:
 * IM0001.dcm … (CT Image Storage, RLE Lossless),
 * index.json (the file list the app loads), README.md, and the ground-truth
 * disc labelmap in ground-truth/. Deterministic: running it twice gives
 * byte-identical files.
 *
 *   npm run make-sample            (= tsx scripts/make-sample.ts)
 *   npm run make-sample -- <dir>   (write elsewhere)
 */

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import {
  discGroundTruthJson,
  fileNameOf,
  Phantom,
  SAMPLE_SEED,
  SAMPLE_SLICES,
  sampleDiscLabelmap,
  sampleSliceFile,
  sampleUids,
} from './sample/index.js';
import { sampleReadme, sampleIndexJson } from './sample-readme.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'sample-dicom'));

async function main(): Promise<void> {
  const t0 = performance.now();
  mkdirSync(join(outDir, 'ground-truth'), { recursive: true });
  const phantom = new Phantom(SAMPLE_SEED);
  const uids = await sampleUids(SAMPLE_SEED);
  const names = new Set<string>();
  let bytes = 0;
  for (let k = 0; k < SAMPLE_SLICES; k++) {
    const name = fileNameOf(k);
    const file = sampleSliceFile(phantom, k, uids);
    writeFileSync(join(outDir, name), file);
    names.add(name);
    bytes += file.length;
    process.stdout.write(`\r${k + 1}/${SAMPLE_SLICES} slices`);
  }
  process.stdout.write('\n');
  // Files of an earlier run that this one did not write (e.g. fewer slices).
  for (const f of readdirSync(outDir)) if (/^IM\d+\.dcm$/.test(f) && !names.has(f)) rmSync(join(outDir, f));

  const labelmap = sampleDiscLabelmap(phantom);
  writeFileSync(join(outDir, 'ground-truth', 'discs.u8.gz'), gzipSync(labelmap, { level: 9, mtime: 0 }));
  writeFileSync(join(outDir, 'ground-truth', 'discs.json'), JSON.stringify(discGroundTruthJson(uids, labelmap), null, 2) + '\n');
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(sampleIndexJson(uids), null, 2) + '\n');
  writeFileSync(join(outDir, 'README.md'), sampleReadme());
  const seconds = (performance.now() - t0) / 1000;
  console.log(`wrote ${SAMPLE_SLICES} files (${(bytes / 1e6).toFixed(2)} MB) to ${outDir} in ${seconds.toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
