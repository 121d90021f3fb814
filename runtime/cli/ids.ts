/**
 * Ids in channel names, as PvaPy writes them: id lists (`1,2,5`, `range(1,5)`,
 * `range(1,10,2)`), ids formatted by a Python format spec (`--id-format-spec 02d`), `*` in a
 * channel name replaced by the formatted id, and `_` for the default names
 * `pvapy:<role>:<id>:output|status|control`.
 *
 * @module
 */
import { UsageError } from "./args.ts";

/**
 * Parses an id list: comma-separated integers (optionally in brackets) or
 * `range(first, lastPlusOne[, step])` as Python's range.
 * @throws UsageError naming the list when it is not one of these forms or is empty
 * @example
 * ```ts
 * import { parseIdList } from "./ids.ts";
 * parseIdList("range(1,7,2)"); // [1, 3, 5]
 * parseIdList("1,2,5"); // [1, 2, 5]
 * ```
 */
export function parseIdList(spec: string): number[] {
  const text = spec.replace(/\s+/g, "");
  const range = /^range\((-?\d+)(?:,(-?\d+))?(?:,(-?\d+))?\)$/.exec(text);
  let ids: number[];
  if (range) {
    const [a, b, c] = range.slice(1).map((x) => x === undefined ? undefined : Number(x));
    const [first, end] = b === undefined ? [0, a!] : [a!, b];
    const step = c ?? 1;
    if (step === 0) throw new UsageError(`id list "${spec}": range() step must not be zero`);
    ids = [];
    for (let i = first; step > 0 ? i < end : i > end; i += step) ids.push(i);
  } else {
    const body = text.replace(/^\[(.*)\]$/, "$1");
    if (!/^-?\d+(,-?\d+)*$/.test(body)) {
      throw new UsageError(`id list "${spec}" is neither "1,2,5" nor "range(first,last+1[,step])"`);
    }
    ids = body.split(",").map(Number);
  }
  if (ids.length === 0) throw new UsageError(`id list "${spec}" is empty`);
  return ids;
}

/**
 * Formats an id as Python's `f"{id:spec}"` does for the specs used with ids: an optional
 * fill and alignment (`<`, `>`, `^`), an optional `0` (zero padding), a width and an optional
 * `d`. No spec gives the plain number.
 * @throws UsageError for other specs
 * @example
 * ```ts
 * import { formatId } from "./ids.ts";
 * formatId(7, "03d"); // "007"
 * ```
 */
export function formatId(id: number, spec?: string): string {
  const plain = String(id);
  if (spec === undefined || spec === "") return plain;
  const m = /^(?:(.)?([<>^]))?(0)?(\d+)?d?$/.exec(spec);
  if (!m) throw new UsageError(`--id-format-spec "${spec}" is not an integer format such as 02d`);
  const [, fill = " ", align, zero, widthText] = m;
  const width = Number(widthText ?? 0);
  if (plain.length >= width) return plain;
  if (!align && zero) {
    const digits = plain.replace("-", "");
    return (id < 0 ? "-" : "") + digits.padStart(width - (id < 0 ? 1 : 0), "0");
  }
  const pad = width - plain.length;
  switch (align ?? ">") {
    case "<":
      return plain + fill.repeat(pad);
    case "^":
      return fill.repeat(Math.floor(pad / 2)) + plain + fill.repeat(Math.ceil(pad / 2));
    default:
      return fill.repeat(pad) + plain;
  }
}

/** Which of a process's own channels a name is for. */
export type ChannelRole = "output" | "status" | "control";

/**
 * A channel name from its template: `_` is the default `pvapy:<kind>:<id>:<role>`, any `*`
 * is replaced by the formatted id, and an absent template stays absent.
 * @example
 * ```ts
 * import { channelName } from "./ids.ts";
 * channelName("_", { kind: "consumer", role: "status", id: "2" }); // "pvapy:consumer:2:status"
 * channelName("det:*:out", { kind: "consumer", role: "output", id: "02" }); // "det:02:out"
 * ```
 */
export function channelName(
  template: string | undefined,
  { kind, role, id }: { kind: "consumer" | "collector"; role: ChannelRole; id: string },
): string | undefined {
  if (template === undefined || template === "") return undefined;
  if (template === "_") return `pvapy:${kind}:${id}:${role}`;
  return template.replaceAll("*", id);
}
