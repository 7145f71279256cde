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
import { conv2d, convTranspose2d } from "./conv_ops.ts";

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
    return tf.add(f(x, this.w as tf.Tensor4D, this.stride, this.pad), this.b); // [H', W', N, Co]
  }
  state(): LayerState {
    return { params: { w: this.w, b: this.b }, buffers: {} };
  }
}

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
  static readonly EPS = 1e-5;
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
 * Training-mode batch norm over axes 0–2 as one custom-gradient node that keeps only x and γ (tfjs would keep
 * every intermediate of the taped composite). With M = N·H·W, x̂ = (x − μ)/√(σ² + ε) and the biased σ²:
 *   y = γ·x̂ + β;  ∂β = Σ dy;  ∂γ = Σ dy·x̂;  ∂x = γ/(M·√(σ² + ε)) · (M·dy − ∂β − x̂·∂γ)
 * `onMoments` receives the batch mean and biased variance [C] (new tensors the callee must keep or dispose).
 */
function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Variable,
  beta: tf.Variable,
  onMoments: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const normalise = (a: tf.Tensor) => {
    const m = tf.moments(a, [0, 1, 2]); // [C], [C]
    return {
      ...m,
      inv: tf.rsqrt(tf.add(m.variance, BatchNorm.EPS)),
      xhat: tf.mul(tf.sub(a, m.mean), tf.rsqrt(tf.add(m.variance, BatchNorm.EPS))),
    };
  };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, g, b, save] = args as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xx, g]);
    const value = tf.tidy(() => {
      const { mean, variance, xhat } = normalise(xx);
      onMoments(tf.clone(mean) as tf.Tensor1D, tf.clone(variance) as tf.Tensor1D);
      return tf.add(tf.mul(xhat, g), b); // [H, W, N, C]
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg] = saved;
        const d = dy as tf.Tensor;
        return tf.tidy(() => {
          const { inv, xhat } = normalise(sx);
          const count = sx.shape[0]! * sx.shape[1]! * sx.shape[2]!;
          const dBeta = tf.sum(d, [0, 1, 2]); // [C]
          const dGamma = tf.sum(tf.mul(d, xhat), [0, 1, 2]); // [C]
          const dx = tf.mul(
            tf.mul(sg, tf.div(inv, count)),
            tf.sub(tf.sub(tf.mul(d, count), dBeta), tf.mul(xhat, dGamma)),
          );
          return [dx, dGamma, dBeta];
        });
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
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
