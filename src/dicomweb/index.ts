/** The DICOMweb layer: what elements and host pages use to search a PACS, open series from it and store to it. */
export type { DicomWebSource, HeaderSource } from './request.js';
export { searchStudies, searchSeries, seriesMetadata, instanceFrames, retrieveInstance, storeInstances, type StudyQuery, type StudyResult, type SeriesResult, type StoreResult } from './client.js';
export { readDicomWebSeries, type SeriesRef } from './read-series.js';
export { findSegmentations, retrieveSegmentation, type PacsSegmentation } from './segmentations.js';
