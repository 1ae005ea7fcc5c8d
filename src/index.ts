/**
 * Segmark's public surface: importing this module registers the elements.
 * Everything not exported here is internal.
 */
import './register.js';

export { SegmarkAnnotator } from './elements/segmark-annotator/segmark-annotator.js';
export { SegmarkViewport } from './elements/segmark-viewport/segmark-viewport.js';
export { SegmarkReformat } from './elements/segmark-reformat/segmark-reformat.js';
export { SegmarkLabelPanel } from './elements/segmark-label-panel/segmark-label-panel.js';
export { SegmarkSeriesList } from './elements/segmark-series-list/segmark-series-list.js';
export type { ChangeDetail, ErrorDetail, LoadDetail, ProgressDetail, SeriesSummary, SliceDetail, WindowDetail } from './elements/events.js';
export { SegmarkError, ERROR_CODES, type ErrorCode } from './core/errors.js';
export { WINDOW_PRESETS, type WindowLevel, type WindowPreset } from './core/display/window.js';
export type { LoadWarning, WarningCode } from './core/dicom/warnings.js';
