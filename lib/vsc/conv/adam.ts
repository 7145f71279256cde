/**
 * Adam as PyTorch's `torch.optim.Adam` computes it, with coupled L2 weight decay (protocol §3.2: lr 3e-4,
 * betas (0.5, 0.999), weight_decay 1e-5):
 *
 *   g ← g + wd·θ;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + eps)
 *
 * tfjs's own Adam puts eps inside the bias correction differently and has no weight decay, hence this file.
 * The learning rate is passed per step (the cycle schedule sets it).
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** @default 0.5 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  eps?: number;
  /** Coupled L2 weight decay added to the gradient. @default 0 */
  weightDecay?: number;
}

/** Adam state over a fixed list of variables; owns its moment tensors. */
export class Adam {
  readonly #m: tf.Variable[];
  readonly #v: tf.Variable[];
  #t = 0;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(readonly vars: tf.Variable[], options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.5;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    // Inside tidy: tf.variable keeps its initial tensor registered until that is disposed.
    this.#m = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.#v = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
  }

  /** Steps taken so far. */
  get step(): number {
    return this.#t;
  }

  /** One update with gradients keyed by variable name (as `tf.variableGrads` returns them). */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.#t++;
    const c1 = 1 - Math.pow(this.beta1, this.#t);
    const c2 = 1 - Math.pow(this.beta2, this.#t);
    tf.tidy(() => {
      this.vars.forEach((p, i) => {
        let g = grads[p.name];
        if (!g) return;
        if (this.weightDecay) g = tf.add(g, tf.mul(p, this.weightDecay));
        const m = tf.add(tf.mul(this.#m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.#v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.#m[i].assign(m);
        this.#v[i].assign(v);
        const denom = tf.add(tf.sqrt(tf.div(v, c2)), this.eps);
        p.assign(tf.sub(p, tf.mul(tf.div(tf.div(m, c1), denom), lr)));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.#m, ...this.#v]);
  }
}
