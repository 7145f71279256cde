/**
 * sha256 helpers shared by the key, the code hash, the file memo and the store.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Hex sha256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hex sha256 of a file's content, streamed so that large data files are never held in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path);
  // Consuming `readable` closes the file.
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}
