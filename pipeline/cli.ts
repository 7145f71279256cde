/**
 * The command line: `reproduce`, `status`, `diff` and `gc`. The only module that prints or exits.
 *
 * Exit codes: 0 success, 1 a stage failed (or the disk filled up during the run), 2 the command could not
 * start (bad experiment file, bad argument, unknown revision). Each command imports its module when it runs, so that a cached rerun
 * loads only what it uses.
 *
 * @module
 */
import { relative } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { formatReason } from "./reason.ts";
import { noSpaceMessage } from "./_fs.ts";

const BACKENDS = ["auto", "wasm", "webgpu", "cpu"];
/**
 * Slurm jobs in flight by default. Why 32: enough to fill a few nodes with the one-core training stages while
 * keeping a run's share of a shared queue modest (`--jobs` raises it).
 */
const SLURM_JOBS = 32;

/** Run the CLI on `args`; resolves to the exit code. */
export async function main(args: string[]): Promise<number> {
  let code = 0;
  const program = new Command("vsc-pipeline")
    .description("Reproduce experiments as a cached DAG of stages")
    .option("--root <dir>", "project root", Deno.cwd())
    .option("--cache-dir <dir>", "cache folder (default: <root>/results/cache)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => console.error(s.trimEnd()) });
  const engine = () => {
    const { root, cacheDir } = program.opts<{ root: string; cacheDir?: string }>();
    return { root, cacheDir };
  };
  const rel = (path: string) => relative(engine().root, path) || ".";

  program.command("reproduce <target>")
    .description("run every stale stage of a target, then write its lock file and publish its results")
    .option("--profile <name>", "profile from the experiment file (default: its default_profile)")
    .addOption(paramOption())
    .option(
      "--jobs <n>",
      `parallel stage processes, or Slurm jobs in flight (default: ${navigator.hardwareConcurrency} local, ${SLURM_JOBS} on Slurm)`,
      positiveInt,
    )
    .option(
      "--backend <name>",
      `compute backend: ${BACKENDS.join(", ")} (auto: webgpu on a hardware GPU adapter, else wasm)`,
      backend,
    )
    .addOption(
      new Option("--executor <name>", "where stages run: local processes, or Slurm batch jobs")
        .choices(["local", "slurm"]).default("local"),
    )
    .option("--sbatch-arg <arg>", "extra sbatch argument for every Slurm job (repeatable)", collect, [])
    .option("--dry-run", "print the plan with reasons, run nothing")
    .option("--force <stage>", "rerun every instance of this stage (repeatable)", collect, [])
    .action(async (target: string, o) => {
      const [{ reproduce }, { progressView }] = await Promise.all([
        import("./reproduce.ts"),
        import("./_progress_view.ts"),
      ]);
      const view = await progressView(Deno.stdout.isTerminal());
      // Ctrl-C under Slurm: cancel the run's jobs before leaving (local workers die with the terminal's group).
      const abort = new AbortController();
      const onInterrupt = () => {
        console.error("Interrupted: cancelling this run's Slurm jobs");
        abort.abort();
        interrupted = true;
      };
      let interrupted = false;
      if (o.executor === "slurm") Deno.addSignalListener("SIGINT", onInterrupt);
      const result = await reproduce({
        ...engine(),
        target,
        profile: o.profile,
        params: o.param,
        jobs: o.jobs ?? (o.executor === "slurm" ? SLURM_JOBS : navigator.hardwareConcurrency),
        backend: o.backend === "auto" ? undefined : o.backend,
        dryRun: o.dryRun,
        force: o.force,
        executor: o.executor,
        slurm: { sbatchArgs: o.sbatchArg },
        signal: abort.signal,
        reporter: (event) => view.onEvent(event),
      }).finally(() => {
        view.stop();
        if (o.executor === "slurm") Deno.removeSignalListener("SIGINT", onInterrupt);
      });
      if (interrupted) {
        code = 130;
        return;
      }
      if (o.dryRun) {
        console.log(`Plan for ${result.target} (profile ${result.profile}):`);
        for (const item of result.plan) {
          console.log(
            `  ${item.reason ? "run   " : "cached"} ${item.instance.id}${
              item.reason ? `  ${formatReason(item.reason)}` : ""
            }`,
          );
        }
        return;
      }
      const count = (s: string) => result.outcomes.filter((o) => o.status === s).length;
      console.log(
        `${result.target} (profile ${result.profile}): ${count("ran")} ran, ${count("cached")} cached` +
          (result.ok ? "" : `, ${count("failed")} failed, ${count("skipped")} skipped`),
      );
      if (!result.ok) {
        for (const outcome of result.outcomes) {
          if (outcome.status === "failed") {
            console.log(`Failed: ${outcome.id}: ${outcome.error.reason}`);
            console.log(`  log: ${rel(outcome.error.log)}`);
          }
        }
        code = 1;
        return;
      }
      console.log(`Lock file: ${rel(result.lockFile!)}`);
      if (result.published.length > 0) {
        console.log(`Results written to: ${result.published.map(rel).join(", ")}`);
      }
    });

  program.command("status <target>")
    .description("every instance of a target: cached, stale and why, or never run")
    .option("--profile <name>", "profile from the experiment file")
    .addOption(paramOption())
    .option(
      "--backend <name>",
      `compute backend: ${BACKENDS.join(", ")} (auto: webgpu on a hardware GPU adapter, else wasm)`,
      backend,
    )
    .action(async (target: string, o) => {
      const { status } = await import("./status.ts");
      const lines = await status({
        ...engine(),
        target,
        profile: o.profile,
        params: o.param,
        backend: o.backend === "auto" ? undefined : o.backend,
      });
      const width = Math.max(...lines.map((l) => l.id.length));
      for (const line of lines) console.log(`${line.id.padEnd(width)}  ${line.state}`);
    });

  program.command("diff <from> [to]")
    .description("params and metrics that changed between two revisions (to: the working tree)")
    .option("--target <name>", "only this target")
    .action(async (from: string, to: string | undefined, o) => {
      const { diff, formatDiff } = await import("./diff.ts");
      console.log(formatDiff(await diff({ root: engine().root, from, to, target: o.target })));
    });

  program.command("gc")
    .description("remove cache entries that no target references under any profile")
    .option("--dry-run", "list what would be removed")
    .action(async (o) => {
      const { gc } = await import("./gc.ts");
      const { removed, kept } = await gc({ ...engine(), dryRun: o.dryRun });
      for (const entry of removed) console.log(`  ${o.dryRun ? "would remove" : "removed"} ${entry}`);
      console.log(`${removed.length} entries ${o.dryRun ? "to remove" : "removed"}, ${kept} kept`);
    });

  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith("commander.")) {
      const { exitCode } = error as { exitCode: number };
      return exitCode === 0 ? 0 : 2;
    }
    // A full disk mid-run is a failed run (1), said in one line; anything else stopped the command from starting.
    const noSpace = noSpaceMessage(error);
    console.error(noSpace ?? (error as Error).message);
    return noSpace ? 1 : 2;
  }
  return code;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number ≥ 1, received "${value}"`);
  }
  return n;
}

function backend(value: string): string {
  if (!BACKENDS.includes(value)) {
    throw new InvalidArgumentError(`expected one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`);
  }
  return value;
}

/** `--param`, shared by the commands that plan a target. */
function paramOption(): Option {
  return new Option("--param <key=value>", "set a stage parameter: key=value or stage.key=value (repeatable)")
    .argParser(collect).default([]);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

if (import.meta.main) Deno.exit(await main(Deno.args));
