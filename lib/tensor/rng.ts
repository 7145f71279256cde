/**
 * A seeded random-number generator (xoshiro128**, seeded through splitmix32).
 *
 * Every random draw in the project goes through an `Rng` passed in by the caller, so that the same seed gives
 * the same numbers on every backend: the noise is drawn here on the host and uploaded as a tensor, never
 * drawn by a backend kernel.
 *
 * @module
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  // FNV-1a: only used to derive a child seed from a readable label.
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A seeded random-number generator. */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal: number | null = null;
  /** The seed this generator was made from. */
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`Cannot create Rng: seed must be an integer, received ${seed}`);
    }
    this.seed = seed;
    const sm = splitmix32(seed);
    this.#s0 = sm();
    this.#s1 = sm();
    this.#s2 = sm();
    this.#s3 = sm();
  }

  /** An independent generator for a named purpose (e.g. "init", "noise"), stable under code reordering. */
  fork(label: string): Rng {
    return new Rng((hashLabel(label) ^ Math.imul(this.seed, 0x9e3779b1)) | 0);
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Marsaglia's polar method). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const v = this.#spareNormal;
      this.#spareNormal = null;
      return v;
    }
    let u, v, s;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt(-2 * Math.log(s) / s);
    this.#spareNormal = v * m;
    return u * m;
  }

  /** `n` uniform draws in [lo, hi) as float32. */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    const w = hi - lo;
    for (let i = 0; i < n; i++) out[i] = lo + w * this.next();
    return out;
  }

  /** `n` standard normal draws as float32. */
  normalArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /**
   * A uniformly random permutation of 0..n-1 (Fisher–Yates).
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const p = new Rng(0).permutation(5);
   * if ([...p].sort().join() !== "0,1,2,3,4") throw new Error("not a permutation");
   * ```
   */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
