/** Reading back what an element drew on the canvas in its shadow root. */

/** RGBA of the first canvas in `el`'s shadow root. */
export function canvasPixels(el: Element): Uint8ClampedArray {
  const canvas = el.shadowRoot!.querySelector('canvas')!;
  return canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
}

/** How many pixels differ in colour between two RGBA buffers of one size. */
export function differingPixels(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
  return n;
}
