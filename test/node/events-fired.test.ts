/**
 * Every public event in the map (src/elements/events.ts) is fired by some
 * browser test: a test under test/browser/ listens for it, by its name or
 * its constant, and records or awaits it (the assertions on what it carried
 * are that test's). A public event added to the map without such a test
 * fails here, named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as events from '../../src/elements/events.js';
import { PUBLIC_EVENTS } from '../../src/elements/events.js';

const BROWSER_TESTS = join(import.meta.dirname, '..', 'browser');

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => ({ file: join(d.parentPath, d.name), text: readFileSync(join(d.parentPath, d.name), 'utf8') }));
}

/** The arguments of the call whose `(` is at `open`, as source text, split at top-level commas. */
function callArguments(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
    } else if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

/** Every call of `name(` in the text, with its arguments. */
function calls(text: string, name: string): string[][] {
  const out: string[][] = [];
  for (const m of text.matchAll(new RegExp(`\\b${name}\\s*(?:<[^()]*>)?\\(`, 'g'))) out.push(callArguments(text, m.index + m[0].length - 1));
  return out;
}

/** A handler that records or awaits the event (not one that only cancels it). */
function records(handler: string | undefined): boolean {
  if (!handler) return false;
  const body = handler.replace(/\s+/g, ' ');
  return !/^\(?\w*\)? => \w+\.preventDefault\(\)$/.test(body);
}

/**
 * Local helpers that listen for the event type they are given, e.g.
 * `function next(a, type) { return new Promise((resolve) => a.addEventListener(type, resolve, …)) }`:
 * name → index of the type parameter.
 */
function listeningHelpers(text: string): Map<string, number> {
  const helpers = new Map<string, number>();
  for (const m of text.matchAll(/^(?:export )?function\s+(\w+)\s*(?:<[^\n]*?>)?\(([^)]*)\)[^\n]*\{\n([\s\S]*?)\n\}/gm)) {
    const params = m[2]!.split(',').map((p) => p.split(':')[0]!.trim());
    for (const [, args] of calls(m[3]!, 'addEventListener').entries()) {
      const index = params.indexOf(args[0] ?? '');
      if (index >= 0 && records(args[1])) helpers.set(m[1]!, index);
    }
  }
  return helpers;
}

/** The ways a test may name an event: its string, or the constant exported for it. */
function spellings(name: string): string[] {
  const constants = Object.entries(events as Record<string, unknown>)
    .filter(([, value]) => value === name)
    .map(([key]) => key);
  return [`'${name}'`, `"${name}"`, ...constants];
}

/** Public events no browser test listens for (with a handler that records or awaits them). */
function unfired(): string[] {
  const files = sources(BROWSER_TESTS);
  const heard = new Set<string>();
  for (const { text } of files) {
    const names = (arg: string | undefined) => PUBLIC_EVENTS.filter((n) => spellings(n).includes(arg ?? ''));
    for (const args of calls(text, 'addEventListener')) if (records(args[1])) names(args[0]).forEach((n) => heard.add(n));
    for (const [helper, index] of listeningHelpers(text)) for (const args of calls(text, helper)) names(args[index]).forEach((n) => heard.add(n));
  }
  return PUBLIC_EVENTS.filter((n) => !heard.has(n));
}

describe('every public event is fired by a browser test', () => {
  it('the map has public events, and the browser tests are where they are looked for', () => {
    expect(PUBLIC_EVENTS.length).toBeGreaterThanOrEqual(14);
    expect(sources(BROWSER_TESTS).length).toBeGreaterThan(10);
  });

  it('the finder sees direct listeners and listening helpers, and not a listener that only cancels', () => {
    const text = [
      "a.addEventListener('segmark-load', (e) => loads.push(e.detail));",
      "a.addEventListener(SEGMARK_LABEL_SELECT, (e) => e.preventDefault(), { once: true });",
      'function next<K extends keyof HTMLElementEventMap>(a: SegmarkAnnotator, type: K): Promise<HTMLElementEventMap[K]> {',
      '  return new Promise((resolve) => a.addEventListener(type, resolve, { once: true }));',
      '}',
      "const done = next(a, 'segmark-agreement');",
    ].join('\n');
    expect(calls(text, 'addEventListener').map((args) => [args[0], records(args[1])])).toEqual([
      ["'segmark-load'", true],
      ['SEGMARK_LABEL_SELECT', false],
      ['type', true],
    ]);
    expect([...listeningHelpers(text)]).toEqual([['next', 1]]);
  });

  it('no public event in the map goes unheard', () => {
    expect(unfired()).toEqual([]);
  });
});
