/**
 * The bench page runtime. The Node driver (scripts/bench.mjs) opens this page
 * in a fresh browser context per run and calls, in order:
 *   segmarkBench.setup(id, options) → (heap baseline) → load() → (heap) → afterLoad() → notes()
 * Scenarios are discovered from ./scenarios/*.ts (default export: a PageScenario).
 */
import type { BenchContext, Metrics, PageScenario, SetupResult } from './types';

const modules = import.meta.glob<{ default: PageScenario }>(['./scenarios/*.ts', '!./scenarios/*.d.ts']);
const byId = new Map(Object.entries(modules).map(([file, load]) => [file.replace(/^.*\/|\.ts$/g, ''), load]));

interface SetupOptions {
  rows: number;
  columns: number;
  steps: number;
  warmup: boolean;
  params: Readonly<Record<string, unknown>>;
}

let scenario: PageScenario | undefined;
let context: BenchContext | undefined;
const notes = new Set<string>();

function current(): { scenario: PageScenario; context: BenchContext } {
  if (!scenario || !context) throw new Error('segmarkBench.setup() was not called');
  return { scenario, context };
}

const api = {
  ready: true,
  ids: [...byId.keys()],
  async setup(id: string, options: SetupOptions): Promise<SetupResult> {
    const load = byId.get(id);
    if (!load) throw new Error(`no page scenario scripts/bench/scenarios/${id}.ts`);
    const input = document.querySelector<HTMLInputElement>('#files');
    const files = [...(input?.files ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (files.length === 0) throw new Error('no files attached to #files');
    const host = document.querySelector<HTMLElement>('#host');
    if (!host) throw new Error('#host missing');
    scenario = (await load()).default;
    context = { ...options, files, host, note: (m) => notes.add(m) };
    return scenario.setup(context);
  },
  async load(): Promise<Metrics> {
    const { scenario, context } = current();
    return scenario.load(context);
  },
  async afterLoad(): Promise<Metrics> {
    const { scenario, context } = current();
    return scenario.afterLoad ? scenario.afterLoad(context) : {};
  },
  notes(): string[] {
    return [...notes];
  },
};

declare global {
  interface Window {
    segmarkBench: typeof api;
  }
}

window.segmarkBench = api;
