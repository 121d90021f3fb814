/**
 * The logging options every runtime tool takes, with PvaPy's names (`-ll/--log-level`,
 * `-lf/--log-file`) and `--log-format text|json`, and the logger they describe.
 *
 * @module
 */
import { createLogger, LOG_LEVELS, type Logger, type LogLevel, parseLogLevel } from "../../protocol/log.ts";
import { type OptionReader, type OptionSpec, UsageError } from "./args.ts";

/** The option specs, to append to a tool's own. */
export const LOG_OPTION_SPECS: readonly OptionSpec[] = [
  {
    long: "log-level",
    short: "ll",
    type: "string",
    default: "warn",
    help: `${LOG_LEVELS.join(", ")} (PvaPy's warning and critical too)`,
  },
  { long: "log-file", short: "lf", type: "string", value: "FILE", help: "append log lines to FILE" },
  { long: "log-format", type: "string", default: "text", help: "text or json (one object per line)" },
];

/** What the options ask for. */
export interface LogSettings {
  /** Least severe level written. */
  logLevel: LogLevel;
  /** File to append to instead of standard error. */
  logFile?: string;
  /** One line of text or one JSON object per message. */
  logFormat: "text" | "json";
}

/**
 * Reads the logging options.
 * @throws UsageError naming the option and the bad value
 */
export function readLogSettings(tool: string, r: OptionReader): LogSettings {
  let logLevel: LogLevel;
  try {
    // PvaPy's tools take Python's level names.
    logLevel = parseLogLevel(
      r.string("log-level", "warn").replace(/^warning$/, "warn").replace(/^critical$/, "error"),
    );
  } catch (e) {
    throw new UsageError(`${tool}: --log-level: ${(e as Error).message}`);
  }
  const logFile = r.string("log-file");
  return {
    logLevel,
    ...(logFile ? { logFile } : {}),
    logFormat: r.choice("log-format", ["text", "json"] as const, "text"),
  };
}

/** The logger the settings describe: standard error, or appended to the log file. */
export async function toolLogger(name: string, s: LogSettings): Promise<Logger> {
  const options = { level: s.logLevel, format: s.logFormat, name };
  if (!s.logFile) return createLogger(options);
  const file = await Deno.open(s.logFile, { append: true, create: true });
  const encoder = new TextEncoder();
  return createLogger({ ...options, write: (line) => file.writeSync(encoder.encode(`${line}\n`)) });
}
