/**
 * A square 2-D FFT built from `fft.js` 1-D transforms: every row, then every column.
 *
 * Private to `data/`: used by the whitening filter, the embedded scene generator and their tests.
 *
 * @module
 */
import FFT from "fft.js";

/**
 * In-place 2-D DFT of an n×n complex array stored as separate row-major real and imaginary planes.
 * The forward transform is unnormalised; the inverse divides by n² (as MATLAB's `fft2`/`ifft2`).
 * `n` must be a power of two.
 */
export function fft2(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (n < 2 || (n & (n - 1)) !== 0) {
    throw new RangeError(`Cannot compute fft2: size must be a power of two ≥ 2, received ${n}`);
  }
  const f = new FFT(n);
  const src = new Float64Array(2 * n), dst = new Float64Array(2 * n);
  const run = inverse
    ? (o: Float64Array, i: Float64Array) => f.inverseTransform(o, i)
    : (o: Float64Array, i: Float64Array) => f.transform(o, i);
  // rows
  for (let r = 0; r < n; r++) {
    const base = r * n;
    for (let c = 0; c < n; c++) (src[2 * c] = re[base + c], src[2 * c + 1] = im[base + c]);
    run(dst, src);
    for (let c = 0; c < n; c++) (re[base + c] = dst[2 * c], im[base + c] = dst[2 * c + 1]);
  }
  // columns
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < n; r++) (src[2 * r] = re[r * n + c], src[2 * r + 1] = im[r * n + c]);
    run(dst, src);
    for (let r = 0; r < n; r++) (re[r * n + c] = dst[2 * r], im[r * n + c] = dst[2 * r + 1]);
  }
}

/** Signed frequency (cycles per picture) of DFT index k for length n: 0, 1, …, n/2−1, −n/2, …, −1. */
export function freqIndex(k: number, n: number): number {
  return k < n / 2 ? k : k - n;
}

/**
 * Radially averaged power spectrum of an n×n real image: `power[f]` is the mean |F|² over the
 * frequencies with round(|f|) = f, for f = 0 … n/2. Used to document and test image statistics.
 */
export function radialPowerSpectrum(image: Float64Array, n: number): Float64Array {
  const re = Float64Array.from(image), im = new Float64Array(n * n);
  fft2(re, im, n);
  const sum = new Float64Array(n / 2 + 1), count = new Float64Array(n / 2 + 1);
  for (let r = 0; r < n; r++) {
    const fy = freqIndex(r, n);
    for (let c = 0; c < n; c++) {
      const fx = freqIndex(c, n);
      const k = Math.round(Math.hypot(fx, fy));
      if (k > n / 2) continue;
      sum[k] += re[r * n + c] ** 2 + im[r * n + c] ** 2;
      count[k]++;
    }
  }
  return sum.map((s, k) => s / count[k]);
}

/** Least-squares slope of log power against log frequency over `lo ≤ f ≤ hi`. */
export function spectralSlope(power: Float64Array, lo: number, hi: number): number {
  let sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
  for (let f = lo; f <= hi; f++) {
    const x = Math.log(f), y = Math.log(power[f]);
    sx += x, sy += y, sxx += x * x, sxy += x * y, m++;
  }
  return (m * sxy - sx * sy) / (m * sxx - sx * sx);
}
