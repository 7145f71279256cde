import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { atomSmoothness } from "./atom_structure.ts";

const side = 16;
const D = side * side;

function dictionaryOf(atoms: Float64Array[]): Float32Array {
  const K = atoms.length;
  const a = new Float32Array(D * K);
  atoms.forEach((atom, k) => atom.forEach((v, p) => (a[p * K + k] = v)));
  return a;
}

Deno.test("atomSmoothness() of white-noise atoms is 0 within its standard error", () => {
  const rng = new Rng(3);
  const K = 256;
  const atoms = Array.from({ length: K }, () => Float64Array.from(rng.normalArray(D)));
  const r = atomSmoothness(dictionaryOf(atoms), [D, K]);
  assertEquals(r.live, K);
  // sd of ρ_k ≈ 1/side, so the mean of K atoms has sd ≈ 1/(side·√K) = 0.004
  assert(Math.abs(r.mean) < 5 / (side * Math.sqrt(K)), `mean ${r.mean}`);
  assertEquals(r.structuredPercent, 0);
  assert(r.meanRadius > 5.5, `radius ${r.meanRadius}`);
});

Deno.test("atomSmoothness(): mixtures of smooth band-pass patches are smooth but not localized, so not structured", () => {
  const rng = new Rng(5);
  const K = 64;
  // Smooth, spatially stationary atoms: white noise blurred by a 3×3 box (ρ ≈ 0.6), spread over the patch.
  const atoms = Array.from({ length: K }, () => {
    const w = rng.normalArray(D);
    const out = new Float64Array(D);
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        for (let di = -1; di <= 1; di++) {
          for (let dj = -1; dj <= 1; dj++) {
            const [y, x] = [(i + di + side) % side, (j + dj + side) % side];
            out[i * side + j] += w[y * side + x];
          }
        }
      }
    }
    return out;
  });
  const r = atomSmoothness(dictionaryOf(atoms), [D, K]);
  assert(r.mean > 0.4, `smoothness ${r.mean}`);
  assert(r.structuredPercent < 5, `structured ${r.structuredPercent}%`);
});

Deno.test("atomSmoothness() of Gabor atoms is high, of a checkerboard −1, of dead atoms NaN", () => {
  const gabor = new Float64Array(D);
  const checker = new Float64Array(D);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const [x, y] = [j - 7.5, i - 7.5];
      gabor[i * side + j] = Math.exp(-(x * x + y * y) / 18) * Math.cos((2 * Math.PI * (x + y)) / 8);
      checker[i * side + j] = (i + j) % 2 === 0 ? 1 : -1;
    }
  }
  const dead = new Float64Array(D).fill(0.001);
  const r = atomSmoothness(dictionaryOf([gabor, checker, dead]), [D, 3]);
  assert(r.perAtom[0] > 0.5, `gabor ${r.perAtom[0]}`);
  assert(r.radius[0] < 4, `gabor radius ${r.radius[0]}`);
  assertEquals(r.structuredPercent, 50); // the Gabor, not the checkerboard
  assertAlmostEquals(r.perAtom[1], -side / (side - 1) * (side - 1) / side, 1e-9);
  assert(Number.isNaN(r.perAtom[2]));
  assertEquals(r.live, 2);
});
