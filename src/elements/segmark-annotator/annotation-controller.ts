/**
 * The annotation side of the annotator: one document per opened series, its
 * derived labelmap and overlay, the annotation tools, and the bridge from the
 * document's changes to redraws and `segmark-change`. Owned by one annotator;
 * nothing is shared across elements on the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AnnotationDocument } from '../../core/annotation/document.js';
import type { AnnotationChange } from '../../core/annotation/document-data.js';
import { LabelmapSlices } from '../../core/annotation/labelmap.js';
import { REGION_OPS } from '../../core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../core/annotation/templates.js';
import { labelsFromTemplate } from '../../core/annotation/labels.js';
import type { Volume } from '../../core/dicom/volume.js';
import type { AnnotationTool, AnnotationToolId } from '../../tools/annotation-tool.js';
import { TOOL_KEYS, createTool } from '../../tools/index.js';
import { LabelOverlay } from '../../viewer/label-overlay.js';
import type { ViewportAnnotation } from '../segmark-viewport/segmark-viewport.js';

export const ANNOTATION_TOOLS: readonly AnnotationToolId[] = [
  'freehand',
  'polygon',
  'livewire',
  'edit',
  'brush',
  'eraser',
  'threshold-brush',
  'fill',
];

/** Keys that pick each tool (lower case); W, P, Z, F, A, I and 1–5 belong to viewing. */
export const ANNOTATION_TOOL_KEYS: Readonly<Record<AnnotationToolId, string>> = Object.fromEntries(
  Object.entries(TOOL_KEYS).map(([id, key]) => [id, key.toLowerCase()]),
) as Record<AnnotationToolId, string>;

export function isAnnotationTool(tool: string): tool is AnnotationToolId {
  return (ANNOTATION_TOOLS as readonly string[]).includes(tool);
}

export class AnnotationController implements ReactiveController {
  document: AnnotationDocument | undefined;
  labelmap: LabelmapSlices | undefined;
  private overlay: LabelOverlay | undefined;
  private readonly tools = new Map<AnnotationToolId, AnnotationTool>();
  /** One document per opened volume, so switching series and back keeps the work. */
  private readonly documents = new WeakMap<Volume, AnnotationDocument>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onChange: (change: AnnotationChange) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  hostConnected(): void {
    if (this.document && !this.unsubscribe) this.listen(this.document);
  }

  /** The volume's document: a fresh one, with the lumbar spine labels, the first time it is opened. */
  open(volume: Volume): AnnotationDocument {
    this.unsubscribe?.();
    const document = this.documents.get(volume) ?? new AnnotationDocument({
      series: {
        studyInstanceUID: volume.studyInstanceUID,
        seriesInstanceUID: volume.seriesInstanceUID,
        sopInstanceUIDs: volume.sopInstanceUIDs,
        rows: volume.rows,
        columns: volume.columns,
        slices: volume.slices,
      },
      ops: REGION_OPS,
      labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
    });
    this.documents.set(volume, document);
    this.document = document;
    this.labelmap = new LabelmapSlices(document, volume.columns, volume.rows, volume.slices);
    this.overlay = new LabelOverlay(document, this.labelmap);
    this.tools.clear();
    this.listen(document);
    this.host.requestUpdate();
    return document;
  }

  tool(id: AnnotationToolId): AnnotationTool {
    const tool = this.tools.get(id) ?? createTool(id);
    this.tools.set(id, tool);
    return tool;
  }

  /** What the viewport needs to draw labels and route the left button. */
  forViewport(toolId: string, activeLabel: number): ViewportAnnotation | undefined {
    if (!this.document || !this.overlay) return undefined;
    return {
      document: this.document,
      overlay: this.overlay,
      activeLabel,
      tool: isAnnotationTool(toolId) ? this.tool(toolId) : undefined,
    };
  }

  private listen(document: AnnotationDocument): void {
    this.unsubscribe = document.subscribe((change) => {
      this.labelmap?.invalidate(change.slice);
      this.onChange(change);
      this.host.requestUpdate();
    });
  }
}
