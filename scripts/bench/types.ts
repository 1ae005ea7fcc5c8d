/** What the bench page hands every scenario. Page-side only (runs in Chromium). */
export interface BenchContext {
  /** The series as File objects in file-name order, attached before any timing starts. */
  readonly files: readonly File[];
  /** An empty host (1024×768, attached) where a scenario puts its viewer. */
  readonly host: HTMLElement;
  readonly rows: number;
  readonly columns: number;
  /** Number of slice changes a render measurement steps through. */
  readonly steps: number;
  /** True in the unmeasured warm-up run (a few files, few steps). */
  readonly warmup: boolean;
  /** What the scenario's Node side `start()` passed on (e.g. a PACS's root and series); `{}` when it has none. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Records something the reader of the results should know (deduplicated). */
  note(message: string): void;
}

/** Named numbers one phase of a run produced; null when not measurable. */
export type Metrics = Record<string, number | null>;

export interface SetupResult {
  /** Set when the pipeline is not available in this tree; its rows become n/a. */
  skip?: string;
}

/**
 * One scenario, page side: `scripts/bench/scenarios/<id>.ts`. Its Node side,
 * `scripts/bench/scenarios/<id>.mjs`, turns the metrics into result rows.
 * The driver measures the heap between `setup` and `load` and right after `load`.
 */
export interface PageScenario {
  /** What a host page does before the user picks files (imports, elements, workers). Not timed. */
  setup(ctx: BenchContext): Promise<SetupResult>;
  /** The timed load; resolves when every slice is decoded and ready. Keeps what it loaded alive. */
  load(ctx: BenchContext): Promise<Metrics>;
  /** Optional interaction timings, measured after the heap. */
  afterLoad?(ctx: BenchContext): Promise<Metrics>;
}
