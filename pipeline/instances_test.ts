import { assertEquals, assertThrows } from "../lib/testing/assert.ts";
import { parseExperiment } from "./experiment.ts";
import { expandInstances } from "./instances.ts";
import type { StageKind } from "./stage.ts";

const kind = (
  name: string,
  defaults: StageKind["defaults"],
): [string, StageKind] => [name, { name, defaults, run: async () => {} }];
const kinds = new Map([
  kind("patches", { n_train: 1000, source: "auto" }),
  kind("train", {
    method: "fista",
    samples: 1,
    seed: 0,
    epochs: 10,
    estimator: "",
    opt: { lr: 0.1, beta: 0.9 },
  }),
  kind("metrics", { batch: 100 }),
  kind("table", {}),
]);
const TEXT = `
default_profile: quick
stages:
  patches: { kind: patches }
  train:
    kind: train
    params: { estimator: straight }
    matrix: { method: [fista, gaussian], samples: [1, 20], seed: [0, 1] }
    exclude: [{ method: fista, samples: 20 }]
    inputs: { patches: patches }
  metrics: { kind: metrics, foreach: train, params: { batch: 5 }, inputs: { run: train, patches: patches } }
  table: { kind: table, inputs: { metrics: "metrics[]" } }
profiles:
  smoke:
    patches: { params: { n_train: 2000 } }
    train: { params: { epochs: 1, opt: { lr: 0.5 } }, matrix: { seed: [0] } }
  quick: {}
`;
const experiment = parseExperiment(TEXT, "experiments/t.yaml");

Deno.test("expandInstances() builds the matrix minus exclusions, in matrix order, with sorted-axis ids", () => {
  const ids = expandInstances(experiment, "quick", kinds).filter((i) => i.stage === "train").map((i) => i.id);
  assertEquals(ids, [
    "train[method=fista,samples=1,seed=0]",
    "train[method=fista,samples=1,seed=1]",
    "train[method=gaussian,samples=1,seed=0]",
    "train[method=gaussian,samples=1,seed=1]",
    "train[method=gaussian,samples=20,seed=0]",
    "train[method=gaussian,samples=20,seed=1]",
  ]);
});

Deno.test("expandInstances() lets a profile replace the stage's exclusions", () => {
  const text = TEXT.replace(
    "  quick: {}",
    "  quick:\n    train: { exclude: [{ method: fista, samples: 20 }, { samples: 20, seed: 1 }] }",
  );
  const ids = expandInstances(parseExperiment(text, "experiments/t.yaml"), "quick", kinds)
    .filter((i) => i.stage === "train").map((i) => i.id);
  assertEquals(ids, [
    "train[method=fista,samples=1,seed=0]",
    "train[method=fista,samples=1,seed=1]",
    "train[method=gaussian,samples=1,seed=0]",
    "train[method=gaussian,samples=1,seed=1]",
    "train[method=gaussian,samples=20,seed=0]",
  ]);
});

Deno.test("expandInstances() lays a stage's include entries over the combinations they match, ids unchanged", () => {
  const text = TEXT.replace(
    "    exclude: [{ method: fista, samples: 20 }]\n",
    "    exclude: [{ method: fista, samples: 20 }]\n    include: [{ method: fista, epochs: 3 }, { method: gaussian, seed: 1, estimator: sg }]\n",
  );
  const train = expandInstances(parseExperiment(text, "experiments/t.yaml"), "smoke", kinds)
    .filter((i) => i.stage === "train");
  assertEquals(
    train.map((i) => [i.id, i.params.epochs, i.params.estimator]),
    [
      ["train[method=fista,samples=1,seed=0]", 3, "straight"],
      ["train[method=gaussian,samples=1,seed=0]", 1, "straight"],
      ["train[method=gaussian,samples=20,seed=0]", 1, "straight"],
    ],
  );
  const quick = expandInstances(parseExperiment(text, "experiments/t.yaml"), "quick", kinds);
  assertEquals(
    quick.find((i) => i.id === "train[method=gaussian,samples=20,seed=1]")!.params.estimator,
    "sg",
  );
  const profiled = text.replace(
    "  quick: {}",
    "  quick:\n    train: { include: [{ samples: 20, epochs: 7 }, { method: fista, epochs: 4 }] }",
  );
  const byId = new Map(
    expandInstances(parseExperiment(profiled, "experiments/t.yaml"), "quick", kinds).map((
      i,
    ) => [i.id, i.params]),
  );
  assertEquals(byId.get("train[method=fista,samples=1,seed=0]")!.epochs, 4, "the profile's entry comes last");
  assertEquals(byId.get("train[method=gaussian,samples=20,seed=0]")!.epochs, 7);
  assertEquals(byId.get("train[method=gaussian,samples=1,seed=0]")!.epochs, 10);
  assertThrows(
    () =>
      expandInstances(
        parseExperiment(text.replace("epochs: 3", "epochs: three"), "experiments/t.yaml"),
        "quick",
        kinds,
      ),
    TypeError,
    'field "stages.train.include[0].epochs" must be a number, received "three"',
  );
});

Deno.test("expandInstances() resolves params as defaults ← stage ← profile ← matrix, nested keys merged", () => {
  const instances = expandInstances(experiment, "smoke", kinds);
  assertEquals(instances.find((i) => i.id === "patches")!.params, { n_train: 2000, source: "auto" });
  assertEquals(instances.filter((i) => i.stage === "train").length, 3);
  assertEquals(instances.find((i) => i.id === "train[method=gaussian,samples=20,seed=0]")!.params, {
    method: "gaussian",
    samples: 20,
    seed: 0,
    epochs: 1,
    estimator: "straight",
    opt: { lr: 0.5, beta: 0.9 },
  });
});

Deno.test("expandInstances() gives foreach stages their upstream's identity and binds matching instances", () => {
  const instances = expandInstances(experiment, "quick", kinds);
  const metrics = instances.find((i) => i.id === "metrics[method=gaussian,samples=20,seed=1]")!;
  assertEquals(metrics.params, { batch: 5 });
  assertEquals(metrics.inputs, { run: "train[method=gaussian,samples=20,seed=1]", patches: "patches" });
  const table = instances.find((i) => i.id === "table")!;
  assertEquals(table.inputs.metrics, instances.filter((i) => i.stage === "metrics").map((i) => i.id));
  assertEquals(instances.map((i) => i.stage).indexOf("table"), instances.length - 1);
});

Deno.test("expandInstances() drops a stage a profile skips, the stages that follow it, and its gathered inputs", () => {
  const text = TEXT.replace("  quick: {}", "  quick: { train: { skip: true } }");
  const instances = expandInstances(parseExperiment(text, "experiments/demo.yaml"), "quick", kinds);
  assertEquals(instances.map((i) => i.id), ["patches", "table"]);
  assertEquals(instances[1].inputs.metrics, []);
  assertThrows(
    () =>
      parseExperiment(
        TEXT.replace("  quick: {}", "  quick: { train: { skip: yes } }"),
        "experiments/demo.yaml",
      ),
    TypeError,
    `field "profiles.quick.train.skip" must be true or false, received "yes"`,
  );
});

const errors: [string, string, string][] = [
  [
    "an unknown param",
    "stages:\n  p: { kind: patches, params: { n_trian: 1 } }\n",
    `unknown param "stages.p.params.n_trian" (expected one of "n_train", "source")`,
  ],
  [
    "a param of the wrong type",
    "stages:\n  p: { kind: patches, params: { n_train: ten } }\n",
    `field "stages.p.params.n_train" must be a number, received "ten"`,
  ],
  [
    "a matrix axis that is no param",
    "stages:\n  p: { kind: patches, matrix: { sed: [1] } }\n",
    `unknown param "stages.p.matrix.sed"`,
  ],
  [
    "an unknown kind",
    "stages:\n  p: { kind: patchez }\n",
    `field "stages.p.kind" names unknown stage kind "patchez"`,
  ],
  [
    "an ambiguous single input",
    "stages:\n  t: { kind: train, matrix: { seed: [0, 1] } }\n  m: { kind: metrics, inputs: { run: t } }\n",
    `field "stages.m.inputs.run" binds 2 instances of "t" to "m" (expected 1; use "t[]" to gather them all)`,
  ],
];
for (const [what, text, reason] of errors) {
  Deno.test(`expandInstances() rejects ${what}, naming the file and field`, () => {
    const error = assertThrows(() =>
      expandInstances(parseExperiment(text, "experiments/t.yaml"), "default", kinds)
    );
    assertEquals(
      error.message.slice(0, `Cannot load experiments/t.yaml: ${reason}`.length),
      `Cannot load experiments/t.yaml: ${reason}`,
    );
  });
}

Deno.test("expandInstances() checks every profile's values, not only the active one's", () => {
  const broken = [
    [
      "stages:\n  t: { kind: train, matrix: { seed: [0, x] } }\nprofiles:\n  a: { t: { matrix: { seed: [0] } } }\n",
      "a",
    ],
    ["stages:\n  t: { kind: train }\nprofiles:\n  a: {}\n  b: { t: { matrix: { seed: [y] } } }\n", "a"],
    [
      "stages:\n  t: { kind: train }\nprofiles:\n  a: {}\n  b: { t: { skip: true, params: { epochs: z } } }\n",
      "a",
    ],
  ];
  const fields = ["stages.t.matrix.seed", "profiles.b.t.matrix.seed", "profiles.b.t.params.epochs"];
  for (const [i, [text, active]] of broken.entries()) {
    const error = assertThrows(() => expandInstances(parseExperiment(text, "t.yaml"), active, kinds));
    assertEquals(error.message.split(" must ")[0], `Cannot load t.yaml: field "${fields[i]}"`);
  }
});

Deno.test("expandInstances() rejects an unknown profile, listing the known ones", () => {
  const error = assertThrows(() => expandInstances(experiment, "papr", kinds));
  assertEquals(
    error.message,
    `Cannot load experiments/t.yaml: unknown profile "papr" (expected one of "smoke", "quick")`,
  );
});

Deno.test("expandInstances() wraps a kind's own validation error with the instance id", () => {
  const strict = new Map(kinds);
  strict.set("patches", {
    ...kinds.get("patches")!,
    validate: (p) => {
      if ((p.n_train as number) < 1) {
        throw new RangeError(`params.n_train must be ≥ 1, received ${p.n_train}`);
      }
    },
  });
  const text = "stages:\n  p: { kind: patches, params: { n_train: 0 } }\n";
  const error = assertThrows(() => expandInstances(parseExperiment(text, "x.yaml"), "default", strict));
  assertEquals(
    error.message,
    `Cannot load x.yaml: instance "p" has invalid params: params.n_train must be ≥ 1, received 0`,
  );
});
