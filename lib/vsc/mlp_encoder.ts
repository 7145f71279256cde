/**
 * The inference network of the linear-generator experiment (paper Table 3, protocol §1.3): an MLP backbone
 * 256→512→1024→512→256 with ReLU after every layer, and one Linear(256→K) head per distribution parameter.
 *
 * Weights are stored as [in, out] so the forward pass is `x·W + b` with no transposed matMul (the wasm
 * backend's transposed product is an order of magnitude slower).
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { Rng } from "../tensor/rng.ts";
import { fastBlas } from "../tensor/kernels.ts";
import { denseStack } from "../tensor/dense_stack.ts";

/** One Linear layer's variables: W [in, out], b [out]. */
type Linear = { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> };

/** PyTorch's default Linear init: W, b ~ U(−1/√fan_in, 1/√fan_in). */
function linearInit(rng: Rng, fanIn: number, fanOut: number): Linear {
  // Unnamed variables: tfjs names must be unique per process, and a process may hold two encoders.
  const bound = 1 / Math.sqrt(fanIn);
  // tf.variable shares the initial tensor's data and leaves that tensor alive: tidy disposes it.
  return tf.tidy(() => ({
    w: tf.variable(
      tf.tensor2d(rng.uniformArray(fanIn * fanOut, -bound, bound), [fanIn, fanOut]),
    ) as Linear["w"],
    b: tf.variable(tf.tensor1d(rng.uniformArray(fanOut, -bound, bound))) as Linear["b"],
  }));
}

/** Options of `MlpEncoder`. */
export interface MlpEncoderOptions {
  /** Input dimension. @default 256 */
  inputDim?: number;
  /** Backbone widths after the input. @default [512, 1024, 512, 256] */
  hidden?: number[];
  /** Latent dimension of every head. @default 256 */
  latentDim?: number;
}

/** An MLP backbone with named linear heads; owns its variables. */
export class MlpEncoder {
  readonly layers: Linear[];
  readonly heads: Record<string, Linear>;

  constructor(headNames: string[], rng: Rng, options: MlpEncoderOptions = {}) {
    const inputDim = options.inputDim ?? 256;
    const hidden = options.hidden ?? [512, 1024, 512, 256];
    const latentDim = options.latentDim ?? 256;
    const widths = [inputDim, ...hidden];
    this.layers = hidden.map((_, i) => linearInit(rng, widths[i], widths[i + 1]));
    this.heads = {};
    for (const name of headNames) this.heads[name] = linearInit(rng, widths.at(-1)!, latentDim);
  }

  /**
   * x [B, D] → one tensor [B, K] per head. x is data: no gradient flows back to it. With the OpenBLAS kernels
   * the whole stack is one op (`dense_stack.ts`: same products, ~80 fewer kernel dispatches per train step).
   */
  forward(x: tf.Tensor2D): Record<string, tf.Tensor2D> {
    return tf.tidy(() => {
      const names = Object.keys(this.heads);
      if (fastBlas() !== null) {
        const y = denseStack(x, this.layers, names.map((n) => this.heads[n])); // [B, H·K]
        const [B, K] = [x.shape[0], y.shape[1] / names.length];
        // tf.slice, not tf.split: the wasm split copies the whole input per piece (see wasm_views.ts).
        return Object.fromEntries(names.map((n, i) => [n, tf.slice(y, [0, i * K], [B, K])]));
      }
      let h = x;
      for (const { w, b } of this.layers) h = tf.relu(tf.add(tf.matMul(h, w), b)); // [B, width]
      const out: Record<string, tf.Tensor2D> = {};
      for (const [name, { w, b }] of Object.entries(this.heads)) out[name] = tf.add(tf.matMul(h, w), b); // [B, K]
      return out;
    });
  }

  /** Every trainable variable, in a stable order. */
  variables(): tf.Variable[] {
    return Object.values(this.named());
  }

  /** Variables by a stable name (`backbone0.w`, `head.mu.b`, …), for saving and loading. */
  named(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.layers.forEach(({ w, b }, i) =>
      Object.assign(out, { [`backbone${i}.w`]: w, [`backbone${i}.b`]: b })
    );
    for (const k of Object.keys(this.heads).sort()) {
      Object.assign(out, { [`head.${k}.w`]: this.heads[k].w, [`head.${k}.b`]: this.heads[k].b });
    }
    return out;
  }

  /** Overwrite every variable from saved tensors (names as in `named()`). */
  assign(saved: Record<string, tf.Tensor>): void {
    for (const [name, v] of Object.entries(this.named())) {
      const t = saved[name];
      if (!t) throw new Error(`Cannot load encoder: saved weights have no tensor "${name}"`);
      v.assign(t);
    }
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
