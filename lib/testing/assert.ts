/**
 * The project's one set of test assertions.
 *
 * JSR, and so `@std/assert`, is unreachable from this sandbox (deno.json maps no `@std/assert`), so this
 * module provides the subset the tests use, named and behaving like Deno std's: {@linkcode assert},
 * {@linkcode assertEquals}, {@linkcode assertNotEquals}, {@linkcode assertAlmostEquals},
 * {@linkcode assertThrows}, {@linkcode assertRejects}, {@linkcode assertStringIncludes}, and the
 * {@linkcode AssertionError} they throw. Use it rather than writing another private copy.
 *
 * Deliberate differences from std: deep equality is Node's deep-strict equality (`node:assert/strict`, as the
 * tests used before this module existed) rather than std's `equal` (e.g. it tells `0` from `-0`); and the
 * one-argument forms of `assertThrows`/`assertRejects` return the thrown value typed as `Error`, failing when
 * it is not one (std returns it as `unknown`).
 *
 * @module
 */
import { deepStrictEqual } from "node:assert/strict";
import { inspect, isDeepStrictEqual } from "node:util";

/** The error every assertion here throws when it fails. */
export class AssertionError extends Error {
  /** @param message what failed. @param options the usual `Error` options (e.g. `cause`). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}

/** An `Error` class (its constructor), as `assertThrows`/`assertRejects` take it. */
export type ErrorClassOf<E extends Error = Error> = abstract new (...args: never[]) => E;

/** Throws unless `expr` is truthy. */
export function assert(expr: unknown, msg = "assertion failed"): asserts expr {
  if (!expr) throw new AssertionError(msg);
}

/** Throws unless `actual` and `expected` are deeply, strictly equal (typed arrays by type and elements). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    deepStrictEqual(actual, expected);
  } catch (error) { // node's message carries a diff of the two values
    const diff = (error as Error).message;
    throw new AssertionError(msg ? `${msg}\n${diff}` : diff);
  }
}

/** Throws when `actual` and `expected` are deeply, strictly equal. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!isDeepStrictEqual(actual, expected)) return;
  throw new AssertionError(
    `Expected actual: ${inspect(actual)} not to be: ${inspect(expected)}${suffix(msg)}`,
  );
}

/**
 * Throws unless `|actual − expected| ≤ tolerance` (or `Object.is(actual, expected)`). As in std, the default
 * tolerance is relative: `|expected| · 1e-7` for finite `expected`, else `1e-7`. Pass an explicit tolerance
 * for an absolute bound.
 */
export function assertAlmostEquals(actual: number, expected: number, tolerance?: number, msg?: string): void {
  if (Object.is(actual, expected)) return;
  const delta = Math.abs(expected - actual);
  tolerance ??= Number.isFinite(expected) ? Math.abs(expected * 1e-7) : 1e-7;
  if (delta <= tolerance) return;
  const f = (n: number) => (Number.isInteger(n) ? String(n) : n.toExponential());
  throw new AssertionError(
    `Expected actual: "${f(actual)}" to be close to "${f(expected)}": ` +
      `delta "${f(delta)}" is greater than "${f(tolerance)}"${suffix(msg)}`,
  );
}

/** Throws unless `actual` contains `expected`. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (actual.includes(expected)) return;
  throw new AssertionError(
    `Expected actual: ${inspect(actual)} to contain: ${inspect(expected)}${suffix(msg)}`,
  );
}

/** The error `fn` throws; throws when `fn` returns, or when what it throws is not an `Error`. */
export function assertThrows(fn: () => unknown, msg?: string): Error;
/** The error `fn` throws, checked to be an `ErrorClass` whose message contains `msgIncludes`. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass: ErrorClassOf<E>,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows(
  fn: () => unknown,
  classOrMsg?: ErrorClassOf | string,
  msgIncludes?: string,
  msg?: string,
): Error {
  const { ErrorClass, message } = overload(classOrMsg, msg);
  try {
    fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes, message);
  }
  throw new AssertionError(`Expected function to throw${suffix(message)}`);
}

/** The error `fn`'s promise rejects with; throws when it resolves, or when the reason is not an `Error`. */
export function assertRejects(fn: () => PromiseLike<unknown>, msg?: string): Promise<Error>;
/** The error `fn`'s promise rejects with, checked to be an `ErrorClass` whose message has `msgIncludes`. */
export function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass: ErrorClassOf<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E>;
export async function assertRejects(
  fn: () => PromiseLike<unknown>,
  classOrMsg?: ErrorClassOf | string,
  msgIncludes?: string,
  msg?: string,
): Promise<Error> {
  const { ErrorClass, message } = overload(classOrMsg, msg);
  try {
    await fn();
  } catch (error) {
    return checkError(error, ErrorClass, msgIncludes, message);
  }
  throw new AssertionError(`Expected promise to reject${suffix(message)}`);
}

function overload(
  classOrMsg: ErrorClassOf | string | undefined,
  msg: string | undefined,
): { ErrorClass?: ErrorClassOf; message?: string } {
  return typeof classOrMsg === "string" ? { message: classOrMsg } : { ErrorClass: classOrMsg, message: msg };
}

function checkError(
  error: unknown,
  ErrorClass: ErrorClassOf | undefined,
  msgIncludes: string | undefined,
  msg: string | undefined,
): Error {
  if (!(error instanceof Error)) {
    throw new AssertionError(`A non-Error object was thrown: ${inspect(error)}${suffix(msg)}`);
  }
  if (ErrorClass && !isInstance(error, ErrorClass)) {
    throw new AssertionError(
      `Expected error to be instance of "${ErrorClass.name}", but was "${error.constructor.name}": ` +
        `${error.message}${suffix(msg)}`,
      { cause: error },
    );
  }
  if (msgIncludes !== undefined && !error.message.includes(msgIncludes)) {
    throw new AssertionError(
      `Expected error message to include ${inspect(msgIncludes)}, ` +
        `but got ${inspect(error.message)}${suffix(msg)}`,
      { cause: error },
    );
  }
  return error;
}

/** `value instanceof Class`, as a plain boolean (a negated `instanceof` would narrow `value` to `never`). */
function isInstance(value: unknown, Class: ErrorClassOf): boolean {
  return value instanceof Class;
}

function suffix(msg: string | undefined): string {
  return msg ? `: ${msg}` : ".";
}
