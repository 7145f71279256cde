/**
 * Git blob ids and sha256 digests of file contents, for verifying data files against known copies.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The git blob id of Olshausen's `IMAGES.mat` (`git hash-object IMAGES.mat`). */
export const IMAGES_MAT_BLOB_ID = "18a1e3ab1363edeb6132e237dd84f6ea0a5c9cb2";

/**
 * The git blob id of `bytes`: sha1 of `"blob <length>\0"` followed by the bytes, as `git hash-object` prints.
 *
 * @example
 * ```ts
 * import { gitBlobId } from "./git_blob.ts";
 * const id = gitBlobId(new TextEncoder().encode("hello\n"));
 * if (id !== "ce013625030ba8dba906f756967f9e9ca394464a") throw new Error(id);
 * ```
 */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * The sha256 of `bytes` as lowercase hex.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./git_blob.ts";
 * const h = sha256Hex(new Uint8Array(0));
 * if (h !== "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") throw new Error(h);
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
