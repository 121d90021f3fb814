/**
 * The arguments of `configure`: a JSON object whose runtime keys (PvaPy's receiverQueueSize,
 * skipInitialUpdates, objectIdOffset, nSequentialUpdates, collectorCacheSize) are checked here, and whose
 * other keys go to the processor untouched. One schema validates the control PV's args and the HTTP body
 * and documents the latter in OpenAPI.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";

const count = (min: number, what: string) =>
  z.number().int().min(min).max(Number.MAX_SAFE_INTEGER).describe(what);

/** Schema of the configure arguments (validates the control PV's args and the HTTP body; documents the latter). */
export const configureArgsSchema: z.ZodType<ConfigureArgs> = z.looseObject({
  receiverQueueSize: count(0, "Bound of the client receiver queue (frames); only when a queue is in use")
    .optional(),
  skipInitialUpdates: count(0, "Updates ignored after (re)connecting or resetting statistics").optional(),
  objectIdOffset: count(0, "Expected object id step between updates; 0 derives it").optional(),
  nSequentialUpdates: count(1, "Consecutive updates per distributor turn").optional(),
  collectorCacheSize: count(-1, "Frames the collector caches; -1 = 10 x producers").optional(),
}).openapi("ConfigureArgs", {
  description: "Runtime configuration; keys beyond those listed are passed to the processor's configure.",
  example: { receiverQueueSize: 100, threshold: 0.5 },
});

/** Validated configure arguments: the runtime keys PvaPy knows, and anything else for the processor. */
export interface ConfigureArgs {
  /** Bound of the client receiver queue (frames), >= 0. */
  receiverQueueSize?: number;
  /** Updates ignored after (re)connecting or resetting statistics, >= 0. */
  skipInitialUpdates?: number;
  /** Expected object id step between updates, >= 0 (0 derives it). */
  objectIdOffset?: number;
  /** Consecutive updates per distributor turn, >= 1. */
  nSequentialUpdates?: number;
  /** Frames the collector caches, >= -1 (-1 = 10 x producers). */
  collectorCacheSize?: number;
  /** Processor arguments. */
  [key: string]: unknown;
}

/** Why configure arguments were refused. */
export class ConfigureArgsError extends Error {
  /**
   * An error whose message says which key is wrong and why.
   * @param message names the key and the problem
   */
  constructor(message: string) {
    super(message);
    this.name = "ConfigureArgsError";
  }
}

/** One line naming each problem zod found, key first. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}

/**
 * Validates already-parsed arguments.
 * @throws {ConfigureArgsError} naming the offending keys
 * @example
 * ```ts
 * import { parseConfigureArgs } from "./configure_args.ts";
 * parseConfigureArgs({ receiverQueueSize: 10, gain: 2 }); // { receiverQueueSize: 10, gain: 2 }
 * ```
 */
export function parseConfigureArgs(value: unknown): ConfigureArgs {
  const result = configureArgsSchema.safeParse(value);
  if (!result.success) throw new ConfigureArgsError(describeIssues(result.error));
  return result.data;
}

/**
 * Validates the control PV's `args` string: JSON text of an object ("" means no arguments).
 * @throws {ConfigureArgsError} when it is not JSON, not an object, or a runtime key is invalid
 */
export function parseConfigureText(text: string): ConfigureArgs {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigureArgsError(`args is not JSON (${(e as Error).message})`);
  }
  return parseConfigureArgs(value);
}
