/**
 * Stage `dict_estimate`: the linear dictionary that best maps a trained encoder's codes back to small images
 * (protocol §3.5, `vsc_celeba_dict_est.ipynb`), shown as an atom grid (Fig. 8's left panels).
 *
 *   1. codes: eval-mode encoder, J = `eval_samples` (50 in the paper) samples per test image, best-of-J;
 *   2. targets Y: the same test images at 32×32 (CelebA: CenterCrop 140 → resize 32, `test_small.u8`), flattened
 *      (Fashion-MNIST has no small copy: its 28×28 test images are used);
 *   3. A = C_sr·pinv(C_rr) with C_sr = YᵀZ/N and C_rr = ZᵀZ/N (no regulariser);
 *   4. display: columns sorted by norm (largest first); 8 atoms from each of 8 equally spaced rank strata
 *      (start (K/8)·i); each atom unit-normed, then min–max scaled to [0, 1].
 *
 * Inputs: `run` (train_dnn), `data` (dnn_data). Outputs: `atoms.png`, `atom_norms.json`.
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, Params, StageKind } from "../../pipeline/stage.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { leastSquaresDictionary } from "../../lib/sparse/least_squares_dictionary.ts";
import { imageGridPng } from "../../lib/figures/mod.ts";
import { readImageSet, readMeta, sliceImages } from "../dnn_data/format.ts";
import { loadConvVsc } from "../train_dnn/weights.ts";

/** Parameters of `dict_estimate`. */
export interface DictEstimateParams extends Params {
  /** Samples J per image for the codes (paper: 50). */
  eval_samples: number;
  /** First n test images; 0 = all (paper: 19,000). */
  n_test: number;
  /** Rank strata and atoms per stratum in the grid (paper: 8 × 8). */
  strata: number;
  per_stratum: number;
  /** Images per encoding batch (memory only). */
  eval_batch: number;
  seed: number;
}

const DEFAULTS: DictEstimateParams = {
  eval_samples: 50,
  n_test: 0,
  strata: 8,
  per_stratum: 8,
  eval_batch: 10,
  seed: 0,
};

/**
 * Pick the displayed atoms: indices sorted by column norm (descending), `perStratum` consecutive ranks from each
 * of `strata` equally spaced starts (K/strata)·i.
 *
 * @example
 * ```ts
 * import { stratifiedAtoms } from "./mod.ts";
 * const picked = stratifiedAtoms(new Float64Array([1, 5, 3, 4]), 2, 1); // ranks 0 and 2 of [1, 3, 2, 0]
 * if (picked.join() !== "1,2") throw new Error(picked.join());
 * ```
 */
export function stratifiedAtoms(norms: Float64Array, strata: number, perStratum: number): number[] {
  const k = norms.length;
  const order = [...norms.keys()].sort((a, b) => norms[b] - norms[a]);
  const out: number[] = [];
  for (let i = 0; i < strata; i++) {
    const start = Math.floor((k / strata) * i);
    for (let j = 0; j < perStratum && start + j < k; j++) out.push(order[start + j]);
  }
  return out;
}

export const stage: StageKind<DictEstimateParams> = {
  name: "dict_estimate",
  description: "Least-squares dictionary from a trained encoder's codes to 32×32 images (Fig. 8 atoms)",
  defaults: DEFAULTS,
  usesBackend: true,
  async run(ctx): Promise<Metrics> {
    const p = ctx.params;
    await useBackend(ctx.backend as BackendName);
    registerFastKernels();
    const run = ctx.input("run");
    const dataDir = ctx.input("data").dir;
    const meta = readMeta(dataDir);
    const model = loadConvVsc(run.dir);
    const test = readImageSet(dataDir, "test", p.n_test || undefined);
    const targets = meta.smallSize ? readImageSet(dataDir, "test_small", p.n_test || undefined) : test;
    const K = model.config.latentDim;
    const n = test.n;
    const [h, w, c] = [test.height, test.width, test.channels];
    const rng = new Rng(p.seed).fork("dict");

    // 1. Codes (best of J).
    const z = new Float32Array(n * K);
    for (let s = 0; s < n; s += p.eval_batch) {
      const m = Math.min(p.eval_batch, n - s);
      const x = tf.tensor4d(sliceImages(test, s, m), [m, h, w, c]);
      z.set((await model.encodeSelect(x, rng, p.eval_samples)).codes, s * K);
      x.dispose();
      ctx.progress({ done: s + m, total: n, unit: "image" });
    }
    model.dispose();

    // 2–3. Targets and the least-squares dictionary A [D, K].
    const d = targets.height * targets.width * targets.channels;
    const y = sliceImages(targets, 0, n);
    const a = leastSquaresDictionary(y, z, { n, d, k: K });

    // 4. Atom grid.
    const norms = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += a[i * K + j] ** 2;
      norms[j] = Math.sqrt(s);
    }
    const picked = stratifiedAtoms(norms, p.strata, p.per_stratum);
    const images = picked.map((j) => {
      const atom = new Float32Array(d);
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < d; i++) {
        const v = norms[j] > 0 ? a[i * K + j] / norms[j] : 0; // unit norm
        atom[i] = v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      for (let i = 0; i < d; i++) atom[i] = hi > lo ? (atom[i] - lo) / (hi - lo) : 0.5; // min–max
      return atom;
    });
    const png = await imageGridPng(images, {
      rows: p.strata,
      cols: p.per_stratum,
      height: targets.height,
      width: targets.width,
      channels: targets.channels,
      scale: 3,
    });
    Deno.writeFileSync(join(ctx.outDir, "atoms.png"), png);
    Deno.writeTextFileSync(
      join(ctx.outDir, "atom_norms.json"),
      JSON.stringify({ picked, norms: [...norms] }),
    );
    let nonzero = 0;
    for (const v of z) if (v !== 0) nonzero++;
    const tp = run.params as Record<string, unknown>;
    return {
      method: tp.method as string,
      latent_dim: K,
      n_images: n,
      target_size: targets.height,
      nonzero_fraction: nonzero / z.length,
      dead_atoms: [...norms].filter((v) => v < 1e-6).length,
      max_atom_norm: Math.max(...norms),
    };
  },
};
