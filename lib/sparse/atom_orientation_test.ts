import { assert } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { atomOrientation } from "./atom_orientation.ts";

const SIDE = 16, D = SIDE * SIDE;

/** K atoms [D, K] from a function of (atom, row, column). */
function dictionary(k: number, f: (c: number, i: number, j: number) => number): Float32Array {
  const a = new Float32Array(D * k);
  for (let c = 0; c < k; c++) for (let p = 0; p < D; p++) a[p * k + c] = f(c, Math.floor(p / SIDE), p % SIDE);
  return a;
}

Deno.test("atomOrientation(): white-noise atoms are not oriented (mean coherence ≈ 0.07)", () => {
  const rng = new Rng(0);
  const noise = rng.normalArray(D * 256);
  const r = atomOrientation(noise, [D, 256]);
  assert(r.mean < 0.12, `mean coherence ${r.mean}`);
  assert(r.orientedPercent === 0, `${r.orientedPercent}% oriented`);
  assert(Math.max(...r.coherence) < 0.35, `max ${Math.max(...r.coherence)}`);
});

Deno.test("atomOrientation(): gratings and Gabor atoms at any orientation are oriented; a round blob is not", () => {
  const rng = new Rng(1);
  const angles = Array.from({ length: 64 }, () => rng.uniformArray(1, 0, Math.PI)[0]);
  const gratings = dictionary(
    64,
    (c, i, j) => Math.cos(0.8 * (Math.cos(angles[c]) * j + Math.sin(angles[c]) * i)),
  );
  assert(atomOrientation(gratings, [D, 64]).orientedPercent === 100, "gratings");
  const gabors = dictionary(64, (c, i, j) => {
    const [x, y] = [j - 7.5, i - 7.5];
    const u = Math.cos(angles[c]) * x + Math.sin(angles[c]) * y;
    const v = -Math.sin(angles[c]) * x + Math.cos(angles[c]) * y;
    return Math.exp(-(u * u) / 8 - (v * v) / 32) * Math.cos(1.2 * u);
  });
  const g = atomOrientation(gabors, [D, 64]);
  assert(g.orientedPercent === 100, `gabors: ${g.orientedPercent}%, mean ${g.mean}`);
  const blob = dictionary(1, (_, i, j) => Math.exp(-((i - 7.5) ** 2 + (j - 7.5) ** 2) / 10));
  assert(atomOrientation(blob, [D, 1]).coherence[0] < 0.05, "an isotropic blob");
});

Deno.test("atomOrientation(): dead atoms are left out", () => {
  const a = dictionary(2, (c, _i, j) => (c === 0 ? Math.cos(j) : 0));
  const r = atomOrientation(a, [D, 2]);
  assert(r.live === 1 && Number.isNaN(r.coherence[1]) && r.orientedPercent === 100, JSON.stringify(r));
});
