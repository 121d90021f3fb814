/**
 * Reading a processor's arguments: each reader returns the argument when it is present and
 * valid, `undefined` when it is absent (so that a later `configure` with other keys keeps the
 * earlier value), and throws {@link ProcessorArgError} naming the argument otherwise.
 *
 * @module
 */
import type { ProcessorArgs } from "./types.ts";

/** An argument of the wrong type or out of range. */
export class ProcessorArgError extends Error {
  /** The argument's name. */
  readonly arg: string;

  /**
   * Names the argument and what it should have been.
   * @param arg the argument's name
   * @param expected what it should have been
   * @param got the value given
   */
  constructor(arg: string, expected: string, got: unknown) {
    super(`argument ${arg}: expected ${expected}, got ${JSON.stringify(got)}`);
    this.name = "ProcessorArgError";
    this.arg = arg;
  }
}

/** Bounds of {@link integerArg}. */
export interface IntegerBounds {
  /** Smallest value accepted (default: none). */
  min?: number;
  /** Largest value accepted (default: none). */
  max?: number;
}

/**
 * An integer argument within bounds.
 * @throws {ProcessorArgError} when present and not a safe integer within the bounds
 * @example
 * ```ts
 * import { integerArg } from "./args.ts";
 * integerArg({ bins: 8 }, "bins", { min: 1 }); // 8
 * integerArg({}, "bins", { min: 1 }); // undefined
 * ```
 */
export function integerArg(
  args: ProcessorArgs,
  name: string,
  bounds: IntegerBounds = {},
): number | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  const { min = -Infinity, max = Infinity } = bounds;
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
    const range = min > -Infinity && max < Infinity
      ? ` from ${min} to ${max}`
      : min > -Infinity
      ? ` >= ${min}`
      : max < Infinity
      ? ` <= ${max}`
      : "";
    throw new ProcessorArgError(name, `an integer${range}`, v);
  }
  return v as number;
}

/**
 * A finite number argument.
 * @throws {ProcessorArgError} when present and not a finite number
 * @example
 * ```ts
 * import { numberArg } from "./args.ts";
 * numberArg({ below: 10.5 }, "below"); // 10.5
 * ```
 */
export function numberArg(args: ProcessorArgs, name: string): number | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ProcessorArgError(name, "a finite number", v);
  return v;
}

/**
 * An argument that is one of `choices`.
 * @throws {ProcessorArgError} when present and not one of them
 * @example
 * ```ts
 * import { choiceArg } from "./args.ts";
 * choiceArg({ mode: "mean" }, "mode", ["sum", "mean"] as const); // "mean"
 * ```
 */
export function choiceArg<T extends string | number>(
  args: ProcessorArgs,
  name: string,
  choices: readonly T[],
): T | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) {
    throw new ProcessorArgError(name, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, v);
  }
  return v as T;
}

/**
 * A boolean argument.
 * @throws {ProcessorArgError} when present and not a boolean
 * @example
 * ```ts
 * import { booleanArg } from "./args.ts";
 * booleanArg({ transpose: true }, "transpose"); // true
 * ```
 */
export function booleanArg(args: ProcessorArgs, name: string): boolean | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new ProcessorArgError(name, "true or false", v);
  return v;
}
