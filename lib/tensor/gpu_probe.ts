/**
 * What `navigator.gpu` offers here, without importing tfjs, so the pipeline engine can ask while planning.
 *
 * @module
 */

/** The adapter `navigator.gpu` returns, described. */
export interface AdapterDescription {
  /** A real GPU: an adapter that is not a software fallback (such as llvmpipe). */
  hardware: boolean;
  /** Vendor, architecture and device when the adapter says, or why there is none. */
  description: string;
}

/**
 * The adapter `navigator.gpu` offers, or why there is none; a probe that takes over 3 s counts as none (some
 * drivers hang).
 *
 * @example
 * ```ts
 * import { gpuAdapterDescription } from "./gpu_probe.ts";
 * const { hardware, description } = await gpuAdapterDescription();
 * if (typeof hardware !== "boolean" || description === "") throw new Error("a yes or no, and a description");
 * ```
 */
export async function gpuAdapterDescription(): Promise<AdapterDescription> {
  type Info = { vendor?: string; architecture?: string; device?: string; description?: string };
  type Adapter = { isFallbackAdapter?: boolean; info?: Info & { isFallbackAdapter?: boolean } } | null;
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<Adapter> } }).gpu;
  if (!gpu) return { hardware: false, description: "no navigator.gpu in this runtime" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    const t = setTimeout(() => resolve("timeout"), 3000);
    Deno.unrefTimer(t as unknown as number);
    timer = t;
  });
  try {
    const adapter = await Promise.race([gpu.requestAdapter(), timeout]);
    if (adapter === "timeout") return { hardware: false, description: "the GPU adapter probe took over 3 s" };
    if (adapter === null) return { hardware: false, description: "no WebGPU adapter" };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(" ") ||
      "unnamed adapter";
    const fallback = adapter.isFallbackAdapter ?? info.isFallbackAdapter ?? false;
    return { hardware: !fallback, description: fallback ? `only a software adapter (${name})` : name };
  } catch (error) {
    return { hardware: false, description: `the GPU adapter probe failed: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
