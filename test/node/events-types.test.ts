/**
 * The event map (src/elements/events.ts): listeners get each event's detail
 * type without a cast, `emit` refuses a wrong detail, and `emit` fires every
 * event with the flags of the written rule. The type checks are checked by
 * `tsc -p .`, which covers test/ (a wrong type fails `npm test`).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as events from '../../src/elements/events.js';
import {
  EVENTS,
  PUBLIC_EVENTS,
  SEGMARK_CHANGE,
  SEGMARK_LABEL_SELECT,
  SEGMARK_LOAD,
  SEGMARK_SAVE,
  VIEWPORT_CROSSHAIR,
  VIEWPORT_SLICE,
  LABEL_SELECT,
  emit,
  type AdjudicateDetail,
  type AgreementDetail,
  type ChangeDetail,
  type ConflictDetail,
  type ErrorDetail,
  type EventDetail,
  type EventName,
  type ExportDetail,
  type LabelSelectDetail,
  type LoadDetail,
  type OpenSeriesDetail,
  type PacsStoreDetail,
  type ProgressDetail,
  type PublicEventName,
  type SaveDetail,
  type SliceDetail,
  type StatusDetail,
  type WindowDetail,
} from '../../src/elements/events.js';
import type { ErrorCode } from '../../src/core/errors.js';
import type { ViewPlane } from '../../src/core/dicom/view-plane.js';

/** The detail each public event carries, as the README documents it. */
interface PublicDetails {
  'segmark-load': LoadDetail;
  'segmark-error': ErrorDetail;
  'segmark-progress': ProgressDetail;
  'segmark-slice': SliceDetail;
  'segmark-window': WindowDetail;
  'segmark-change': ChangeDetail;
  'segmark-save': SaveDetail;
  'segmark-export': ExportDetail;
  'segmark-pacs-store': PacsStoreDetail;
  'segmark-open-series': OpenSeriesDetail;
  'segmark-status': StatusDetail;
  'segmark-label-select': LabelSelectDetail;
  'segmark-agreement': AgreementDetail;
  'segmark-adjudicate': AdjudicateDetail;
  'segmark-conflict': ConflictDetail;
}

// Never called: these functions exist for the type checker (Node has no HTMLElement).
function listeners(el: HTMLElement): void {
  el.addEventListener('segmark-change', (e) => {
    expectTypeOf(e).toEqualTypeOf<CustomEvent<ChangeDetail>>();
    expectTypeOf(e.detail.labelId).toEqualTypeOf<number>();
    expectTypeOf(e.detail.slice).toEqualTypeOf<number | null>();
    expectTypeOf(e.detail.revision).toEqualTypeOf<number>();
    expectTypeOf(e.detail.changed).toEqualTypeOf<{ labelId: number; slice: number | null }[]>();
  });
  el.addEventListener('segmark-conflict', (e) => expectTypeOf(e.detail.current).toEqualTypeOf<number>());
  el.addEventListener('segmark-load', (e) => expectTypeOf(e.detail.series.sopInstanceUIDs).toEqualTypeOf<string[]>());
  el.addEventListener('segmark-error', (e) => expectTypeOf(e.detail.code).toEqualTypeOf<ErrorCode>());
  el.addEventListener('segmark-progress', (e) => expectTypeOf(e.detail.phase).toEqualTypeOf<'read' | 'decode'>());
  el.addEventListener('segmark-slice', (e) => expectTypeOf(e.detail.location).toEqualTypeOf<number>());
  el.addEventListener('segmark-window', (e) => expectTypeOf(e.detail.center).toEqualTypeOf<number>());
  el.addEventListener('segmark-save', (e) => expectTypeOf(e.detail.time).toEqualTypeOf<number>());
  el.addEventListener('segmark-export', (e) => expectTypeOf(e.detail.overridden).toEqualTypeOf<string[]>());
  el.addEventListener('segmark-pacs-store', (e) => expectTypeOf(e.detail.sopInstanceUID).toEqualTypeOf<string>());
  el.addEventListener('segmark-open-series', (e) => expectTypeOf(e.detail.seriesInstanceUID).toEqualTypeOf<string>());
  el.addEventListener('segmark-status', (e) => expectTypeOf(e.detail.note).toEqualTypeOf<string | undefined>());
  el.addEventListener('segmark-label-select', (e) => expectTypeOf(e.detail.labelId).toEqualTypeOf<number>());
  el.addEventListener('segmark-agreement', (e) => expectTypeOf(e.detail.sideB).toEqualTypeOf<string>());
  el.addEventListener('segmark-adjudicate', (e) => expectTypeOf(e.detail.revision).toEqualTypeOf<number | undefined>());
  // By constant too, and on the document (public events bubble there).
  el.addEventListener(SEGMARK_LABEL_SELECT, (e) => expectTypeOf(e.detail).toEqualTypeOf<LabelSelectDetail>());
  document.addEventListener('segmark-error', (e) => expectTypeOf(e.detail.message).toEqualTypeOf<string>());
  // Internal events, as a parent element's handlers take them.
  el.addEventListener(VIEWPORT_SLICE, (e) => expectTypeOf(e.detail).toEqualTypeOf<{ slice?: number; delta?: number; plane?: ViewPlane }>());
  const onCrosshair = (e: HTMLElementEventMap['sm-viewport-crosshair']) => expectTypeOf(e.detail.column).toEqualTypeOf<number>();
  el.addEventListener(VIEWPORT_CROSSHAIR, onCrosshair);
}

function wrongDetails(el: HTMLElement): void {
  emit(el, SEGMARK_CHANGE, { labelId: 1, slice: null, kind: 'draw', revision: 1, changed: [{ labelId: 1, slice: null }] });
  // @ts-expect-error labelId is a number
  emit(el, SEGMARK_CHANGE, { labelId: '1', slice: 0, kind: 'draw', revision: 1, changed: [] });
  // @ts-expect-error kind is one of ChangeDetail's
  emit(el, SEGMARK_CHANGE, { labelId: 1, slice: 0, kind: 'paint', revision: 1, changed: [] });
  // @ts-expect-error the revision is part of every change
  emit(el, SEGMARK_CHANGE, { labelId: 1, slice: 0, kind: 'draw', changed: [] });
  // @ts-expect-error the detail of segmark-save needs its time
  emit(el, SEGMARK_SAVE, {});
  // @ts-expect-error another event's detail
  emit(el, SEGMARK_LOAD, { labelId: 1 });
  // @ts-expect-error a name that is not in the map
  emit(el, 'segmark-nothing', {});
  // @ts-expect-error internal details are checked too
  emit(el, VIEWPORT_CROSSHAIR, { column: 1 });
}

describe('event map types', () => {
  it('every public event is in HTMLElementEventMap (and DocumentEventMap) with its documented detail', () => {
    expectTypeOf<PublicEventName>().toEqualTypeOf<keyof PublicDetails>();
    expectTypeOf<{ [K in PublicEventName]: HTMLElementEventMap[K] }>().toEqualTypeOf<{ [K in keyof PublicDetails]: CustomEvent<PublicDetails[K]> }>();
    expectTypeOf<{ [K in PublicEventName]: DocumentEventMap[K] }>().toEqualTypeOf<{ [K in keyof PublicDetails]: CustomEvent<PublicDetails[K]> }>();
    expectTypeOf<{ [K in EventName]: HTMLElementEventMap[K] }>().toEqualTypeOf<{ [K in EventName]: CustomEvent<EventDetail<K>> }>();
    expectTypeOf(listeners).toBeFunction();
    expectTypeOf(wrongDetails).toBeFunction();
  });
});

describe('emit follows the written rule', () => {
  /** What reaches a listener on the target when `type` is emitted there. */
  function fire<K extends EventName>(type: K, detail: EventDetail<K>, cancel = false): { event: CustomEvent; result: boolean } {
    const target = new EventTarget();
    let event: CustomEvent | undefined;
    target.addEventListener(type, (e) => {
      event = e as CustomEvent;
      if (cancel) e.preventDefault();
    });
    const result = emit(target, type, detail);
    return { event: event!, result };
  }

  it('public segmark-* events bubble and are composed, with the detail given', () => {
    const detail = { labelId: 2, slice: 5, kind: 'draw', revision: 3, changed: [{ labelId: 2, slice: 5 }] } as const satisfies ChangeDetail;
    const { event, result } = fire(SEGMARK_CHANGE, { ...detail, changed: [...detail.changed] });
    expect([event.type, event.bubbles, event.composed, event.cancelable, result]).toEqual(['segmark-change', true, true, false, true]);
    expect(event.detail).toEqual(detail);
  });

  it('internal sm-* events bubble but are never composed (they stay in their shadow root)', () => {
    for (const type of Object.keys(EVENTS) as EventName[]) {
      if (!type.startsWith('sm-')) continue;
      const { event } = fire(type, {} as never);
      expect([type, event.bubbles, event.composed]).toEqual([type, true, false]);
    }
  });

  it('a cancelled cancelable event makes emit return false; others cannot be cancelled', () => {
    expect(fire(SEGMARK_LABEL_SELECT, { labelId: 3 }, true).result).toBe(false);
    expect(fire(LABEL_SELECT, { labelId: 3 }, true).result).toBe(false);
    expect(fire(SEGMARK_LABEL_SELECT, { labelId: 3 }).result).toBe(true);
    expect(fire(SEGMARK_SAVE, { time: 1 }, true).result).toBe(true);
  });

  it('every name is public (segmark-*) or internal (sm-*), has an exported constant, and every constant is in the map', () => {
    const names: string[] = Object.keys(EVENTS);
    expect(names.filter((n) => !/^(segmark|sm)-[a-z]+(-[a-z]+)*$/.test(n))).toEqual([]);
    const constants = Object.values(events as Record<string, unknown>).filter((v): v is string => typeof v === 'string');
    expect(constants.filter((c) => !names.includes(c))).toEqual([]);
    expect(names.filter((n) => !constants.includes(n))).toEqual([]);
    expect([...PUBLIC_EVENTS].sort()).toEqual(names.filter((n) => n.startsWith('segmark-')).sort());
  });
});
