/**
 * The one place the project imports tfjs from.
 *
 * `@tensorflow/tfjs` is imported for its side effect: it is the only package that registers the gradient
 * functions (tfjs-core's own `register_all_gradients` is extensionless ESM that Deno cannot load).
 * The backends register themselves on import; `useBackend` picks one.
 *
 * @module
 */
import "@tensorflow/tfjs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";

export { tf };
