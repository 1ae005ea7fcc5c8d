/**
 * Small choices remembered per user in the browser (the layout of the
 * views, whether going to a region for review zooms to it), so an
 * annotator finds the workspace as they left it. Kept in
 * `localStorage` under one key per user; a browser that refuses storage
 * (private mode, a full quota, a sandboxed frame) simply forgets.
 */
export interface Preferences {
  layout?: string;
  /** Review zoom (the annotator's `reviewZoom`), as the user last chose it in the Review tab. */
  reviewZoom?: boolean;
}

const PREFIX = 'segmark:preferences:';

export function readPreferences(user: string, storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Preferences {
  try {
    const text = storage?.getItem(PREFIX + user);
    const value: unknown = text ? JSON.parse(text) : undefined;
    return value && typeof value === 'object' ? (value as Preferences) : {};
  } catch {
    return {};
  }
}

export function writePreferences(
  user: string,
  patch: Preferences,
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(PREFIX + user, JSON.stringify({ ...readPreferences(user, storage), ...patch }));
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
}
