/**
 * Keys the annotator must hear wherever the focus is:
 *
 * - Keys pressed while the page itself has focus (the body, as after the page
 *   loads, or after a click on the host page outside any control) reach one
 *   annotator — the one the user last worked in, else the first on the page —
 *   as if pressed on its image, so the slice and review keys work before the
 *   first click inside. Keys with Ctrl or Meta stay the browser's (find, save
 *   page), and a key the page handled itself (preventDefault) stays the page's.
 * - Escape closes the shortcut sheet while the focus is outside it (on the
 *   image, say); the sheet's own handler sees only keys inside it.
 */

/** What of the annotator the routing uses. */
export interface KeyHost extends HTMLElement {
  sheetOpen: boolean;
  toggleShortcuts(open?: boolean): void;
}

const hosts: KeyHost[] = [];
let last: KeyHost | undefined;

/** A key on the body, handed to the chosen annotator as a key pressed on it. */
function onDocumentKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey) return;
  const doc = globalThis.document;
  if (e.target !== doc.body && e.target !== doc.documentElement && e.target !== doc) return;
  const to = last?.isConnected ? last : hosts.find((h) => h.isConnected);
  if (!to) return;
  const copy = new KeyboardEvent('keydown', {
    key: e.key,
    code: e.code,
    location: e.location,
    repeat: e.repeat,
    shiftKey: e.shiftKey,
    altKey: e.altKey,
    bubbles: false,
    cancelable: true,
    composed: false,
  });
  to.dispatchEvent(copy);
  if (copy.defaultPrevented) e.preventDefault();
}

function onFocusIn(this: HTMLElement): void {
  last = this as KeyHost;
}

/** Escape with the sheet open (and the focus outside it): closes the sheet. Runs before the annotator's own keys. */
function onHostKey(this: HTMLElement, e: KeyboardEvent): void {
  const host = this as KeyHost;
  if (e.defaultPrevented || e.key !== 'Escape' || !host.sheetOpen) return;
  e.preventDefault();
  host.toggleShortcuts(false);
}

/** Routes the page's keys and the sheet's Escape to `host` while it is connected. */
export function connectKeys(host: KeyHost): void {
  if (hosts.includes(host)) return;
  if (hosts.length === 0) globalThis.document.addEventListener('keydown', onDocumentKey);
  hosts.push(host);
  host.addEventListener('focusin', onFocusIn);
  host.addEventListener('keydown', onHostKey, { capture: true });
}

export function disconnectKeys(host: KeyHost): void {
  const i = hosts.indexOf(host);
  if (i < 0) return;
  hosts.splice(i, 1);
  host.removeEventListener('focusin', onFocusIn);
  host.removeEventListener('keydown', onHostKey, { capture: true });
  if (last === host) last = undefined;
  if (hosts.length === 0) globalThis.document.removeEventListener('keydown', onDocumentKey);
}
