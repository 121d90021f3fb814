/**
 * Command lines of the runtime tools, in PvaPy's habits: long options with PvaPy's names,
 * its multi-letter short forms (`-ic`, `-rqs`), strict parsing (an unknown option is an
 * error naming it) and typed values (a bad number names the option and the value).
 *
 * @module
 */
import { parseArgs } from "node:util";

/** A command line that cannot be run; tools print the message and exit with status 2. */
export class UsageError extends Error {
  /** @param message what is wrong, naming the option */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** One option of a tool. */
export interface OptionSpec {
  /** Long name without dashes, e.g. "input-channel". */
  long: string;
  /** PvaPy's short form without the dash; may have several letters ("ic"). */
  short?: string;
  /** "boolean" options take no value. */
  type: "string" | "boolean";
  /** Shown in the help; the parser itself fills in no defaults. */
  default?: string;
  /** Placeholder of the value in the help, e.g. "NAME". */
  value?: string;
  /** One line (or a few) of help. */
  help: string;
}

/** What {@link parseToolArgs} returns: option values by long name, and the remaining words. */
export interface ParsedArgs {
  /** Values by long option name; absent when not given. */
  values: Record<string, string | boolean | undefined>;
  /** Words that are not options. */
  positionals: string[];
}

/**
 * Parses `argv` against `specs`. PvaPy's multi-letter short forms are accepted as they are
 * typed (`-ic NAME`); `--name=value` works too, and so does a negative number given as a
 * value (`-rqs -1`), as argparse allows.
 * @throws UsageError naming the unknown option or the option missing its value
 * @example
 * ```ts
 * import { parseToolArgs } from "./args.ts";
 * const specs = [{ long: "input-channel", short: "ic", type: "string" as const, help: "input" }];
 * parseToolArgs("consumer", specs, ["-ic", "pv:image"]).values["input-channel"]; // "pv:image"
 * ```
 */
export function parseToolArgs(
  tool: string,
  specs: readonly OptionSpec[],
  argv: readonly string[],
): ParsedArgs {
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [`-${s.short}`, s.long]));
  const takesValue = new Set(specs.filter((s) => s.type === "string").map((s) => `--${s.long}`));
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = byShort.has(argv[i]) ? `--${byShort.get(argv[i])}` : argv[i];
    // As argparse does, a negative number after an option that takes a value is that value.
    if (takesValue.has(a) && /^-\d/.test(argv[i + 1] ?? "")) args.push(`${a}=${argv[++i]}`);
    else args.push(a);
  }
  const options = Object.fromEntries(specs.map((s) => [s.long, { type: s.type }]));
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values: { ...values } as ParsedArgs["values"], positionals };
  } catch (e) {
    throw new UsageError(`${tool}: ${(e as Error).message.replace(/\. To specify a positional.*$/s, "")}`);
  }
}

/**
 * Reads a command line of options only: `"help"` when it asks for help (whatever else it holds),
 * else a reader of its values.
 * @throws UsageError naming an unknown option, one missing its value, or an argument that is not an option
 */
export function readToolOptions(
  tool: string,
  specs: readonly OptionSpec[],
  argv: readonly string[],
): OptionReader | "help" {
  const { values, positionals } = parseToolArgs(tool, specs, argv);
  if (values.help === true) return "help";
  if (positionals.length > 0) throw new UsageError(`${tool}: unexpected argument "${positionals[0]}"`);
  return new OptionReader(tool, values);
}

/**
 * Help text: usage line, what the tool does, every option with its short form and default,
 * and examples.
 */
export function helpText(
  tool: string,
  about: string,
  specs: readonly OptionSpec[],
  examples: readonly string[] = [],
): string {
  const rows = specs.map((s) => {
    const names = `${s.short ? `-${s.short}, ` : ""}--${s.long}${
      s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""
    }`;
    const def = s.default !== undefined ? ` (default: ${s.default})` : "";
    return { names, text: `${s.help}${def}` };
  });
  const width = Math.min(44, Math.max(...rows.map((r) => r.names.length)) + 2);
  const lines = [`usage: ${tool} [options]`, "", about, "", "options:"];
  for (const r of rows) {
    const pad = r.names.length >= width ? `\n  ${" ".repeat(width)}` : " ".repeat(width - r.names.length);
    lines.push(`  ${r.names}${pad}${r.text}`);
  }
  if (examples.length > 0) lines.push("", "examples:", ...examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

/** Reads typed values out of {@link ParsedArgs}, with errors naming option and value. */
export class OptionReader {
  readonly #tool: string;
  readonly #values: ParsedArgs["values"];

  /**
   * @param tool the tool's name, first word of every error
   * @param values parsed values by long name
   */
  constructor(tool: string, values: ParsedArgs["values"]) {
    this.#tool = tool;
    this.#values = values;
  }

  /** A string option, or `fallback`. */
  string(name: string, fallback: string): string;
  /** A string option, or undefined. */
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const v = this.#values[name];
    return typeof v === "string" ? v : fallback;
  }

  /** A required string option. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === "") throw this.#error(name, "is required");
    return v;
  }

  /** A flag. */
  flag(name: string): boolean {
    return this.#values[name] === true;
  }

  /** A number within [min, max] (integers only when `integer`). */
  number(
    name: string,
    fallback: number,
    { min = -Infinity, max = Infinity, integer = false }: { min?: number; max?: number; integer?: boolean } =
      {},
  ): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) throw this.#error(name, `needs a number, not "${text}"`);
    if (integer && !Number.isInteger(n)) throw this.#error(name, `needs a whole number, not "${text}"`);
    if (n < min || n > max) {
      const range = max === Infinity
        ? `at least ${min}`
        : min === -Infinity
        ? `at most ${max}`
        : `${min}..${max}`;
      throw this.#error(name, `must be ${range}, not ${text}`);
    }
    return n;
  }

  /** One of `choices`. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const v = this.string(name, fallback);
    if (!choices.includes(v as T)) {
      throw this.#error(name, `must be one of ${choices.join(", ")}, not "${v}"`);
    }
    return v as T;
  }

  /** A JSON object (e.g. processor args); `{}` when absent. */
  jsonObject(name: string): Record<string, unknown> {
    const text = this.string(name);
    if (text === undefined || text.trim() === "") return {};
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw this.#error(name, `is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw this.#error(name, "must be a JSON object");
    }
    return v as Record<string, unknown>;
  }

  #error(name: string, what: string): UsageError {
    return new UsageError(`${this.#tool}: --${name} ${what}`);
  }
}
