/**
 * Experiment files: `experiments/<target>.yaml` parsed and checked into an {@linkcode Experiment}.
 *
 * Every problem is one line naming the file, the field path and what was expected, thrown before anything
 * runs. Parameter names and types are checked later, against the stage kinds (see `instances.ts`).
 *
 * @module
 */
import { basename } from "node:path";
import { parseDocument } from "yaml";
import type { Json, Params } from "./stage.ts";
import { describe, quoteList } from "./_text.ts";
import { checkResources, DEFAULT_RESOURCES, type Resources } from "./resources.ts";

/** Matrix axis → values; the cartesian product gives one instance per combination. */
export type Matrix = Record<string, Json[]>;

/** One entry of `stages:`. */
export interface StageDecl {
  /** Stage name, unique in the file. */
  name: string;
  /** Stage kind: a folder under `stages/`. */
  kind: string;
  /** Overrides of the kind's defaults. */
  params: Params;
  /** Axes in declaration order. */
  matrix: Matrix;
  /** Partial combinations to drop from the matrix. */
  exclude: Params[];
  /**
   * Params for the combinations an entry matches: its matrix axes select, its other keys are params, laid
   * over the stage's and the profile's (`{ method: fista, frobenius: 0.001 }`). Unlike GitHub Actions'
   * `include`, an entry never adds a combination; each value it selects on must be in the stage's matrix.
   */
  include: Params[];
  /** Input name → upstream stage name, with a `[]` suffix when gathering every instance. */
  inputs: Record<string, string>;
  /** Stage whose instances this one follows one-to-one. */
  foreach?: string;
  /** What each instance asks of a cluster scheduler, over the defaults (not part of any key). */
  resources: Partial<Resources>;
}

/** A profile's override of one stage. */
export interface StageOverride {
  params: Params;
  matrix: Matrix;
  /** Replaces the stage's `exclude` when given (a profile that changes axes may drop other combinations). */
  exclude?: Params[];
  /** The profile runs no instance of this stage; gathered inputs (`name[]`) of it are then empty. */
  skip?: boolean;
  /** Entries laid after the stage's own `include` entries (see {@linkcode StageDecl.include}). */
  include?: Params[];
  /** Laid over the stage's `resources`. */
  resources?: Partial<Resources>;
}

/** A parsed experiment file. */
export interface Experiment {
  /** The file as shown in messages (relative to the project root). */
  file: string;
  /** File name without `.yaml`. */
  target: string;
  description: string;
  defaultProfile: string;
  /** Stage whose outputs are copied to `results/` after a successful run. */
  publish?: string;
  /** In file order. */
  stages: StageDecl[];
  /** Profile name → stage name → override. */
  profiles: Record<string, Record<string, StageOverride>>;
}

const TOP_FIELDS = ["description", "default_profile", "publish", "stages", "profiles"];
const STAGE_FIELDS = ["kind", "params", "matrix", "exclude", "include", "inputs", "foreach", "resources"];
const OVERRIDE_FIELDS = ["params", "matrix", "exclude", "include", "skip", "resources"];

/**
 * Parse the YAML text of an experiment; `file` names it in errors and gives the target name.
 *
 * @example
 * ```ts
 * import { parseExperiment } from "./experiment.ts";
 * const text = "stages:\n  a: { kind: concat, matrix: { seed: [0, 1] } }\n";
 * const experiment = parseExperiment(text, "experiments/demo.yaml");
 * if (experiment.target !== "demo" || experiment.stages[0].matrix.seed.length !== 2) throw new Error();
 * ```
 */
export function parseExperiment(text: string, file: string): Experiment {
  const fail = (reason: string): never => {
    throw new TypeError(`Cannot load ${file}: ${reason}`);
  };
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = error.linePos?.[0].line;
    throw new SyntaxError(
      `Cannot load ${file}: invalid YAML${line ? ` at line ${line}` : ""}: ${
        error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")
      }`,
    );
  }
  const check = checker(fail);
  const checkInclude = (include: Params[], matrix: Matrix, path: string) =>
    include.forEach((entry, i) => {
      const axes = Object.keys(entry).filter((key) => key in matrix);
      if (axes.length === 0 || axes.length === Object.keys(entry).length) {
        fail(`field "${path}[${i}]" must name at least one matrix axis and at least one param`);
      }
      for (const axis of axes) {
        if (!matrix[axis].some((value) => JSON.stringify(value) === JSON.stringify(entry[axis]))) {
          fail(
            `field "${path}[${i}].${axis}" selects ${
              JSON.stringify(entry[axis])
            }, which is not a value of the matrix axis`,
          );
        }
      }
    });
  const checkAxes = (exclude: Params[], matrix: Matrix, path: string, name: string) =>
    exclude.forEach((combination, i) => {
      for (const axis of Object.keys(combination)) {
        if (!(axis in matrix)) fail(`field "${path}[${i}].${axis}" is not a matrix axis of "${name}"`);
      }
    });
  const top = check.mapping(doc.toJS() ?? {}, "", TOP_FIELDS);
  const stagesField = check.mapping(top.stages ?? fail(`missing field "stages"`), "stages");
  const stages: StageDecl[] = Object.entries(stagesField).map(([name, value]) => {
    const path = `stages.${name}`;
    const raw = check.mapping(value, path, STAGE_FIELDS);
    const decl: StageDecl = {
      name,
      kind: check.string(raw.kind ?? fail(`missing field "${path}.kind"`), `${path}.kind`),
      params: check.mapping(raw.params ?? {}, `${path}.params`),
      matrix: check.matrix(raw.matrix ?? {}, `${path}.matrix`),
      exclude: check.exclusions(raw.exclude ?? [], `${path}.exclude`),
      include: check.exclusions(raw.include ?? [], `${path}.include`),
      inputs: Object.fromEntries(
        Object.entries(check.mapping(raw.inputs ?? {}, `${path}.inputs`))
          .map(([input, ref]) => [input, check.string(ref, `${path}.inputs.${input}`)]),
      ),
      foreach: raw.foreach === undefined ? undefined : check.string(raw.foreach, `${path}.foreach`),
      resources: check.resources(raw.resources ?? {}, `${path}.resources`),
    };
    if (decl.foreach && Object.keys(decl.matrix).length > 0) {
      fail(`field "${path}" has both "matrix" and "foreach" (expected one of them)`);
    }
    checkAxes(decl.exclude, decl.matrix, `${path}.exclude`, name);
    checkInclude(decl.include, decl.matrix, `${path}.include`);
    return decl;
  });
  const names = new Set(stages.map((s) => s.name));
  const known = (ref: string, path: string) => {
    if (!names.has(ref)) {
      fail(`field "${path}" names unknown stage "${ref}" (expected one of ${quoteList(names)})`);
    }
  };
  for (const decl of stages) {
    for (const [input, ref] of Object.entries(decl.inputs)) {
      known(ref.replace(/\[\]$/, ""), `stages.${decl.name}.inputs.${input}`);
    }
    if (decl.foreach) known(decl.foreach, `stages.${decl.name}.foreach`);
  }
  const publish = top.publish === undefined ? undefined : check.string(top.publish, "publish");
  if (publish) known(publish, "publish");

  const profiles: Experiment["profiles"] = {};
  for (const [profile, value] of Object.entries(check.mapping(top.profiles ?? {}, "profiles"))) {
    profiles[profile] = {};
    for (const [stage, override] of Object.entries(check.mapping(value ?? {}, `profiles.${profile}`))) {
      const path = `profiles.${profile}.${stage}`;
      known(stage, path);
      const raw = check.mapping(override ?? {}, path, OVERRIDE_FIELDS);
      profiles[profile][stage] = {
        params: check.mapping(raw.params ?? {}, `${path}.params`),
        matrix: check.matrix(raw.matrix ?? {}, `${path}.matrix`),
      };
      const decl = stages.find((d) => d.name === stage)!;
      if (raw.include !== undefined) {
        const include = check.exclusions(raw.include, `${path}.include`);
        checkInclude(include, { ...decl.matrix, ...profiles[profile][stage].matrix }, `${path}.include`);
        profiles[profile][stage].include = include;
      }
      if (raw.resources !== undefined) {
        profiles[profile][stage].resources = check.resources(raw.resources, `${path}.resources`);
      }
      if (raw.skip !== undefined) {
        if (typeof raw.skip !== "boolean") {
          fail(`field "${path}.skip" must be true or false, received ${JSON.stringify(raw.skip)}`);
        }
        if (raw.skip) profiles[profile][stage].skip = true;
      }
      if (raw.exclude !== undefined) {
        const exclude = check.exclusions(raw.exclude, `${path}.exclude`);
        checkAxes(exclude, { ...decl.matrix, ...profiles[profile][stage].matrix }, `${path}.exclude`, stage);
        profiles[profile][stage].exclude = exclude;
      }
    }
  }
  const defaultProfile = top.default_profile === undefined
    ? Object.keys(profiles)[0] ?? "default"
    : check.string(top.default_profile, "default_profile");
  if (Object.keys(profiles).length > 0 && !(defaultProfile in profiles)) {
    fail(
      `field "default_profile" names unknown profile "${defaultProfile}" (expected one of ${
        quoteList(Object.keys(profiles))
      })`,
    );
  }
  const experiment: Experiment = {
    file,
    target: basename(file).replace(/\.ya?ml$/, ""),
    description: top.description === undefined ? "" : check.string(top.description, "description"),
    defaultProfile,
    publish,
    stages,
    profiles,
  };
  checkAcyclic(experiment, fail);
  return experiment;
}

/** Read and parse `experiments/<target>.yaml`; `file` is how messages name it. */
export async function loadExperiment(path: string, file = path): Promise<Experiment> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`Cannot load ${file}: file does not exist`);
    throw error;
  }
  return parseExperiment(text, file);
}

/** What each instance of `stage` asks of a cluster under `profile`: defaults, the stage's, the profile's. */
export function stageResources(experiment: Experiment, profile: string, stage: string): Resources {
  const decl = experiment.stages.find((d) => d.name === stage);
  return { ...DEFAULT_RESOURCES, ...decl?.resources, ...experiment.profiles[profile]?.[stage]?.resources };
}

/** Upstream stage names of a declaration: its inputs and its `foreach`. */
export function upstreamStages(decl: StageDecl): string[] {
  const refs = Object.values(decl.inputs).map((ref) => ref.replace(/\[\]$/, ""));
  return [...new Set(decl.foreach ? [decl.foreach, ...refs] : refs)];
}

function checkAcyclic(experiment: Experiment, fail: (reason: string) => never): void {
  const byName = new Map(experiment.stages.map((s) => [s.name, s]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      fail(`stages form a cycle: ${[...trail, name].map((n) => `"${n}"`).join(" → ")}`);
    }
    state.set(name, "visiting");
    for (const up of upstreamStages(byName.get(name)!)) visit(up, [...trail, name]);
    state.set(name, "done");
  };
  for (const decl of experiment.stages) visit(decl.name, []);
}

function checker(fail: (reason: string) => never) {
  const field = (path: string) => path === "" ? "the top level" : `field "${path}"`;
  const mapping = (value: unknown, path: string, allowed?: string[]): Record<string, any> => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      fail(`${field(path)} must be a mapping, received ${describe(value)}`);
    }
    for (const key of Object.keys(value as object)) {
      if (allowed && !allowed.includes(key)) {
        fail(`unknown field "${path ? `${path}.` : ""}${key}" (expected one of ${quoteList(allowed)})`);
      }
    }
    return value as Record<string, any>;
  };
  const list = (value: unknown, path: string): unknown[] =>
    Array.isArray(value) ? value : fail(`${field(path)} must be a list, received ${describe(value)}`);
  const string = (value: unknown, path: string): string =>
    typeof value === "string" ? value : fail(`${field(path)} must be a string, received ${describe(value)}`);
  const matrix = (value: unknown, path: string): Matrix => {
    const axes = mapping(value, path);
    for (const [axis, values] of Object.entries(axes)) {
      if (list(values, `${path}.${axis}`).length === 0) {
        fail(`field "${path}.${axis}" must list at least one value`);
      }
    }
    return axes as Matrix;
  };
  const exclusions = (value: unknown, path: string): Params[] =>
    list(value, path).map((item, i) => mapping(item, `${path}[${i}]`));
  const resources = (value: unknown, path: string): Partial<Resources> => {
    try {
      return checkResources(value, path);
    } catch (error) {
      return fail((error as Error).message);
    }
  };
  return { mapping, list, string, matrix, exclusions, resources };
}
