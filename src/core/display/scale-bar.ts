/** Length of a scale bar: a round number of millimetres close to a wanted screen length. */
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

export function scaleBarLength(mmPerScreenPixel: number, wantedPixels = 100): { mm: number; pixels: number } {
  const wantedMm = wantedPixels * mmPerScreenPixel;
  let mm = STEPS[0]!;
  for (const step of STEPS) if (step <= wantedMm) mm = step;
  return { mm, pixels: mm / mmPerScreenPixel };
}
