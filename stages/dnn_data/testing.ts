/**
 * A hand-made `StageContext` for the DNN stages' tests, until (and independently of) the engine: temp output
 * folder, upstreams given as folders, progress and log collected in arrays.
 *
 * @module
 */
import type { Metrics, Params, Progress, StageContext, StageKind, Upstream } from "../../pipeline/stage.ts";

/** An upstream for the harness: a finished stage's folder, params and metrics. */
export function upstream(id: string, dir: string, params: Params = {}, metrics: Metrics = {}): Upstream {
  return { id, key: id, params, metrics, dir };
}

/** Run `stage` with `params` merged over its defaults, in a fresh temp folder. */
export async function runStage<P extends Params>(
  stage: StageKind<P>,
  params: Partial<P>,
  inputs: Record<string, Upstream | Upstream[]> = {},
  options: { backend?: string } = {},
): Promise<
  { dir: string; metrics: Metrics; progress: Progress[]; log: string[]; params: P; upstream: Upstream }
> {
  const resolved = { ...stage.defaults, ...params } as P;
  for (const k of Object.keys(params)) {
    if (!(k in stage.defaults)) throw new TypeError(`Cannot run ${stage.name}: unknown param "${k}"`);
  }
  stage.validate?.(resolved);
  const outDir = Deno.makeTempDirSync({ prefix: `${stage.name}_` });
  const progress: Progress[] = [];
  const log: string[] = [];
  const ctx: StageContext<P> = {
    params: resolved,
    outDir,
    backend: options.backend ?? "cpu",
    input(name) {
      const u = inputs[name];
      if (!u || Array.isArray(u)) throw new Error(`Cannot find input "${name}"`);
      return u;
    },
    inputList(name) {
      const u = inputs[name];
      if (!u) throw new Error(`Cannot find input "${name}"`);
      return Array.isArray(u) ? u : [u];
    },
    progress: (p) => progress.push(p),
    log: (m) => log.push(m),
  };
  const metrics = (await stage.run(ctx)) ?? {};
  return {
    dir: outDir,
    metrics,
    progress,
    log,
    params: resolved,
    upstream: upstream(stage.name, outDir, resolved, metrics),
  };
}

/**
 * Write a small synthetic `dnn_data` folder (smooth random blobs, labels = blob quadrant) and return it as an
 * upstream: lets the DNN stages' tests run without any dataset installed.
 */
export function syntheticData(
  options: { nTrain?: number; nTest?: number; dataset?: "fashion_mnist" | "celeba"; seed?: number } = {},
): Upstream {
  const { nTrain = 32, nTest = 16, dataset = "fashion_mnist", seed = 0 } = options;
  const [side, ch] = dataset === "celeba" ? [64, 3] : [28, 1];
  const dir = Deno.makeTempDirSync({ prefix: "dnn_data_synth_" });
  let s = seed * 7919 + 1;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const make = (n: number) => {
    const bytes = new Uint8Array(n * side * side * ch);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const cy = rand() * side, cx = rand() * side, r = side / 6 + rand() * side / 6;
      labels[i] = (cy > side / 2 ? 2 : 0) + (cx > side / 2 ? 1 : 0);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const v = Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r));
          for (let c = 0; c < ch; c++) {
            bytes[((i * side + y) * side + x) * ch + c] = Math.round(255 * v * (1 - 0.2 * c));
          }
        }
      }
    }
    return { bytes, labels };
  };
  const train = make(nTrain), test = make(nTest);
  Deno.writeFileSync(`${dir}/train.u8`, train.bytes);
  Deno.writeFileSync(`${dir}/test.u8`, test.bytes);
  const hasLabels = dataset === "fashion_mnist";
  if (hasLabels) {
    Deno.writeFileSync(`${dir}/train_labels.u8`, train.labels);
    Deno.writeFileSync(`${dir}/test_labels.u8`, test.labels);
  }
  const small = dataset === "celeba" ? 32 : 0;
  if (small) {
    // 2×2 box-downsampled copy of the test images.
    const out = new Uint8Array(nTest * small * small * ch);
    for (let i = 0; i < nTest; i++) {
      for (let y = 0; y < small; y++) {
        for (let x = 0; x < small; x++) {
          for (let c = 0; c < ch; c++) {
            const at = (yy: number, xx: number) => test.bytes[((i * side + yy) * side + xx) * ch + c];
            out[((i * small + y) * small + x) * ch + c] = Math.round(
              (at(2 * y, 2 * x) + at(2 * y + 1, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x + 1)) / 4,
            );
          }
        }
      }
    }
    Deno.writeFileSync(`${dir}/test_small.u8`, out);
  }
  const meta = {
    dataset,
    source: "synthetic",
    nTrain,
    nTest,
    height: side,
    width: side,
    channels: ch,
    smallSize: small,
    hasLabels,
    layout: "NHWC",
    dtype: "uint8/255",
  };
  Deno.writeTextFileSync(`${dir}/meta.json`, JSON.stringify(meta));
  return upstream("data", dir, { dataset }, {});
}
