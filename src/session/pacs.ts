/**
 * The PACS the open series came from (`loadDicomWeb`): storing the
 * annotation there as a DICOM SEG (STOW-RS), and finding and opening the
 * segmentations it already holds for the series.
 */
import { SegmarkError, toSegmarkError } from '../core/errors.js';
import type { ExportOptions } from '../core/formats/export-job.js';
import type { ImportSummary } from '../core/formats/import-apply.js';
import { storeInstances } from '../dicomweb/client.js';
import { dicomIdentity, findSegmentations, retrieveSegmentation, type PacsSegmentation } from '../dicomweb/segmentations.js';
import type { DicomWebSource } from '../dicomweb/request.js';
import type { SeriesRef } from '../dicomweb/read-series.js';
import { toolStrings } from '../text/tools.js';
import type { PacsStoreDetail } from '../elements/events.js';
import type { AnnotatorSession } from './annotator-session.js';
import type { Exchange } from './exchange.js';

export class PacsLink {
  constructor(
    private readonly session: AnnotatorSession,
    private readonly exchange: Exchange,
  ) {}

  /** Exports a DICOM SEG and stores it in the series' PACS; on failure the file waits behind a Retry button. */
  async save(options: ExportOptions = {}): Promise<PacsStoreDetail> {
    const file = await this.exchange.export('dicom-seg', options);
    return this.store(file);
  }

  /** Segmentations (DICOM SEG) of the open series stored in its PACS, newest first. */
  async segmentations(): Promise<PacsSegmentation[]> {
    try {
      const pacs = this.require();
      return await findSegmentations(pacs.source, pacs.series);
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.session.reportError(e);
      throw e;
    }
  }

  /** Imports a segmentation from the PACS onto the open series. */
  async open(seg: Pick<PacsSegmentation, 'studyInstanceUID' | 'seriesInstanceUID' | 'sopInstanceUID'>): Promise<ImportSummary> {
    let bytes: Uint8Array;
    try {
      bytes = await retrieveSegmentation(this.require().source, seg);
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.session.reportError(e);
      throw e;
    }
    return this.exchange.importMask(new File([bytes as Uint8Array<ArrayBuffer>], `${seg.sopInstanceUID}.dcm`, { type: 'application/dicom' }));
  }

  /** Lists the PACS's segmentations of the open series as notices, each with an Open button. */
  async list(): Promise<void> {
    const t = toolStrings(this.session.lang);
    const found = await this.segmentations().catch(() => undefined);
    if (!found) return;
    if (found.length === 0) this.session.notify('info', t.pacsNoSegmentations);
    for (const seg of found) {
      const when = `${seg.contentDate} ${seg.contentTime.slice(0, 6)}`.trim();
      const text = `${t.pacsSegmentation} ${seg.contentLabel || seg.seriesDescription || seg.sopInstanceUID} · ${seg.creator || '—'} · ${when} · ${seg.segments}`;
      this.session.notify('info', text, { label: t.open, run: () => void this.open(seg).catch(() => undefined) });
    }
  }

  private require(): { source: DicomWebSource; series: SeriesRef } {
    const pacs = this.session.get('pacs');
    if (!this.session.volume) throw new SegmarkError('not-loaded', 'no series is open');
    if (!pacs) throw new SegmarkError('not-from-pacs', 'the open series did not come from a PACS');
    return pacs;
  }

  private async store(file: File): Promise<PacsStoreDetail> {
    const started = performance.now();
    const t = toolStrings(this.session.lang);
    try {
      const pacs = this.require();
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { stored } = await storeInstances(pacs.source, [bytes]);
      const seg = dicomIdentity(bytes);
      const detail: PacsStoreDetail = { ...seg, sopInstanceUID: stored[0] ?? seg.sopInstanceUID, fileName: file.name, size: file.size, elapsedMs: performance.now() - started };
      this.session.clearNotices((n) => n.action?.label === t.retry);
      this.session.notify('info', `${t.savedToPacs} ${file.name}`);
      this.session.emit('segmark-pacs-store', detail);
      return detail;
    } catch (error) {
      const e = toSegmarkError(error, 'pacs-store-failed');
      this.session.reportError(e, { label: t.retry, run: () => void this.store(file).catch(() => undefined) });
      throw e;
    }
  }
}
