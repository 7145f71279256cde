/**
 * A real single-node Slurm cluster for tests and for trying `--executor slurm` on one machine: munged,
 * slurmctld and slurmd started from a config written into a fresh folder (no systemd), on free ports, with the
 * machine's cores and memory as one node; idle within a second or two.
 *
 * Usage: `deno task slurm-cluster start` prints the `export SLURM_CONF=…` line to use it and leaves it running;
 * `deno task slurm-cluster stop <folder>` stops it. Needs root and Debian's
 * `apt-get install --no-install-recommends slurmctld slurmd slurm-client munge`.
 *
 * @module
 */
import { join } from "node:path";

/** A running test cluster. */
export interface TestCluster {
  /** Its folder: config, state, logs. */
  dir: string;
  /** The environment that points Slurm's commands at it. */
  env: { SLURM_CONF: string };
  /** Shut it down and remove its folder. */
  stop(): Promise<void>;
}

const PROGRAMS = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel"];

/**
 * Where `VSC_REQUIRE_SLURM=1` is set (`.ci/run` sets it after installing Slurm), a cluster that cannot start
 * fails the tests instead of skipping them: a passing CI run then proves the Slurm tests ran on a real cluster.
 */
const REQUIRED = Deno.env.get("VSC_REQUIRE_SLURM") === "1";

/**
 * Start a cluster; resolves to the reason in one line when this machine cannot run one, or throws that reason
 * where Slurm is required (`VSC_REQUIRE_SLURM=1`).
 */
export async function startTestCluster(): Promise<TestCluster | string> {
  const cluster = await startCluster();
  if (typeof cluster === "string" && REQUIRED) {
    throw new Error(`Cannot start the test Slurm cluster that VSC_REQUIRE_SLURM=1 requires: ${cluster}`);
  }
  return cluster;
}

async function startCluster(): Promise<TestCluster | string> {
  const missing = [];
  for (const program of PROGRAMS) if (!await found(program)) missing.push(program);
  if (missing.length > 0) {
    return `Slurm is not installed (${missing.join(", ")} missing): ` +
      "apt-get install --no-install-recommends slurmctld slurmd slurm-client munge";
  }
  if (Deno.uid() !== 0) return "a test cluster's slurmd must run as root";
  const munge = await startMunge();
  if (munge) return munge;

  const dir = await Deno.makeTempDir({ prefix: "vsc-slurm-" });
  const conf = join(dir, "slurm.conf");
  const host = Deno.hostname();
  const [ctldPort, dPort] = [freePort(), freePort()];
  // Memory the node offers: what the machine has, less 1 GiB for everything else.
  const memoryMb = Math.max(1024, Math.floor(Deno.systemMemoryInfo().total / 2 ** 20) - 1024);
  await Deno.writeTextFile(
    conf,
    [
      "ClusterName=vsctest",
      `SlurmctldHost=${host}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      "CredType=cred/munge",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      // No cgroups or systemd inside containers and CI machines: track processes by their parent.
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core_Memory",
      // Accounting off, as on many clusters: the executor must not depend on sacct.
      "AccountingStorageType=accounting_storage/none",
      "JobAcctGatherType=jobacct_gather/none",
      "JobCompType=jobcomp/none",
      "MpiDefault=none",
      "ReturnToService=2",
      "SchedulerType=sched/builtin",
      "KillWait=2",
      // Ended jobs stay visible to squeue/scontrol for 5 minutes.
      "MinJobAge=300",
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${navigator.hardwareConcurrency} RealMemory=${memoryMb} State=UNKNOWN`,
      `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  // slurmd initialises a cgroup plugin even with task/none; v1 loads where the machine has no cgroup v2 tree.
  await Deno.writeTextFile(join(dir, "cgroup.conf"), "CgroupPlugin=cgroup/v1\n");
  await Deno.mkdir(join(dir, "state"));
  await Deno.mkdir(join(dir, "spool"));
  const env = { SLURM_CONF: conf };
  const stop = async () => {
    await command("scontrol", ["shutdown"], env);
    for (const pidFile of ["slurmctld.pid", "slurmd.pid"]) {
      const pid = Number(await Deno.readTextFile(join(dir, pidFile)).catch(() => ""));
      for (let i = 0; pid > 0 && i < 50 && alive(pid); i++) await sleep(100);
      if (pid > 0 && alive(pid)) Deno.kill(pid, "SIGKILL");
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  for (const daemon of ["slurmctld", "slurmd"]) {
    const out = await command(daemon, [], env);
    if (out.code !== 0) {
      await stop();
      return `${daemon} did not start: ${out.stderr.trim().split("\n").at(-1)}`;
    }
  }
  for (let i = 0; i < 100; i++) {
    const state = (await command("sinfo", ["--noheader", "--format=%T"], env)).stdout.trim();
    if (state === "idle") return { dir, env, stop };
    await sleep(200);
  }
  const log = await Deno.readTextFile(join(dir, "slurmd.log")).catch(() => "");
  await stop();
  return `the test node did not become idle within 20 s: ${log.trim().split("\n").at(-1) ?? ""}`;
}

/** Start munged unless one answers; the reason when neither works. */
async function startMunge(): Promise<string | undefined> {
  if ((await command("sh", ["-c", "munge -n | unmunge"], {})).code === 0) return undefined;
  await Deno.mkdir("/run/munge", { recursive: true });
  await command("chown", ["munge:munge", "/run/munge"], {});
  const out = await command("munged", ["--force"], {});
  for (let i = 0; i < 20; i++) {
    if ((await command("sh", ["-c", "munge -n | unmunge"], {})).code === 0) return undefined;
    await sleep(100);
  }
  return `munged did not start: ${out.stderr.trim() || "no credential round trip"}`;
}

async function found(program: string): Promise<boolean> {
  return (await command("sh", ["-c", `command -v ${program}`], {})).code === 0;
}

async function command(name: string, args: string[], env: Record<string, string>) {
  try {
    const out = await new Deno.Command(name, { args, env, stdout: "piped", stderr: "piped" }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  } catch (error) {
    return { code: 127, stdout: "", stderr: String(error) };
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.main) {
  const [verb, folder] = Deno.args;
  if (verb === "start") {
    const cluster = await startTestCluster();
    if (typeof cluster === "string") {
      console.error(`Cannot start a test cluster: ${cluster}`);
      Deno.exit(1);
    }
    console.log(`export SLURM_CONF=${cluster.env.SLURM_CONF}`);
    console.error(`stop it with: deno task slurm-cluster stop ${cluster.dir}`);
  } else if (verb === "stop" && folder) {
    await command("scontrol", ["shutdown"], { SLURM_CONF: join(folder, "slurm.conf") });
    await sleep(1000);
    await Deno.remove(folder, { recursive: true }).catch(() => {});
  } else {
    console.error("Usage: deno task slurm-cluster start | stop <folder>");
    Deno.exit(2);
  }
}
