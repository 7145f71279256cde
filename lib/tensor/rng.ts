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

/** Outputs drawn ahead per refill. */
const BLOCK = 1024;

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
  /** Drawn ahead of the reader (`#refill`), allocated on the first draw; `#pos` is the next unread output. */
  #block: Uint32Array | undefined;
  #pos = BLOCK;
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
    if (this.#pos === BLOCK) this.#refill();
    return this.#block![this.#pos++];
  }

  /**
   * The next BLOCK outputs of xoshiro128** at once, the state in locals: one draw per call of `nextU32` from a
   * method that updates four fields costs several times more (the random noise of a J = 20 train step is
   * ~10⁶ draws). The stream is the same; the generator only runs ahead of its reader.
   */
  #refill(): void {
    const out = this.#block ??= new Uint32Array(BLOCK);
    let s0 = this.#s0, s1 = this.#s1, s2 = this.#s2, s3 = this.#s3;
    for (let i = 0; i < BLOCK; i++) {
      out[i] = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
    }
    [this.#s0, this.#s1, this.#s2, this.#s3] = [s0, s1, s2, s3];
    this.#pos = 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * A uniform double in (0, 1) from one 32-bit draw, (u + ½)/2³²: never 0 or 1, so its log and logit are
   * finite. Half the cost of `next()` where 32 bits of resolution suffice (noise that ends up in float32).
   */
  next32(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * A standard normal draw: the ziggurat of Marsaglia & Tsang (2000) with 128 layers, which takes one 32-bit
   * draw for ~99% of normals (the polar method takes ~2.5 doubles, a log and a square root). The layer comes from
   * the low 7 bits and the value from the other 25, so the two are independent (Doornik 2005's objection to
   * the original, which reused the layer bits in the value).
   */
  normal(): number {
    return this.#normalFrom(this.nextU32() | 0);
  }

  /** The ziggurat from its first draw `u` (signed), drawing more from the stream where that one is rejected. */
  #normalFrom(u: number): number {
    for (;; u = this.nextU32() | 0) {
      const layer = u & 127;
      const v = u >> 7; // signed 25-bit
      const x = v * ZIGGURAT.w[layer];
      if (Math.abs(v) < ZIGGURAT.k[layer]) return x;
      if (layer === 0) {
        // the tail beyond r: Marsaglia's exponential rejection
        let t, y;
        do {
          t = -Math.log(1 - this.next()) / ZIGGURAT_R;
          y = -Math.log(1 - this.next());
        } while (y + y < t * t);
        return v > 0 ? ZIGGURAT_R + t : -ZIGGURAT_R - t;
      }
      const f = ZIGGURAT.f;
      if (f[layer] + this.next() * (f[layer - 1] - f[layer]) < Math.exp(-0.5 * x * x)) return x;
    }
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
    return this.fillNormal(new Float32Array(n));
  }

  /** Fill `out` with standard normal draws (the same stream as `normalArray(out.length)`); returns `out`. */
  fillNormal(out: Float32Array): Float32Array {
    // `normal()` with the block read in place: the ~99% of draws the ziggurat accepts at once cost one array
    // read (a J = 20 train step draws 512,000); the others go through `#normalFrom`, the stream handed back.
    const { w, k } = ZIGGURAT;
    for (let i = 0; i < out.length;) {
      if (this.#pos === BLOCK) this.#refill();
      const block = this.#block!; // refilled in place: the same array throughout
      let pos = this.#pos;
      while (i < out.length && pos < BLOCK) {
        const u = block[pos++] | 0, layer = u & 127, v = u >> 7;
        if (Math.abs(v) < k[layer]) {
          out[i++] = v * w[layer];
        } else {
          this.#pos = pos;
          out[i++] = this.#normalFrom(u); // may read on, and refill
          pos = this.#pos;
        }
      }
      this.#pos = pos;
    }
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

/** Right edge of the ziggurat's base layer for 128 layers (Marsaglia & Tsang 2000). */
const ZIGGURAT_R = 3.442619855899;

/**
 * Ziggurat tables for a 25-bit signed value v: accept x = v·w[i] at once when |v| < k[i]; f[i] = exp(−x_i²/2)
 * at the layer edges (Marsaglia & Tsang 2000's zigset, with 2²⁴ in place of 2³¹).
 */
const ZIGGURAT = (() => {
  const m = 2 ** 24, area = 9.91256303526217e-3;
  const k = new Float64Array(128), w = new Float64Array(128), f = new Float64Array(128);
  let d = ZIGGURAT_R, t = d;
  const q = area / Math.exp(-0.5 * d * d);
  k[0] = (d / q) * m;
  k[1] = 0;
  w[0] = q / m;
  w[127] = d / m;
  f[0] = 1;
  f[127] = Math.exp(-0.5 * d * d);
  for (let i = 126; i >= 1; i--) {
    d = Math.sqrt(-2 * Math.log(area / d + Math.exp(-0.5 * d * d)));
    k[i + 1] = (d / t) * m;
    t = d;
    f[i] = Math.exp(-0.5 * d * d);
    w[i] = d / m;
  }
  return { k, w, f };
})();

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
