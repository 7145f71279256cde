/** The committed module bytes are what the committed WAT sources compile to. */
import { compileWat, embed, MODULES } from "./build.ts";

for (const module of MODULES) {
  Deno.test(`${module.target} is ${module.source} compiled (rebuild: deno run -A lib/tensor/simd/build.ts)`, async () => {
    const committed = await Deno.readTextFile(new URL(`./${module.target}`, import.meta.url));
    if (committed !== embed(module, await compileWat(module))) {
      throw new Error(`Cannot trust ${module.target}: it differs from ${module.source} compiled; rebuild it`);
    }
  });
}
