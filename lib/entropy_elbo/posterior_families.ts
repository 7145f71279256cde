/**
 * The Gaussian posterior families of Velychko et al.'s code (protocol §5.3) that the entropy ELBO is optimised over:
 *
 * - `diagonal`: per data point, q_n = N(μ_n, diag(s_n²)); μ starts at 0 and s at 1 (s = exp of a free parameter,
 *   where the authors square a free σ — the same family, kept positive without a sign ambiguity);
 * - `full`: per data point, q_n = N(μ_n, L_n L_nᵀ), L_n lower-triangular with a positive diagonal (exp of its free
 *   diagonal), starting at L_n = I as the authors' `torch.tril(eye)`;
 * - `amortised`: one network for all data points, the authors' residual MLP ("ResNet", used for the image
 *   patches): D → 2D, two blocks x + Lin(3D → 2D)(ReLU(Lin(2D → 3D)(ReLU x))), then linear heads μ and
 *   s = softplus(·) + 10⁻³; PyTorch's default initialisation.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { Rng } from "../tensor/rng.ts";
import { Linear } from "../vsc/conv/layers.ts";
import type { GaussianPosteriors } from "./optimal_parameters.ts";

/** The families this module builds. */
export const POSTERIOR_FAMILIES = ["diagonal", "full", "amortised"] as const;
export type PosteriorFamily = typeof POSTERIOR_FAMILIES[number];

/** A family's trainable state. */
export interface Posteriors {
  family: PosteriorFamily;
  /** The trainable variables. */
  variables: tf.Variable[];
  /**
   * The posteriors of the data `x` [N, D]; the per-data-point families hold one posterior per row of the data
   * they were made for and ignore `x` beyond its shape. Tensors owned by the caller.
   */
  of(x: tf.Tensor2D): GaussianPosteriors;
  dispose(): void;
}

/**
 * Make a family's posteriors for `n` data points of dimension `d` and `h` latents.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { createPosteriors } from "./posterior_families.ts";
 * await tf.ready();
 * const q = createPosteriors("full", { n: 2, d: 3, h: 2 }, new Rng(0));
 * const { mu, l } = q.of(tf.zeros([2, 3]));
 * if (l!.shape.join() !== "2,2,2" || l!.arraySync()[0][0][0] !== 1 || mu.arraySync()[1][1] !== 0) throw new Error();
 * q.dispose();
 * ```
 */
export function createPosteriors(
  family: PosteriorFamily,
  dims: { n: number; d: number; h: number },
  rng: Rng,
): Posteriors {
  const { n, d, h } = dims;
  const checkRows = (x: tf.Tensor2D) => {
    if (x.shape[0] !== n) {
      throw new RangeError(
        `Cannot compute ${family} posteriors: they were made for ${n} data points, received ${x.shape[0]}`,
      );
    }
  };
  if (family === "diagonal") {
    const mu = tf.tidy(() => tf.variable(tf.zeros([n, h])));
    const logS = tf.tidy(() => tf.variable(tf.zeros([n, h])));
    return {
      family,
      variables: [mu, logS],
      of: (x) => {
        checkRows(x);
        return { mu: mu.clone() as tf.Tensor2D, s: tf.exp(logS) as tf.Tensor2D };
      },
      dispose: () => tf.dispose([mu, logS]),
    };
  }
  if (family === "full") {
    const mu = tf.tidy(() => tf.variable(tf.zeros([n, h])));
    const raw = tf.tidy(() => tf.variable(tf.zeros([n, h, h])));
    const eye = tf.eye(h);
    const strictlyLower = tf.tidy(() => tf.sub(tf.linalg.bandPart(tf.ones([h, h]), -1, 0), eye));
    return {
      family,
      variables: [mu, raw],
      of: (x) => {
        checkRows(x);
        const l = tf.tidy(() => tf.add(tf.mul(raw, strictlyLower), tf.mul(tf.exp(raw), eye))) as tf.Tensor3D;
        return { mu: mu.clone() as tf.Tensor2D, l };
      },
      dispose: () => tf.dispose([mu, raw, eye, strictlyLower]),
    };
  }
  const layers = {
    input: new Linear(rng, d, 2 * d),
    blocks: [0, 1].map(() => [new Linear(rng, 2 * d, 3 * d), new Linear(rng, 3 * d, 2 * d)]),
    mean: new Linear(rng, 2 * d, h),
    spread: new Linear(rng, 2 * d, h),
  };
  const all = [layers.input, ...layers.blocks.flat(), layers.mean, layers.spread];
  return {
    family,
    variables: all.flatMap((layer) => [layer.w, layer.b]),
    of: (x) =>
      tf.tidy(() => {
        let common = layers.input.forward(x);
        for (const [a, b] of layers.blocks) {
          common = tf.add(common, b.forward(tf.relu(a.forward(tf.relu(common)))));
        }
        const s = tf.add(tf.softplus(layers.spread.forward(common)), 1e-3) as tf.Tensor2D;
        return { mu: layers.mean.forward(common), s };
      }),
    dispose: () => tf.dispose(all.flatMap((layer) => [layer.w, layer.b])),
  };
}
