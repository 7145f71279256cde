import { assertRejects, assertStringIncludes } from "../testing/assert.ts";
import { useBackend } from "./backend.ts";
import { webgpuCanReadSync } from "./gpu_probe.ts";
import { detectBackend } from "../../pipeline/backend.ts";

Deno.test("without synchronous webgpu reads, useBackend('webgpu') fails with the reason and the default is wasm", async () => {
  if (webgpuCanReadSync()) return; // a runtime with an OffscreenCanvas 2-D context: nothing to refuse
  const e = await assertRejects(() => useBackend("webgpu"));
  assertStringIncludes(e.message, "OffscreenCanvas");
  assertStringIncludes(e.message, "--backend wasm");
  if ((await detectBackend()) !== "wasm") throw new Error("the default must be wasm when webgpu cannot read");
});
