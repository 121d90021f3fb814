/**
 * The command line of the `pva` tool: subcommands, their options and help, parsed strictly
 * with `node:util` parseArgs so that a mistyped option is an error naming it.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { type LogLevel, parseLogLevel } from "../../protocol/log.ts";
import { parseRequest } from "../../protocol/pvdata/pvrequest.ts";

/** A command line that cannot be run; the tool prints the message and exits with status 2. */
export class UsageError extends Error {
  /**
   * A usage error.
   * @param message what is wrong, starting with the subcommand
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The subcommands. */
export type CommandName = "get" | "put" | "monitor" | "info" | "rpc" | "list" | "serve";

type OptionName =
  | "timeout"
  | "json"
  | "request"
  | "count"
  | "max-message-bytes"
  | "access-rules"
  | "log-level"
  | "log-format"
  | "env";

interface CommandSpec {
  args: string;
  about: string;
  options: OptionName[];
  /** Fewest positional words. */
  min: number;
  /** Most positional words (unlimited when absent). */
  max?: number;
  /** Default of -w in seconds. */
  wait?: number;
  /** Words that read as negative numbers are values, not options (`pva put pv:x -5`). */
  negativeValues?: boolean;
  /** Command lines shown under "examples:". */
  examples: string[];
}

const OPTIONS: Record<OptionName, { short?: string; type: "string" | "boolean"; help: string }> = {
  request: { short: "r", type: "string", help: "-r, --request TEXT  pvRequest, e.g. 'field(value,alarm)'" },
  timeout: { short: "w", type: "string", help: "-w, --timeout SEC   seconds to wait" },
  count: { short: "n", type: "string", help: "-n, --count N       stop after N updates" },
  json: { type: "boolean", help: "    --json          one JSON document per line" },
  "max-message-bytes": {
    type: "string",
    help: "    --max-message-bytes N  largest message accepted from a validated client\n" +
      "                        (default PVASTREAM_MAX_MESSAGE_BYTES, else 1 GiB; see docs/limits.md)",
  },
  env: {
    type: "boolean",
    help: "    --env           print the EPICS_* and PVASTREAM_* variables and the settings in effect",
  },
  "access-rules": {
    type: "string",
    help: "    --access-rules FILE  who may read and write which PVs (docs/access-rules.md)",
  },
  "log-level": { type: "string", help: "    --log-level L   debug, info, warn or error (default warn)" },
  "log-format": {
    type: "string",
    help: "    --log-format F  text or json (default text), on standard error",
  },
};

/** The logging options, which every client subcommand takes. */
const LOG_OPTIONS: OptionName[] = ["log-level", "log-format"];

const COMMANDS: Record<CommandName, CommandSpec> = {
  get: {
    args: "NAME...",
    about: "Reads the current value of each PV.",
    options: ["request", "timeout", "json", ...LOG_OPTIONS],
    min: 1,
    examples: [
      "pva get sim:image:status",
      "pva get -r 'field(value,alarm)' --json pv:temperature pv:pressure",
    ],
  },
  put: {
    args: "NAME VALUE | NAME FIELD=VALUE... | NAME '{JSON}'",
    about: "Writes a PV.\n" +
      "VALUE goes to its `value` field (JSON for arrays, a choice name for an enum); FIELD=VALUE pairs\n" +
      "take dotted paths; a JSON object sets several fields. A negative number is a value\n" +
      "(pva put pv:x -5); `--` still ends the options.",
    options: ["request", "timeout", ...LOG_OPTIONS],
    min: 2,
    negativeValues: true,
    examples: [
      "pva put pv:setpoint 21.5",
      "pva put pv:waveform '[1, 2, 3]'",
      "pva put pv:point x=1.5 n=-4",
      'pva put pvapy:consumer:1:control \'{"command": "stop"}\'',
    ],
  },
  monitor: {
    args: "NAME...",
    about: "Prints every update of the PVs until Ctrl-C (or -n updates in all).",
    options: ["request", "count", "json", ...LOG_OPTIONS],
    min: 1,
    examples: [
      "pva monitor pvapy:image",
      "pva monitor -n 10 --json -r 'field(uniqueId,timeStamp)' pvapy:image",
    ],
  },
  info: {
    args: "NAME...",
    about: "Prints the type of each PV.",
    options: ["timeout", "json", ...LOG_OPTIONS],
    min: 1,
    examples: [
      "pva info pvapy:image",
    ],
  },
  rpc: {
    args: "NAME [KEY=VALUE...]",
    about: "Calls an RPC service with an NTURI argument {scheme: pva, path: NAME, query: {KEY: VALUE}}.",
    options: ["timeout", "json", ...LOG_OPTIONS],
    min: 1,
    examples: [
      "pva rpc pv:service a=1 b=two",
    ],
  },
  list: {
    args: "",
    about: "Sends a discovery ping (EPICS_PVA_ADDR_LIST) and prints the servers that answer.\n" +
      "With --env, prints the environment the tools read and the settings it gives instead.",
    options: ["timeout", "json", "env"],
    min: 0,
    max: 0,
    wait: 2,
    examples: [
      "pva list",
      "pva list --env",
      "EPICS_PVA_ADDR_LIST=10.0.0.255 pva list -w 5 --json",
    ],
  },
  serve: {
    args: "FILE.yaml",
    about: "Hosts the PVs a YAML file describes until SIGINT/SIGTERM (see scripts/lib/yaml_pvs.ts).",
    options: ["max-message-bytes", "access-rules", ...LOG_OPTIONS],
    min: 1,
    max: 1,
    examples: [
      "pva serve pvs.yaml",
      "pva serve --log-level info pvs.yaml",
      "pva serve --access-rules beamline.acf pvs.yaml",
    ],
  },
};

/** A parsed command line that runs a subcommand. */
export interface CommandLine {
  /** The subcommand. */
  command: CommandName;
  /** Positional words after the subcommand. */
  args: string[];
  /** -w in milliseconds. */
  timeoutMs: number;
  /** --json given. */
  json: boolean;
  /** --env given (list). */
  env?: boolean;
  /** -r text (already checked to parse). */
  request?: string;
  /** -n, when given. */
  count?: number;
  /** --max-message-bytes (serve), when given. */
  maxMessageBytes?: number;
  /** --access-rules (serve), when given. */
  accessRules?: string;
  /** --log-level, when given. */
  logLevel?: LogLevel;
  /** --log-format, when given. */
  logFormat?: "text" | "json";
}

/** A parsed command line: a subcommand to run, or help to print. */
export type Invocation = CommandLine | { help: string };

/** Help text of the whole tool. */
export function toolHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.about.split("\n")[0]}`);
  return [
    "usage: pva COMMAND [OPTIONS] ARGS...  (pva COMMAND -h for details)",
    "",
    "pvAccess client and server tools; the network settings come from the EPICS_PVA* variables.",
    "",
    "commands:",
    ...lines,
    "",
    "examples:",
    ...["get", "put", "monitor", "list"].map((n) => `  ${COMMANDS[n as CommandName].examples[0]}`),
  ].join("\n");
}

/** Help text of one subcommand. */
export function commandHelp(name: CommandName): string {
  const c = COMMANDS[name];
  const opts = c.options.map((o) =>
    `  ${OPTIONS[o].help}${o === "timeout" ? ` (default ${c.wait ?? 5})` : ""}`
  );
  return [
    `usage: pva ${name} [OPTIONS] ${c.args}`,
    "",
    c.about,
    "",
    "options:",
    "  -h, --help          this text",
    ...opts,
    "",
    "examples:",
    ...c.examples.map((e) => `  ${e}`),
  ]
    .join("\n");
}

/** A negative number as users type it: -5, -0.5, -.5, -1e3, -Infinity. */
const NEGATIVE_NUMBER = /^-(Infinity|(\d+\.?\d*|\.\d+)(e[+-]?\d+)?)$/i;

/**
 * The words with negative numbers moved behind a `--`, so that the option parser takes them
 * as the values they are. Only values are moved: no option of a command that allows this
 * takes a negative number.
 */
function negativesAsValues(words: string[]): string[] {
  const end = words.indexOf("--");
  const options = end < 0 ? words : words.slice(0, end);
  const values = options.filter((w) => NEGATIVE_NUMBER.test(w));
  if (values.length === 0) return words;
  const after = end < 0 ? [] : words.slice(end + 1);
  return [...options.filter((w) => !NEGATIVE_NUMBER.test(w)), "--", ...values, ...after];
}

function logFormat(command: string, text: string): "text" | "json" {
  if (text !== "text" && text !== "json") {
    throw new UsageError(`pva ${command}: --log-format wants text or json, not '${text}'`);
  }
  return text;
}

function logLevel(command: string, text: string): LogLevel {
  try {
    return parseLogLevel(text);
  } catch (e) {
    throw new UsageError(`pva ${command}: --log-level: ${(e as Error).message}`);
  }
}

function positiveNumber(command: string, option: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === "" || !(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `pva ${command}: ${option} wants a positive ${integer ? "integer" : "number"}, not '${text}'`,
    );
  }
  return n;
}

/**
 * Parses `pva` arguments (without the program name).
 * @throws {UsageError} for an unknown subcommand or option, a bad option value, a pvRequest
 * that does not parse, or too few arguments
 * @example
 * ```ts
 * import { parseCommandLine } from "./args.ts";
 * parseCommandLine(["get", "-w", "2", "pv:x"]); // { command: "get", args: ["pv:x"], timeoutMs: 2000, json: false }
 * ```
 */
export function parseCommandLine(argv: string[]): Invocation {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError(toolHelp());
  if (name === "-h" || name === "--help") return { help: toolHelp() };
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`pva: unknown command '${name}'\n\n${toolHelp()}`);
  const command = name as CommandName;
  const spec = COMMANDS[command];
  const options: ParseArgsConfig["options"] = { help: { type: "boolean", short: "h" } };
  for (const o of spec.options) {
    const { type, short } = OPTIONS[o];
    options[o] = short ? { type, short } : { type };
  }
  let parsed;
  try {
    const args = spec.negativeValues ? negativesAsValues(rest) : rest;
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    if (!String((e as { code?: string }).code).startsWith("ERR_PARSE_ARGS")) throw e;
    const unknown = /^Unknown option '([^']+)'/.exec((e as Error).message);
    throw new UsageError(
      `pva ${command}: ${unknown ? `unknown option '${unknown[1]}'` : (e as Error).message}`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: commandHelp(command) };
  const n = parsed.positionals.length;
  if (n > (spec.max ?? Infinity)) {
    throw new UsageError(`pva ${command}: unexpected argument '${parsed.positionals[spec.max!]}'`);
  }
  if (n < spec.min) {
    throw new UsageError(`pva ${command}: expected ${spec.args}\n\n${commandHelp(command)}`);
  }
  const request = values.request as string | undefined;
  if (request !== undefined) {
    try {
      parseRequest(request);
    } catch (e) {
      throw new UsageError(`pva ${command}: bad --request: ${(e as Error).message}`);
    }
  }
  const timeout = values.timeout as string | undefined;
  const count = values.count as string | undefined;
  const maxMessageBytes = values["max-message-bytes"] as string | undefined;
  const accessRules = values["access-rules"] as string | undefined;
  const level = values["log-level"] as string | undefined;
  const format = values["log-format"] as string | undefined;
  return {
    command,
    args: parsed.positionals,
    timeoutMs: 1000 *
      (timeout === undefined ? spec.wait ?? 5 : positiveNumber(command, "-w", timeout, false)),
    json: values.json === true,
    ...(values.env === true ? { env: true } : {}),
    ...(request !== undefined ? { request } : {}),
    ...(count !== undefined ? { count: positiveNumber(command, "-n", count, true) } : {}),
    ...(maxMessageBytes !== undefined
      ? { maxMessageBytes: positiveNumber(command, "--max-message-bytes", maxMessageBytes, true) }
      : {}),
    ...(accessRules !== undefined ? { accessRules } : {}),
    ...(level !== undefined ? { logLevel: logLevel(command, level) } : {}),
    ...(format !== undefined ? { logFormat: logFormat(command, format) } : {}),
  };
}
