import { gpuAdapterDescription } from "./gpu_probe.ts";
import { detectBackend } from "../../pipeline/backend.ts";

Deno.test("the default backend is webgpu exactly when the adapter is real hardware", async () => {
  const adapter = await gpuAdapterDescription();
  const choice = await detectBackend();
  if ((choice.backend === "webgpu") !== adapter.hardware) {
    throw new Error(`adapter ${JSON.stringify(adapter)} but the default is ${choice.backend}`);
  }
  if (!choice.reason.includes(adapter.description)) {
    throw new Error(`the reason must name the adapter: ${choice.reason}`);
  }
});
