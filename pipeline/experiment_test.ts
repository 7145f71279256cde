import { assertEquals, assertThrows } from "../lib/testing/assert.ts";
import { parseExperiment } from "./experiment.ts";

const FILE = "experiments/table1.yaml";

Deno.test("parseExperiment() reads the documented format, stages in file order", () => {
  const experiment = parseExperiment(
    `
description: Table 1
default_profile: quick
publish: table
stages:
  patches: { kind: patches, params: { source: auto } }
  train:
    kind: train
    params: { estimator: straight }
    matrix: { method: [fista, gaussian], seed: [0, 1] }
    exclude: [{ method: fista, seed: 1 }]
    inputs: { patches: patches }
  metrics: { kind: metrics, foreach: train, inputs: { run: train } }
  table: { kind: table, inputs: { metrics: "metrics[]" } }
profiles:
  smoke:
    train: { params: { epochs: 1 }, matrix: { seed: [0] } }
  quick: {}
`,
    FILE,
  );
  assertEquals(experiment.target, "table1");
  assertEquals(experiment.defaultProfile, "quick");
  assertEquals(experiment.publish, "table");
  assertEquals(experiment.stages.map((s) => s.name), ["patches", "train", "metrics", "table"]);
  assertEquals(experiment.stages[1].exclude, [{ method: "fista", seed: 1 }]);
  assertEquals(experiment.stages[2].foreach, "train");
  assertEquals(experiment.profiles.smoke.train, { params: { epochs: 1 }, matrix: { seed: [0] } });
  assertEquals(experiment.profiles.quick, {});
});

const errors: [string, string, string][] = [
  [
    "an unknown stage field",
    "stages:\n  train: { kind: t, lerning_rate: 1 }\n",
    `Cannot load ${FILE}: unknown field "stages.train.lerning_rate" (expected one of "kind", "params", "matrix", "exclude", "include", "inputs", "foreach", "resources")`,
  ],
  [
    "an unknown top-level field",
    "stage: {}\n",
    `Cannot load ${FILE}: unknown field "stage" (expected one of "description", "default_profile", "publish", "stages", "profiles")`,
  ],
  [
    "a matrix axis that is not a list",
    "stages:\n  train: { kind: t, matrix: { seed: 3 } }\n",
    `Cannot load ${FILE}: field "stages.train.matrix.seed" must be a list, received 3`,
  ],
  [
    "a kind that is not a string",
    "stages:\n  train: { kind: [a] }\n",
    `Cannot load ${FILE}: field "stages.train.kind" must be a string, received a list`,
  ],
  [
    "an input naming an unknown stage",
    "stages:\n  train: { kind: t, inputs: { p: patchs } }\n",
    `Cannot load ${FILE}: field "stages.train.inputs.p" names unknown stage "patchs" (expected one of "train")`,
  ],
  [
    "an exclude naming no matrix axis",
    "stages:\n  train: { kind: t, matrix: { seed: [0] }, exclude: [{ sed: 0 }] }\n",
    `Cannot load ${FILE}: field "stages.train.exclude[0].sed" is not a matrix axis of "train"`,
  ],
  [
    "a profile's exclude naming no matrix axis",
    "stages:\n  train: { kind: t, matrix: { seed: [0] } }\nprofiles:\n  quick: { train: { exclude: [{ sed: 0 }] } }\n",
    `Cannot load ${FILE}: field "profiles.quick.train.exclude[0].sed" is not a matrix axis of "train"`,
  ],
  [
    "an include naming no param",
    "stages:\n  train: { kind: t, matrix: { seed: [0] }, include: [{ seed: 0 }] }\n",
    `Cannot load ${FILE}: field "stages.train.include[0]" must name at least one matrix axis and at least one param`,
  ],
  [
    "an include selecting a value not in the matrix",
    "stages:\n  train: { kind: t, matrix: { method: [fista] }, include: [{ method: fitsa, lr: 1 }] }\n",
    `Cannot load ${FILE}: field "stages.train.include[0].method" selects "fitsa", which is not a value of the matrix axis`,
  ],
  [
    "a profile overriding an unknown stage",
    "stages:\n  train: { kind: t }\nprofiles:\n  smoke: { trian: {} }\n",
    `Cannot load ${FILE}: field "profiles.smoke.trian" names unknown stage "trian" (expected one of "train")`,
  ],
  [
    "a cycle",
    "stages:\n  a: { kind: t, inputs: { x: b } }\n  b: { kind: t, inputs: { x: a } }\n",
    `Cannot load ${FILE}: stages form a cycle: "a" → "b" → "a"`,
  ],
  [
    "invalid YAML",
    "stages:\n  a: { kind: t\n",
    `Cannot load ${FILE}: invalid YAML at line`,
  ],
  [
    "a missing stages field",
    "description: x\n",
    `Cannot load ${FILE}: missing field "stages"`,
  ],
];

for (const [what, text, expected] of errors) {
  Deno.test(`parseExperiment() rejects ${what} with one line naming the file and field`, () => {
    const error = assertThrows(() => parseExperiment(text, FILE));
    assertEquals(error.message.slice(0, expected.length), expected);
    assertEquals(error.message.includes("\n"), false);
  });
}
