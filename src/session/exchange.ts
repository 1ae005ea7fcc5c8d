/**
 * Files in and out of an annotator's session: exports (through the export
 * workers, ending in a `File`), the export checklist (a gate for the host's
 * export, `export-gate.ts`), and imports of masks
 * to correct. Each reports what it did as the host expects: `segmark-export`,
 * an audit entry, notices, and `segmark-error` with a stable code when it
 * fails (rejecting too).
 */
import { SegmarkError, toSegmarkError } from '../core/errors.js';
import { exportChecklist, type ChecklistFinding } from '../core/formats/checklist.js';
import { EXPORT_FORMATS, exportSeries, needsImage, type ExportFormat, type ExportJob, type ExportOptions } from '../core/formats/export-job.js';
import { ExportRunner } from '../core/formats/export-runner.js';
import { applyImport, type ImportSummary } from '../core/formats/import-apply.js';
import { formatMessage } from '../core/messages.js';
import type { AuditEntry } from '../core/review/record.js';
import { toLocale } from '../core/text.js';
import { toolStrings } from '../text/tools.js';
import type { AnnotatorSession } from './annotator-session.js';
import { checkAcceptance, ExportBlockedError, splitBlocking, type ExportAcceptance } from './export-gate.js';

/** Throws `bad-argument` for a format no export makes. */
function checkFormat(format: string): void {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new SegmarkError('bad-argument', `unknown export format ${String(format)}`, { params: { argument: `format ${String(format)}` } });
  }
}

export class Exchange {
  /** This annotator's export workers, kept between exports and ended with `dispose`. */
  readonly runner = new ExportRunner();

  constructor(
    private readonly session: AnnotatorSession,
    /** Abandons the gesture of the tool in hand before the document changes. */
    private readonly cancelTool: () => void,
  ) {}

  dispose(): void {
    this.runner.dispose();
  }

  /** Starts the workers (the export dialog opens: they warm up while the user reads the checklist). */
  warm(): void {
    this.runner.warm();
  }

  /** What the checklist says for a choice. */
  checklist(format: ExportFormat, options: ExportOptions = {}): ChecklistFinding[] {
    const { volume, document } = this.session;
    if (!volume || !document) return [];
    return exportChecklist({ format, options, series: volume, snapshot: document.snapshot() });
  }

  /**
   * The host's `export()`: the checklist first, as the dialog shows it.
   * Blocking findings the caller does not accept (`acceptFindings`, by code
   * or `code:labelId`) reject with `export-blocked`, an `ExportBlockedError`
   * listing them, before any work; the accepted ones are recorded as
   * overridden in `segmark-export`.
   */
  async exportChecked(format: ExportFormat, options: ExportOptions & ExportAcceptance = {}): Promise<File> {
    const { acceptFindings, ...formatOptions } = options;
    let accepted: readonly string[];
    try {
      checkFormat(format);
      accepted = checkAcceptance(acceptFindings);
      this.session.requireOpen();
      const { refused } = splitBlocking(this.checklist(format, formatOptions), accepted);
      if (refused.length) throw new ExportBlockedError(refused);
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      this.session.reportError(e);
      throw e;
    }
    return this.export(format, formatOptions, accepted);
  }

  /**
   * Makes the export file. `overridden` names the blocking checklist findings
   * the user chose to export anyway (codes, or keys `code:labelId`); the
   * findings it names are recorded in `segmark-export`. The export dialog,
   * which shows the checklist, and Save to PACS call this directly.
   */
  async export(format: ExportFormat, options: ExportOptions = {}, overridden: readonly string[] = []): Promise<File> {
    const { session } = this;
    const v = session.volume;
    const document = session.document;
    const started = performance.now();
    try {
      checkFormat(format);
      session.requireOpen();
      const overriddenFindings = overridden.length ? splitBlocking(this.checklist(format, options), overridden).accepted : [];
      if (needsImage({ format, options }) && v!.loaded.includes(0)) throw new SegmarkError('still-loading', 'the series is still loading');
      const job: ExportJob = {
        format,
        options,
        series: exportSeries(v!),
        snapshot: { ...document!.snapshot(), review: session.review.snapshot() },
        user: session.user,
        role: session.setting('role'),
      };
      const file = await this.runner.run(job, v!.sliceData);
      session.emit('segmark-export', {
        format,
        fileName: file.name,
        size: file.size,
        elapsedMs: performance.now() - started,
        overridden: [...new Set(overriddenFindings.map((f) => f.code))],
        overriddenFindings,
      });
      if (session.writable) this.log({ action: 'export', format });
      return file;
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      session.reportError(e);
      throw e;
    }
  }

  /**
   * Imports a segmentation onto the open series as one undo step, read and
   * traced in a worker; the outlines arrive unverified.
   */
  async importMask(file: Blob): Promise<ImportSummary> {
    const { session } = this;
    const v = session.volume;
    const document = session.document;
    const name = file instanceof File ? file.name : 'segmentation';
    try {
      session.requireEditable();
      const imported = await this.runner.readMask(new Uint8Array(await file.arrayBuffer()), v!, name);
      if (session.volume !== v || session.document !== document) throw new SegmarkError('aborted', 'another series was opened while the file was read');
      session.requireEditable();
      this.cancelTool();
      const summary = applyImport(document!, imported, { historyLabel: `Import ${name}`, file: name });
      const locale = toLocale(session.lang);
      for (const w of imported.warnings) session.notify('warning', formatMessage(w.code, { ...w.params, file: name }, locale));
      const t = toolStrings(session.lang);
      session.notify('info', `${t.imported} ${summary.labels.map((l) => `${l.name} (${l.slices})`).join(', ') || '—'}`);
      this.log({ action: 'import', file: name });
      return summary;
    } catch (error) {
      const e = toSegmarkError(error, 'internal');
      session.reportError(e.file ? e : new SegmarkError(e.code, e.message, { file: name, params: e.params, cause: e }));
      throw e;
    }
  }

  /** Records an import, export or restore in the audit trail. */
  log(entry: Pick<AuditEntry, 'action' | 'file' | 'format' | 'revision'>): void {
    this.session.review.log(this.session.actor, entry);
  }
}
