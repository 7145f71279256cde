/**
 * The layers of the DNN generators (protocol §3.1): linear, convolution, transposed convolution and batch norm, each
 * owning its variables and initialised like PyTorch's defaults from a seeded `Rng`.
 *
 * PyTorch's default init is kaiming-uniform with a = √5, i.e. W, b ~ U(±1/√fan_in), where fan_in is
 * in_features (Linear), C_in·k² (Conv2d) and — a PyTorch quirk — C_out·k² for ConvTranspose2d (its weight is
 * stored [C_in, C_out, k, k] and fan_in is read from dimension 1). Batch norm starts at γ = 1, β = 0, running
 * mean 0, running variance 1, with eps 1e-5 and momentum 0.1; in training it normalises with the biased batch
 * variance and updates the running variance with the unbiased one, as `nn.BatchNorm2d` does.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import type { Rng } from "../../tensor/rng.ts";
import type { CustomGradientFunc } from "../../tensor/ops.ts";
import { conv2d, convTranspose2d } from "./conv_ops.ts";
import { BATCH_NORM_EPS, batchNormTrain } from "./batch_norm_train.ts";

function uniformVar(rng: Rng, shape: number[], bound: number): tf.Variable {
  // Unnamed variables: tfjs names must be unique per process, and a process may hold several models.
  const n = shape.reduce((a, b) => a * b, 1);
  // Inside tidy: tf.variable keeps its initial tensor registered until that is disposed.
  return tf.tidy(() => tf.variable(tf.tensor(rng.uniformArray(n, -bound, bound), shape)));
}

/** Named trainable variables and non-trainable buffers of a layer. */
export interface LayerState {
  params: Record<string, tf.Variable>;
  buffers: Record<string, tf.Variable>;
}

/** y = x·W + b, W [in, out] (stored transposed w.r.t. PyTorch so the forward product needs no transpose). */
export class Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(rng: Rng, inDim: number, outDim: number) {
    const bound = 1 / Math.sqrt(inDim);
    this.w = uniformVar(rng, [inDim, outDim], bound);
    this.b = uniformVar(rng, [outDim], bound);
  }
  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.w as tf.Tensor2D), this.b); // [N, out]
  }
  state(): LayerState {
    return { params: { w: this.w, b: this.b }, buffers: {} };
  }
}

/** A convolution (PyTorch `Conv2d(ci, co, k, s, p)`) or transposed convolution (`ConvTranspose2d`) on HWNC tensors. */
export class Conv {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(
    rng: Rng,
    readonly ci: number,
    readonly co: number,
    readonly k: number,
    readonly stride: number,
    readonly pad: number,
    readonly transposed: boolean,
  ) {
    const fanIn = (transposed ? co : ci) * k * k;
    const bound = 1 / Math.sqrt(fanIn);
    // tfjs layouts: conv [k, k, Ci, Co]; transposed conv [k, k, Co, Ci].
    this.w = uniformVar(rng, transposed ? [k, k, co, ci] : [k, k, ci, co], bound);
    this.b = uniformVar(rng, [co], bound);
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    const f = this.transposed ? convTranspose2d : conv2d;
    return addChannelBias(f(x, this.w as tf.Tensor4D, this.stride, this.pad), this.b); // [H', W', N, Co]
  }
  state(): LayerState {
    return { params: { w: this.w, b: this.b }, buffers: {} };
  }
}

/**
 * y + b for y [H, W, N, C] and b [C], whose gradient for b sums dy over its rows as one product with a row of
 * ones: tfjs-wasm's `Sum` over leading axes transposes first (~19 ms on [14, 14, 320, 64], ~3 ms this way).
 */
const addChannelBias = tf.customGrad(
  ((y: tf.Tensor4D, b: tf.Tensor1D) => ({
    value: tf.add(y, b),
    gradFunc: (dy: tf.Tensor) =>
      tf.tidy(() => {
        const c = dy.shape[3]!, rows = dy.size / c;
        return [dy.clone(), tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(dy, [rows, c])), [c])];
      }),
  })) as CustomGradientFunc,
) as (y: tf.Tensor4D, b: tf.Variable) => tf.Tensor4D;

/** Pending running-statistics update of a batch-norm layer, collected during a training forward pass. */
export interface BatchNormUpdate {
  layer: BatchNorm;
  /** Batch mean [C] and biased batch variance [C]. */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Elements per channel in the batch (N·H·W), for the unbiased correction. */
  count: number;
}

/** `nn.BatchNorm2d(C)` over the last (channel) axis of 4-d tensors (statistics over the other three axes). */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  static readonly EPS = BATCH_NORM_EPS;
  static readonly MOMENTUM = 0.1;
  constructor(readonly channels: number) {
    this.gamma = tf.tidy(() => tf.variable(tf.ones([channels])));
    this.beta = tf.tidy(() => tf.variable(tf.zeros([channels])));
    this.runningMean = tf.tidy(() => tf.variable(tf.zeros([channels]), false));
    this.runningVar = tf.tidy(() => tf.variable(tf.ones([channels]), false));
  }

  /**
   * Training mode (`updates` given): normalise with the batch moments and queue a running-stat update (the
   * moments are kept out of the caller's tidy scope; {@link applyBatchNormUpdates} consumes them). The gradient
   * flows through the batch moments, as in PyTorch.
   * Eval mode: normalise with the running statistics.
   */
  forward(x: tf.Tensor4D, updates?: BatchNormUpdate[]): tf.Tensor4D {
    if (updates) {
      return batchNormTrain(x, this.gamma, this.beta, (mean, variance) => {
        const [h, w, n] = x.shape;
        updates.push({ layer: this, mean: tf.keep(mean), variance: tf.keep(variance), count: n * h * w });
      });
    }
    return tf.tidy(() => {
      const inv = tf.mul(tf.rsqrt(tf.add(this.runningVar, BatchNorm.EPS)), this.gamma); // [C]
      return tf.add(tf.mul(tf.sub(x, this.runningMean), inv), this.beta) as tf.Tensor4D; // same shape as x
    });
  }

  state(): LayerState {
    return {
      params: { gamma: this.gamma, beta: this.beta },
      buffers: { running_mean: this.runningMean, running_var: this.runningVar },
    };
  }
}

/**
 * Apply queued running-stat updates: r ← (1 − m)·r + m·batch, with the unbiased variance (× n/(n−1)); disposes
 * the queued tensors.
 */
export function applyBatchNormUpdates(updates: BatchNormUpdate[]): void {
  const m = BatchNorm.MOMENTUM;
  for (const u of updates) {
    tf.tidy(() => {
      const unbiased = tf.mul(u.variance, u.count / Math.max(1, u.count - 1));
      u.layer.runningMean.assign(tf.add(tf.mul(u.layer.runningMean, 1 - m), tf.mul(u.mean, m)));
      u.layer.runningVar.assign(tf.add(tf.mul(u.layer.runningVar, 1 - m), tf.mul(unbiased, m)));
    });
    u.mean.dispose();
    u.variance.dispose();
  }
  updates.length = 0;
}
