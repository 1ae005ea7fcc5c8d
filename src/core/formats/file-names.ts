/**
 * Names of the files that leave the browser. A de-identified export is named
 * after its case id (the pseudonym) and nothing else: a series description
 * or a typed name may hold the patient's name. Every name is made safe for
 * any file system: letters, digits, `-`, `_` and `.` only (anything else
 * becomes `_`), no path separators or control characters, no leading dot
 * (a hidden file, or `..`), and at most `MAX_FILE_NAME` characters with
 * the extension kept.
 */

/** Longest file name we hand to a download, extension included (characters). */
export const MAX_FILE_NAME = 64;

/**
 * `base` made safe for a file name: runs of anything but letters, digits,
 * `-`, `_` and `.` become one `_`; leading dots, underscores and hyphens and
 * trailing dots and underscores go. '' when nothing is left.
 */
export function safeNamePart(base: string): string {
  return base
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._-]+/, '')
    .replace(/[._]+$/, '');
}

/**
 * A file name from `base` (made safe, `fallback` when nothing is left) and
 * our own `suffix` (`_labels.nii.gz`), cut to `MAX_FILE_NAME` characters by
 * shortening the base, never the suffix.
 */
export function fileName(base: string, suffix: string, fallback = 'segmentation'): string {
  const room = Math.max(1, MAX_FILE_NAME - [...suffix].length);
  const safe = safeNamePart(base) || fallback;
  const cut = [...safe].slice(0, room).join('');
  return `${safeNamePart(cut) || [...fallback].slice(0, room).join('')}${suffix}`;
}

/**
 * The agreement table's name, `<series>_<A>_vs_<B>_agreement.csv`: when it
 * would be too long, the series description is shortened first (and left
 * out if need be), then the longer side name, so both sides stay told apart.
 */
export function agreementFileName(series: string, sideA: string, sideB: string): string {
  const suffix = '_agreement.csv';
  const room = MAX_FILE_NAME - suffix.length;
  const a = [...(safeNamePart(sideA) || 'x')];
  const b = [...(safeNamePart(sideB) || 'x')];
  while (a.length + b.length > room - '_vs_'.length) (a.length >= b.length ? a : b).pop();
  const sides = `${safeNamePart(a.join('')) || 'x'}_vs_${safeNamePart(b.join('')) || 'x'}`;
  const left = room - sides.length - 1;
  const described = left > 0 ? safeNamePart([...safeNamePart(series)].slice(0, left).join('')) : '';
  return `${described ? `${described}_` : ''}${sides}${suffix}`;
}
