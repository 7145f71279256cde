/**
 * 2-D convolution and PyTorch-style transposed convolution written as matrix products over tensors in
 * **HWNC** layout (row, column, image, channel), so that they train on every tfjs backend and run at BLAS speed
 * on wasm (`lib/tensor/kernels.ts` routes `matMul` to OpenBLAS).
 *
 * Why not tfjs's conv kernels: the wasm backend has no `Conv2DBackpropFilter` (its convs cannot be trained there
 * at all) and its `Conv2DBackpropInput` is ~8× slower than its forward conv. Why HWNC: a conv window's rows
 * are then whole N×C planes, contiguous in memory, whether gathered on the host or sliced by backend ops
 * (`im2col.ts`; in NHWC the same window is thousands of small copies, and dominated the step time). Gradients
 * come from explicit backward passes built from the same forward pieces (`customOp`).
 *
 * Only the shapes of protocol §3.1 are supported — kernel 4 with stride 1 or 2 — which is every layer of both
 * architectures; anything else is a RangeError.
 *
 * - conv, stride 1 or 2: y = col(x) · reshape(W, [16·Ci, Co]), col(x) [OH·OW·N, 16·Ci] the 16 windows side by
 *   side (`im2col.ts`): one product over all taps.
 * - transposed conv, stride 2 (sub-pixel form): o = 2i + t − p. Without padding, output o = 2m + r takes tap
 *   t = r from x[m] and t = r + 2 from x[m − 1]; so the padding-0 output is a k2 s1 conv over pad(x, 1) with a
 *   [2, 2, Ci, (r, c, Co)] filter holding the four output phases, interleaved by a reshape. Padding p crops p
 *   rows and columns on each side (PyTorch's definition).
 * - transposed conv, stride 1: Y = x·W [H, W, N, (a, b), Co]; tap (a, b) is added at offset (a, b), cropped by p.
 * - on the host backends (cpu, wasm) a transposed conv of stride 1, or of stride 2 whose Y is smaller than the
 *   gathered columns of the sub-pixel form (few output channels: each decoder's last layer), is that scatter
 *   form with the overlap-add as one host pass (`col2imHost`) instead of 16 padded copies summed.
 *
 * Filters: conv [k, k, Ci, Co]; transposed conv [k, k, Co, Ci] (tfjs layout). Transposed output size
 * (in − 1)·s − 2p + k.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import { sumTensors } from "../../tensor/ops.ts";
import { onHostBackend } from "../../tensor/host.ts";
import { col2imHost, type Columns, im2col } from "./im2col.ts";

const K = 4;

function check(k: number, stride: number, op: string) {
  if (k !== K || (stride !== 1 && stride !== 2)) {
    throw new RangeError(
      `Cannot build ${op}: only kernel 4 with stride 1 or 2 is supported, received kernel ${k}, stride ${stride}`,
    );
  }
}

/**
 * Memory: tfjs keeps every intermediate of a taped forward pass until the backward pass, which for these
 * window-and-product forms is ~10× the activation size. So each op is one custom-gradient node that keeps only
 * its inputs, with the backward pass written out:
 *   conv:   dx = convT(dy, w) (zero-padded to x's size when the stride did not divide), dw = filterGrad(x, dy)
 *   convT:  dx = conv(dy, w),  dw = filterGrad(dy, x)   (a convT filter [k, k, Co, Ci] is a conv filter Co → Ci)
 * with filterGrad(x, g) = col(x)ᵀ · g, the same columns as the forward conv.
 */
function customOp(
  forward: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  backward: (dy: tf.Tensor4D, x: tf.Tensor4D, w: tf.Tensor4D) => [tf.Tensor4D, tf.Tensor4D],
): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: forward(x, w),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        backward(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D),
    };
  });
  return (x, w) => op(x, w) as tf.Tensor4D;
}

/** ∂L/∂w of y = conv(x, w): [k, k, C, Co] = col(x)ᵀ · dy, the same columns as the forward conv. */
function convFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  k: number,
  stride: number,
  pad: number,
): tf.Tensor4D {
  return tf.tidy(() => filterGradOf(im2col(x, k, stride, pad), k, dy));
}

/** colᵀ · g: [k, k, C, Co] for g [OH, OW, N, Co]. */
function filterGradOf({ col, c }: Columns, k: number, g: tf.Tensor4D): tf.Tensor4D {
  const co = g.shape[3];
  const g2 = tf.reshape(g, [col.shape[0], co]); // [OH·OW·N, Co]
  return tf.reshape(tf.matMul(col, g2, true, false), [k, k, c, co]) as tf.Tensor4D; // [(t, u, C), Co]
}

/** col · reshape(w, [k·k·Ci, Co]): [OH, OW, N, Co] for a filter w [k, k, Ci, Co]. */
function columnsTimesFilter({ col, oh, ow, n }: Columns, w: tf.Tensor4D): tf.Tensor4D {
  const [k, , ci, co] = w.shape;
  const y = tf.matMul(col, tf.reshape(w, [k * k * ci, co])); // [OH·OW·N, Co]
  return tf.reshape(y, [oh, ow, n, co]) as tf.Tensor4D;
}

/** Zero-pad the bottom/right of x [h, w, N, C] to [H, W, N, C]. */
function padTo(x: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  const [xh, xw] = x.shape;
  return xh === h && xw === w ? x : tf.pad(x, [[0, h - xh], [0, w - xw], [0, 0], [0, 0]]) as tf.Tensor4D;
}

/** NHWC → HWNC. */
export function toHwnc(x: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(x, [1, 2, 0, 3]);
}

/** HWNC → NHWC. */
export function fromHwnc(x: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(x, [2, 0, 1, 3]);
}

/**
 * y = conv(x, w), stride `stride`, symmetric zero padding `pad`; x [H, W, N, Ci] (HWNC), w [4, 4, Ci, Co].
 *
 * @example
 * ```ts
 * import { tf } from "../../tensor/tf.ts";
 * import { conv2d } from "./conv_ops.ts";
 * await tf.setBackend("cpu");
 * const y = conv2d(tf.ones([4, 4, 1, 1]) as tf.Tensor4D, tf.ones([4, 4, 1, 1]) as tf.Tensor4D, 2, 1); // [2, 2, 1, 1]
 * if (y.dataSync()[0] !== 9) throw new Error("corner sums 3×3 ones");
 * ```
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  const k = w.shape[0];
  check(k, stride, "conv2d");
  return customOp(
    (a, b) => conv2dForward(a, b, stride, pad),
    (dy, a, b) => [
      convTransposeForward(dy, b, stride, pad, [a.shape[0], a.shape[1]]),
      convFilterGrad(a, dy, k, stride, pad),
    ],
  )(x, w);
}

function conv2dForward(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => columnsTimesFilter(im2col(x, w.shape[0], stride, pad), w));
}

/**
 * PyTorch-style transposed convolution: x [H, W, N, Ci] (HWNC), w [4, 4, Co, Ci] → [(H−1)s − 2p + 4, …, N, Co].
 *
 * @example
 * ```ts
 * import { tf } from "../../tensor/tf.ts";
 * import { convTranspose2d } from "./conv_ops.ts";
 * await tf.setBackend("cpu");
 * const y = convTranspose2d(tf.ones([1, 1, 1, 2]) as tf.Tensor4D, tf.ones([4, 4, 3, 2]) as tf.Tensor4D, 2, 0);
 * if (y.shape.join() !== "4,4,1,3" || y.dataSync()[0] !== 2) throw new Error("1×1 → 4×4, each output sums 2 inputs");
 * ```
 */
export function convTranspose2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  const k = w.shape[0];
  check(k, stride, "convTranspose2d");
  return customOp(
    (a, b) => convTransposeForward(a, b, stride, pad),
    // dx = conv(dy, w) and dw = filterGrad(dy, x) read the same columns of dy: gathered once
    (dy, a, b) =>
      tf.tidy(() => {
        const cols = im2col(dy, k, stride, pad);
        return [columnsTimesFilter(cols, b), filterGradOf(cols, k, a)];
      }) as [tf.Tensor4D, tf.Tensor4D],
  )(x, w);
}

/**
 * The transposed conv; `size` [OH, OW] overrides the output size (the input gradient of a conv whose stride did not
 * divide: rows p … p + OH − 1 of the padding-0 output, zero-filled past its end).
 */
function convTransposeForward(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  stride: number,
  pad: number,
  size?: [number, number],
): tf.Tensor4D {
  const [k, , co, ci] = w.shape;
  return tf.tidy(() => {
    const [h, wd, n] = x.shape;
    const oh = size?.[0] ?? (h - 1) * stride - 2 * pad + k, ow = size?.[1] ?? (wd - 1) * stride - 2 * pad + k;
    const wt = tf.transpose(w, [0, 1, 3, 2]); // [k, k, Ci, Co]
    // [Ci, (a, b, Co)]: every tap's filter side by side, for the scatter forms
    const byTaps = () =>
      tf.reshape(tf.transpose(tf.reshape(wt, [k * k, ci, co]), [1, 0, 2]), [ci, k * k * co]);
    if (onHostBackend() && (stride === 1 || h * wd * k * k * co < (h + 1) * (wd + 1) * 4 * ci)) {
      // scatter: one product x·w′ [H·W·N, 16·Co], then the overlap-add (cropped, zero-filled past the end) in
      // one host pass — for stride 2 when its result is smaller than the gathered columns (a layer with few
      // output channels, e.g. the decoders' last)
      const y = tf.matMul(tf.reshape(x, [h * wd * n, ci]), byTaps());
      return col2imHost(y as tf.Tensor2D, [h, wd, n], k, stride, pad, [oh, ow]);
    }
    const tap = (t: number, u: number) => tf.reshape(tf.slice(wt, [t, u, 0, 0], [1, 1, ci, co]), [ci, co]); // [Ci, Co]
    let full: tf.Tensor4D; // the padding-0 output [(H−1)s + k, (W−1)s + k, N, Co]
    if (stride === 2) {
      // Window (a, b) of pad(x, 1) holds x[m − 1 + a]; for output phase r it meets tap t = r + 2(1 − a).
      const wc: tf.Tensor[] = []; // per window: [Ci, (r, c, Co)]
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          const phases: tf.Tensor[] = [];
          for (let r = 0; r < 2; r++) {
            for (let c = 0; c < 2; c++) phases.push(tap(r + 2 * (1 - a), c + 2 * (1 - b)));
          }
          wc.push(tf.concat(phases, 1)); // [Ci, 4·Co]
        }
      }
      const wcat = tf.reshape(tf.stack(wc), [2, 2, ci, 4 * co]) as tf.Tensor4D; // [a, b, Ci, (r, c, Co)]
      const y = conv2dForward(x, wcat, 1, 1); // over pad(x, 1): [m, m', N, (r, c, Co)]
      // Interleave o = 2m + r with two rank-4 transposes: [m, (m' N), r, (c Co)] → [m, r, (m' N), (c Co)], then
      // [(m r m'), N, c, Co] → [(m r m'), c, N, Co].
      const t1 = tf.transpose(tf.reshape(y, [h + 1, (wd + 1) * n, 2, 2 * co]), [0, 2, 1, 3]);
      const t2 = tf.transpose(tf.reshape(t1, [2 * (h + 1) * (wd + 1), n, 2, co]), [0, 2, 1, 3]);
      full = tf.reshape(t2, [2 * (h + 1), 2 * (wd + 1), n, co]) as tf.Tensor4D; // [2m + r, 2m' + c, N, Co]
    } else {
      const y = tf.matMul(tf.reshape(x, [h * wd * n, ci]), byTaps()); // [H·W·N, 16·Co]
      const byTap = tf.transpose(tf.reshape(y, [h * wd, n, k * k, co]), [2, 0, 1, 3]); // [16, H·W, N, Co]
      const taps: tf.Tensor[] = [];
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const yab = tf.reshape(tf.slice(byTap, [a * k + b, 0, 0, 0], [1, h * wd, n, co]), [h, wd, n, co]); // contiguous
          taps.push(tf.pad(yab, [[a, k - 1 - a], [b, k - 1 - b], [0, 0], [0, 0]])); // [H + 3, W + 3, N, Co]
        }
      }
      full = sumTensors(taps) as tf.Tensor4D;
    }
    const [fh, fw] = full.shape;
    if (pad === 0 && fh === oh && fw === ow) return full;
    const cropped = tf.slice(full, [pad, pad, 0, 0], [Math.min(oh, fh - pad), Math.min(ow, fw - pad), n, co]);
    return padTo(cropped as tf.Tensor4D, oh, ow); // [OH, OW, N, Co]
  });
}
