/**
 * Whether this program is a `deno compile` binary, whose modules live inside the executable:
 * it restarts itself as it is, and cannot hand its source files to a child `deno`.
 *
 * @module
 */

/**
 * True inside a compiled binary (its main module sits under a `deno-compile-` directory).
 * @example
 * ```ts
 * import { isCompiledBinary } from "./compiled.ts";
 * isCompiledBinary("file:///tmp/deno-compile-consumer/scripts/consumer.ts"); // true
 * ```
 */
export function isCompiledBinary(mainModule: string = Deno.mainModule): boolean {
  return mainModule.includes("/deno-compile-");
}
