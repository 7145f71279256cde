import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { digitize, multiInformation, multiInformationEdges } from "./multi_information.ts";

Deno.test("multiInformationEdges() gives 22 edges (23 symbols) for 20 and 32 edges (33 symbols) for 30", () => {
  assertEquals(multiInformationEdges(20).length, 22);
  assertEquals(multiInformationEdges(30).length, 32);
  const e = multiInformationEdges(20);
  // numpy: np.linspace(-2, 2, 20)[10] = -2 + 10·(4/19)
  assert(e.includes(-2 + 10 * (4 / 19)), "linspace value differs from numpy's formula");
  assertEquals(e[10], -1e-50);
  assertEquals(e[11], 1e-50);
});

Deno.test("digitize() follows np.digitize: edges[i−1] ≤ x < edges[i], exact zeros in their own bin", () => {
  const e = multiInformationEdges(20);
  assertEquals(digitize(-2.5, e), 0);
  assertEquals(digitize(-2, e), 1); // on an edge → the bin to its right
  assertEquals(digitize(0, e), 11);
  assertEquals(digitize(-1e-30, e), 10);
  assertEquals(digitize(1e-30, e), 12);
  assertEquals(digitize(1.99, e), 21);
  assertEquals(digitize(7, e), 22);
});

Deno.test("multiInformation() of independent uniform latents is ≈ 0, within the plug-in bias", () => {
  // 3 latents, each uniform over 4 bins, N = 20000: the plug-in bias of the joint entropy is about
  // (64 − 1)/(2N ln 2) ≈ 2.3e-3 bits, so |T| < 1e-2 holds with a wide margin.
  const rng = new Rng(20);
  const [n, k] = [20000, 3];
  const values = [-1.5, -0.5, 0.5, 1.5];
  const codes = new Float32Array(n * k).map(() => values[rng.int(4)]);
  const t = multiInformation(codes, [n, k]);
  assert(Math.abs(t) < 1e-2, `expected T ≈ 0, got ${t}`);
});

Deno.test("multiInformation() of K copies of one latent is (K − 1)·H(X)", () => {
  const rng = new Rng(21);
  const [n, k] = [5000, 4];
  const codes = new Float32Array(n * k);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = rng.next() < 0.6 ? 0 : rng.normal(); // a spike at zero plus a slab, like a sparse code
    for (let j = 0; j < k; j++) codes[i * k + j] = v;
    const s = digitize(Math.fround(v), multiInformationEdges(20));
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log2(c / n);
  assertAlmostEquals(multiInformation(codes, [n, k]), (k - 1) * h, 1e-9);
});

Deno.test("multiInformation() matches a small joint distribution worked by hand", () => {
  // rows (a, b) ∈ {(0,0), (0,0), (0,1), (1,1)}: H(a) = H(¼,¾) = 0.811278…, H(b) = 1, H(a,b) = H(½,¼,¼) = 1.5
  const codes = new Float32Array([0, 0, 0, 0, 0, 1, 1, 1]);
  const hq = -(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75));
  assertAlmostEquals(multiInformation(codes, [4, 2]), hq + 1 - 1.5, 1e-12);
  // values beyond ±2 share the end bins, so 3 and 5 are the same symbol: T = 0 here
  assertAlmostEquals(multiInformation(new Float32Array([3, 0, 5, 1]), [2, 2]), 0, 1e-12);
});

Deno.test("multiInformation() rejects a shape that does not match the data", () => {
  assertThrows(() => multiInformation(new Float32Array(5), [2, 2]), RangeError, "do not fill shape");
});
