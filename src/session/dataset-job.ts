/**
 * Builds one nnU-Net dataset from work stored in this browser: the team
 * lead's picked documents (`store/dataset-cases.ts`), under a dataset
 * definition kept in IndexedDB by name (`store/datasets.ts`: the same name
 * keeps its id, label values and case ids across builds), written by
 * `buildDataset` into a sink (a folder, or a zip in parts).
 *
 * Each case's images come from the image cache: its first file gives the
 * patient (the split is by patient), the whole series is read and decoded
 * only when the build reaches the case, and dropped after it. A case whose
 * images are not cached is not built: the result lists it as needing its
 * files (open them once, or from the PACS, and they are cached).
 *
 * What the page provides comes in as parameters (the database, how files
 * become a volume), so the job runs the same in a test.
 */
import { SegmarkError, throwIfAborted } from '../core/errors.js';
import type { LoadSource } from '../core/dicom/sources.js';
import type { LoadLimitsInit } from '../core/dicom/limits.js';
import type { Volume } from '../core/dicom/volume.js';
import { assembleSeries, readInstances } from '../core/dicom/loader.js';
import { buildDataset, type BuildProgress, type BuildResult, type DatasetSink } from '../core/formats/dataset-build.js';
import { addCases, createDefinition, type DatasetDefinition } from '../core/formats/dataset-definition.js';
import type { SegmarkDb } from '../store/db.js';
import { listDatasetCases, type DatasetCase } from '../store/dataset-cases.js';
import { createDataset, listDatasets, loadDataset, updateDataset } from '../store/datasets.js';
import { loadDocument } from '../store/documents.js';
import { loadCachedSeries } from '../store/image-cache.js';
import { seriesKey } from '../store/schema.js';

export interface DatasetJobDeps {
  db: SegmarkDb;
  /** The host's load budgets (the annotator's `limits`): cached files are read under them as an opened series is. */
  limits?: LoadLimitsInit;
  /** Reads and decodes the series `seriesInstanceUID` from its files. */
  volume(files: readonly LoadSource[], seriesInstanceUID: string, signal: AbortSignal | undefined): Promise<Volume>;
}

export interface DatasetJobRequest {
  /** The picked documents (`DatasetCase.docId`). */
  docIds: readonly string[];
  /** The dataset's name; a stored definition of this name is built again with the same ids. */
  name: string;
  sink: DatasetSink;
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
  now?: Date;
}

export interface DatasetJobResult {
  definition: DatasetDefinition;
  build: BuildResult;
  /** Picked documents whose images are not cached here: not built. */
  needsFiles: string[];
}

export async function buildStoredDataset(deps: DatasetJobDeps, request: DatasetJobRequest): Promise<DatasetJobResult> {
  const { db } = deps;
  const { signal } = request;
  const picked = new Set(request.docIds);
  const cases = (await listDatasetCases(db)).filter((c) => picked.has(c.docId));
  const needsFiles = cases.filter((c) => !c.imagesCached).map((c) => c.docId);
  const ready: { c: DatasetCase; patientId: string }[] = [];
  for (const c of cases.filter((x) => x.imagesCached)) {
    throwIfAborted(signal);
    const patientId = await patientOf(db, c, deps.limits);
    if (patientId === undefined) needsFiles.push(c.docId);
    else ready.push({ c, patientId });
  }
  const id = await definitionFor(db, request.name, request.now);
  const definition = await updateDataset(db, id, (def) =>
    addCases(
      def,
      ready.map(({ c, patientId }) => ({
        studyInstanceUID: c.studyInstanceUID,
        seriesInstanceUID: c.seriesInstanceUID,
        patientId,
        docId: c.docId,
        labels: c.labels.filter((l) => l.code).map((l) => ({ code: l.code!, name: l.name })),
      })),
    ),
  );
  const wanted = new Set(ready.map(({ c }) => c.docId));
  const caseIds = definition.cases.filter((e) => e.docId !== undefined && wanted.has(e.docId)).map((e) => e.id);
  const build = await buildDataset(
    definition,
    async (entry, caseSignal) => {
      const docId = entry.docId!;
      const files = await loadCachedSeries(db, seriesKey(entry.studyInstanceUID, entry.seriesInstanceUID));
      const snapshot = await loadDocument(db, docId);
      if (!files || !snapshot) throw new SegmarkError('dataset-export-invalid', `the images or the document of ${entry.id} are no longer stored`);
      const volume = await deps.volume(files, entry.seriesInstanceUID, caseSignal);
      return { series: volume, snapshot, ct: (k) => volume.sliceData[k]!, user: docId.split('|').slice(2).join('|') };
    },
    request.sink,
    { cases: caseIds, blocked: 'skip', ...(request.onProgress ? { onProgress: request.onProgress } : {}), ...(signal ? { signal } : {}), ...(request.now ? { now: request.now } : {}) },
  );
  return { definition, build, needsFiles };
}

/** The PatientID of a cached series, from its first readable file; undefined when nothing is cached. */
async function patientOf(db: SegmarkDb, c: DatasetCase, limits: LoadLimitsInit | undefined): Promise<string | undefined> {
  const files = await loadCachedSeries(db, seriesKey(c.studyInstanceUID, c.seriesInstanceUID));
  if (!files?.length) return undefined;
  for (const file of files) {
    const { instances } = await readInstances([file], limits ? { limits } : {});
    const instance = instances.find((i) => i.seriesInstanceUID === c.seriesInstanceUID);
    // An empty PatientID still names one patient per study: the study stands for it.
    if (instance) return instance.patientID || `study:${c.studyInstanceUID}`;
  }
  return undefined;
}

/** The id of the stored definition named `name`, made (next free id) when there is none. */
async function definitionFor(db: SegmarkDb, name: string, now?: Date): Promise<number> {
  const stored = await listDatasets(db);
  const same = stored.find((d) => d.name === name);
  if (same && (await loadDataset(db, same.id))) return same.id;
  const id = Math.max(0, ...stored.map((d) => d.id)) + 1;
  await createDataset(db, createDefinition({ id, name }), now?.getTime());
  return id;
}

/**
 * Reads and decodes one series of `files` (the annotator passes its decoder) under the load
 * budgets `limits`; a series none of whose files passed is refused with the first file's error.
 */
export async function volumeOf(
  files: readonly LoadSource[],
  seriesInstanceUID: string,
  load: (series: ReturnType<typeof assembleSeries>[number], signal: AbortSignal | undefined) => Promise<Volume>,
  signal: AbortSignal | undefined,
  limits?: LoadLimitsInit,
): Promise<Volume> {
  const refused: SegmarkError[] = [];
  const { instances } = await readInstances(files, { ...(signal ? { signal } : {}), ...(limits ? { limits } : {}), onError: (e) => refused.push(e) });
  const series = assembleSeries(instances).find((s) => s.seriesInstanceUID === seriesInstanceUID);
  if (!series) throw refused[0] ?? new SegmarkError('dataset-export-invalid', `the cached files do not hold series ${seriesInstanceUID}`);
  return load(series, signal);
}
