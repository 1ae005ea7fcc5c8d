/**
 * Undo/redo as a bounded stack of commands (STYLE 8). A command is a human
 * label and the deltas one user action made — one stroke is one command,
 * however many deltas it records. Deltas are data (e.g. a region before and
 * after); the owner of the state says how to apply, revert and size them, so
 * the history never holds snapshots of the whole document.
 *
 * The model changes its state first and then records the delta; the history
 * only replays: `undo` reverts the newest command's deltas newest-first,
 * `redo` applies them oldest-first. Both stop at their end (returning false)
 * and never wrap. A new command clears the redo branch.
 *
 * Memory is bounded by an estimate of bytes: when the stack outgrows
 * `maxBytes`, the oldest commands are dropped. The newest command is always
 * kept, even alone over the budget, so the last stroke can be undone.
 */
import { SegmarkError } from '../errors.js';

export interface DeltaHandler<D> {
  /** Re-does the change (redo). */
  apply(delta: D): void;
  /** Undoes the change (undo). */
  revert(delta: D): void;
  /** Estimated bytes the delta keeps alive. */
  sizeOf(delta: D): number;
}

export interface Command<D> {
  readonly label: string;
  readonly deltas: readonly D[];
  readonly bytes: number;
}

export interface HistoryOptions {
  /** Upper bound on the estimated bytes of all kept commands (default 64 MiB). */
  maxBytes?: number;
  /** Upper bound on the number of undo steps (default 1000). */
  maxSteps?: number;
}

export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_HISTORY_STEPS = 1000;

/** Fixed cost charged per command, for its arrays and label. */
const COMMAND_OVERHEAD = 64;

export class History<D> {
  readonly maxBytes: number;
  readonly maxSteps: number;
  readonly #handler: DeltaHandler<D>;
  #done: Command<D>[] = [];
  #undone: Command<D>[] = [];
  #bytes = 0;
  #open: { label: string; deltas: D[]; depth: number } | null = null;

  constructor(handler: DeltaHandler<D>, options: HistoryOptions = {}) {
    this.#handler = handler;
    this.maxBytes = options.maxBytes ?? DEFAULT_HISTORY_BYTES;
    this.maxSteps = options.maxSteps ?? DEFAULT_HISTORY_STEPS;
    if (!(this.maxBytes > 0) || !(this.maxSteps >= 1)) throw new RangeError('history bounds must be positive');
  }

  get canUndo(): boolean {
    return this.#open === null && this.#done.length > 0;
  }

  get canRedo(): boolean {
    return this.#open === null && this.#undone.length > 0;
  }

  /** The command `undo` would revert. */
  get undoCommand(): Command<D> | undefined {
    return this.#done[this.#done.length - 1];
  }

  /** The command `redo` would apply. */
  get redoCommand(): Command<D> | undefined {
    return this.#undone[this.#undone.length - 1];
  }

  /** Estimated bytes held by both stacks. */
  get bytes(): number {
    return this.#bytes;
  }

  get undoDepth(): number {
    return this.#done.length;
  }

  get redoDepth(): number {
    return this.#undone.length;
  }

  get inTransaction(): boolean {
    return this.#open !== null;
  }

  /**
   * Opens a transaction: deltas recorded until the matching `commit` become
   * one command. Nested begins join the outer transaction (its label wins).
   */
  begin(label: string): void {
    if (this.#open) this.#open.depth++;
    else this.#open = { label, deltas: [], depth: 1 };
  }

  /**
   * Records a delta whose change has already been made. Inside a transaction
   * it joins it; outside, it becomes a command of its own named `label`.
   */
  record(delta: D, label?: string): void {
    if (this.#open) {
      this.#open.deltas.push(delta);
      return;
    }
    this.#push({ label: label ?? '', deltas: [delta], bytes: COMMAND_OVERHEAD + this.#handler.sizeOf(delta) });
  }

  /**
   * Closes one level of transaction. The outermost commit pushes the command
   * and returns it (undefined when nothing was recorded, or when still nested).
   */
  commit(): Command<D> | undefined {
    const open = this.#requireOpen();
    if (--open.depth > 0) return undefined;
    this.#open = null;
    if (open.deltas.length === 0) return undefined;
    let bytes = COMMAND_OVERHEAD;
    for (const d of open.deltas) bytes += this.#handler.sizeOf(d);
    const command: Command<D> = Object.freeze({ label: open.label, deltas: Object.freeze(open.deltas), bytes });
    this.#push(command);
    return command;
  }

  /** Abandons the whole open transaction (all levels), reverting what it recorded. */
  rollback(): void {
    const open = this.#requireOpen();
    this.#open = null;
    for (let i = open.deltas.length - 1; i >= 0; i--) this.#handler.revert(open.deltas[i]!);
  }

  /** Reverts the newest command. False (and nothing happens) at the start of history. */
  undo(): boolean {
    this.#refuseInTransaction('undo');
    const command = this.#done.pop();
    if (!command) return false;
    this.#undone.push(command);
    for (let i = command.deltas.length - 1; i >= 0; i--) this.#handler.revert(command.deltas[i]!);
    return true;
  }

  /** Re-applies the newest undone command. False (and nothing happens) at the end. */
  redo(): boolean {
    this.#refuseInTransaction('redo');
    const command = this.#undone.pop();
    if (!command) return false;
    this.#done.push(command);
    for (const d of command.deltas) this.#handler.apply(d);
    return true;
  }

  /** Forgets every command (e.g. after loading another document). */
  clear(): void {
    this.#refuseInTransaction('clear');
    this.#done = [];
    this.#undone = [];
    this.#bytes = 0;
  }

  #push(command: Command<D>): void {
    for (const c of this.#undone) this.#bytes -= c.bytes;
    this.#undone = [];
    this.#done.push(command);
    this.#bytes += command.bytes;
    let drop = 0;
    let bytes = this.#bytes;
    while (this.#done.length - drop > 1 && (bytes > this.maxBytes || this.#done.length - drop > this.maxSteps)) {
      bytes -= this.#done[drop]!.bytes;
      drop++;
    }
    if (drop > 0) {
      this.#done.splice(0, drop);
      this.#bytes = bytes;
    }
  }

  #requireOpen(): { label: string; deltas: D[]; depth: number } {
    if (!this.#open) throw new SegmarkError('no-transaction', 'commit or rollback without begin');
    return this.#open;
  }

  #refuseInTransaction(what: string): void {
    if (this.#open) {
      throw new SegmarkError('transaction-open', `${what} while "${this.#open.label}" is in progress`, { params: { action: what } });
    }
  }
}
