/** Things about a series the user should know, that do not stop it loading. */

export const WARNING_CODES = [
  'gantry-tilt',
  'uneven-spacing',
  'gap',
  'duplicate-position',
  'localizer-excluded',
  'mixed-geometry',
  'no-geometry',
  'value-clamped',
  'lossy-compression',
  'duplicate-instance',
  'seg-beside-series',
  'seg-other-series',
] as const;

export type WarningCode = (typeof WARNING_CODES)[number];

export interface LoadWarning {
  code: WarningCode;
  /** English text for logs and hosts; the UI formats its own from `code` and `params`. */
  message: string;
  params?: Record<string, string | number>;
  /** Files concerned, when the warning is about some of them. */
  files?: string[];
}
