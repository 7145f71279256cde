/**
 * Named float32 tensors to and from one flat buffer plus a JSON index, so a stage can save a model's
 * variables in two files and a later stage can load them back. No file I/O here: stages do that.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { readFloats } from "./readback.ts";

/** Where each named tensor lies in the flat buffer. */
export interface TensorIndexEntry {
  name: string;
  shape: number[];
  offset: number;
}

/**
 * Pack named tensors into one Float32Array and an index.
 *
 * @example
 * ```ts
 * import { packTensors, unpackTensors } from "./named_tensors.ts";
 * import { tf } from "./tf.ts";
 * await tf.setBackend("cpu");
 * const packed = await packTensors({ w: tf.tensor2d([[1, 2], [3, 4]]) });
 * const back = unpackTensors(packed.index, packed.data);
 * if ((back.w.arraySync() as number[][])[1][0] !== 3) throw new Error("round trip failed");
 * ```
 */
export async function packTensors(
  named: Record<string, tf.Tensor>,
): Promise<{ index: TensorIndexEntry[]; data: Float32Array }> {
  const names = Object.keys(named).sort();
  const index: TensorIndexEntry[] = [];
  let offset = 0;
  for (const name of names) {
    index.push({ name, shape: named[name].shape, offset });
    offset += named[name].size;
  }
  const data = new Float32Array(offset);
  for (const entry of index) data.set(await readFloats(named[entry.name]), entry.offset);
  return { index, data };
}

/** Unpack what `packTensors` produced into new tensors (the caller owns and disposes them). */
export function unpackTensors(index: TensorIndexEntry[], data: Float32Array): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const { name, shape, offset } of index) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size > data.length) {
      throw new RangeError(
        `Cannot unpack tensor "${name}": it needs ${offset + size} values, the buffer has ${data.length}`,
      );
    }
    out[name] = tf.tensor(data.subarray(offset, offset + size), shape, "float32");
  }
  return out;
}
