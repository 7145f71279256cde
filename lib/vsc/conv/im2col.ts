/**
 * The k×k windows of a convolution as one matrix (im2col), so that a conv and its filter gradient are one
 * matrix product each with an inner dimension of k·k·C, instead of k·k products with an inner dimension of C
 * whose [OH·OW·N, Co] results are then summed.
 *
 * Why: the layers of protocol §3.1 have C ∈ {1, 3, 64, 128}; a product with an inner dimension of 1–3 writes its
 * whole output for a handful of multiply-adds, and 16 such outputs had to be added afterwards. One product over
 * the 16·C columns reads and writes each output once and runs at the BLAS kernel's speed.
 *
 * On the host backends (cpu, wasm) the matrix is gathered in one host pass over x (zeros where a window leaves
 * the image); elsewhere (WebGPU) from the windows as slices, stacked. Both give the same values, bit for bit.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import { hostCompute, onHostBackend } from "../../tensor/host.ts";

/** The columns of a conv over x: `col` [OH·OW·N, k·k·C], row (i, j, n), column (t, u, c). */
export interface Columns {
  col: tf.Tensor2D;
  oh: number;
  ow: number;
  n: number;
  c: number;
}

/**
 * im2col of x [H, W, N, C] (HWNC) for a k×k conv with stride `stride` and symmetric zero padding `pad`:
 * col[(i·OW + j)·N + n, (t·k + u)·C + c] = x[stride·i + t − pad, stride·j + u − pad, n, c], or 0 outside x.
 * So conv(x, w) = col · reshape(w, [k·k·C, Co]) for a filter w [k, k, C, Co].
 *
 * @example
 * ```ts
 * import { tf } from "../../tensor/tf.ts";
 * import { im2col } from "./im2col.ts";
 * await tf.setBackend("cpu");
 * // a 2×2 image, one image and channel, k = 2, stride 1, padding 0: one window holding the whole image
 * const { col, oh } = im2col(tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]), 2, 1, 0);
 * if (oh !== 1 || col.dataSync().join() !== "1,2,3,4") throw new Error("one window, row-major taps");
 * ```
 */
export function im2col(x: tf.Tensor4D, k: number, stride: number, pad: number): Columns {
  return onHostBackend() ? im2colHost(x, k, stride, pad) : im2colOps(x, k, stride, pad);
}

function outputSize(x: tf.Tensor4D, k: number, stride: number, pad: number) {
  const [h, wd, n, c] = x.shape;
  return {
    h,
    wd,
    n,
    c,
    oh: Math.floor((h + 2 * pad - k) / stride) + 1,
    ow: Math.floor((wd + 2 * pad - k) / stride) + 1,
  };
}

/** {@linkcode im2col} as one host pass: every window row is a copy of C contiguous floats. */
export function im2colHost(x: tf.Tensor4D, k: number, stride: number, pad: number): Columns {
  const { h, wd, n, c, oh, ow } = outputSize(x, k, stride, pad);
  const width = k * k * c; // row length of col
  const [col] = hostCompute([x], [[oh * ow * n, width]], ([xv], [cv]) => {
    for (let i = 0; i < oh; i++) {
      for (let t = 0; t < k; t++) {
        const r = stride * i + t - pad;
        if (r < 0 || r >= h) continue; // zero rows of the padding (the output is zero-filled)
        for (let j = 0; j < ow; j++) {
          for (let u = 0; u < k; u++) {
            const q = stride * j + u - pad;
            if (q < 0 || q >= wd) continue;
            // x[r, q, :, :] is one contiguous N×C block; its image n goes to row (i·OW + j)·N + n
            const src = (r * wd + q) * n * c;
            const dst = (i * ow + j) * n * width + (t * k + u) * c;
            for (let m = 0; m < n; m++) {
              const s = src + m * c, d = dst + m * width;
              for (let e = 0; e < c; e++) cv[d + e] = xv[s + e];
            }
          }
        }
      }
    }
  });
  return { col: col as tf.Tensor2D, oh, ow, n, c };
}

/**
 * {@linkcode im2col} from backend ops: each window one rank-4 slice with a contiguous N×C inner block (stride 2
 * views rows and columns as (block, parity)), stacked along a new axis after the rows.
 */
export function im2colOps(x: tf.Tensor4D, k: number, stride: number, pad: number): Columns {
  const { h, wd, n, c, oh, ow } = outputSize(x, k, stride, pad);
  const col = tf.tidy(() => {
    let window: (t: number, u: number) => tf.Tensor;
    if (stride !== 1 && stride !== 2) {
      throw new RangeError(
        `Cannot build im2col: "stride" must be 1 or 2 on this backend, received ${stride}`,
      );
    }
    if (stride === 1) {
      const xp = pad > 0 ? tf.pad(x, [[pad, pad], [pad, pad], [0, 0], [0, 0]]) : x; // [Hp, Wp, N, C]
      window = (t, u) => tf.slice(xp, [t, u, 0, 0], [oh, ow, n, c]);
    } else {
      const hp = 2 * (oh + 1), wp = 2 * (ow + 1); // even size covering every window
      const xp = tf.pad(x, [[pad, hp - h - pad], [pad, wp - wd - pad], [0, 0], [0, 0]]); // [Hp, Wp, N, C]
      const xv = tf.reshape(xp, [hp / 2, 2, wp / 2, 2 * n * c]); // [Hp/2, r, Wp/2, (c', N, C)]
      window = (t, u) => tf.slice(xv, [t >> 1, t & 1, u >> 1, (u & 1) * n * c], [oh, 1, ow, n * c]);
    }
    const windows: tf.Tensor[] = [];
    for (let t = 0; t < k; t++) {
      for (let u = 0; u < k; u++) windows.push(tf.reshape(window(t, u), [oh * ow * n, c]));
    }
    return tf.reshape(tf.stack(windows, 1), [oh * ow * n, k * k * c]) as tf.Tensor2D; // [rows, (t, u, C)]
  });
  return { col, oh, ow, n, c };
}

/**
 * col2im, the adjoint of {@linkcode im2col}, on the host: the overlap-add of a transposed conv. For y
 * [H·W·N, k·k·C] with row (m, m′, n) and column (a, b, c), out [OH, OW, N, C] sums y into
 * out[stride·m + a − pad, stride·m′ + b − pad, n, c], dropping what falls outside. So a transposed conv with
 * filter w [k, k, C, Ci] is col2im(x · w′) with w′ [Ci, (a, b, C)], one product whose result is k·k·C wide
 * where the gathered form's columns are k·k·Ci (or 4·Ci) wide.
 *
 * @example
 * ```ts
 * import { tf } from "../../tensor/tf.ts";
 * import { col2imHost } from "./im2col.ts";
 * await tf.setBackend("cpu");
 * // one input pixel, k = 2, stride 1: its four taps land on a 2×2 output
 * const out = col2imHost(tf.tensor2d([[1, 2, 3, 4]]), [1, 1, 1], 2, 1, 0, [2, 2]);
 * if (out.dataSync().join() !== "1,2,3,4") throw new Error("taps in row-major order");
 * ```
 */
export function col2imHost(
  y: tf.Tensor2D,
  [h, wd, n]: [number, number, number],
  k: number,
  stride: number,
  pad: number,
  [oh, ow]: [number, number],
): tf.Tensor4D {
  const width = y.shape[1], c = width / (k * k);
  if (!Number.isInteger(c) || y.shape[0] !== h * wd * n) {
    throw new RangeError(
      `Cannot build col2im: "y" must be [${h * wd * n}, k·k·C] for k = ${k}, received [${y.shape}]`,
    );
  }
  const [out] = hostCompute([y], [[oh, ow, n, c]], ([yv], [ov]) => {
    for (let m = 0; m < h; m++) {
      for (let a = 0; a < k; a++) {
        const r = stride * m + a - pad;
        if (r < 0 || r >= oh) continue;
        for (let j = 0; j < wd; j++) {
          for (let b = 0; b < k; b++) {
            const q = stride * j + b - pad;
            if (q < 0 || q >= ow) continue;
            const src = (m * wd + j) * n * width + (a * k + b) * c, dst = (r * ow + q) * n * c;
            for (let i = 0; i < n; i++) {
              const s = src + i * width, d = dst + i * c;
              for (let e = 0; e < c; e++) ov[d + e] += yv[s + e];
            }
          }
        }
      }
    }
  });
  return out as tf.Tensor4D;
}
