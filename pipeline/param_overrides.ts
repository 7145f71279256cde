/**
 * `--param` on the command line: parameter values given by the user (a data path, say) that take precedence
 * over the experiment file and its profile.
 *
 * `--param key=value` sets `key` on every stage whose kind declares it; `--param stage.key=value` sets it on
 * one stage. The value is read as YAML, so numbers, booleans and lists keep their types.
 *
 * @module
 */
import { parse } from "yaml";
import type { Experiment } from "./experiment.ts";
import type { Json, StageKind } from "./stage.ts";

/** One `--param` setting: `key=value` or `stage.key=value`, its value read as YAML (`n=5` is a number). */
export function parseParamSetting(setting: string): { stage?: string; key: string; value: Json } {
  const match = /^(?:([\w-]+)\.)?([\w-]+)=(.*)$/s.exec(setting);
  if (!match) {
    throw new TypeError(`Cannot apply --param "${setting}": expected key=value or stage.key=value`);
  }
  const [, stage, key, text] = match;
  return { stage, key, value: parse(text === "" ? '""' : text) as Json };
}

/**
 * Fold `--param` settings into the profile's overrides of `experiment` (a new object; the input is unchanged).
 *
 * @example
 * ```ts
 * import { applyParamOverrides } from "./param_overrides.ts";
 * import { parseExperiment } from "./experiment.ts";
 * const experiment = parseExperiment("stages:\n  data: { kind: load }\n", "experiments/x.yaml");
 * const kinds = new Map([["load", { name: "load", defaults: { dir: "" }, run: async () => {} }]]);
 * const out = applyParamOverrides(experiment, "default", kinds, ["dir=/data"]);
 * if (out.profiles.default.data.params.dir !== "/data") throw new Error("not applied");
 * ```
 */
export function applyParamOverrides(
  experiment: Experiment,
  profile: string,
  kinds: Map<string, StageKind>,
  settings: string[],
): Experiment {
  const profiles = Object.keys(experiment.profiles);
  // An unknown profile is reported by expandInstances; do not create it here.
  if (settings.length === 0 || (profiles.length > 0 && !profiles.includes(profile))) return experiment;
  const overrides = structuredClone(experiment.profiles[profile] ?? {});
  for (const setting of settings) {
    const { stage: stageName, key, value } = parseParamSetting(setting);
    const targets = experiment.stages.filter((s) =>
      (stageName === undefined || s.name === stageName) && key in (kinds.get(s.kind)?.defaults ?? {})
    );
    if (targets.length === 0) {
      throw new TypeError(
        stageName === undefined
          ? `Cannot apply --param "${setting}": no stage of ${experiment.file} has a parameter "${key}"`
          : `Cannot apply --param "${setting}": ${experiment.file} has no stage "${stageName}" with a parameter "${key}"`,
      );
    }
    for (const stage of targets) {
      const override = overrides[stage.name] ??= { params: {}, matrix: {} };
      override.params = { ...override.params, [key]: value };
    }
  }
  return { ...experiment, profiles: { ...experiment.profiles, [profile]: overrides } };
}
