/**
 * Writes Segmark's synthetic lumbar spine CT series to sample-dicom/:
 * IM0001.dcm … (CT Image Storage, RLE Lossless),
 * index.json (the file list the app loads), README.md, and the ground-truth
 * disc labelmap in ground-truth/. Deterministic: running it twice gives
 * byte-identical files.
 *
 *   npm run make-sample            (= tsx scripts/make-sample.ts)
 *   npm run make-sample -- <dir>   (write elsewhere)
 *
 * Or a small irregular series (`sample/irregular.ts`, 96 × 96, 24 slices),
 * never committed, for trying the resampled NIfTI export:
 *
 *   npm run make-sample -- --tilt 18.5 <dir>   (GantryDetectorTilt 18.5°; negative tilts the other way)
 *   npm run make-sample -- --uneven <dir>      (4 mm steps, then 7 mm)
 */

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { irregularSeries, type IrregularOptions } from './sample/irregular.js';
import { sampleReadme, sampleIndexJson } from './sample-readme.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const irregular: IrregularOptions | undefined =
  args[0] === '--tilt' ? { kind: 'tilt', tiltDeg: Number(args.splice(0, 2)[1]) } : args[0] === '--uneven' ? (args.shift(), { kind: 'uneven' }) : undefined;
// An irregular series goes to a temporary folder unless told: it is for trying out, not for the repository.
const outDir = resolve(args[0] ?? (irregular ? join(tmpdir(), `segmark-${irregular.kind}`) : join(root, 'sample-dicom')));

async function writeIrregular(options: IrregularOptions): Promise<void> {
  if (options.kind === 'tilt' && !Number.isFinite(options.tiltDeg)) throw new Error('--tilt needs an angle in degrees, e.g. --tilt 18.5');
  mkdirSync(outDir, { recursive: true });
  const series = await irregularSeries(options);
  for (const f of series.files) writeFileSync(join(outDir, f.name), f.bytes);
  console.log(`wrote ${series.files.length} ${options.kind === 'tilt' ? `${options.tiltDeg}° tilted` : 'unevenly spaced'} slices to ${outDir}`);
}

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

(irregular ? writeIrregular(irregular) : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
