/**
 * Training-mode batch norm over axes 0–2 of an [H, W, N, C] tensor (`nn.BatchNorm2d` in training), as one
 * custom-gradient node that keeps only x, γ and the batch moments (tfjs would keep every intermediate of the
 * taped composite). With M = H·W·N, x̂ = (x − μ)/√(σ² + ε) and the biased σ²:
 *
 *   y = γ·x̂ + β;  ∂β = Σ dy;  ∂γ = Σ dy·x̂;  ∂x = γ/(M·√(σ² + ε)) · (M·dy − ∂β − x̂·∂γ)
 *
 * On the host backends (cpu, wasm) the forward is two passes over x (the channel means, then the squared
 * deviations and y) and the backward two passes (∂β and ∂γ, then ∂x), with per-channel sums in float64. Why:
 * tfjs-wasm reduces over leading axes by transposing first, and broadcasts slowly; on a decoder layer of the
 * Fashion-MNIST step ([14, 14, 320, 64]) the composite took ~20 ms per reduction and ~7 ms per elementwise op,
 * about a third of the whole step. Elsewhere (WebGPU) it is the composite of backend ops, which a GPU runs well.
 * The two agree to float32 rounding (tested).
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import { hostCompute, onHostBackend } from "../../tensor/host.ts";

/** ε of `nn.BatchNorm2d`. */
export const BATCH_NORM_EPS = 1e-5;

/** Receives the batch mean and biased variance [C] (new tensors the callee must keep or dispose). */
export type OnMoments = (mean: tf.Tensor1D, variance: tf.Tensor1D) => void;

/**
 * y = γ·x̂ + β for x [H, W, N, C], γ and β [C], with the gradient of the module doc; `onMoments` gets the batch
 * moments.
 *
 * @example
 * ```ts
 * import { tf } from "../../tensor/tf.ts";
 * import { batchNormTrain } from "./batch_norm_train.ts";
 * await tf.setBackend("cpu");
 * const x = tf.tensor4d([1, 3], [1, 2, 1, 1]); // one channel, mean 2, biased variance 1
 * const y = batchNormTrain(x, tf.ones([1]), tf.zeros([1]), (m, v) => tf.dispose([m, v]));
 * const [a, b] = y.dataSync();
 * if (Math.abs(a + 1) > 1e-4 || Math.abs(b - 1) > 1e-4) throw new Error("normalised to ∓1");
 * ```
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  onMoments: OnMoments,
): tf.Tensor4D {
  return (onHostBackend() ? batchNormTrainHost : batchNormTrainOps)(x, gamma, beta, onMoments);
}

/** {@linkcode batchNormTrain} as backend ops (the moments computed again in the backward pass). */
export function batchNormTrainOps(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  onMoments: OnMoments,
): tf.Tensor4D {
  const normalise = (a: tf.Tensor) => {
    const m = tf.moments(a, [0, 1, 2]); // [C], [C]
    const inv = tf.rsqrt(tf.add(m.variance, BATCH_NORM_EPS));
    return { ...m, inv, xhat: tf.mul(tf.sub(a, m.mean), inv) };
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

/** {@linkcode batchNormTrain} as host passes over [M, C] rows (the moments kept for the backward pass). */
export function batchNormTrainHost(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  onMoments: OnMoments,
): tf.Tensor4D {
  const channels = x.shape[3];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, g, b, save] = args as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    // y, then the batch mean, biased variance and 1/√(σ² + ε) [C]
    const [y, mean, variance, inv] = hostCompute(
      [xx, g, b],
      [xx.shape, [channels], [channels], [channels]],
      ([xv, gv, bv], [yv, meanV, varV, invV]) => normaliseRows(xv, gv, bv, yv, meanV, varV, invV),
    );
    save([xx, g, mean, inv]); // clones, kept while a gradient tape records
    onMoments(mean.clone() as tf.Tensor1D, variance as tf.Tensor1D);
    tf.dispose([mean, inv]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        hostCompute(
          [dy as tf.Tensor, ...saved],
          [xx.shape, [channels], [channels]],
          ([dv, xv, gv, meanV, invV], [dxv, dGammaV, dBetaV]) =>
            normaliseRowsGrad(dv, xv, gv, meanV, invV, dxv, dGammaV, dBetaV),
        ),
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

// The passes below take rows of C = γ.length channels; plain functions of their arguments, so the loops see
// locals only (a value captured from an enclosing function is reloaded from its context on every use).

/** y = γ·(x − μ)/√(σ² + ε) + β over rows of x, writing μ, σ² and 1/√(σ² + ε). */
function normaliseRows(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  y: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  inv: Float32Array,
): void {
  const channels = gamma.length, rows = x.length / channels;
  const mu = new Float64Array(channels),
    squares = new Float64Array(channels),
    scale = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) mu[c] += x[i + c];
  }
  for (let c = 0; c < channels; c++) mu[c] /= rows;
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const e = x[i + c] - mu[c];
      squares[c] += e * e;
    }
  }
  for (let c = 0; c < channels; c++) {
    const v = squares[c] / rows, s = 1 / Math.sqrt(v + BATCH_NORM_EPS);
    mean[c] = mu[c];
    variance[c] = v;
    inv[c] = s;
    scale[c] = gamma[c] * s;
  }
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) y[i + c] = (x[i + c] - mu[c]) * scale[c] + beta[c];
  }
}

/** ∂x, ∂γ, ∂β of {@linkcode normaliseRows} for the cotangent dy, from the saved μ and 1/√(σ² + ε). */
function normaliseRowsGrad(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  inv: Float32Array,
  dx: Float32Array,
  dGammaOut: Float32Array,
  dBetaOut: Float32Array,
): void {
  const channels = gamma.length, rows = x.length / channels;
  const dBeta = new Float64Array(channels),
    dGamma = new Float64Array(channels),
    scale = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const d = dy[i + c];
      dBeta[c] += d;
      dGamma[c] += d * (x[i + c] - mean[c]) * inv[c];
    }
  }
  for (let c = 0; c < channels; c++) {
    dBetaOut[c] = dBeta[c];
    dGammaOut[c] = dGamma[c];
    scale[c] = (gamma[c] * inv[c]) / rows; // γ/(M·√(σ² + ε))
  }
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const xhat = (x[i + c] - mean[c]) * inv[c];
      dx[i + c] = scale[c] * (rows * dy[i + c] - dBeta[c] - xhat * dGamma[c]);
    }
  }
}
