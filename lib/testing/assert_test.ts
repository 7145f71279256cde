import {
  assert,
  assertAlmostEquals,
  assertEquals,
  AssertionError,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";

/** `fn` fails with an AssertionError (checked by hand, not with the functions under test). */
function fails(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof AssertionError) return;
    throw new Error(`expected an AssertionError, got ${error}`);
  }
  throw new Error("expected an AssertionError, got none");
}

Deno.test("assert() and assertStringIncludes() pass and fail as std's do", () => {
  assert(1);
  fails(() => assert(0));
  assertStringIncludes("abcdef", "cde");
  fails(() => assertStringIncludes("abc", "x"));
});

Deno.test("assertEquals()/assertNotEquals() use deep strict equality, typed arrays by type", () => {
  assertEquals({ a: [1, 2], b: new Float32Array([1]) }, { a: [1, 2], b: new Float32Array([1]) });
  fails(() => assertEquals<unknown>(new Float32Array([1]), new Float64Array([1])));
  fails(() => assertEquals(0, -0));
  fails(() => assertEquals(1, 2, "named"));
  assertNotEquals([1], [2]);
  fails(() => assertNotEquals([1], [1]));
});

Deno.test("assertAlmostEquals() takes an absolute tolerance, and by default a relative 1e-7", () => {
  assertAlmostEquals(1, 1.5, 0.5);
  fails(() => assertAlmostEquals(1, 1.5000001, 0.5));
  assertAlmostEquals(2, 2, 0);
  assertAlmostEquals(NaN, NaN);
  fails(() => assertAlmostEquals(NaN, 1, 1));
  assertAlmostEquals(1e9 + 50, 1e9);
  fails(() => assertAlmostEquals(1e-8, 1e-9));
});

Deno.test("assertThrows() returns the error, and checks class and message when given them", () => {
  const e = assertThrows(() => {
    throw new RangeError("out of range: 5");
  });
  assert(e instanceof RangeError && e.message === "out of range: 5");
  const r: RangeError = assertThrows(
    () => {
      throw new RangeError("out of range: 5");
    },
    RangeError,
    "range: 5",
  );
  assert(r.message === "out of range: 5");
  fails(() => assertThrows(() => {}));
  fails(() =>
    assertThrows(() => {
      throw "a string";
    })
  );
  fails(() =>
    assertThrows(() => {
      throw new Error("x");
    }, TypeError)
  );
  fails(() =>
    assertThrows(
      () => {
        throw new TypeError("x");
      },
      TypeError,
      "y",
    )
  );
});

Deno.test("assertRejects() returns the rejection, and checks class and message when given them", async () => {
  const e = await assertRejects(() => Promise.reject(new SyntaxError("bad token")));
  assert(e instanceof SyntaxError);
  const s: SyntaxError = await assertRejects(
    () => Promise.reject(new SyntaxError("bad token")),
    SyntaxError,
    "token",
  );
  assert(s.message === "bad token");
  const failing: (() => Promise<unknown>)[] = [
    () => assertRejects(() => Promise.resolve(1)),
    () => assertRejects(() => Promise.reject(new Error("x")), TypeError),
    () => assertRejects(() => Promise.reject(new TypeError("x")), TypeError, "y"),
  ];
  for (const run of failing) {
    let caught: unknown;
    await run().catch((error) => (caught = error));
    assert(caught instanceof AssertionError, `expected an AssertionError, got ${caught}`);
  }
});
