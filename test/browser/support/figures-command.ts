/**
 * A browser command that keeps a test's measured figures in Node, as JSON in
 * test-results/<name>.json under the project root, for the bench to quote
 * (e.g. the assist efficiency test's pointer-work ratio).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserCommand } from 'vitest/node';

export const FIGURES_DIR = 'test-results';

export const saveFigures: BrowserCommand<[name: string, figures: unknown]> = async (ctx, name, figures) => {
  if (!/^[\w-]+$/.test(name)) throw new Error(`figures name ${JSON.stringify(name)}: letters, digits, - and _ only`);
  const dir = join(ctx.project.config.root, FIGURES_DIR);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    saveFigures(name: string, figures: unknown): Promise<void>;
  }
}
