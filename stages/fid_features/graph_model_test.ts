import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../../lib/tensor/tf.ts";
import { useBackend } from "../../lib/tensor/backend.ts";
import { graphModelFiles, loadGraphModelFromDir } from "./graph_model.ts";
import { loadFeatureExtractor } from "./extractor.ts";

/** A tiny tfjs graph model written by hand: out = relu(reshape(x, [-1, 12]) · W), x [N, 2, 2, 3], W [12, 3] in a shard. */
function writeTinyGraphModel(dir: string, w: Float32Array): void {
  const f32 = { type: "DT_FLOAT" };
  const modelTopology = {
    node: [
      {
        name: "x",
        op: "Placeholder",
        attr: {
          dtype: f32,
          shape: { shape: { dim: [{ size: "-1" }, { size: "2" }, { size: "2" }, { size: "3" }] } },
        },
      },
      {
        name: "shape",
        op: "Const",
        attr: {
          dtype: { type: "DT_INT32" },
          value: { tensor: { dtype: "DT_INT32", tensorShape: { dim: [{ size: "2" }] } } },
        },
      },
      {
        name: "w",
        op: "Const",
        attr: {
          dtype: f32,
          value: { tensor: { dtype: "DT_FLOAT", tensorShape: { dim: [{ size: "12" }, { size: "3" }] } } },
        },
      },
      { name: "flat", op: "Reshape", input: ["x", "shape"], attr: { T: f32, Tshape: { type: "DT_INT32" } } },
      {
        name: "mm",
        op: "MatMul",
        input: ["flat", "w"],
        attr: { T: f32, transpose_a: { b: false }, transpose_b: { b: false } },
      },
      { name: "pool", op: "Relu", input: ["mm"], attr: { T: f32 } },
    ],
    versions: { producer: 1 },
  };
  const shard = new Uint8Array(8 + w.byteLength);
  new Int32Array(shard.buffer, 0, 2).set([-1, 12]);
  shard.set(new Uint8Array(w.buffer), 8);
  Deno.writeFileSync(join(dir, "group1-shard1of1.bin"), shard);
  Deno.writeTextFileSync(
    join(dir, "model.json"),
    JSON.stringify({
      format: "graph-model",
      generatedBy: "hand-written test fixture",
      convertedBy: null,
      modelTopology,
      weightsManifest: [{
        paths: ["group1-shard1of1.bin"],
        weights: [{ name: "shape", shape: [2], dtype: "int32" }, {
          name: "w",
          shape: [12, 3],
          dtype: "float32",
        }],
      }],
    }),
  );
}

Deno.test("loadGraphModelFromDir() loads a graph model from model.json + shard on disk and runs it", async () => {
  await useBackend("cpu");
  const dir = Deno.makeTempDirSync();
  const w = Float32Array.from({ length: 36 }, (_, i) => ((i * 7) % 5) - 2); // [12, 3]
  const expected = (x: number[]) =>
    [0, 1, 2].map((j) => Math.max(0, x.reduce((acc, v, i) => acc + v * w[i * 3 + j], 0)));
  writeTinyGraphModel(dir, w);
  assert.deepEqual(graphModelFiles(join(dir, "model.json")).map((p) => p.split("/").pop()), [
    "model.json",
    "group1-shard1of1.bin",
  ]);
  const model = await loadGraphModelFromDir(dir);
  const input = Array.from({ length: 12 }, (_, i) => i / 12);
  const y = model.execute(tf.tensor4d(input, [1, 2, 2, 3])) as tf.Tensor;
  assert.deepEqual(
    Array.from(y.dataSync()).map((v) => v.toFixed(4)),
    expected(input).map((v) => v.toFixed(4)),
  );
  model.dispose();

  // The same folder used as the FID feature network of a fid_features output.
  const out = Deno.makeTempDirSync();
  Deno.mkdirSync(join(out, "graph_model"));
  for (const f of graphModelFiles(join(dir, "model.json"))) {
    Deno.copyFileSync(f, join(out, "graph_model", f.split("/").pop()!));
  }
  Deno.writeTextFileSync(
    join(out, "features.json"),
    JSON.stringify({
      kind: "inception",
      label: "test",
      dim: 3,
      inputSize: 2,
      outputNode: "pool",
      inputRange: "unit",
    }),
  );
  const ex = await loadFeatureExtractor(out);
  // A grey 2×2 image is repeated to 3 channels, as the paper feeds Fashion-MNIST to Inception.
  const grey = [0.1, 0.5, 0.9, 0.3];
  const f = await ex.features(new Float32Array(grey), [1, 2, 2, 1]);
  const rgb = grey.flatMap((v) => [v, v, v]);
  assert.deepEqual(Array.from(f).map((v) => v.toFixed(4)), expected(rgb).map((v) => v.toFixed(4)));
  ex.dispose();
  Deno.removeSync(dir, { recursive: true });
  Deno.removeSync(out, { recursive: true });
});
