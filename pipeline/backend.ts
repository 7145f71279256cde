/**
 * The default compute backend. The engine only passes the name on (`ctx.backend`); stages act on it.
 *
 * @module
 */

/** "webgpu" when `navigator.gpu` offers a hardware adapter, else "wasm". */
export async function detectBackend(): Promise<string> {
  type Adapter = { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null;
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<Adapter> } }).gpu;
  if (!gpu) return "wasm";
  // Some drivers hang while probing; a slow answer counts as no GPU.
  const timeout = new Promise<null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 3000);
    Deno.unrefTimer(timer);
  });
  try {
    const adapter = await Promise.race([gpu.requestAdapter(), timeout]);
    const fallback = adapter?.isFallbackAdapter ?? adapter?.info?.isFallbackAdapter ?? false;
    return adapter && !fallback ? "webgpu" : "wasm";
  } catch {
    return "wasm";
  }
}
