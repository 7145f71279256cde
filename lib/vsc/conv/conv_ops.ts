/**
 * 2-D convolution and PyTorch-style transposed convolution written as matrix products over tensors in
 * **HWNC** layout (row, column, image, channel), so that they train on every tfjs backend and run at BLAS speed
 * on wasm (`lib/tensor/kernels.ts` routes `matMul` to OpenBLAS).
 *
 * Why not tfjs's conv kernels: the wasm backend has no `Conv2DBackpropFilter` (its convs cannot be trained there
 * at all) and its `Conv2DBackpropInput` is ~8× slower than its forward conv. Why HWNC: a conv window is then a
 * slice whose contiguous inner block is a whole N×C plane, which the wasm `Slice` kernel copies in one go (in
 * NHWC the same slice is thousands of small copies, and dominated the step time). Gradients come from
 * explicit backward passes built from the same forward pieces (`customOp`).
 *
 * Only the shapes of protocol §3.1 are supported — kernel 4 with stride 1 or 2 — which is every layer of both
 * architectures; anything else is a RangeError.
 *
 * - conv, stride 1: y = Σ_{a,b} x[a:a+OH, b:b+OW] · W[a, b]  (16 window products summed).
 * - conv, stride 2: zero-pad, space-to-depth by 2 (a k4 s2 conv becomes a k2 s1 conv over 4·Ci channels with
 *   the re-ordered filter), then 4 window products.
 * - transposed conv, stride 2 (sub-pixel form): o = 2i + t − p. Without padding, output o = 2m + r takes tap
 *   t = r from x[m] and t = r + 2 from x[m − 1]; so the padding-0 output is a k2 s1 conv over pad(x, 1) with a
 *   [2, 2, Ci, (r, c, Co)] filter holding the four output phases, interleaved by a reshape. Padding p crops p
 *   rows and columns on each side (PyTorch's definition).
 * - transposed conv, stride 1: Y = x·W [H, W, N, (a, b), Co]; tap (a, b) is added at offset (a, b), cropped by p.
 *
 * Filters: conv [k, k, Ci, Co]; transposed conv [k, k, Co, Ci] (tfjs layout). Transposed output size
 * (in − 1)·s − 2p + k.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import { sumTensors } from "../../tensor/ops.ts";

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
 * with filterGrad(x, g)[t, u] = window_tu(x)ᵀ · g, the same windows as the forward conv.
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

/**
 * The k×k windows of a stride-1 or stride-2 conv over x [H, W, N, C] padded by p: window (t, u) is
 * [OH·OW·N, C], the input values tap (t, u) meets. Stride 2 views rows and columns as (block, parity) so every
 * window is one rank-4 slice with a contiguous N×C inner block.
 */
function convWindows(x: tf.Tensor4D, k: number, stride: number, pad: number) {
  const [h, wd, n, c] = x.shape;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((wd + 2 * pad - k) / stride) + 1;
  if (stride === 1) {
    const xp = pad > 0 ? tf.pad(x, [[pad, pad], [pad, pad], [0, 0], [0, 0]]) as tf.Tensor4D : x; // [Hp, Wp, N, C]
    return {
      oh,
      ow,
      n,
      c,
      window: (t: number, u: number) =>
        tf.reshape(tf.slice(xp, [t, u, 0, 0], [oh, ow, n, c]), [oh * ow * n, c]),
    };
  }
  const hp = 2 * (oh + 1), wp = 2 * (ow + 1); // even size covering every window
  const xp = tf.pad(x, [[pad, hp - h - pad], [pad, wp - wd - pad], [0, 0], [0, 0]]); // [Hp, Wp, N, C]
  const xv = tf.reshape(xp, [hp / 2, 2, wp / 2, 2 * n * c]); // [Hp/2, r, Wp/2, (c', N, C)]
  return {
    oh,
    ow,
    n,
    c,
    window: (t: number, u: number) =>
      tf.reshape(tf.slice(xv, [t >> 1, t & 1, u >> 1, (u & 1) * n * c], [oh, 1, ow, n * c]), [
        oh * ow * n,
        c,
      ]),
  };
}

/** ∂L/∂w of y = conv(x, w): [k, k, C, Co] with [t, u] = window_tu(x)ᵀ · dy. */
function convFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  k: number,
  stride: number,
  pad: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const win = convWindows(x, k, stride, pad);
    const g = tf.reshape(dy, [win.oh * win.ow * win.n, dy.shape[3]]); // [OH·OW·N, Co]
    const taps: tf.Tensor[] = [];
    for (let t = 0; t < k; t++) {
      for (let u = 0; u < k; u++) taps.push(tf.tidy(() => tf.matMul(win.window(t, u), g, true, false))); // [C, Co]
    }
    return tf.reshape(tf.stack(taps), [k, k, win.c, dy.shape[3]]) as tf.Tensor4D;
  });
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
 * Σ_{a,b} window(a, b) · W[a, b]: a stride-1 valid conv, x [H, W, N, C], w [k, k, C, Co] → [OH, OW, N, Co].
 * Every window is a rank-4 slice whose inner N×C block is contiguous.
 */
function windowProducts(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [h, wd, n, c] = x.shape;
  const [k, , , co] = w.shape;
  const oh = h - k + 1, ow = wd - k + 1;
  const terms: tf.Tensor[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const win = tf.reshape(tf.slice(x, [a, b, 0, 0], [oh, ow, n, c]), [oh * ow * n, c]); // [OH·OW·N, C]
      const wab = tf.reshape(tf.slice(w, [a, b, 0, 0], [1, 1, c, co]), [c, co]); // [C, Co]
      terms.push(tf.matMul(win, wab)); // [OH·OW·N, Co]
    }
  }
  return tf.reshape(sumTensors(terms), [oh, ow, n, co]); // [OH, OW, N, Co]
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
  const [k, , ci, co] = w.shape;
  return tf.tidy(() => {
    const win = convWindows(x, k, stride, pad);
    const terms: tf.Tensor[] = [];
    for (let t = 0; t < k; t++) {
      for (let u = 0; u < k; u++) {
        const wtu = tf.reshape(tf.slice(w, [t, u, 0, 0], [1, 1, ci, co]), [ci, co]); // [Ci, Co]
        terms.push(tf.matMul(win.window(t, u), wtu)); // [OH·OW·N, Co]
      }
    }
    return tf.reshape(sumTensors(terms), [win.oh, win.ow, win.n, co]) as tf.Tensor4D; // [OH, OW, N, Co]
  });
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
    (dy, a, b) => [conv2dForward(dy, b, stride, pad), convFilterGrad(dy, a, k, stride, pad)],
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
      const xp = tf.pad(x, [[1, 1], [1, 1], [0, 0], [0, 0]]) as tf.Tensor4D; // [H + 2, W + 2, N, Ci]
      const y = windowProducts(xp, wcat); // [m, m', N, (r, c, Co)]
      // Interleave o = 2m + r with two rank-4 transposes: [m, (m' N), r, (c Co)] → [m, r, (m' N), (c Co)], then
      // [(m r m'), N, c, Co] → [(m r m'), c, N, Co].
      const t1 = tf.transpose(tf.reshape(y, [h + 1, (wd + 1) * n, 2, 2 * co]), [0, 2, 1, 3]);
      const t2 = tf.transpose(tf.reshape(t1, [2 * (h + 1) * (wd + 1), n, 2, co]), [0, 2, 1, 3]);
      full = tf.reshape(t2, [2 * (h + 1), 2 * (wd + 1), n, co]) as tf.Tensor4D; // [2m + r, 2m' + c, N, Co]
    } else {
      const wm = tf.reshape(tf.transpose(tf.reshape(wt, [k * k, ci, co]), [1, 0, 2]), [ci, k * k * co]); // [Ci, (a, b, Co)]
      const y = tf.matMul(tf.reshape(x, [h * wd * n, ci]), wm); // [H·W·N, 16·Co]
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
