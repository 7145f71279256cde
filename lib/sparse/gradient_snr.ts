/**
 * Signal-to-noise ratio of stochastic gradients (Rainforth et al. 2018), as Fig. 4 reports it (protocol §2.12):
 * per parameter |mean| / (std + 1e-9) over repeated gradient draws (population std), averaged over parameters.
 *
 * @module
 */

/**
 * Accumulates gradient draws of a fixed length in float64 (Welford's update) and gives their SNR.
 *
 * @example
 * ```ts
 * import { GradientSnr } from "./gradient_snr.ts";
 * const snr = new GradientSnr(2);
 * snr.add([1, 0]); snr.add([3, 0]);   // parameter 0: mean 2, sd 1 → 2; parameter 1: 0 / 1e-9 → 0
 * if (Math.abs(snr.meanSnr() - 1) > 1e-6) throw new Error(`got ${snr.meanSnr()}`);
 * ```
 */
export class GradientSnr {
  readonly #mean: Float64Array;
  readonly #m2: Float64Array;
  #count = 0;

  constructor(readonly size: number) {
    this.#mean = new Float64Array(size);
    this.#m2 = new Float64Array(size);
  }

  /** Draws added so far. */
  get count(): number {
    return this.#count;
  }

  /** Add one gradient draw. */
  add(gradient: ArrayLike<number>): void {
    if (gradient.length !== this.size) {
      throw new RangeError(`Cannot add a gradient of ${gradient.length} values to an SNR of ${this.size}`);
    }
    this.#count++;
    const n = this.#count;
    for (let i = 0; i < this.size; i++) {
      const delta = gradient[i] - this.#mean[i];
      this.#mean[i] += delta / n;
      this.#m2[i] += delta * (gradient[i] - this.#mean[i]);
    }
  }

  /** Mean over parameters of |mean| / (population std + 1e-9); parameters with a non-finite ratio are skipped. */
  meanSnr(): number {
    if (this.#count < 2) throw new RangeError(`Cannot compute an SNR from ${this.#count} draw(s)`);
    let sum = 0;
    let used = 0;
    for (let i = 0; i < this.size; i++) {
      const r = Math.abs(this.#mean[i]) / (Math.sqrt(this.#m2[i] / this.#count) + 1e-9);
      if (Number.isFinite(r)) {
        sum += r;
        used++;
      }
    }
    return used > 0 ? sum / used : NaN;
  }
}
