/**
 * Procedural "natural-like" scenes that need no file and no network: the embedded default behind the
 * Olshausen patches when neither `IMAGES.mat` nor the raw scenes are available.
 *
 * Model: a dead-leaves image (Matheron; Lee, Mumford & Huang 2001, "Occlusion models for natural images").
 * Opaque shapes — discs, ellipses and oriented rectangles, with uniform orientation and aspect ratio up to
 * 1:4 — fall one on top of another until the picture is covered. Shape radius r follows the power law
 * p(r) ∝ r^−2.6 on [2, N/4] px (near the scale-invariant r⁻³, with more large objects), and each shape
 * has a uniform random grey level in [0, 1] with a gentle linear shading across it. Edges are
 * anti-aliased over one pixel. A mild Gaussian field with amplitude ∝ 1/|f| (power ∝ 1/|f|², std 0.05)
 * adds texture inside the flat shapes.
 *
 * Statistics (measured on 10 images of 512², seed 0; `embedded_test.ts` checks the slope on 128² images):
 * edges at every orientation and over two decades of scale, with occlusion T-junctions; a radially
 * averaged power spectrum ∝ |f|^α with α ≈ −2.1 over 4…64 and ≈ −2.4 over 8…128 cycles/picture (the raw
 * Olshausen scenes 01–03: −2.0…−2.6 and −2.3…−2.7); after whitening, a pixel kurtosis of 5.5–6.5 (raw
 * Olshausen scenes: 5.3–6.8). Pixel values lie roughly in [0, 1], mean ≈ 0.5. The images are returned
 * *unwhitened*; `loadScenes` whitens them with the same recipe as the raw scenes.
 *
 * Rendering works front to back: each pixel keeps its remaining transmittance T, a shape adds
 * T·alpha·grey and multiplies T by (1 − alpha), and drawing stops when fewer than 0.1% of the pixels
 * remain visible (those get the mean grey 0.5).
 *
 * @module
 */
import type { Rng } from "../lib/tensor/rng.ts";
import { fft2, freqIndex } from "./_fft2.ts";

/** Options of {@linkcode embeddedScenes}. */
export interface EmbeddedOptions {
  /** Number of images. @default 10 */
  count?: number;
  /** Side N of each N×N image; a power of two (the whitening FFT needs one). @default 512 */
  size?: number;
}

const R_MIN = 2; // smallest shape radius in px: smaller shapes are sub-pixel specks
// Size exponent: p(r) ∝ r^-SIZE_EXPONENT. 3 is exactly scale-invariant but reads as confetti at 512²;
// 2.6 gives more large objects and matches the raw Olshausen scenes' spectra and whitened kurtosis.
const SIZE_EXPONENT = 2.6;
const TEXTURE_STD = 0.05; // std of the 1/f texture, against a grey-level std of ≈ 0.29
const SHADING = 0.08; // std of the grey-level change across one shape radius
const T_EPS = 1e-3; // a pixel is covered once less than 0.1% of it remains visible
const OPEN_STOP = 1e-3; // stop once fewer than 0.1% of the pixels remain visible

/**
 * Generate unwhitened dead-leaves scenes, N×N row-major each; image i uses `rng.fork("scene-i")`.
 *
 * @example
 * ```ts
 * import { embeddedScenes } from "./embedded.ts";
 * import { Rng } from "../lib/tensor/rng.ts";
 * const [img] = embeddedScenes(new Rng(0), { count: 1, size: 32 });
 * if (img.length !== 32 * 32 || !img.every(Number.isFinite)) throw new Error("bad image");
 * ```
 */
export function embeddedScenes(rng: Rng, options: EmbeddedOptions = {}): Float64Array[] {
  const { count = 10, size = 512 } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`Cannot generate embedded scenes: count must be an integer ≥ 1, received ${count}`);
  }
  if (!Number.isInteger(size) || size < 16 || (size & (size - 1)) !== 0) {
    throw new RangeError(
      `Cannot generate embedded scenes: size must be a power of two ≥ 16, received ${size}`,
    );
  }
  return Array.from({ length: count }, (_, i) => {
    const r = rng.fork(`scene-${i}`);
    const img = deadLeaves(r.fork("leaves"), size);
    const tex = pinkNoise(r.fork("texture"), size);
    for (let k = 0; k < img.length; k++) img[k] += TEXTURE_STD * tex[k];
    return img;
  });
}

/** One dead-leaves image, rendered front to back. */
function deadLeaves(rng: Rng, n: number): Float64Array {
  const value = new Float64Array(n * n);
  const T = new Float64Array(n * n).fill(1);
  let open = n * n;
  const rowOpen = new Int32Array(n).fill(n); // visible pixels per row, to skip covered rows
  const rMax = n / 4;
  const e = 1 - SIZE_EXPONENT; // for the inverse CDF of p(r) on [R_MIN, rMax]
  const a0 = R_MIN ** e, a1 = rMax ** e;
  const maxShapes = 200 * n * n; // a guard only; coverage stops the loop long before
  for (let s = 0; s < maxShapes && open > OPEN_STOP * n * n; s++) {
    // Shape: size from p(r) ∝ r⁻³ by inverse CDF, then kind, orientation, aspect, grey level, shading.
    const r = (a0 + rng.next() * (a1 - a0)) ** (1 / e);
    const kind = rng.int(3); // 0 disc, 1 ellipse, 2 rectangle
    const theta = Math.PI * rng.next();
    const aspect = kind === 0 ? 1 : 1 + 3 * rng.next();
    const a = r, b = r / aspect;
    const cos = Math.cos(theta), sin = Math.sin(theta);
    const grey = rng.next();
    const gx = SHADING * rng.normal() / r, gy = SHADING * rng.normal() / r;
    const reach = (kind === 2 ? Math.hypot(a, b) : r) + 1;
    const cx = -reach + (n + 2 * reach) * rng.next(), cy = -reach + (n + 2 * reach) * rng.next();
    const c0 = Math.max(0, Math.floor(cx - reach)), c1 = Math.min(n - 1, Math.ceil(cx + reach));
    const r0 = Math.max(0, Math.floor(cy - reach)), r1 = Math.min(n - 1, Math.ceil(cy + reach));
    for (let y = r0; y <= r1; y++) {
      if (rowOpen[y] === 0) continue;
      const dy = y + 0.5 - cy;
      for (let x = c0; x <= c1; x++) {
        const p = y * n + x;
        const t = T[p];
        if (t <= T_EPS) continue;
        const dx = x + 0.5 - cx;
        const u = cos * dx + sin * dy, v = -sin * dx + cos * dy; // shape-aligned coordinates
        // d: signed distance to the outline in px (negative inside), exact for discs and rectangle sides,
        // first-order for ellipses; alpha: coverage of the pixel by a one-pixel-wide ramp.
        let d: number;
        if (kind === 0) d = Math.sqrt(u * u + v * v) - r;
        else if (kind === 2) d = Math.max(Math.abs(u) - a, Math.abs(v) - b);
        else {
          const ua = u / a, vb = v / b;
          const k = Math.sqrt(ua * ua + vb * vb);
          const g = Math.sqrt(ua * ua / (a * a) + vb * vb / (b * b));
          d = g > 0 ? (k - 1) * k / g : -b;
        }
        const alpha = d <= -0.5 ? 1 : d >= 0.5 ? 0 : 0.5 - d;
        if (alpha === 0) continue;
        value[p] += t * alpha * (grey + gx * dx + gy * dy);
        const tNew = t * (1 - alpha);
        T[p] = tNew;
        if (tNew <= T_EPS) (open--, rowOpen[y]--);
      }
    }
  }
  for (let p = 0; p < n * n; p++) value[p] += T[p] * 0.5; // the last uncovered specks: mean grey
  return value;
}

/** A unit-variance Gaussian field with amplitude spectrum ∝ 1/|f| (power ∝ 1/|f|²). */
function pinkNoise(rng: Rng, n: number): Float64Array {
  const re = Float64Array.from({ length: n * n }, () => rng.normal()), im = new Float64Array(n * n);
  fft2(re, im, n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const f = Math.hypot(freqIndex(r, n), freqIndex(c, n));
      const g = f === 0 ? 0 : 1 / f;
      re[r * n + c] *= g, im[r * n + c] *= g;
    }
  }
  fft2(re, im, n, true);
  let m = 0, v = 0;
  for (let i = 0; i < re.length; i++) m += re[i];
  m /= re.length;
  for (let i = 0; i < re.length; i++) v += (re[i] - m) ** 2;
  const sd = Math.sqrt(v / re.length);
  return re.map((x) => (x - m) / sd);
}
