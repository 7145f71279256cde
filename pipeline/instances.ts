/**
 * From an experiment, a profile and the stage kinds to the concrete stage instances, in dependency order.
 *
 * Parameters resolve as kind defaults ← stage `params` ← profile params ← the `include` entries (the
 * stage's, then the profile's) that match the combination ← matrix values, with strict keys and types taken from the kind's defaults. Inputs bind as follows: `name[]` gathers every instance
 * of `name` in declaration/matrix order; a plain `name` binds the one instance of `name` whose matrix values
 * agree with the consumer's on their shared axes (for a single-instance upstream: that instance).
 *
 * @module
 */
import type { Experiment, Matrix, StageDecl } from "./experiment.ts";
import { upstreamStages } from "./experiment.ts";
import type { Json, Params, StageKind } from "./stage.ts";
import { describe, quoteList } from "./_text.ts";

/** One stage instance: a stage with one matrix combination. */
export interface Instance {
  /** `train[method=gaussian,seed=0]`, or the stage name for a single instance. */
  id: string;
  /** Stage name in the experiment. */
  stage: string;
  kind: string;
  /** Fully resolved parameters. */
  params: Params;
  /** Matrix values that tell this instance from its siblings (inherited through `foreach`). */
  identity: Record<string, Json>;
  /** Input name → upstream instance id, or ids for a gathered input. */
  inputs: Record<string, string | string[]>;
}

/**
 * Expand `experiment` under `profile`; `kinds` maps kind names to their loaded modules.
 *
 * @example
 * ```ts
 * import { parseExperiment } from "./experiment.ts";
 * import { expandInstances } from "./instances.ts";
 * const experiment = parseExperiment("stages:\n  a: { kind: k, matrix: { seed: [0, 1] } }\n", "x.yaml");
 * const kinds = new Map([["k", { name: "k", defaults: { seed: 0 }, run: async () => {} }]]);
 * const ids = expandInstances(experiment, "default", kinds).map((i) => i.id);
 * if (ids.join(" ") !== "a[seed=0] a[seed=1]") throw new Error(ids.join(" "));
 * ```
 */
export function expandInstances(
  experiment: Experiment,
  profile: string,
  kinds: ReadonlyMap<string, StageKind>,
): Instance[] {
  const fail = (reason: string): never => {
    throw new TypeError(`Cannot load ${experiment.file}: ${reason}`);
  };
  const profiles = Object.keys(experiment.profiles);
  if (profiles.length > 0 ? !(profile in experiment.profiles) : profile !== experiment.defaultProfile) {
    fail(
      `unknown profile "${profile}" (expected one of ${
        quoteList(profiles.length ? profiles : [experiment.defaultProfile])
      })`,
    );
  }
  // Every profile's params and matrix values are checked, not only the active profile's: a broken file fails
  // under every profile (and `gc`, which plans them all), not just under the one that uses the broken value.
  for (const decl of experiment.stages) {
    const kind = kinds.get(decl.kind) ??
      fail(`field "stages.${decl.name}.kind" names unknown stage kind "${decl.kind}"`);
    const checkValues = (params: Params, matrix: Matrix, path: string) => {
      merge(kind.defaults, params, `${path}.params`, fail);
      for (const [axis, values] of Object.entries(matrix)) {
        values.forEach((value) => merge(kind.defaults, { [axis]: value }, `${path}.matrix`, fail));
      }
    };
    checkValues(decl.params, decl.matrix, `stages.${decl.name}`);
    for (const [name, stages] of Object.entries(experiment.profiles)) {
      const override = stages[decl.name];
      if (override) checkValues(override.params, override.matrix, `profiles.${name}.${decl.name}`);
    }
  }
  const overrides = experiment.profiles[profile] ?? {};
  const byStage = new Map<string, Instance[]>();
  const out: Instance[] = [];
  for (const decl of dependencyOrder(experiment.stages)) {
    const kind = kinds.get(decl.kind)!;
    const override = overrides[decl.name];
    // A skipped stage has no instances, nor has a stage that follows one.
    if (override?.skip || (decl.foreach && byStage.get(decl.foreach)!.length === 0)) {
      byStage.set(decl.name, []);
      continue;
    }
    let params = merge(kind.defaults, decl.params, `stages.${decl.name}.params`, fail);
    if (override) params = merge(params, override.params, `profiles.${profile}.${decl.name}.params`, fail);

    const matrix: Matrix = { ...decl.matrix, ...override?.matrix };
    const include: [Params, string][] = [
      ...decl.include.map((entry, i): [Params, string] => [entry, `stages.${decl.name}.include[${i}]`]),
      ...(override?.include ?? []).map((entry, i): [Params, string] => [
        entry,
        `profiles.${profile}.${decl.name}.include[${i}]`,
      ]),
    ];
    const identities = decl.foreach
      ? byStage.get(decl.foreach)!.map((upstream) => upstream.identity)
      : combinations(matrix).filter((c) =>
        !(override?.exclude ?? decl.exclude).some((x) => Object.entries(x).every(([k, v]) => same(c[k], v)))
      );

    const instances = identities.map((identity): Instance => {
      const id = instanceId(decl.name, identity);
      const included = include.reduce((acc, [entry, path]) => {
        const axes = Object.keys(entry).filter((key) => key in matrix);
        if (!axes.every((axis) => same(identity[axis], entry[axis]))) return acc;
        const extra = Object.fromEntries(Object.entries(entry).filter(([key]) => !axes.includes(key)));
        return merge(acc, extra, path, fail);
      }, params);
      const resolved = decl.foreach ? params : { ...included, ...identity };
      try {
        kind.validate?.(resolved);
      } catch (error) {
        fail(`instance "${id}" has invalid params: ${(error as Error).message}`);
      }
      const inputs: Instance["inputs"] = {};
      for (const [input, ref] of Object.entries(decl.inputs)) {
        const upstream = byStage.get(ref.replace(/\[\]$/, ""))!;
        if (ref.endsWith("[]")) {
          inputs[input] = upstream.map((u) => u.id);
          continue;
        }
        const matches = upstream.filter((u) =>
          Object.entries(u.identity).every(([k, v]) => !(k in identity) || same(identity[k], v))
        );
        if (matches.length !== 1) {
          fail(
            `field "stages.${decl.name}.inputs.${input}" binds ${matches.length} instances of "${ref}" to "${id}" (expected 1; use "${ref}[]" to gather them all)`,
          );
        }
        inputs[input] = matches[0].id;
      }
      return { id, stage: decl.name, kind: decl.kind, params: resolved, identity, inputs };
    });
    if (instances.length === 0) fail(`field "stages.${decl.name}.exclude" drops every combination`);
    byStage.set(decl.name, instances);
    out.push(...instances);
  }
  return out;
}

/** `name[a=1,b=x]` with axes sorted, or `name` without axes. */
export function instanceId(stage: string, identity: Record<string, Json>): string {
  const axes = Object.keys(identity).sort();
  if (axes.length === 0) return stage;
  return `${stage}[${
    axes.map((a) => `${a}=${typeof identity[a] === "string" ? identity[a] : JSON.stringify(identity[a])}`)
      .join(",")
  }]`;
}

function dependencyOrder(stages: StageDecl[]): StageDecl[] {
  const done = new Set<string>();
  const out: StageDecl[] = [];
  // Stable: each pass takes, in file order, every stage whose upstreams are done (the file is acyclic).
  while (out.length < stages.length) {
    for (const decl of stages) {
      if (!done.has(decl.name) && upstreamStages(decl).every((u) => done.has(u))) {
        out.push(decl);
        done.add(decl.name);
      }
    }
  }
  return out;
}

function combinations(matrix: Matrix): Record<string, Json>[] {
  let out: Record<string, Json>[] = [{}];
  for (const [axis, values] of Object.entries(matrix)) {
    out = out.flatMap((partial) => values.map((value) => ({ ...partial, [axis]: value })));
  }
  return out;
}

/** `override` laid over `base`, with every key and type checked against `base`. */
function merge(base: Params, override: Params, path: string, fail: (reason: string) => never): Params {
  const out: Params = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const field = `${path}.${key}`;
    if (!(key in base)) fail(`unknown param "${field}" (expected one of ${quoteList(Object.keys(base))})`);
    const expected = base[key];
    if (expected !== null && typeOf(expected) !== typeOf(value)) {
      fail(`field "${field}" must be ${typeOf(expected)}, received ${describe(value)}`);
    }
    const nested = typeOf(expected) === "a mapping" && Object.keys(expected as Params).length > 0;
    out[key] = nested ? merge(expected as Params, value as Params, field, fail) : value;
  }
  return out;
}

function typeOf(value: Json): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

function same(a: Json | undefined, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
