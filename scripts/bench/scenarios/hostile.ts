/**
 * Hostile: the inputs of the security review (issue 17) fed to one
 * <segmark-annotator>, one after another, as a user drops them or a host
 * imports them (`hostile-files.ts`): a deflate bomb, six 16384² RLE files, a
 * zip of 3 × 1 GiB zeros, sequences nested 100,000 deep; then 40 files of
 * the bench series are opened, and onto them a 1,000-segment SEG (18 MB)
 * and a 300-segment SEG are imported; last 5,000 tiny one-image series.
 *
 * - error ms: from handing an input over to the element's answer, the coded
 *   error (the slowest input counts); an input not answered in 20 s counts
 *   as 20 s and is named in the notes;
 * - unresponsive ms: the longest the main thread left a watchdog worker's
 *   message unanswered, over the whole run (`watchdog.ts`);
 * - the browser's peak memory is sampled from outside by the driver.
 */
import type { SegmarkAnnotator } from '../../../src/elements/segmark-annotator/segmark-annotator.js';
import { feedInput } from '../hostile-feed';
import { hostileInputs, type HostileInput } from '../hostile-files';
import type { BenchContext, Metrics, PageScenario, SetupResult } from '../types';
import { nextFrame } from '../util';
import { startWatchdog } from '../watchdog';

const TIMEOUT_MS = 20_000;
const CT_FILES = 40;

let annotator: SegmarkAnnotator | undefined;
let inputs: HostileInput[] = [];

async function setup(ctx: BenchContext): Promise<SetupResult> {
  await import('../../../src/index.js');
  const el = document.createElement('segmark-annotator');
  el.noAutosave = true;
  el.style.cssText = 'display:grid;width:1024px;height:768px';
  ctx.host.append(el);
  await el.updateComplete;
  annotator = el;
  // The warm-up only needs every module loaded: a few tiny files and the smaller SEG.
  const all = hostileInputs({ tiny: ctx.warmup ? 20 : 5000 });
  inputs = ctx.warmup ? all.filter((i) => i.via === 'import' || i.expect.length === 0).slice(-2) : all;
  return {};
}

async function load(ctx: BenchContext): Promise<Metrics> {
  const el = annotator;
  if (!el) throw new Error('hostile: setup() did not run');
  const dog = startWatchdog();
  const errorMs: number[] = [];
  let tinyMs: number | null = null;
  let worstUnresponsive = 0;
  let worstName = '';
  const perInput: Metrics = {};
  const feed = async (input: HostileInput): Promise<void> => {
    const r = await feedInput(el, input, TIMEOUT_MS);
    const waited = await dog.lap();
    if (waited > worstUnresponsive) [worstUnresponsive, worstName] = [waited, input.name];
    const right = input.expect.length === 0 ? r.settled && r.codes.length === 0 : r.settled && r.codes.some((c) => input.expect.includes(c));
    if (!right) ctx.note(`hostile: ${input.name}: ${r.settled ? `answered ${r.codes.join(', ') || 'no error'}` : `no answer in ${TIMEOUT_MS / 1000} s`}, expected ${input.expect.join(' or ') || 'a clean load'}`);
    const key = `${inputs.indexOf(input)}`;
    perInput[`in${key}Ms`] = r.settled ? r.ms : TIMEOUT_MS;
    perInput[`in${key}UnresponsiveMs`] = waited;
    if (input.expect.length === 0) tinyMs = r.ms;
    else errorMs.push(r.settled ? r.ms : TIMEOUT_MS);
  };
  for (const input of inputs.filter((i) => i.via === 'load' && i.expect.length > 0)) await feed(input);
  if (!ctx.warmup || inputs.some((i) => i.via === 'import')) {
    await el.loadFiles(ctx.files.slice(0, CT_FILES));
    const waited = await dog.lap();
    if (waited > worstUnresponsive) [worstUnresponsive, worstName] = [waited, `the ${CT_FILES}-slice CT`];
  }
  for (const input of inputs.filter((i) => i.via === 'import')) await feed(input);
  for (const input of inputs.filter((i) => i.expect.length === 0)) await feed(input);
  await nextFrame();
  await dog.stop();
  if (worstUnresponsive > 1000) ctx.note(`hostile: unresponsive for ${worstUnresponsive.toFixed(0)} ms during ${worstName}`);
  return {
    errorMsMax: errorMs.length ? Math.max(...errorMs) : null,
    unresponsiveMsMax: worstUnresponsive,
    tinyFilesMs: tinyMs,
    ...perInput,
  };
}

const scenario: PageScenario = { setup, load };
export default scenario;
