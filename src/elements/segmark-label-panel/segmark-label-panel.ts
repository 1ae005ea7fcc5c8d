import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AnnotationDocument } from '../../core/annotation/document.js';
import { SegmarkError } from '../../core/errors.js';
import { labelsFromTemplate, nextFreeId, type Label, type LabelPatch } from '../../core/annotation/labels.js';
import type { PixelSpacing } from '../../core/annotation/metrics.js';
import type { LabelTemplate } from '../../core/annotation/templates.js';
import { LABEL_SELECT, emit } from '../events.js';
import { formatText, toLocale } from '../../core/text.js';
import { strings } from '../../text/ui.js';
import { LabelDragController } from './label-drag.js';
import { ICON, icon, renderLabelItem, type Control, type LabelItemActions, type LabelItemView } from './label-item.js';
import { LabelStats, sliceRanges } from './label-stats.js';
import { ONE_BASED, type SliceNumbering } from '../../core/dicom/view-plane.js';
import { labelPanelStyles } from './segmark-label-panel.styles.js';
import { afterNextFrame } from '../after-frame.js';
import { TemplateMenuController } from './template-menu.js';

/** Counting done before a render, so small edits show their measures at once. */
const SETTLE_IN_RENDER_MS = 3;
/** Counting done in each step after the frame. */
const SETTLE_STEP_MS = 12;

/** Label fields that only change the look; `readonly` still allows them. */
const LOOK: ReadonlySet<string> = new Set(['visible', 'opacity', 'display']);

/**
 * The labels of an annotation document, in display order, with their look,
 * per-label measurements and every label edit. Edits go through the
 * document's API, so label edits (create, rename, recolour, lock, delete,
 * reorder, template) are undo steps; look changes (visible, opacity,
 * display) are announced but, by the document's design, not undo steps.
 *
 * Keyboard: only the active label's row is in the tab order (roving
 * tabindex); ArrowUp/ArrowDown/Home/End move the active label and keep
 * focus on the same control; Alt+ArrowUp/Down moves the label itself; F2
 * renames; in the name field Enter commits and Escape cancels; Delete needs
 * a second activation to confirm (Escape or leaving the button cancels).
 * `readonly` disables every edit but keeps selection and the look controls.
 *
 * @fires sm-label-select - `CustomEvent<LabelSelectDetail>`, bubbling (not composed: it stays in the tree the
 *   panel is in), cancelable: the user picked a label (the panel sets `activeLabel` unless the event is
 *   cancelled); `<segmark-annotator>` passes it on to its host as `segmark-label-select`
 *
 * @csspart toolbar - the row with the create and template buttons
 * @csspart create - the "new label" button
 * @csspart template-button - the button opening the template menu
 * @csspart menu - the template menu
 * @csspart notice - a refused edit or a template note (role=status)
 * @csspart list - the list of labels
 * @csspart item - one label; also `active` on the active label
 * @csspart handle - the drag handle of an item
 * @csspart swatch - the colour swatch (an `<input type=color>`)
 * @csspart name - the label's name button (selects it; aria-pressed on the active one)
 * @csspart name-input - the inline rename field
 * @csspart toggle - the visible, lock and outline toggles
 * @csspart opacity - the opacity slider
 * @csspart action - the rename, move and delete buttons
 * @csspart stats - area and perimeter on `slice`, volume and slices over the series (a `<dl>`)
 * @csspart progress - the bar of verified (and rejected) slices of a label (role=progressbar)
 *
 * @cssproperty --segmark-panel-color - background of the template menu
 * @cssproperty --segmark-label-item-color - background of an item
 * @cssproperty --segmark-label-swatch-size - size of the colour swatch (18px)
 * @cssproperty --segmark-label-gap - space between items (3px)
 * @cssproperty --segmark-text-color - text
 * @cssproperty --segmark-muted-color - secondary text
 * @cssproperty --segmark-accent-color - active item border, drop marker
 * @cssproperty --segmark-danger-color - delete confirmation
 * @cssproperty --segmark-warning-color - notices
 * @cssproperty --segmark-focus-color - focus ring
 * @cssproperty --segmark-font - font family
 *
 * @tagname segmark-label-panel
 */
export class SegmarkLabelPanel extends LitElement {
  static override styles = labelPanelStyles;

  readonly #menu = new TemplateMenuController(this, (template) => this.#applyTemplate(template));
  readonly #drag = new LabelDragController(this, {
    labels: () => this.document?.labels ?? [],
    enabled: () => !!this.document && !this.readonly,
    move: (id, to) => this.#move(id, to, 'select'),
  });

  /** The annotation document whose labels are shown and edited. */
  @property({ attribute: false }) document: AnnotationDocument | undefined = undefined;
  /** The id of the active label (0: none). */
  @property({ type: Number, attribute: 'active-label', reflect: true }) activeLabel = 0;
  /** The slice (0-based, sorted order) that area and perimeter refer to. */
  @property({ type: Number }) slice = 0;
  /** The image number of each slice index, as the series' viewer numbers them (default index + 1). */
  @property({ attribute: false }) sliceNumber: SliceNumbering = ONE_BASED;
  /** DICOM PixelSpacing `[Δrow, Δcol]` in mm; without it, measurements show "–". */
  @property({ attribute: false }) pixelSpacing: PixelSpacing | undefined = undefined;
  /** Distance between slice centres in mm; without it (0), volume shows "–". */
  @property({ type: Number, attribute: 'slice-spacing' }) sliceSpacing = 0;
  /** Image columns for voxel counts (0: the document's series). */
  @property({ type: Number }) columns = 0;
  /** Image rows for voxel counts (0: the document's series). */
  @property({ type: Number }) rows = 0;
  /** Interface language: `en` or `zh-CN`. */
  @property({ reflect: true }) override lang = 'en';
  /** Disables every edit; selection and the look (visible, opacity, outline) stay available. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  @state() private editing: number | undefined;
  @state() private confirmDelete: number | undefined;
  @state() private notice = '';

  readonly #stats = new LabelStats();
  readonly #formats = new Map<string, Intl.NumberFormat>();
  #unsubscribe: (() => void) | undefined;
  #subscribed: AnnotationDocument | undefined;
  #focusNext: string[] = [];
  /** The next counting step, when one is scheduled. */
  #settling: Promise<void> | undefined;
  /**
   * The list's focus came from a pointer press (a click on a label), not the
   * keyboard: its arrows then go on to the annotator, where ↑/↓ change the
   * slice. A focus that arrives without a press (Tab, a script) clears it.
   */
  #pointerFocus = false;
  #pressing = false;
  readonly #onListPointerDown = (): void => {
    this.#pressing = true;
    this.#pointerFocus = true;
  };
  readonly #onListPointerUp = (): void => {
    this.#pressing = false;
  };
  readonly #onListFocusIn = (): void => {
    if (!this.#pressing) this.#pointerFocus = false;
  };
  readonly #actions: LabelItemActions = {
    select: (id) => this.#select(id),
    startRename: (id) => this.#startRename(id),
    commitRename: (id, value) => this.#commitRename(id, value),
    nameKey: (e, id) => this.#onNameKey(e, id),
    update: (id, patch) => this.#update(id, patch),
    move: (id, to, control) => this.#move(id, to, control),
    remove: (id) => this.#onDelete(id),
    cancelRemove: (id) => this.#cancelDelete(id),
    dragStart: (e, id) => this.#drag.start(e, id),
    dragOver: (e, id) => this.#drag.over(e, id),
    drop: (e, id) => this.#drag.drop(e, id),
    dragEnd: () => this.#drag.end(),
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#subscribe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = this.#subscribed = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('document')) {
      this.#subscribe();
      this.editing = this.confirmDelete = undefined;
    }
    const series = this.document?.series;
    this.#stats.setImageSize(this.columns || (series?.columns ?? 0), this.rows || (series?.rows ?? 0));
    // Small edits are counted at once; what does not fit is counted after the frame (#settleLater).
    if (this.document) this.#stats.settle(this.document, performance.now() + SETTLE_IN_RENDER_MS);
  }

  protected override updated(): void {
    if (this.#stats.pending) this.#settleLater();
    const selectors = this.#focusNext;
    if (selectors.length === 0) return;
    this.#focusNext = [];
    for (const selector of selectors) {
      const el = this.renderRoot.querySelector<HTMLElement>(selector);
      if (!el || (el as HTMLButtonElement).disabled) continue;
      el.focus();
      if (el instanceof HTMLInputElement && el.type === 'text') el.select();
      return;
    }
  }

  override render() {
    const t = strings(this.lang);
    const doc = this.document;
    const labels = doc?.labels ?? [];
    const tabbable = labels.some((l) => l.id === this.activeLabel) ? this.activeLabel : labels[0]?.id;
    const canEdit = !!doc && !this.readonly;
    return html`
      <div class="toolbar" part="toolbar">
        <button part="create" data-control="create" ?disabled=${!canEdit} @click=${this.#onCreate}>
          ${icon(ICON.plus)}<span>${t.labelNew}</span>
        </button>
        ${this.#menu.render(t, !canEdit)}
      </div>
      <p class="notice" part="notice" role="status">${this.notice}</p>
      ${!doc ? html`<p class="empty">${t.labelNoDocument}</p>` : labels.length === 0 ? html`<p class="empty">${t.labelNone}</p>` : nothing}
      <ul part="list" aria-label=${t.labelPanel} @keydown=${this.#onListKey} @pointerdown=${this.#onListPointerDown}
        @pointerup=${this.#onListPointerUp} @pointercancel=${this.#onListPointerUp} @focusin=${this.#onListFocusIn}>
        ${repeat(labels, (l) => l.id, (l, i) => renderLabelItem(this.#itemView(l, i, labels.length, l.id === tabbable), this.#actions, t))}
      </ul>
    `;
  }

  #itemView(l: Label, index: number, count: number, tabbable: boolean): LabelItemView {
    const doc = this.document!;
    const t = strings(this.lang);
    const spacing = validSpacing(this.pixelSpacing);
    const { summary, stale } = this.#stats.peek(l.id);
    const measured = spacing ? this.#stats.peekMeasure(doc, l.id, this.slice, spacing) : undefined;
    const measure = measured?.value;
    const volume = spacing && this.sliceSpacing > 0 ? this.#stats.volumeMl(summary, spacing, this.sliceSpacing) : undefined;
    const show = (v: number | undefined, digits: number, unit: string) => (v === undefined ? '–' : `${this.#format(v, digits)} ${unit}`);
    const at = this.#drag.dropAt;
    const drop = at?.id === l.id ? (at.after ? 'after' : 'before') : undefined;
    return {
      label: l,
      index,
      count,
      active: l.id === this.activeLabel,
      tabbable,
      readonly: this.readonly,
      renaming: this.editing === l.id,
      confirmingDelete: this.confirmDelete === l.id,
      drop,
      stats: {
        area: show(measure?.areaMm2, 1, t.labelUnitMm2),
        perimeter: show(measure?.perimeterMm, 1, t.labelUnitMm),
        volume: show(volume, 2, t.labelUnitMl),
        slices: summary.slices.length,
        ranges: sliceRanges(summary.slices, this.sliceNumber),
        stale: stale || !!measured?.stale,
      },
      progress: doc.regionCounts(l.id),
      lang: this.lang,
    };
  }

  // ── handlers ───────────────────────────────────────────────────────────

  #select(id: number, control: Control = 'select'): void {
    this.confirmDelete = undefined;
    if (!emit(this, LABEL_SELECT, { labelId: id })) return;
    this.activeLabel = id;
    this.#focusControl(id, control);
  }

  readonly #onCreate = (): void => {
    const doc = this.document;
    if (!doc || this.readonly) return;
    const t = strings(this.lang);
    let created: Label | undefined;
    this.#attempt(() => {
      created = doc.addLabel({ name: formatText(t.labelDefaultName, { id: String(nextFreeId(doc.labels)) }) });
    });
    if (created) this.#select(created.id);
  };

  #applyTemplate(template: LabelTemplate): void {
    const doc = this.document;
    if (!doc || this.readonly) return;
    const all = labelsFromTemplate(template, toLocale(this.lang));
    const free = all.filter((l) => !doc.label(l.id));
    const ok = free.length === 0 || this.#attempt(() => doc.addLabels(free, `Apply template ${template.name}`));
    if (ok && free.length < all.length) {
      this.notice = formatText(strings(this.lang).labelTemplateSkipped, { count: String(all.length - free.length) });
    }
    if (ok && free[0] && !doc.label(this.activeLabel)) this.#select(free[0].id, 'select');
  }

  #update(id: number, patch: LabelPatch): void {
    const doc = this.document;
    if (!doc || (this.readonly && !Object.keys(patch).every((k) => LOOK.has(k)))) return;
    this.#attempt(() => doc.updateLabel(id, patch));
  }

  #startRename(id: number): void {
    if (this.readonly || !this.document?.label(id)) return;
    this.editing = id;
    this.#focusNext = [`li[data-id="${id}"] .name-input`];
  }

  #onNameKey(e: KeyboardEvent, id: number): void {
    e.stopPropagation(); // arrows and Home/End edit the text, not the selection
    if (e.key === 'Enter') {
      e.preventDefault();
      this.#commitRename(id, (e.target as HTMLInputElement).value);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.editing = undefined;
      this.#focusControl(id, 'select');
    }
  }

  #commitRename(id: number, value: string): void {
    if (this.editing !== id) return; // already committed or cancelled (blur follows Enter/Escape)
    this.editing = undefined;
    const name = value.trim();
    if (name && name !== this.document?.label(id)?.name) this.#update(id, { name });
    this.#focusControl(id, 'select');
  }

  #move(id: number, toIndex: number, control: Control): void {
    const doc = this.document;
    if (!doc || this.readonly) return;
    this.#attempt(() => doc.moveLabel(id, toIndex));
    this.#focusControl(id, control);
  }

  #onDelete(id: number): void {
    const doc = this.document;
    if (!doc || this.readonly) return;
    if (this.confirmDelete !== id) {
      this.confirmDelete = id;
      return;
    }
    this.confirmDelete = undefined;
    const labels = doc.labels;
    const i = labels.findIndex((l) => l.id === id);
    const neighbour = labels[i + 1] ?? labels[i - 1];
    if (!this.#attempt(() => doc.deleteLabel(id))) return;
    if (neighbour) {
      if (this.activeLabel === id) this.#select(neighbour.id, 'delete');
      else this.#focusControl(neighbour.id, 'delete');
    } else {
      if (this.activeLabel === id) this.activeLabel = 0;
      this.#focusNext = ['[data-control="create"]'];
    }
  }

  #cancelDelete(id: number): void {
    if (this.confirmDelete === id) this.confirmDelete = undefined;
  }

  readonly #onListKey = (e: KeyboardEvent): void => {
    const target = e.composedPath()[0];
    if (target instanceof HTMLInputElement && target.type === 'range') {
      // The slider's own keys: keep them from the annotator, whose arrow keys change the slice.
      if (/^(Arrow|Page|Home|End)/.test(e.key)) e.stopPropagation();
      return;
    }
    if (!(target instanceof HTMLElement) || (target instanceof HTMLInputElement && target.type !== 'color')) return;
    if (e.key === 'Tab') this.#pointerFocus = false;
    const id = Number(target.closest<HTMLElement>('li[data-id]')?.dataset.id);
    const labels = this.document?.labels ?? [];
    const i = labels.findIndex((l) => l.id === id);
    if (i < 0) return;
    const key = e.key;
    if (key === 'F2') {
      e.preventDefault();
      this.#startRename(id);
      return;
    }
    if (key === 'Escape' && this.confirmDelete !== undefined) {
      e.preventDefault();
      this.confirmDelete = undefined;
      return;
    }
    const to = key === 'ArrowUp' ? i - 1 : key === 'ArrowDown' ? i + 1 : key === 'Home' ? 0 : key === 'End' ? labels.length - 1 : -2;
    if (to === -2) return;
    // The list takes the arrows only while it has keyboard focus (reached by Tab, or moved by its own arrows); after
    // a click on a label they go on to the annotator, where ↑/↓ change the slice. Alt+↑/↓ (move the label) is the
    // list's either way.
    if (!e.altKey && this.#pointerFocus) return;
    e.preventDefault();
    if (to < 0 || to >= labels.length || to === i) return;
    const control = (target.dataset.control ?? 'select') as Control;
    if (e.altKey && (key === 'ArrowUp' || key === 'ArrowDown')) this.#move(id, to, control);
    else this.#select(labels[to]!.id, control);
  };

  // ── helpers ────────────────────────────────────────────────────────────

  /**
   * Counts what the last edits changed in short steps after the frame that shows them (an edit's
   * own task stays short: a 10,000-vertex outline takes over 100 ms to count), re-rendering the
   * panel as each step settles. `updateComplete` waits for it.
   */
  #settleLater(): void {
    if (this.#settling) return;
    this.#settling = afterNextFrame().then(() => {
      this.#settling = undefined;
      const doc = this.document;
      if (!doc || !this.isConnected) return;
      this.#stats.settle(doc, performance.now() + SETTLE_STEP_MS);
      this.requestUpdate();
    });
  }

  protected override async getUpdateComplete(): Promise<boolean> {
    let done = await super.getUpdateComplete();
    while (this.#settling) {
      await this.#settling;
      done = await super.getUpdateComplete();
    }
    return done;
  }

  #subscribe(): void {
    if (this.#subscribed === this.document && this.#unsubscribe) return;
    this.#unsubscribe?.();
    this.#unsubscribe = this.#subscribed = undefined;
    // Changes missed while unsubscribed are unknown: start the measurements afresh.
    this.#stats.clear();
    const doc = this.document;
    if (!doc || !this.isConnected) return;
    this.#subscribed = doc;
    this.#unsubscribe = doc.subscribe((change) => {
      this.#stats.invalidate(change.labelId);
      this.requestUpdate();
    });
    this.requestUpdate();
  }

  /** Runs a document edit; a refused one (a SegmarkError) becomes a notice instead of an exception. */
  #attempt(run: () => void): boolean {
    try {
      run();
      this.notice = '';
      return true;
    } catch (error) {
      if (!(error instanceof SegmarkError)) throw error;
      const t = strings(this.lang);
      this.notice =
        error.code === 'label-limit' ? t.labelErrorLimit : error.code === 'label-locked' ? t.labelErrorLocked : t.labelErrorRefused;
      return false;
    }
  }

  /** Focuses `control` of label `id` after the next render, falling back to a sibling control when it is disabled. */
  #focusControl(id: number, control: Control): void {
    const at = (c: string) => `li[data-id="${id}"] [data-control="${c}"]`;
    const fallback = control === 'up' ? ['down'] : control === 'down' ? ['up'] : [];
    this.#focusNext = [at(control), ...fallback.map(at), at('select')];
  }

  #format(value: number, digits: number): string {
    const locale = toLocale(this.lang);
    const key = `${locale}:${digits}`;
    let format = this.#formats.get(key);
    if (!format) {
      format = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
      this.#formats.set(key, format);
    }
    return format.format(value);
  }
}

function validSpacing(spacing: PixelSpacing | undefined): PixelSpacing | undefined {
  return spacing && spacing[0] > 0 && spacing[1] > 0 && Number.isFinite(spacing[0]) && Number.isFinite(spacing[1]) ? spacing : undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-label-panel': SegmarkLabelPanel;
  }
}
