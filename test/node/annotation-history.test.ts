/**
 * The bounded command history (STYLE 8): undo/redo restore exactly, stop at
 * both ends without wrapping, one transaction is one step, a new command
 * clears the redo branch, and memory stays under the byte budget.
 */
import { describe, expect, it } from 'vitest';
import { History, type DeltaHandler, type HistoryOptions } from '../../src/core/annotation/history.js';

/** A toy model: cells of a string array, changed by deltas that carry before/after. */
interface CellDelta {
  index: number;
  before: string;
  after: string;
  bytes?: number;
}

function setup(options: HistoryOptions = {}) {
  const cells = ['', '', '', ''];
  const log: string[] = [];
  const handler: DeltaHandler<CellDelta> = {
    apply: (d) => {
      cells[d.index] = d.after;
      log.push(`apply ${d.index}`);
    },
    revert: (d) => {
      cells[d.index] = d.before;
      log.push(`revert ${d.index}`);
    },
    sizeOf: (d) => d.bytes ?? 100,
  };
  const history = new History(handler, options);
  /** Changes the model, then records the change — the order the document uses. */
  const edit = (index: number, value: string, label?: string, bytes?: number) => {
    const delta: CellDelta = { index, before: cells[index]!, after: value, ...(bytes === undefined ? {} : { bytes }) };
    cells[index] = value;
    history.record(delta, label ?? `set ${index}`);
  };
  return { cells, log, history, edit };
}

describe('history', () => {
  it('undo and redo restore the exact states, newest first', () => {
    const { cells, history, edit } = setup();
    edit(0, 'a');
    edit(1, 'b');
    edit(0, 'c');
    expect(cells).toEqual(['c', 'b', '', '']);
    expect(history.undoCommand?.label).toBe('set 0');
    expect(history.undo()).toBe(true);
    expect(cells).toEqual(['a', 'b', '', '']);
    expect(history.undo()).toBe(true);
    expect(cells).toEqual(['a', '', '', '']);
    expect(history.redo()).toBe(true);
    expect(cells).toEqual(['a', 'b', '', '']);
    expect(history.redo()).toBe(true);
    expect(cells).toEqual(['c', 'b', '', '']);
  });

  it('stops at both ends: undo at the start and redo at the end are no-ops returning false, never wrapping', () => {
    const { cells, history, edit, log } = setup();
    expect(history.canUndo).toBe(false);
    expect(history.undo()).toBe(false);
    edit(0, 'a');
    expect(history.undo()).toBe(true);
    expect(history.undo()).toBe(false);
    expect(history.undo()).toBe(false);
    expect(cells[0]).toBe('');
    expect(history.canUndo).toBe(false);
    expect(history.redo()).toBe(true);
    expect(history.redo()).toBe(false);
    expect(history.canRedo).toBe(false);
    expect(cells[0]).toBe('a');
    expect(log).toEqual(['revert 0', 'apply 0']);
  });

  it('a new command clears the redo branch', () => {
    const { cells, history, edit } = setup();
    edit(0, 'a');
    edit(0, 'b');
    history.undo();
    expect(history.canRedo).toBe(true);
    edit(1, 'x');
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBe(false);
    history.undo();
    history.undo();
    expect(cells).toEqual(['', '', '', '']);
  });

  it('a transaction (one stroke) is one step, reverted newest delta first', () => {
    const { cells, history, edit, log } = setup();
    history.begin('stroke');
    edit(0, 'a');
    edit(1, 'b');
    edit(0, 'c');
    expect(history.canUndo).toBe(false); // nothing to undo until the stroke ends
    const command = history.commit();
    expect(command?.label).toBe('stroke');
    expect(command?.deltas.length).toBe(3);
    expect(history.undoDepth).toBe(1);
    history.undo();
    expect(cells).toEqual(['', '', '', '']);
    expect(log).toEqual(['revert 0', 'revert 1', 'revert 0']);
    history.redo();
    expect(cells).toEqual(['c', 'b', '', '']);
  });

  it('nested transactions join the outer one; an empty transaction adds no step', () => {
    const { history, edit } = setup();
    history.begin('outer');
    history.begin('inner');
    edit(0, 'a');
    expect(history.commit()).toBeUndefined();
    edit(1, 'b');
    expect(history.commit()?.label).toBe('outer');
    expect(history.undoDepth).toBe(1);
    history.begin('nothing');
    expect(history.commit()).toBeUndefined();
    expect(history.undoDepth).toBe(1);
  });

  it('rollback reverts an open transaction and keeps the redo branch', () => {
    const { cells, history, edit } = setup();
    edit(2, 'kept');
    history.undo();
    history.begin('cancelled');
    edit(0, 'a');
    edit(1, 'b');
    history.rollback();
    expect(cells).toEqual(['', '', '', '']);
    expect(history.inTransaction).toBe(false);
    expect(history.redo()).toBe(true);
    expect(cells[2]).toBe('kept');
  });

  it('refuses undo, redo and clear inside a transaction, and commit without begin', () => {
    const { history, edit } = setup();
    edit(0, 'a');
    history.begin('stroke');
    expect(() => history.undo()).toThrow(expect.objectContaining({ code: 'transaction-open' }));
    expect(() => history.redo()).toThrow(expect.objectContaining({ code: 'transaction-open' }));
    expect(() => history.clear()).toThrow(expect.objectContaining({ code: 'transaction-open' }));
    history.commit();
    expect(() => history.commit()).toThrow(expect.objectContaining({ code: 'no-transaction' }));
    expect(() => history.rollback()).toThrow(expect.objectContaining({ code: 'no-transaction' }));
  });

  it('is bounded by estimated bytes: the oldest steps are dropped', () => {
    const { cells, history, edit } = setup({ maxBytes: 1000 });
    for (let i = 0; i < 10; i++) edit(0, `v${i}`, `step ${i}`, 200);
    expect(history.bytes).toBeLessThanOrEqual(1000);
    expect(history.undoDepth).toBe(3); // each step costs 200 + 64 overhead
    let undone = 0;
    while (history.undo()) undone++;
    expect(undone).toBe(3);
    expect(cells[0]).toBe('v6'); // the state before the oldest kept step
  });

  it('keeps the newest step even when it alone is over the budget', () => {
    const { history, edit } = setup({ maxBytes: 500 });
    edit(0, 'a', 'small', 100);
    edit(0, 'b', 'huge', 10_000);
    expect(history.undoDepth).toBe(1);
    expect(history.undoCommand?.label).toBe('huge');
    expect(history.undo()).toBe(true);
  });

  it('is bounded by step count, and accounts bytes of the dropped redo branch', () => {
    const { history, edit } = setup({ maxSteps: 2 });
    edit(0, 'a');
    edit(0, 'b');
    edit(0, 'c');
    expect(history.undoDepth).toBe(2);
    const full = history.bytes;
    history.undo();
    expect(history.bytes).toBe(full); // undone steps still count until dropped
    edit(1, 'x');
    expect(history.bytes).toBe(full); // one dropped from redo, one added
    history.clear();
    expect([history.bytes, history.canUndo, history.canRedo]).toEqual([0, false, false]);
  });

  it('rejects nonsense bounds', () => {
    expect(() => setup({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => setup({ maxSteps: 0 })).toThrow(RangeError);
  });
});
