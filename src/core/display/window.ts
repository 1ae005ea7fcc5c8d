/** Window/level presets (HU) and the shortcut keys that pick them. */

export interface WindowLevel {
  /** Window centre, HU. */
  center: number;
  /** Window width, HU (> 0). */
  width: number;
}

export interface WindowPreset extends WindowLevel {
  id: 'soft-tissue' | 'bone' | 'spine' | 'lung' | 'brain';
  /** Digit key that selects it. */
  key: string;
}

/** Values as commonly used in CT reading rooms. */
export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'soft-tissue', center: 40, width: 400, key: '1' },
  { id: 'bone', center: 500, width: 2000, key: '2' },
  { id: 'spine', center: 50, width: 350, key: '3' },
  { id: 'lung', center: -600, width: 1500, key: '4' },
  { id: 'brain', center: 40, width: 80, key: '5' },
];

export const MIN_WINDOW_WIDTH = 1;

/** The window a series opens with: the file's own, else soft tissue for CT, else its value range. */
export function initialWindow(
  modality: string,
  fromFile: WindowLevel | undefined,
  range: { min: number; max: number },
): WindowLevel {
  if (fromFile && fromFile.width >= MIN_WINDOW_WIDTH) return fromFile;
  if (modality === 'CT') return { center: 40, width: 400 };
  const width = Math.max(MIN_WINDOW_WIDTH, range.max - range.min);
  return { center: range.min + width / 2, width };
}

/**
 * Window after a drag of (dx, dy) screen pixels, as in most DICOM viewers:
 * right widens, down raises the centre. `sensitivity` is HU per pixel.
 */
export function dragWindow(start: WindowLevel, dx: number, dy: number, sensitivity = 2): WindowLevel {
  return {
    center: Math.round(start.center + dy * sensitivity),
    width: Math.max(MIN_WINDOW_WIDTH, Math.round(start.width + dx * sensitivity)),
  };
}
