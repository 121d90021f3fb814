/**
 * What `pva put NAME ...` writes, from its command-line words. The result is the loose input
 * `PvaClient.put` accepts; the client converts it to the PV's field types (numbers from
 * text, typed arrays, enum choices by name), so no type is needed here.
 *
 * @module
 */
import { InputError } from "./coerce.ts";

const PAIR = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)=(.*)$/s;

/** One word's value: JSON when it looks like an array or object, otherwise the text itself. */
function wordValue(text: string, what: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(what, `bad JSON (${(e as Error).message})`);
  }
}

/**
 * The input of a put. The words are either
 * - one value for the `value` field (`3.5`, `On` for an enum, `[1,2,3]` as JSON for arrays),
 * - one JSON object of fields (`{"value": 1, "alarm": {"severity": 2}}`), or
 * - `field=value` pairs with dotted paths (`value=3 alarm.severity=2`);
 * a single word is a pair when it reads `identifier=...` (write `value=a=b` to put the string `a=b`).
 * @throws {InputError} for several words that are not all pairs, or bad JSON
 * @example
 * ```ts
 * import { putInput } from "./put_args.ts";
 * putInput(["value=3", "alarm.severity=2"]); // { value: "3", "alarm.severity": "2" }
 * putInput(["[1, 2]"]); // [1, 2]
 * ```
 */
export function putInput(words: string[]): unknown {
  if (words.length === 0) throw new InputError("", "nothing to put: give a value or field=value pairs");
  const pairs = words.map((w) => PAIR.exec(w));
  if (pairs.every((m) => m !== null)) {
    return Object.fromEntries(pairs.map((m) => [m![1], wordValue(m![2], m![1])]));
  }
  if (words.length > 1) {
    const bad = words.find((_, i) => pairs[i] === null);
    throw new InputError("", `expected field=value pairs, got ${JSON.stringify(bad)}`);
  }
  return wordValue(words[0], "value");
}
