/** The PyTorch side's client (`_torch.ts`) against a stand-in server, and against `steps.py` where PyTorch is. */
import { findPython, TORCH_OPENBLAS_THREADS, TorchServer } from "./_torch.ts";

/**
 * A stand-in for `steps.py` speaking its protocol: its hello names the OpenBLAS threads it was given; a step
 * takes 7 ms by its own clock; the case "bad" fails, and so does a case after its drop (to show it arrived).
 */
const STAND_IN = `
  const out = (o) => Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(o) + "\\n"));
  out({ torch: "stand-in " + Deno.env.get("OPENBLAS_NUM_THREADS"), threads: 2 });
  const dropped = [];
  let rest = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\\n");
    rest = parts.pop();
    for (const line of parts) {
      const req = JSON.parse(line);
      if (req.drop) { dropped.push(req.drop.join("/")); out({}); }
      else if (req.case === "bad") out({ error: "KeyError: 'bad'" });
      else if (dropped.includes(req.bench + "/" + req.case)) out({ error: "dropped" });
      else out({ ms: Array(req.steps).fill(7) });
    }
  }
`;

Deno.test("TorchServer: a side's step resolves to the server's own time, dispose drops the case, errors name the request", async () => {
  const server = await TorchServer.start(Deno.execPath(), ["eval", STAND_IN]);
  try {
    const expected = Deno.env.get("OPENBLAS_NUM_THREADS") ?? TORCH_OPENBLAS_THREADS;
    if (!server.description.startsWith(`PyTorch stand-in ${expected} on CPU, 2 threads`)) {
      throw new Error(`description ${server.description}`);
    }
    const side = server.side("fista_batch", "planted, tol 1e-3");
    if (side.kernelInfo !== server.description) throw new Error("kernelInfo");
    if ((await side.step()) !== 7) throw new Error("step time not the server's");
    await side.dispose();
    const failure = async (step: () => unknown) => {
      try {
        await step();
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    };
    if (!(await failure(side.step)).endsWith(": dropped")) {
      throw new Error("the drop did not reach the server");
    }
    const message = await failure(server.side("fista_batch", "bad").step);
    if (!message.startsWith("Cannot run the PyTorch side of") || !message.includes("KeyError")) {
      throw new Error(`error ${message}`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("TorchServer.start() says so when the server exits before its first line", async () => {
  let message = "";
  await TorchServer.start(Deno.execPath(), ["eval", "Deno.exit(3)"]).catch((
    e,
  ) => (message = (e as Error).message));
  if (!message.startsWith("Cannot start the PyTorch side")) throw new Error(`message ${message}`);
});

const python = await findPython();

Deno.test({
  name: "steps.py serves a FISTA solve and a linear step (where PyTorch is installed)",
  ignore: python === undefined,
  fn: async () => {
    const server = await TorchServer.start(python!);
    try {
      for (
        const [bench, caseName] of [["fista_batch", "planted, tol 1e-3"], ["linear_step", "gaussian J=1"]]
      ) {
        const side = server.side(bench, caseName);
        const ms = await side.step();
        if (!(typeof ms === "number" && ms > 0)) throw new Error(`${caseName}: ${ms}`);
        await side.dispose();
      }
    } finally {
      await server.close();
    }
  },
});
