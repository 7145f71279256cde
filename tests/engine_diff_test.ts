/**
 * `diff` against a real throwaway git repository with two commits and a dirty working tree.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals, assertStringIncludes } from "../lib/testing/assert.ts";
import { diff, formatDiff } from "../pipeline/diff.ts";

const CLI = fileURLToPath(new URL("../pipeline/cli.ts", import.meta.url));

async function git(cwd: string, ...args: string[]): Promise<void> {
  const output = await new Deno.Command("git", {
    args: [
      "-c",
      "user.name=test",
      "-c",
      "user.email=test@example.com",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
}

const lock = (epochs: number, mse: number[], extra: Record<string, unknown> = {}) => ({
  target: "t",
  profile: "quick",
  instances: Object.fromEntries(mse.map((value, seed) => [
    `train[method=fista,seed=${seed}]`,
    { kind: "train", key: `k${seed}-${epochs}`, params: { epochs, seed }, metrics: { mse: value, ...extra } },
  ])),
});

async function repo(): Promise<string> {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "results"));
  await git(root, "init", "-q");
  const write = (value: unknown) =>
    Deno.writeTextFile(join(root, "results/t.lock.json"), JSON.stringify(value, null, 2));
  await write(lock(10, [1.0, 1.1, 0.9], { seconds_per_epoch: 3 }));
  await git(root, "add", ".");
  await git(root, "commit", "-q", "-m", "a");
  await git(root, "tag", "A");
  // seed 0 moves within the seed spread (sd 0.1), seed 1 far beyond it.
  await write(lock(20, [1.05, 2.0, 0.9], { seconds_per_epoch: 9 }));
  await git(root, "commit", "-q", "-am", "b");
  await git(root, "tag", "B");
  await write(lock(20, [1.05, 2.0, 0.9], { seconds_per_epoch: 9, psnr: 30 }));
  return root;
}

Deno.test("diff() between two commits lists param changes and flags deltas beyond the seed spread", async () => {
  const root = await repo();
  const [file] = await diff({ root, from: "A", to: "B" });
  assertEquals(file.path, "results/t.lock.json");
  const seed0 = file.instances.find((i) => i.id === "train[method=fista,seed=0]")!;
  assertEquals(seed0.params, [{ field: "epochs", old: 10, new: 20 }]);
  assertEquals(seed0.metrics[0].significant, false);
  const seed1 = file.instances.find((i) => i.id === "train[method=fista,seed=1]")!;
  assertEquals(seed1.metrics[0].significant, true);
  assertEquals(
    file.instances.find((i) => i.id === "train[method=fista,seed=2]")!.metrics.map((m) => m.name),
    ["seconds_per_epoch"],
  );
  const text = formatDiff([file]);
  assertStringIncludes(text, "param  epochs 10 → 20");
  assertStringIncludes(text, "metric mse 1 → 1.05 (+0.05, ≤ seed sd 0.1)\n");
  assertStringIncludes(text, "metric mse 1.1 → 2 (+0.9, > seed sd 0.1) !");
  // A timing moved 3× on every seed (spread 0): shown, never flagged.
  assertStringIncludes(text, "metric seconds_per_epoch 3 → 9 (+6)\n");
  assertEquals(seed0.metrics.find((m) => m.name === "seconds_per_epoch")?.significant, undefined);
});

Deno.test("deno task diff with one revision compares it with the working tree", async () => {
  const root = await repo();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--root", root, "diff", "B"],
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assertEquals(output.code, 0);
  assertStringIncludes(stdout, "metric psnr (absent) → 30");
  assertEquals(stdout.includes("epochs"), false);
});

Deno.test("diff() attributes each changed key to its causes: code, package, data file, backend, input", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "results"));
  await git(root, "init", "-q");
  const lockAt = (v: 1 | 2) => ({
    target: "t",
    profile: "quick",
    kinds: {
      prep: { code: { "stages/prep/mod.ts": "p1" }, packages: ["npm:yaml@2.8.1"] },
      train: {
        code: { "stages/train/mod.ts": "t1", "lib/model.ts": v === 1 ? "m1" : "m2" },
        packages: [v === 1 ? "npm:@tensorflow/tfjs@4.21.0" : "npm:@tensorflow/tfjs@4.22.0"],
      },
    },
    instances: {
      prep: {
        kind: "prep",
        key: `prep${v}`,
        params: {},
        metrics: { n: 10 },
        inputs: {},
        files: { "data/scenes.bin": v === 1 ? "aaa" : "bbb" },
        env: {},
      },
      "train[seed=0]": {
        kind: "train",
        key: `train${v}`,
        params: { seed: 0 },
        metrics: { mse: v === 1 ? 1 : 0.9 },
        inputs: { data: "prep" },
        files: {},
        env: { backend: v === 1 ? "wasm" : "webgpu" },
      },
    },
  });
  const write = (value: unknown) =>
    Deno.writeTextFile(join(root, "results/t.lock.json"), JSON.stringify(value));
  await write(lockAt(1));
  await git(root, "add", ".");
  await git(root, "commit", "-q", "-m", "a");
  await write(lockAt(2));
  const [file] = await diff({ root, from: "HEAD" });
  const causes = (id: string) => file.instances.find((i) => i.id === id)!.causes;
  assertEquals(causes("prep"), ["data data/scenes.bin changed"]);
  assertEquals(causes("train[seed=0]"), [
    "code lib/model.ts changed",
    "package npm:@tensorflow/tfjs@4.21.0 removed",
    "package npm:@tensorflow/tfjs@4.22.0 added",
    'env backend "wasm" → "webgpu"',
    "input prep changed",
  ]);
  assertStringIncludes(formatDiff([file]), "    cause  code lib/model.ts changed\n");
  // A lock file written before key inputs were recorded: the cause is unknown, and said so.
  const oldFormat = (key: string) => ({
    target: "t",
    profile: "quick",
    instances: { "train[seed=0]": { kind: "train", key, params: { seed: 0 }, metrics: { mse: 1 } } },
  });
  await write(oldFormat("k1"));
  await git(root, "commit", "-q", "-am", "b");
  await write(oldFormat("k2"));
  const [old] = await diff({ root, from: "HEAD" });
  assertStringIncludes(old.instances[0].causes[0], "not recorded");
});
