/**
 * The annotator's Dataset panel: the stored cases (read when the panel
 * opens), and one build at a time (`session/dataset-job.ts`) with progress
 * and Cancel. From the panel the build goes to a folder the user picks
 * (File System Access, where the browser has it) or, elsewhere, to a zip in
 * 1 GiB parts downloaded one after another; a host passes its own folder
 * handle to `SegmarkAnnotator.buildDataset`.
 */
import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { toSegmarkError, SegmarkError } from '../../core/errors.js';
import type { FrameDecoder } from '../../core/dicom/pixels/decoder.js';
import { createFrameDecoder } from '../../core/dicom/decoder-pool.js';
import { loadVolume } from '../../core/dicom/loader.js';
import type { LoadLimitsInit } from '../../core/dicom/limits.js';
import { DirectorySink, ZipPartsSink, partName, type DirectoryHandleLike } from '../../core/formats/dataset-sinks.js';
import type { DatasetSink } from '../../core/formats/dataset-build.js';
import { datasetFolder, definitionFromJson, definitionToJson, type DatasetDefinition } from '../../core/formats/dataset-definition.js';
import { createDataset, listDatasets, loadDataset, type DatasetSummary } from '../../store/datasets.js';
import { buildStoredDataset, volumeOf, type DatasetJobResult } from '../../session/dataset-job.js';
import { listDatasetCases, type DatasetCase } from '../../store/dataset-cases.js';
import type { DatasetProgress } from '../segmark-dataset-panel/segmark-dataset-panel.js';
import type { AnnotationController } from './annotation-controller.js';

export interface DatasetBuildOptions {
  /** The dataset's name (a stored definition of this name keeps its ids); default 'Segmark'. */
  name?: string;
  /** The folder to write into; default: ask the user (or zip parts to download). */
  directory?: DirectoryHandleLike;
}

export class DatasetController implements ReactiveController {
  cases: DatasetCase[] = [];
  progress: DatasetProgress | undefined;
  private abort: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly annotations: AnnotationController,
    private readonly onError: (error: SegmarkError) => void,
    /** The host's load budgets: a build reads the cached files under them, as an opened series is read. */
    private readonly limits: () => LoadLimitsInit | undefined = () => undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.cancel();
  }

  /** Reads the stored cases again. */
  async refresh(): Promise<void> {
    const db = await this.annotations.storedDb();
    if (!db) return;
    try {
      this.cases = await listDatasetCases(db);
    } catch (error) {
      this.onError(toSegmarkError(error, 'storage-unavailable'));
    }
    this.host.requestUpdate();
  }

  /** Builds a dataset of the stored documents `docIds`; resolves to what was written (undefined when cancelled or failed, reported). */
  async build(docIds: readonly string[], options: DatasetBuildOptions = {}): Promise<DatasetJobResult | undefined> {
    if (this.abort) throw new SegmarkError('dataset-export-invalid', 'a dataset build is already running');
    const db = await this.annotations.storedDb();
    if (!db) throw new SegmarkError('storage-unavailable', 'building a dataset needs the browser storage');
    const abort = (this.abort = new AbortController());
    const sink = options.directory ? new DirectorySink(options.directory) : await pickSink();
    if (!sink) {
      this.abort = undefined;
      return undefined;
    }
    const decoder: FrameDecoder = createFrameDecoder();
    const limits = this.limits();
    this.progress = { done: 0, total: docIds.length };
    this.host.requestUpdate();
    try {
      return await buildStoredDataset(
        {
          db,
          ...(limits ? { limits } : {}),
          volume: (files, uid, signal) =>
            volumeOf(files, uid, async (series, s) => (await loadVolume(series, decoder, { ...(s ? { signal: s } : {}), ...(limits ? { limits } : {}) })).volume, signal, limits),
        },
        {
          docIds,
          name: options.name ?? 'Segmark',
          sink,
          signal: abort.signal,
          onProgress: (p) => {
            this.progress = { done: p.done, total: p.total };
            this.host.requestUpdate();
          },
        },
      );
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      if (e.code !== 'aborted') this.onError(e);
      if (options.directory) throw e;
      return undefined;
    } finally {
      decoder.dispose();
      this.abort = undefined;
      this.progress = undefined;
      this.host.requestUpdate();
    }
  }

  cancel(): void {
    this.abort?.abort(new SegmarkError('aborted', 'the dataset build was cancelled'));
  }

  /** The stored dataset definitions. */
  async definitions(): Promise<DatasetSummary[]> {
    return listDatasets(await this.db());
  }

  /**
   * The whole definition of dataset `id` as a JSON file, to keep with the
   * dataset or to build it again elsewhere with the same values, case ids
   * and split. It holds the key the patient pseudonyms are made with: keep it
   * as the hospital keeps the key to a study's pseudonyms.
   */
  async definitionFile(id: number): Promise<File> {
    const def = await loadDataset(await this.db(), id);
    if (!def) throw new SegmarkError('dataset-export-invalid', `no dataset ${id} in this browser`, { params: { field: 'id' } });
    return new File([definitionToJson(def)], `${datasetFolder(def)}.definition.json`, { type: 'application/json' });
  }

  /** Stores a definition from its JSON file (its id must be free here); resolves to it. */
  async importDefinition(file: Blob): Promise<DatasetDefinition> {
    const def = definitionFromJson(await file.text());
    await createDataset(await this.db(), def);
    return def;
  }

  private async db() {
    const db = await this.annotations.storedDb();
    if (!db) throw new SegmarkError('storage-unavailable', 'datasets are kept in the browser storage, which is off or refused');
    return db;
  }

  render(lang: string, build: (docIds: string[], name: string) => void) {
    return html`<segmark-dataset-panel
      .cases=${this.cases}
      .lang=${lang}
      .progress=${this.progress}
      @sm-dataset-refresh=${() => void this.refresh()}
      @sm-dataset-build=${(e: HTMLElementEventMap['sm-dataset-build']) => build(e.detail.docIds, e.detail.name)}
      @sm-dataset-cancel=${() => this.cancel()}
    ></segmark-dataset-panel>`;
  }
}

/** A folder the user picks, or zip parts downloaded one by one where the browser cannot write folders; undefined when the user declined. */
async function pickSink(): Promise<DatasetSink | undefined> {
  const picker = (globalThis as { showDirectoryPicker?: (o: { mode: 'readwrite' }) => Promise<DirectoryHandleLike> }).showDirectoryPicker;
  if (picker) {
    try {
      return new DirectorySink(await picker({ mode: 'readwrite' }));
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError') return undefined;
      throw error;
    }
  }
  return new ZipPartsSink({
    openPart: (index) => {
      const chunks: Uint8Array[] = [];
      return {
        write: (bytes) => void chunks.push(bytes),
        close: () => download(new Blob(chunks as BlobPart[], { type: 'application/zip' }), partName('dataset', index)),
      };
    },
  });
}

function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
