/**
 * From a target name to its keyed instances and its plan: the shared front half of every command.
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { detectBackend, productKernels } from "./backend.ts";
import { type CodeHash, CodeHasher } from "./code_hash.ts";
import { fingerprintFile } from "./code_fingerprint.ts";
import { FileHashes } from "./file_hashes.ts";
import { type EngineOptions, type ResolvedOptions, resolveOptions } from "./engine_options.ts";
import { type Experiment, loadExperiment } from "./experiment.ts";
import { expandInstances } from "./instances.ts";
import { applyParamOverrides, parseParamSetting } from "./param_overrides.ts";
import { cacheKey } from "./key.ts";
import { loadKinds } from "./kinds.ts";
import type { StageKind } from "./stage.ts";
import type { PreviousRun } from "./manifest.ts";
import { type EntryState, type KeyedInstance, plan, type PlanItem } from "./plan.ts";
import type { Json } from "./stage.ts";
import { Store } from "./store.ts";
import { quoteList } from "./_text.ts";
import { exists } from "./_fs.ts";

/** A target's instances with their keys, and what is needed to run them. */
export interface KeyedTarget {
  options: ResolvedOptions;
  experiment: Experiment;
  profile: string;
  instances: KeyedInstance[];
  store: Store;
  /** Kind → module path. */
  modules: Map<string, string>;
  /** Kind name → loaded kind. */
  kinds: Map<string, StageKind>;
  /** The backend stages receive, and why (the adapter `--backend auto` found); detected once, on first use. */
  backend: () => Promise<string>;
  backendReason: () => Promise<string>;
  /** What computes the backend's products (`backend.ts`), as the keys of kinds that use a backend name it. */
  kernels: () => Promise<string>;
  /** Persist the file and module-graph memos. */
  saveMemos(): Promise<void>;
  /**
   * The first module of `code` whose fingerprint is no longer the one keyed (edited since planning), or
   * undefined. A stage process imports the working tree's modules when it starts, so an edit between planning
   * and that moment would put new code's outputs under the old code's key.
   */
  codeChange(code: CodeHash): Promise<string | undefined>;
}

/** Options of {@linkcode keyTarget}. */
export interface TargetOptions extends EngineOptions {
  target: string;
  /** @default the experiment's `default_profile` */
  profile?: string;
  /** `--param` settings, `key=value` or `stage.key=value` (see param_overrides.ts). */
  params?: string[];
}

/** Load, expand and key a target; throws one line naming the file and field on any problem. */
export async function keyTarget(options: TargetOptions): Promise<KeyedTarget> {
  const resolved = resolveOptions(options);
  const path = join(resolved.experimentsDir, `${options.target}.yaml`);
  const loaded = await loadExperiment(path, relative(resolved.root, path));
  const { kinds, modules } = await loadKinds(resolved.stagesDir, loaded.stages.map((s) => s.kind));
  const profile = options.profile ?? loaded.defaultProfile;
  const experiment = applyParamOverrides(loaded, profile, kinds, options.params ?? []);
  const instances = expandInstances(experiment, profile, kinds);

  const store = new Store(resolved.cacheDir);
  const fingerprints = new FileHashes(join(resolved.cacheDir, "code_fingerprints.json"), fingerprintFile);
  const codeHasher = new CodeHasher({
    root: resolved.root,
    config: resolved.config,
    memoPath: join(resolved.cacheDir, "code_graphs.json"),
    fileHashes: fingerprints,
  });
  let detected: Promise<{ backend: string; reason: string }> | undefined;
  const choice = () =>
    detected ??= resolved.backend
      ? Promise.resolve({ backend: resolved.backend, reason: "chosen with --backend" })
      : detectBackend();
  const backend = async () => (await choice()).backend;
  // What a kind that uses the backend gets from the machine: the backend and what computes its products.
  let machine: Promise<Record<string, Json>> | undefined;
  const backendEnv = () =>
    machine ??= backend().then(async (name) => ({ backend: name, kernels: await productKernels(name) }));
  const kernels = async () => String((await backendEnv()).kernels);
  const backendReason = async () => (await choice()).reason;
  const codes = new Map(
    await Promise.all(
      [...modules].map(async ([kind, module]) => [kind, await codeHasher.hash(module)] as const),
    ),
  );

  const givenPaths = await userPaths(options.params ?? [], resolved.root);
  const keys = new Map<string, string>();
  const keyed: KeyedInstance[] = [];
  for (const instance of instances) {
    const kind = kinds.get(instance.kind)!;
    const files: Record<string, string | null> = {};
    const read = (kind.files?.(instance.params) ?? []).map((file) => resolve(resolved.root, file));
    for (const path of read) {
      // Keyed by the path relative to the project root, so that entries survive moving the project.
      files[relative(resolved.root, path)] = await store.fileHashes.hash(path);
    }
    // A data path the user gave must be read, or refused with the reason: never silently ignored.
    for (const given of givenPaths) {
      if (!kind.files || instance.params[given.key] !== given.value) continue;
      if (!read.some((p) => p === given.path || p.startsWith(`${given.path}/`))) {
        const missing = given.exists ? "" : "no such file or folder, and ";
        throw new RangeError(
          `Cannot use --param ${given.key}=${given.value}: ${missing}with its other parameters ${instance.id} would not ` +
            `read it (${
              read.length ? `it reads ${relative(resolved.root, read[0])}` : "it reads no data file"
            }); ` +
            "a profile may set them (see the experiment file), override those too",
        );
      }
    }
    const env: Record<string, Json> = kind.usesBackend ? await backendEnv() : {};
    const inputKeys = Object.fromEntries(
      Object.entries(instance.inputs).map((
        [name, ids],
      ) => [name, Array.isArray(ids) ? ids.map((id) => keys.get(id)!) : keys.get(ids)!]),
    );
    const code = codes.get(instance.kind)!;
    const key = cacheKey({
      kind: instance.kind,
      params: instance.params,
      inputKeys,
      codeHash: code.hash,
      files,
      env,
    });
    keys.set(instance.id, key);
    keyed.push({ ...instance, key, inputKeys, code, files, env });
  }
  return {
    options: resolved,
    experiment,
    profile,
    instances: keyed,
    store,
    modules,
    kinds,
    backend,
    backendReason,
    kernels,
    saveMemos: async () => {
      await codeHasher.save();
      await fingerprints.save();
      await store.fileHashes.save();
    },
    codeChange: async (code) => {
      for (const [file, fingerprint] of Object.entries(code.files)) {
        if ((await fingerprints.hash(join(resolved.root, file)) ?? "missing") !== fingerprint) return file;
      }
      return undefined;
    },
  };
}

/** A keyed target and its plan. */
export interface PlannedTarget extends KeyedTarget {
  items: PlanItem[];
}

/**
 * The `--param` settings whose value names a file or folder (relative to the project root): an existing one, or
 * a missing one whose value has the shape of a path (a separator, or a file extension that starts with a letter), so that a
 * mistyped data path is refused too where the stage would never look for it.
 */
async function userPaths(settings: string[], root: string) {
  const out: { key: string; value: string; path: string; exists: boolean }[] = [];
  for (const setting of settings) {
    const { key, value } = parseParamSetting(setting);
    if (typeof value !== "string" || value === "") continue;
    const path = resolve(root, value);
    const found = await exists(path);
    if (found || PATH_SHAPE.test(value) || PATH_KEY.test(key)) out.push({ key, value, path, exists: found });
  }
  return out;
}

/** A value with a path separator, or ending in a file extension that starts with a letter (`scenes.mat`, not `0.5`). */
const PATH_SHAPE = /[/\\]|\.[A-Za-z][A-Za-z0-9]{0,4}$/;
/** A parameter named as the stages name their data locations (`mat_path`, `raw_dir`, `inception_dir`): its value is a
 * path whatever its shape (`mat_path=scenes`). */
const PATH_KEY = /_(path|dir)$/;

/** Key a target and decide what must run (`force`: stage names to rerun regardless of the cache). */
export async function planTarget(options: TargetOptions & { force?: string[] }): Promise<PlannedTarget> {
  const keyed = await keyTarget(options);
  const names = keyed.experiment.stages.map((s) => s.name);
  for (const stage of options.force ?? []) {
    if (!names.includes(stage)) {
      throw new RangeError(
        `Cannot force "${stage}": ${keyed.experiment.file} has no such stage (expected one of ${
          quoteList(names)
        })`,
      );
    }
  }
  const unique = new Map(keyed.instances.map(({ kind, key }) => [key, kind]));
  const entries = new Map<string, EntryState>(
    await Promise.all(
      [...unique].map(async ([key, kind]) => [key, await keyed.store.inspect(kind, key)] as const),
    ),
  );
  const index = await keyed.store.readIndex();
  const previous = new Map<string, PreviousRun>();
  for (const { id } of keyed.instances) {
    const run = index[indexKey(keyed.experiment.target, id)];
    if (run) previous.set(id, run);
  }
  const lookups = { entries, previous, force: new Set(options.force) };
  let items = plan(keyed.instances, lookups);
  // Entries this run will read — inputs of the instances that run, and what it publishes — are verified by
  // content, not by the size+mtime memo: a flipped byte must not flow into new results. A corrupt one reruns.
  const publish = keyed.experiment.publish;
  const read = new Set<string>();
  for (const item of items) {
    if (item.reason) Object.values(item.instance.inputKeys).flat().forEach((key) => read.add(key));
    if (item.instance.stage === publish) read.add(item.instance.key);
  }
  let corrupted = false;
  for (const key of read) {
    if (entries.get(key)?.state !== "complete") continue;
    const state = await keyed.store.inspect(unique.get(key)!, key, { content: true });
    if (state.state !== "complete") {
      entries.set(key, state);
      corrupted = true;
    }
  }
  if (corrupted) items = plan(keyed.instances, lookups);
  return { ...keyed, items };
}

/** How `index.json` names an instance: ids are unique within a target only. */
export function indexKey(target: string, id: string): string {
  return `${target}:${id}`;
}
