/**
 * Data loaders: everything that turns files (or nothing, for the embedded default) into arrays.
 *
 * Linear-generator experiment (paper Table 1):
 * ```
 *  IMAGES.mat ─┐                     (mat_v5 + git_blob: read, verify)
 *  raw scenes ─┼─ scene_source ─ olshausen.loadScenes ─ patches.splitPatches ─ patch_set (files on disk)
 *  embedded  ──┘                     (whiten: Olshausen's recipe for raw and embedded)
 * ```
 * `fetch.ts` is the `deno task fetch-data` command. Files with a leading `_` are private to this folder.
 *
 * @module
 */
export { type EmbeddedOptions, embeddedScenes } from "./embedded.ts";
export { gitBlobId, IMAGES_MAT_BLOB_ID, sha256Hex } from "./git_blob.ts";
export { type MatVariable, readMat, readMatVariable } from "./mat_v5.ts";
export { type LoadOptions, loadScenes, type SceneProvenance, type Scenes } from "./olshausen.ts";
export { type PatchSet, type PatchSetMeta, readPatchSet, writePatchSet } from "./patch_set.ts";
export {
  linspaceInt,
  type PatchOptions,
  type PatchSplit,
  patchStats,
  poolSizes,
  splitPatches,
} from "./patches.ts";
export { DEFAULT_RAW_DIR, resolveSceneSource, type SceneSource, sourceFiles } from "./scene_source.ts";
export { whiten, type WhitenOptions } from "./whiten.ts";
