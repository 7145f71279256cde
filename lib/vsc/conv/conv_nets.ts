/**
 * The convolutional encoder (backbone + one Linear head per distribution parameter) and decoder of protocol §3.1.
 * Their inputs and outputs are NHWC images; inside, activations are HWNC (see `conv_ops.ts` for why).
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import type { Rng } from "../../tensor/rng.ts";
import type { Architecture } from "./architectures.ts";
import { fromHwnc, toHwnc } from "./conv_ops.ts";
import { BatchNorm, type BatchNormUpdate, Conv, type LayerState, Linear } from "./layers.ts";

function collect(
  prefix: string,
  s: LayerState,
  params: Record<string, tf.Variable>,
  buffers: Record<string, tf.Variable>,
) {
  for (const [k, v] of Object.entries(s.params)) params[`${prefix}.${k}`] = v;
  for (const [k, v] of Object.entries(s.buffers)) buffers[`${prefix}.${k}`] = v;
}

/** Conv backbone → feature [B, F] → Linear heads, one per name in `heads` (e.g. "mu", "logscale"). */
export class ConvEncoder {
  readonly convs: Conv[];
  readonly norms: BatchNorm[];
  readonly heads: Record<string, Linear>;

  constructor(readonly arch: Architecture, headNames: string[], latentDim: number, rng: Rng) {
    this.convs = arch.encoder.map((c) => new Conv(rng, c.ci, c.co, c.k, c.s, c.p, false));
    this.norms = arch.encoder.map((c) => new BatchNorm(c.co));
    this.heads = {};
    for (const name of headNames) this.heads[name] = new Linear(rng, arch.featureDim, latentDim);
  }

  /** Backbone features [B, F] of images x [B, H, W, C]; BN in training mode when `updates` is given. */
  features(x: tf.Tensor4D, updates?: BatchNormUpdate[]): tf.Tensor2D {
    let h = toHwnc(x); // [H, W, B, C]
    for (let i = 0; i < this.convs.length; i++) {
      h = tf.relu(this.norms[i].forward(this.convs[i].forward(h), updates)); // [H_i, W_i, B, C_i]
    }
    return tf.reshape(h, [x.shape[0], this.arch.featureDim]); // [B, F] (the last block is 1×1)
  }

  /** One tensor [B, K] per head. */
  forward(x: tf.Tensor4D, updates?: BatchNormUpdate[]): Record<string, tf.Tensor2D> {
    const f = this.features(x, updates);
    const out: Record<string, tf.Tensor2D> = {};
    for (const [name, head] of Object.entries(this.heads)) out[name] = head.forward(f); // [B, K]
    return out;
  }

  named(): { params: Record<string, tf.Variable>; buffers: Record<string, tf.Variable> } {
    const params: Record<string, tf.Variable> = {}, buffers: Record<string, tf.Variable> = {};
    this.convs.forEach((c, i) => collect(`conv${i}`, c.state(), params, buffers));
    this.norms.forEach((n, i) => collect(`bn${i}`, n.state(), params, buffers));
    for (const k of Object.keys(this.heads).sort()) {
      collect(`head.${k}`, this.heads[k].state(), params, buffers);
    }
    return { params, buffers };
  }
}

/** Linear(z → grid) → ReLU → transposed-conv blocks (BN + ReLU) → Sigmoid. */
export class ConvDecoder {
  readonly input: Linear;
  readonly convs: Conv[];
  readonly norms: BatchNorm[];

  constructor(readonly arch: Architecture, latentDim: number, rng: Rng) {
    const [gh, gw, gc] = arch.decoderGrid;
    this.input = new Linear(rng, latentDim, gh * gw * gc);
    this.convs = arch.decoder.map((c) => new Conv(rng, c.ci, c.co, c.k, c.s, c.p, true));
    // No BN after the last (output) block.
    this.norms = arch.decoder.slice(0, -1).map((c) => new BatchNorm(c.co));
  }

  /** z [N, K] → images [N, H, W, C] in (0, 1). */
  forward(z: tf.Tensor2D, updates?: BatchNormUpdate[]): tf.Tensor4D {
    const [gh, gw, gc] = this.arch.decoderGrid;
    let h = toHwnc(tf.relu(tf.reshape(this.input.forward(z), [z.shape[0], gh, gw, gc])) as tf.Tensor4D); // [gh, gw, N, gc]
    const last = this.convs.length - 1;
    for (let i = 0; i < last; i++) h = tf.relu(this.norms[i].forward(this.convs[i].forward(h), updates)); // [H_i, W_i, N, C_i]
    return fromHwnc(tf.sigmoid(this.convs[last].forward(h))); // [N, H, W, C]
  }

  named(): { params: Record<string, tf.Variable>; buffers: Record<string, tf.Variable> } {
    const params: Record<string, tf.Variable> = {}, buffers: Record<string, tf.Variable> = {};
    collect("linear", this.input.state(), params, buffers);
    this.convs.forEach((c, i) => collect(`convT${i}`, c.state(), params, buffers));
    this.norms.forEach((n, i) => collect(`bn${i}`, n.state(), params, buffers));
    return { params, buffers };
  }
}
