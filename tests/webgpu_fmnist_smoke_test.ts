/** fmnist-sweep's smoke profile on webgpu against wasm (tolerance and why: `_webgpu_smoke.ts`). */
import { compareSmoke, hasAdapter } from "./_webgpu_smoke.ts";

Deno.test({
  name: "reproduce fmnist-sweep --profile smoke on webgpu gives wasm's metrics within 5e-3",
  ignore: !hasAdapter,
  fn: () => compareSmoke("fmnist-sweep"),
});
