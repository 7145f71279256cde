import { assertEquals, assertThrows } from "../lib/testing/assert.ts";
import { parseExperiment } from "./experiment.ts";
import { applyParamOverrides } from "./param_overrides.ts";
import type { StageKind } from "./stage.ts";

const kinds = new Map<string, StageKind>([
  ["load", { name: "load", defaults: { dir: "", n: 10 }, run: async () => {} }],
  ["train", { name: "train", defaults: { n: 1, lr: 0.1 }, run: async () => {} }],
]);
const experiment = parseExperiment(
  `stages:
  data: { kind: load }
  fit: { kind: train, inputs: { data: data } }
profiles:
  quick: { fit: { params: { lr: 0.2 } } }
`,
  "experiments/x.yaml",
);

Deno.test("applyParamOverrides() sets a bare key on every stage whose kind declares it, typed as YAML", () => {
  const out = applyParamOverrides(experiment, "quick", kinds, ["n=5", "dir=/data/x"]);
  assertEquals(out.profiles.quick.data.params, { n: 5, dir: "/data/x" });
  assertEquals(out.profiles.quick.fit.params, { lr: 0.2, n: 5 });
  assertEquals(experiment.profiles.quick.data, undefined);
});

Deno.test("applyParamOverrides() sets stage.key on that stage only", () => {
  const out = applyParamOverrides(experiment, "quick", kinds, ["fit.n=3"]);
  assertEquals(out.profiles.quick.fit.params, { lr: 0.2, n: 3 });
  assertEquals(out.profiles.quick.data, undefined);
});

Deno.test("applyParamOverrides() names the setting when no stage has the parameter or the form is wrong", () => {
  assertThrows(
    () => applyParamOverrides(experiment, "quick", kinds, ["nope=1"]),
    TypeError,
    'no stage of experiments/x.yaml has a parameter "nope"',
  );
  assertThrows(
    () => applyParamOverrides(experiment, "quick", kinds, ["data.lr=1"]),
    TypeError,
    'no stage "data" with a parameter "lr"',
  );
  assertThrows(() => applyParamOverrides(experiment, "quick", kinds, ["n"]), TypeError, "expected key=value");
});
