import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ONE_BASED, type SliceNumbering } from '../../core/dicom/view-plane.js';
import type { AgreementResult, LabelAgreement } from '../../core/review/agreement.js';
import { choiceKey, type ChoiceKey, type Side } from '../../core/review/adjudicate.js';
import {
  AGREEMENT_ADJUDICATE,
  AGREEMENT_CANCEL,
  AGREEMENT_CLOSE,
  AGREEMENT_COMPARE,
  AGREEMENT_CSV,
  AGREEMENT_GOTO,
  AGREEMENT_OVERLAY,
  emit,
} from '../events.js';
import { formatText, toLocale } from '../../core/text.js';
import { agreementStrings } from '../../text/agreement.js';
import { agreementStyles } from './segmark-agreement.styles.js';

/** A stored document of the same series that can be the other side. */
export interface CompareCandidate {
  /** The user part of its key (`documentId(study, series, user)`). */
  user: string;
  /** (label, slice) regions it holds. */
  regions: number;
  updatedAt: number;
}

/** Where the other side (B) comes from: another user's stored document, or a file. */
export type CompareSource = { user: string } | { file: File };

/** The label id a (label, slice) choice is keyed by: pairs match by id, so either side's. */
export function pairId(label: LabelAgreement): number {
  return label.ids.a ?? label.ids.b!;
}

/**
 * The agreement panel: picks the other side (a stored document of the same
 * series, or a segmentation file), shows progress while the comparison runs,
 * then per label Dice, Jaccard, HD95 and volumes (in the element's `lang`),
 * the disagreeing slices worst first with jump-to, the overlay toggle with its
 * legend, the per-(label, slice) choice of a side for adjudication, and the
 * CSV download. It shows and asks; the annotator computes and applies.
 *
 * @fires sm-agreement-compare - detail `CompareSource`: compare with this
 * @fires sm-agreement-cancel - stop the comparison under way
 * @fires sm-agreement-goto - detail `{ slice, labelId }`: show this slice
 * @fires sm-agreement-overlay - detail `{ index }`: draw the agreement of `result.labels[index]` (null: none)
 * @fires sm-agreement-adjudicate - detail `{ choices }`: make the adjudicated document (A where nothing is chosen)
 * @fires sm-agreement-csv - download the table as CSV
 * @fires sm-agreement-close
 * @csspart panel - the panel box
 * @csspart source - the choice of the other side
 * @csspart progress - progress of the comparison
 * @csspart table - the per-label table
 * @csspart slices - the disagreeing slices of the selected label
 * @csspart legend - the overlay's legend
 * @csspart actions - CSV and adjudication buttons
 * @cssproperty --segmark-panel-color
 * @cssproperty --segmark-accent-color
 * @cssproperty --segmark-focus-color
 *
 * @tagname segmark-agreement
 */
export class SegmarkAgreement extends LitElement {
  static override styles = agreementStyles;

  /** Interface language: `en` or `zh-CN`. */
  @property({ reflect: true }) override lang = 'en';
  /** Name of side A (the open document). */
  @property({ attribute: 'side-a' }) sideA = '';
  /** Name of side B, once chosen. */
  @property({ attribute: 'side-b' }) sideB = '';
  /** Other stored documents of the series. */
  @property({ attribute: false }) candidates: CompareCandidate[] = [];
  /** The comparison's result, once done. */
  @property({ attribute: false }) result: AgreementResult | undefined;
  /** Labels done and in all while the comparison runs. */
  @property({ attribute: false }) progress: { done: number; total: number } | undefined;
  /** Adjudication is off (the document cannot be edited here). */
  @property({ type: Boolean }) readonly = false;
  /** The image number of each slice index, as the series' viewer numbers them (default index + 1). */
  @property({ attribute: false }) sliceNumber: SliceNumbering = ONE_BASED;
  /** A line of news for the user (e.g. the adjudication was made). */
  @property() notice = '';

  /** Index into `result.labels` of the label whose slices are listed. */
  @state() private selected = -1;
  @state() private overlayOn = false;
  @state() private choices = new Map<ChoiceKey, Side>();
  @state() private candidate = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('result')) {
      this.choices = new Map();
      const labels = this.result?.labels ?? [];
      // The label that disagrees most is where a reviewer starts.
      const worst = labels.reduce((best, l, i) => (l.status !== 'both-empty' && (best < 0 || l.slices.length > labels[best]!.slices.length) ? i : best), -1);
      this.selected = worst;
      if (!this.result) this.overlayOn = false;
    }
    if (changed.has('candidates') && !this.candidates.some((c) => c.user === this.candidate)) this.candidate = this.candidates[0]?.user ?? '';
  }

  protected override firstUpdated(): void {
    // Keyboard users land in the panel they opened.
    this.renderRoot.querySelector<HTMLElement>('.panel')?.focus();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('result')) this.emitOverlay();
  }

  override render() {
    const t = agreementStrings(this.lang);
    return html`<section class="panel" part="panel" role="dialog" aria-modal="false" aria-labelledby="title" tabindex="-1" @keydown=${this.onKeyDown}>
      <header>
        <h2 id="title">${t.title}</h2>
        <button data-action="close" aria-label=${t.close} title=${t.close} @click=${() => emit(this, AGREEMENT_CLOSE, {})}>×</button>
      </header>
      ${this.renderSource(t)}
      ${this.progress ? this.renderProgress(t, this.progress) : nothing}
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      ${this.result && !this.progress ? this.renderResult(t, this.result) : nothing}
    </section>`;
  }

  private renderSource(t: ReturnType<typeof agreementStrings>) {
    const busy = this.progress !== undefined;
    return html`<div part="source">
      <div class="row"><span class="muted">A</span> <span data-side="a">${this.sideA || t.thisDocument}</span>
        ${this.sideB ? html`<span class="muted">· B</span> <span data-side="b">${this.sideB}</span>` : nothing}</div>
      <div class="row">
        <label for="candidate" class="muted">${t.storedDocuments}</label>
        ${this.candidates.length
          ? html`<select id="candidate" .value=${this.candidate} @change=${(e: Event) => (this.candidate = (e.target as HTMLSelectElement).value)}>
                ${this.candidates.map((c) => html`<option value=${c.user} ?selected=${c.user === this.candidate}>${c.user} · ${c.regions === 1 ? t.regionsOne : formatText(t.regions, { count: String(c.regions) })}</option>`)}
              </select>
              <button data-action="compare" ?disabled=${busy || !this.candidate} @click=${() => emit(this, AGREEMENT_COMPARE, { user: this.candidate })}>${t.compare}</button>`
          : html`<span class="muted" data-empty>${t.noStored}</span>`}
      </div>
      <div class="row">
        <button data-action="file" ?disabled=${busy} title=${t.fileHint} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}>${t.file}</button>
        <input type="file" accept=".dcm,.nii,.gz,.zip,application/dicom" aria-label=${t.file} @change=${this.onFile} />
      </div>
    </div>`;
  }

  private renderProgress(t: ReturnType<typeof agreementStrings>, p: { done: number; total: number }) {
    return html`<div part="progress" role="status" aria-live="polite">
      <div class="row"><span>${t.computing} ${p.total ? formatText(t.labelsDone, { done: String(p.done), total: String(p.total) }) : ''}</span>
        <button data-action="cancel" @click=${() => emit(this, AGREEMENT_CANCEL, {})}>${t.cancel}</button></div>
      <progress max=${Math.max(1, p.total)} .value=${p.done} aria-label=${t.computing}></progress>
    </div>`;
  }

  private renderResult(t: ReturnType<typeof agreementStrings>, result: AgreementResult) {
    const f = this.formats();
    const label = result.labels[this.selected];
    // Labels neither side drew would fill the table with 1.000s; they are counted here and kept in the CSV.
    const empty = result.labels.filter((l) => l.status === 'both-empty').length;
    return html`<table part="table" aria-label=${t.table}>
        <thead><tr>
          <th scope="col">${t.label}</th><th scope="col">${t.dice}</th><th scope="col">${t.jaccard}</th><th scope="col">${t.hd95}</th>
          <th scope="col">${t.volumeA}</th><th scope="col">${t.volumeB}</th><th scope="col">${t.volumeDifference}</th><th scope="col">${t.disagreeing}</th>
        </tr></thead>
        <tbody>
          ${result.labels.map(
            (l, i) => l.status === 'both-empty' ? nothing : html`<tr class=${i === this.selected ? 'selected' : ''} data-label=${pairId(l)}>
              <th scope="row"><button class="link" aria-expanded=${i === this.selected ? 'true' : 'false'} @click=${() => this.select(i)}>${l.name}</button>
                ${l.status === 'both' ? nothing : html`<span class="muted">${t.status[l.status]}</span>`}</th>
              <td data-col="dice">${f.ratio.format(l.dice)}</td>
              <td data-col="jaccard">${f.ratio.format(l.jaccard)}</td>
              <td data-col="hd95">${l.hd95Mm === null ? t.none : f.mm.format(l.hd95Mm)}</td>
              <td data-col="volume-a">${f.ml.format(l.volumeAMl)}</td>
              <td data-col="volume-b">${f.ml.format(l.volumeBMl)}</td>
              <td data-col="volume-difference">${f.signed.format(l.volumeDifferenceMl)}</td>
              <td data-col="slices">${f.count.format(l.slices.length)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${empty ? html`<p class="muted" data-empty-labels>${empty === 1 ? t.emptyLabelsOne : formatText(t.emptyLabels, { count: String(empty) })}</p>` : nothing}
      <div class="row">
        <label><input type="checkbox" data-action="overlay" .checked=${this.overlayOn} @change=${this.onOverlay} /> ${t.overlay}</label>
        <span class="legend" part="legend">
          ${([['both', t.legendBoth], ['aOnly', t.legendA], ['bOnly', t.legendB]] as const).map(
            ([key, text]) => html`<span data-legend=${key}><span class="swatch ${key}"></span>${text}</span>`,
          )}
        </span>
      </div>
      ${label ? this.renderSlices(t, label, f) : nothing}
      <div class="actions" part="actions">
        <button data-action="csv" @click=${() => emit(this, AGREEMENT_CSV, {})}>${t.csv}</button>
        <button class="primary" data-action="adjudicate" ?disabled=${this.readonly} title=${this.readonly ? t.readonly : t.adjudicateHint}
          @click=${() => emit(this, AGREEMENT_ADJUDICATE, { choices: new Map(this.choices) })}>${t.adjudicate}</button>
      </div>`;
  }

  private renderSlices(t: ReturnType<typeof agreementStrings>, label: LabelAgreement, f: ReturnType<SegmarkAgreement['formats']>) {
    const id = pairId(label);
    return html`<div part="slices" role="group" aria-label=${formatText(t.details, { name: label.name })}>
      <div class="row">
        <h3>${formatText(t.details, { name: label.name })}</h3>
        <button data-action="all-a" ?disabled=${this.readonly || !label.slices.length} @click=${() => this.chooseAll(label, 'a')}>${t.allA}</button>
        <button data-action="all-b" ?disabled=${this.readonly || !label.slices.length} @click=${() => this.chooseAll(label, 'b')}>${t.allB}</button>
      </div>
      ${label.slices.length === 0 ? html`<p class="muted">${t.noDisagreement}</p>` : nothing}
      <ul>
        ${label.slices.map((s) => {
          const side = this.choices.get(choiceKey(id, s.slice)) ?? 'a';
          const name = `take-${id}-${s.slice}`;
          return html`<li data-slice=${s.slice}>
            <span class="where">${formatText(t.slice, { slice: String(this.sliceNumber(s.slice)) })}</span>
            <span class="muted">${formatText(t.pixels, { aOnly: f.count.format(s.aOnly), bOnly: f.count.format(s.bOnly) })}</span>
            <button data-action="goto" aria-label=${formatText(t.gotoSlice, { slice: String(this.sliceNumber(s.slice)) })} @click=${() => emit(this, AGREEMENT_GOTO, { slice: s.slice, labelId: id })}>${t.goto}</button>
            <fieldset ?disabled=${this.readonly}>
              <legend class="muted">${t.take}</legend>
              ${(['a', 'b'] as const).map(
                (v) => html`<label><input type="radio" name=${name} value=${v} .checked=${side === v} @change=${() => this.choose(id, s.slice, v)} />${v === 'a' ? t.takeA : t.takeB}</label>`,
              )}
            </fieldset>
          </li>`;
        })}
      </ul>
    </div>`;
  }

  /** The side chosen per (label, slice) so far (A where none is). */
  get chosen(): ReadonlyMap<ChoiceKey, Side> {
    return this.choices;
  }

  private formats() {
    const locale = toLocale(this.lang);
    return {
      ratio: new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }),
      mm: new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      ml: new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      signed: new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }),
      count: new Intl.NumberFormat(locale),
    };
  }

  private select(i: number): void {
    this.selected = this.selected === i ? -1 : i;
    this.emitOverlay();
  }

  private choose(labelId: number, slice: number, side: Side): void {
    const next = new Map(this.choices);
    next.set(choiceKey(labelId, slice), side);
    this.choices = next;
  }

  private chooseAll(label: LabelAgreement, side: Side): void {
    const next = new Map(this.choices);
    for (const s of label.slices) next.set(choiceKey(pairId(label), s.slice), side);
    this.choices = next;
  }

  private emitOverlay(): void {
    emit(this, AGREEMENT_OVERLAY, { index: this.overlayOn && this.selected >= 0 ? this.selected : null });
  }

  private readonly onOverlay = (e: Event): void => {
    this.overlayOn = (e.target as HTMLInputElement).checked;
    this.emitOverlay();
  };

  private readonly onFile = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) emit(this, AGREEMENT_COMPARE, { file });
  };

  /** Escape closes the panel; keys stay here, so the annotator's shortcuts do not fire while it has focus. */
  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      emit(this, AGREEMENT_CLOSE, {});
    }
    e.stopPropagation();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'segmark-agreement': SegmarkAgreement;
  }
}
