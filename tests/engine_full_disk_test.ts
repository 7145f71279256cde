/**
 * A full disk mid-run: the stage fails with one line naming the file and "no space left", the run ends with
 * exit code 1 (a failed run, not "could not start"), and nothing half-written stays in the cache; locally and,
 * where a test cluster starts (`slurm_cluster.ts`), under `--executor slurm`.
 * Needs a 1 MiB tmpfs for the cache (mounted here: root only); skipped where it cannot be mounted.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { editToyExperiment, makeToyRoot } from "./fixtures/toy_root.ts";
import { startTestCluster, type TestCluster } from "./slurm_cluster.ts";

const CLI = fileURLToPath(new URL("../pipeline/cli.ts", import.meta.url));

async function mountTmpfs(dir: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir],
      stderr: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

const probe = await Deno.makeTempDir();
const canMount = Deno.uid() === 0 && await mountTmpfs(probe);
if (canMount) await new Deno.Command("umount", { args: [probe] }).output();
await Deno.remove(probe);

const cluster: TestCluster | string = canMount ? await startTestCluster() : "no tmpfs";
if (canMount && typeof cluster === "string") console.log(`Slurm full-disk test skipped: ${cluster}`);

for (const executor of ["local", "slurm"] as const) {
  Deno.test({
    name:
      `${executor}: a full disk fails the stage with 'no space left' naming the file, exit code 1, no entry left; ` +
      "the rerun completes once space is freed",
    ignore: !canMount || (executor === "slurm" && typeof cluster === "string"),
    async fn() {
      const root = await makeToyRoot();
      const cache = join(root, "results/cache");
      await Deno.mkdir(cache, { recursive: true });
      if (!(await mountTmpfs(cache))) throw new Error("tmpfs mount failed");
      try {
        // `source` copies a 2 MiB data file into its output: more than the cache's 1 MiB.
        await Deno.writeFile(join(root, "big.txt"), new Uint8Array(2 << 20).fill(97));
        await editToyExperiment(root, "params: { text: abc }", "params: { text: abc, data: big.txt }");
        const reproduce = async () => {
          const out = await new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", CLI, "--root", root, "reproduce", "toy", "--executor", executor],
            // The cluster's environment explicitly: test files share one process's Deno.env.
            env: typeof cluster === "string" ? {} : cluster.env,
            stdout: "piped",
            stderr: "piped",
          }).output();
          return {
            code: out.code,
            text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
          };
        };
        const { code, text } = await reproduce();
        if (code !== 1) throw new Error(`exit code ${code}, expected 1:\n${text}`);
        if (!/no space left on its device/.test(text)) throw new Error(`no "no space left" line:\n${text}`);
        const entries = [...Deno.readDirSync(cache)].map((e) => e.name).filter((n) => n === "concat");
        for (const kind of entries) {
          if ([...Deno.readDirSync(join(cache, kind))].length > 0) {
            throw new Error("a half-written entry was kept");
          }
        }
        // Space freed (the tmpfs grown in place, the cache's contents kept): the rerun completes.
        const grown = await new Deno.Command("mount", { args: ["-o", "remount,size=16m", cache] }).output();
        if (!grown.success) throw new Error("tmpfs remount failed");
        const rerun = await reproduce();
        if (rerun.code !== 0) {
          throw new Error(`the rerun after freeing space exited ${rerun.code}:\n${rerun.text}`);
        }
      } finally {
        await new Deno.Command("umount", { args: ["-l", cache] }).output();
      }
    },
  });
}

if (typeof cluster !== "string") {
  // Stop the cluster once this file's tests are done (the last test registered runs last).
  Deno.test({ name: "slurm: stop the full-disk test cluster", fn: () => cluster.stop() });
}
