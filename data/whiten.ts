/**
 * Olshausen's whitening recipe for natural scenes (sparsenet, "make-your-own-images"), as described in
 * `../shared/data/README.md`:
 *
 * 1. per image, subtract the mean and divide by the standard deviation (MATLAB `std`, n − 1 denominator);
 * 2. multiply the 2-D FFT by R(f) = |f| · exp(−(|f|/f0)⁴) with f0 = 0.4·N, where |f| is the radial
 *    frequency in cycles per picture (the |f| ramp flattens the ~1/f² power spectrum of natural scenes;
 *    the exp(−(|f|/f0)⁴) roll-off suppresses the noisy corner frequencies);
 * 3. keep the real part of the inverse FFT;
 * 4. scale all images together: images ← √v · images / √(mean over images of var(image)), v = 0.1.
 *
 * R(0) = 0, so every whitened image has zero mean.
 *
 * @module
 */
import { fft2, freqIndex } from "./_fft2.ts";

/** Options of {@linkcode whiten}. */
export interface WhitenOptions {
  /** Roll-off frequency as a fraction of N. @default 0.4 */
  f0Fraction?: number;
  /** Mean image variance after the final scaling. @default 0.1 */
  targetVariance?: number;
}

/**
 * Whiten square N×N images (row-major, N a power of two) with Olshausen's recipe; returns new arrays.
 *
 * @example
 * ```ts
 * import { whiten } from "./whiten.ts";
 * const img = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i) + (i % 8));
 * const [w] = whiten([img], 8);
 * const mean = w.reduce((a, b) => a + b) / 64;
 * if (Math.abs(mean) > 1e-12) throw new Error(`mean ${mean}`);
 * ```
 */
export function whiten(images: Float64Array[], n: number, options: WhitenOptions = {}): Float64Array[] {
  const { f0Fraction = 0.4, targetVariance = 0.1 } = options;
  if (images.length === 0) throw new RangeError("Cannot whiten images: received no images");
  images.forEach((img, i) => {
    if (img.length !== n * n) {
      throw new RangeError(`Cannot whiten images: image ${i} has ${img.length} pixels, expected ${n}×${n}`);
    }
  });
  // The filter, indexed like the unshifted FFT (MATLAB's fftshift of the centred filter).
  const f0 = f0Fraction * n;
  const filter = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const rho = Math.hypot(freqIndex(r, n), freqIndex(c, n));
      filter[r * n + c] = rho * Math.exp(-((rho / f0) ** 4));
    }
  }
  const out = images.map((img) => {
    // 1. equal contrast
    const m = mean(img);
    const sd = Math.sqrt(variance(img, m));
    if (!(sd > 0)) throw new RangeError("Cannot whiten images: an image is constant (zero variance)");
    const re = img.map((x) => (x - m) / sd), im = new Float64Array(n * n);
    // 2. filter in the frequency domain
    fft2(re, im, n);
    for (let i = 0; i < n * n; i++) (re[i] *= filter[i], im[i] *= filter[i]);
    // 3. back to space, real part
    fft2(re, im, n, true);
    return re;
  });
  // 4. global scaling to the target mean variance
  const meanVar = out.reduce((a, img) => a + variance(img, mean(img)), 0) / out.length;
  const scale = Math.sqrt(targetVariance / meanVar);
  for (const img of out) for (let i = 0; i < img.length; i++) img[i] *= scale;
  return out;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Sample variance with the n − 1 denominator, as MATLAB's `var`. */
function variance(x: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - 1);
}
