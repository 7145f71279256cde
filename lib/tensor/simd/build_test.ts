/** The committed module bytes are what the committed WAT source compiles to. */
import { compileHeapKernels, embed } from "./build.ts";

Deno.test("heap_kernels_wasm.ts is heap_kernels.wat compiled (rebuild: deno run -A lib/tensor/simd/build.ts)", async () => {
  const committed = await Deno.readTextFile(new URL("./heap_kernels_wasm.ts", import.meta.url));
  if (committed !== embed(await compileHeapKernels())) {
    throw new Error(
      "Cannot trust heap_kernels_wasm.ts: it differs from heap_kernels.wat compiled; rebuild it",
    );
  }
});
