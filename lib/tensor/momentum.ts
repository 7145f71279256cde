/**
 * SGD with Nesterov momentum over a fixed list of variables (the inference network's optimizer, protocol §1.4:
 * momentum 0.9, Nesterov, learning rate set per step by the cycle schedule). The same update as
 * `tf.train.momentum(lr, m, true)`, bit for bit, but one fused pass per variable on wasm
 * ({@linkcode nesterovMomentumStep}) instead of five kernels.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { nesterovMomentumStep } from "./heap_kernels.ts";

/** Momentum state over a fixed list of variables; owns its accumulators (call `dispose`). */
export class NesterovMomentum {
  readonly #accumulations: tf.Variable[];

  /**
   * @example
   * ```ts
   * import { tf } from "./tf.ts";
   * import { NesterovMomentum } from "./momentum.ts";
   * await tf.ready();
   * const w = tf.variable(tf.scalar(1), true, "w_doc");
   * const opt = new NesterovMomentum([w], 0.9);
   * opt.apply({ w_doc: tf.scalar(1) }, 0.1); // a = 1, w = 1 − 0.1·(1 + 0.9) = 0.81
   * if (Math.abs(w.dataSync()[0] - 0.81) > 1e-6) throw new Error("one step");
   * opt.dispose();
   * w.dispose();
   * ```
   */
  constructor(readonly vars: tf.Variable[], readonly momentum: number) {
    // Inside tidy: tf.variable keeps its initial tensor registered until that is disposed.
    this.#accumulations = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
  }

  /** One update with gradients keyed by variable name (as `tf.variableGrads` returns them) at rate `lr`. */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.vars.forEach((v, i) => {
      const g = grads[v.name];
      if (!g) return;
      const [value, accumulation] = nesterovMomentumStep(v, this.#accumulations[i], g, this.momentum, lr);
      this.#accumulations[i].assign(accumulation);
      v.assign(value);
      tf.dispose([value, accumulation]);
    });
  }

  dispose(): void {
    tf.dispose(this.#accumulations);
  }
}
