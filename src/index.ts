/**
 * Segmark's public surface: importing this module registers the elements.
 * Everything not exported here is internal.
 */
import './register.js';

export { SegmarkAnnotator } from './elements/segmark-annotator/segmark-annotator.js';
export { SegmarkViewport } from './elements/segmark-viewport/segmark-viewport.js';
export { SegmarkReformat } from './elements/segmark-reformat/segmark-reformat.js';
export { SegmarkSurfaceView, type SurfaceSummary, type ViewDirection } from './elements/segmark-surface-view/segmark-surface-view.js';
export { SegmarkLabelPanel } from './elements/segmark-label-panel/segmark-label-panel.js';
export { SegmarkSeriesList } from './elements/segmark-series-list/segmark-series-list.js';
export { SegmarkWorkPanel } from './elements/segmark-work-panel/segmark-work-panel.js';
export { SegmarkDatasetPanel } from './elements/segmark-dataset-panel/segmark-dataset-panel.js';
export { SegmarkExportDialog } from './elements/segmark-export-dialog/segmark-export-dialog.js';
export { SegmarkStudyBrowser } from './elements/segmark-study-browser/segmark-study-browser.js';
export { SegmarkReviewPanel } from './elements/segmark-review-panel/segmark-review-panel.js';
export { SegmarkComments } from './elements/segmark-comments/segmark-comments.js';
export { SegmarkAgreement } from './elements/segmark-agreement/segmark-agreement.js';
export type { DicomWebSource, HeaderSource, StudyQuery, StudyResult, SeriesResult, PacsSegmentation } from './dicomweb/index.js';
export type {
  ChangeDetail,
  ErrorDetail,
  ExportDetail,
  LabelSelectDetail,
  LoadDetail,
  OpenSeriesDetail,
  PacsStoreDetail,
  ProgressDetail,
  SaveDetail,
  SeriesSummary,
  SliceDetail,
  StatusDetail,
  WindowDetail,
} from './elements/events.js';
export type { ReviewStatus } from './core/review/workflow.js';
export { ExportBlockedError, type ExportAcceptance } from './session/export-gate.js';
export type { DatasetCase } from './store/dataset-cases.js';
export type { DatasetJobResult } from './session/dataset-job.js';
export type { DatasetBuildOptions } from './elements/segmark-annotator/dataset.js';
export type { ReviewQueueEntry } from './elements/segmark-annotator/work.js';
export type { ReviewRecord, AuditEntry } from './core/review/record.js';
export type { CommentThread, CommentReply, NewComment } from './core/review/comments.js';
export type { DocumentSnapshot } from './core/annotation/document-data.js';
export type { AgreementDetail, AdjudicateDetail } from './elements/events.js';
export type { AgreementResult, LabelAgreement, SliceDisagreement } from './core/review/agreement.js';
export type { ChoiceKey, Side } from './core/review/adjudicate.js';
export { EXPORT_FORMATS, type ExportFormat, type ExportOptions } from './core/formats/export-job.js';
export type { ChecklistFinding, ChecklistCode } from './core/formats/checklist.js';
export type { ImportSummary } from './core/formats/import-apply.js';
export { SegmarkError, ERROR_CODES, type ErrorCode } from './core/errors.js';
export { WINDOW_PRESETS, type WindowLevel, type WindowPreset } from './core/display/window.js';
export type { LoadWarning, WarningCode } from './core/dicom/warnings.js';
export { DEFAULT_LOAD_LIMITS, type LoadLimits, type LoadLimitsInit } from './core/dicom/limits.js';
