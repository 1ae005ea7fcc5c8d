/**
 * Chromium on a persistent profile, driven by Playwright, for the tests that
 * search the profile's files once the browser has closed (erase-profile,
 * pacs-http-cache): it opens the app with no series, hands the page some of
 * the app's modules, and at the end closes every browser it launched,
 * hard-killing what does not go.
 */
import { chromium, type BrowserContext, type Page } from 'playwright';
import { CHROMIUM, CHROMIUM_ARGS, alive, browserPid, killChromium, processTree, waitGone } from './kill-processes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ProfileBrowser {
  private readonly launched: { context: BrowserContext; pid: number }[] = [];

  constructor(
    /** The profile folder, kept across launches. */
    readonly profile: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Launches Chromium on the profile and opens the app at `appUrl` with no
   * series (so the annotator stores no document of its own); then runs
   * `module` (a module script, as the app's vite serves `/src/…`) in the page
   * and waits until it has set `window[global]` and the annotator is defined.
   */
  async open(appUrl: string, module: string, global: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await chromium.launchPersistentContext(this.profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    this.launched.push({ context, pid: browserPid(this.profile) });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${appUrl}?empty`, { timeout: this.timeoutMs });
    await page.addScriptTag({ type: 'module', content: module });
    await page.waitForFunction((name) => customElements.get('segmark-annotator') !== undefined && name in window, global, { timeout: this.timeoutMs });
    return { context, page };
  }

  /** Closes every browser it launched (again, if the test did), and SIGKILLs any of their processes left. */
  async closeAll(): Promise<void> {
    for (const c of this.launched) {
      const tree = alive(c.pid) ? processTree(c.pid) : [];
      await Promise.race([c.context.close().catch(() => {}), sleep(10_000)]);
      killChromium(await waitGone(tree, 5_000));
    }
  }
}
