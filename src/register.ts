/** Registers every Segmark element. Importing it twice (or two copies of Segmark) is harmless. */
import { define } from './elements/define.js';
import { SegmarkLabelPanel } from './elements/segmark-label-panel/segmark-label-panel.js';
import { SegmarkAnnotator } from './elements/segmark-annotator/segmark-annotator.js';
import { SegmarkReformat } from './elements/segmark-reformat/segmark-reformat.js';
import { SegmarkSurfaceView } from './elements/segmark-surface-view/segmark-surface-view.js';
import { SegmarkSeriesList } from './elements/segmark-series-list/segmark-series-list.js';
import { SegmarkViewport } from './elements/segmark-viewport/segmark-viewport.js';
import { SegmarkWorkPanel } from './elements/segmark-work-panel/segmark-work-panel.js';
import { SegmarkDatasetPanel } from './elements/segmark-dataset-panel/segmark-dataset-panel.js';
import { SegmarkExportDialog } from './elements/segmark-export-dialog/segmark-export-dialog.js';
import { SegmarkStudyBrowser } from './elements/segmark-study-browser/segmark-study-browser.js';
import { SegmarkReviewPanel } from './elements/segmark-review-panel/segmark-review-panel.js';
import { SegmarkComments } from './elements/segmark-comments/segmark-comments.js';
import { SegmarkAgreement } from './elements/segmark-agreement/segmark-agreement.js';

define('segmark-viewport', SegmarkViewport);
define('segmark-reformat', SegmarkReformat);
define('segmark-surface-view', SegmarkSurfaceView);
define('segmark-series-list', SegmarkSeriesList);
define('segmark-label-panel', SegmarkLabelPanel);
define('segmark-work-panel', SegmarkWorkPanel);
define('segmark-dataset-panel', SegmarkDatasetPanel);
define('segmark-export-dialog', SegmarkExportDialog);
define('segmark-agreement', SegmarkAgreement);
define('segmark-annotator', SegmarkAnnotator);
define('segmark-study-browser', SegmarkStudyBrowser);
define('segmark-review-panel', SegmarkReviewPanel);
define('segmark-comments', SegmarkComments);
