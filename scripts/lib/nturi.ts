/**
 * The argument of `pva rpc NAME key=value ...`: an NTURI as pvxs's pvxcall builds it.
 *
 * @module
 */
import { scalar, struct, type StructValue, type Typed } from "../../protocol/pvdata/types.ts";
import { InputError } from "./coerce.ts";

/** Type id of NTURI. */
export const NT_URI_ID = "epics:nt/NTURI:1.0";

/**
 * An NTURI `{scheme: "pva", authority: "", path: name, query: {key: value}}` with every query
 * member a string (the service converts what it needs).
 * @throws {InputError} for a word that is not key=value, or a key given twice
 * @example
 * ```ts
 * import { rpcArgument } from "./nturi.ts";
 * const { value } = rpcArgument("calc:add", ["a=1", "b=2"]);
 * value.query; // { a: "1", b: "2" }
 * ```
 */
export function rpcArgument(name: string, words: string[]): Typed {
  const query: StructValue = {};
  for (const w of words) {
    const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w);
    if (!m) throw new InputError("", `expected key=value, got ${JSON.stringify(w)}`);
    if (m[1] in query) throw new InputError(m[1], "given twice");
    query[m[1]] = m[2];
  }
  const queryType = struct("", Object.fromEntries(Object.keys(query).map((k) => [k, scalar("string")])));
  const type = struct(NT_URI_ID, {
    scheme: scalar("string"),
    authority: scalar("string"),
    path: scalar("string"),
    query: queryType,
  });
  return { type, value: { scheme: "pva", authority: "", path: name, query } };
}
