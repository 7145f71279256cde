/**
 * The latent layer shared by the linear-generator and DNN experiments: from the encoder's heads to J
 * (thresholded) samples per datum and the per-datum KL (Fallah & Rozell 2022 §3.2, App. B; protocol §1.7,
 * 2.1–2.7).
 *
 * | spec.prior   | threshold           | model                                    |
 * |--------------|---------------------|------------------------------------------|
 * | "gaussian"   | "none"              | VAE (Kingma & Welling)                   |
 * | "laplace"    | "none"              | Laplacian VAE (Barello et al.)           |
 * | "gaussian"   | "fixed" / "learned" | thresholded Gaussian (+ Gamma on λ)      |
 * | "laplace"    | "fixed" / "learned" | thresholded Laplacian (+ Gamma on λ)     |
 * | "spike_slab" | "none" only         | concrete spike-and-slab (Tonolini et al.)|
 *
 * Two implementations give the same values and gradients (tested against each other):
 * `_latent_graph.ts` writes the authors' construction with tfjs ops (runs on any backend), and
 * `_latent_fused.ts` evaluates the same per-element formulas and their Jacobian on the host in one custom
 * op (about 10× fewer device passes on cpu/wasm). `sampleLatent` dispatches on the active backend.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { onHostBackend } from "../tensor/host.ts";
import type { Rng } from "../tensor/rng.ts";
import {
  headNames,
  type LatentParams,
  type LatentSample,
  type LatentSpec,
  type Schedule,
} from "./latent_spec.ts";
import { sampleLatentGraph } from "./_latent_graph.ts";
import { sampleLatentFused } from "./_latent_fused.ts";

export { perSampleSquaredError, type SelectionMethod, selectionWeights, vscObjective } from "./objective.ts";
export {
  defaultLatentSpec,
  headNames,
  type LatentParams,
  type LatentSample,
  type LatentSpec,
  type PriorKind,
  type Schedule,
} from "./latent_spec.ts";
export { latentKl } from "./latent_kl.ts";

function validate(p: LatentParams, spec: LatentSpec, J: number, sched: Schedule): void {
  const where = "Cannot sample latent";
  if (spec.prior === "spike_slab" && spec.threshold !== "none") {
    throw new RangeError(
      `${where}: prior "spike_slab" takes no threshold, received threshold "${spec.threshold}"`,
    );
  }
  if (!Number.isInteger(J) || J < 1) {
    throw new RangeError(`${where}: J must be a positive integer, received ${J}`);
  }
  if (!(sched.warmup >= 0 && sched.warmup <= 1)) {
    throw new RangeError(`${where}: warm-up must lie in [0, 1], received ${sched.warmup}`);
  }
  if (spec.prior === "spike_slab" && !(sched.temperature > 0)) {
    throw new RangeError(`${where}: temperature must be positive, received ${sched.temperature}`);
  }
  if (p.mu.rank !== 2) {
    throw new RangeError(`${where}: head "mu" must have shape [B, K], received [${p.mu.shape}]`);
  }
  for (const name of headNames(spec)) {
    const head = p[name];
    if (!head) throw new TypeError(`${where}: head "${name}" is required by this spec (see headNames)`);
    if (head.shape.join() !== p.mu.shape.join()) {
      throw new RangeError(
        `${where}: head "${name}" must have shape [${p.mu.shape}] like "mu", received [${head.shape}]`,
      );
    }
  }
}

/**
 * J samples per datum from the latent layer, with the gradient semantics of protocol §2.5 / 2.6, and the KL.
 *
 * - Gaussian base: s = μ + n, n = σε (logscale = ln σ²). Laplace base: n = w·b·e (logscale = ln b, w the warm-up).
 * - Threshold: z = T_λ(s) (exact zeros). "straight": z = T̃ + (s − sg(s)) with T̃ = T_λ computed on the noise
 *   with its scale detached, so ∂z/∂μ = 1 + [active], ∂z/∂logscale = ∂s/∂logscale everywhere and
 *   ∂z/∂λ = −sign(n)·sign(λ)·[active]. "subgradient": plain autodiff of T_λ(s).
 * - Learned λ: J·B·K independent draws λ ~ Gamma(α, β) (implicit reparameterisation).
 * - Spike-and-slab: z = round(r)·slab (straight-through), r = sigmoid((ℓ + ln γ)/τ), slab = (wσ + √(1−w))ε + wμ.
 *
 * @example
 * ```ts
 * import { useBackend } from "../tensor/backend.ts";
 * await useBackend("cpu");
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { defaultLatentSpec, sampleLatent } from "./latent.ts";
 * const p = { mu: tf.zeros([2, 3]) as tf.Tensor2D, logscale: tf.fill([2, 3], Math.log(0.1)) as tf.Tensor2D };
 * const out = sampleLatent(p, defaultLatentSpec, 4, new Rng(0), { warmup: 1, temperature: 1 });
 * if (out.z.shape.join() !== "8,3" || out.kl.shape.join() !== "2") throw new Error("shapes");
 * ```
 */
export function sampleLatent(
  p: LatentParams,
  spec: LatentSpec,
  J: number,
  rng: Rng,
  sched: Schedule,
): LatentSample {
  validate(p, spec, J, sched);
  if (onHostBackend()) return sampleLatentFused(p, spec, J, rng, sched);
  if (spec.threshold === "learned") {
    // The Gamma draws of a learned λ (and their implicit gradients) are computed on the host; on a GPU backend
    // that would be a synchronous read inside the graph, which tfjs-webgpu cannot do under Deno.
    throw new Error(
      `Cannot sample a learned threshold on backend "${tf.getBackend()}": its Gamma sampler runs on the host; ` +
        "use --backend wasm for the thresholded +Gamma methods",
    );
  }
  return sampleLatentGraph(p, spec, J, rng, sched);
}
