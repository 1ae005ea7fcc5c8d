/**
 * Idempotent registration: a portal page may load two copies of Segmark (two
 * bundles, or a script tag and a module). The second definition of a tag is
 * skipped with a warning instead of throwing and breaking the page.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  const existing = customElements.get(tag);
  if (existing === element) return;
  if (existing) {
    console.warn(`segmark: <${tag}> is already defined by another copy of Segmark on this page; keeping the first.`);
    return;
  }
  customElements.define(tag, element);
}
