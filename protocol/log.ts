/**
 * Logging: one small interface the library writes to, passed in by whoever owns the object
 * (a server, a client, a tool), so that a library never decides on its own where warnings
 * go. Tools build one with {@link createLogger} from `--log-level` / `--log-format`.
 *
 * @module
 */

/** Severity, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra structured facts of a log record (peer address, PV name, counts, ...). */
export type LogFields = Record<string, unknown>;

/** Where the library reports what it cannot return as an error. */
export interface Logger {
  /** Details useful when tracing a problem. */
  debug(message: string, fields?: LogFields): void;
  /** Normal but notable events (a reconnect, a limit reached by a peer). */
  info(message: string, fields?: LogFields): void;
  /** Something is wrong but the program carries on. */
  warn(message: string, fields?: LogFields): void;
  /** Something failed. */
  error(message: string, fields?: LogFields): void;
}

/** The log levels in order, for parsing and comparing. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Records below this level are dropped (default "warn"). */
  level?: LogLevel;
  /** "text": `LEVEL message key=value ...`; "json": one JSON object per line (default "text"). */
  format?: "text" | "json";
  /** Prefix of every text record and `name` of every JSON record (e.g. the tool). */
  name?: string;
  /** Receives each formatted line (default: standard error). */
  write?: (line: string, level: LogLevel) => void;
}

/**
 * A logger writing text or JSON lines.
 *
 * @example
 * ```ts
 * import { createLogger } from "./log.ts";
 * const lines: string[] = [];
 * const log = createLogger({ level: "info", format: "json", write: (l) => lines.push(l) });
 * log.info("connected", { peer: "127.0.0.1:5075" });
 * log.debug("dropped"); // below the level
 * JSON.parse(lines[0]).peer; // "127.0.0.1:5075"
 * ```
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const { level = "warn", format = "text", name, write = writeStderr } = opts;
  const min = LOG_LEVELS.indexOf(level);
  const emit = (lv: LogLevel, message: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lv) < min) return;
    const line = format === "json"
      ? JSON.stringify({ time: new Date().toISOString(), level: lv, name, message, ...fields }, jsonSafe)
      : textLine(lv, name, message, fields);
    write(line, lv);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** The logger used when none is passed: warnings and errors as text on standard error. */
export const defaultLogger: Logger = createLogger();

/**
 * Parses a `--log-level` value.
 * @throws RangeError naming the accepted levels
 */
export function parseLogLevel(text: string): LogLevel {
  const lv = text.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(lv)) {
    throw new RangeError(`log level "${text}" is not one of ${LOG_LEVELS.join(", ")}`);
  }
  return lv;
}

function textLine(level: LogLevel, name: string | undefined, message: string, fields?: LogFields): string {
  let line = `${level.toUpperCase()}${name ? ` ${name}:` : ""} ${message}`;
  for (const [k, v] of Object.entries(fields ?? {})) line += ` ${k}=${JSON.stringify(v, jsonSafe)}`;
  return line;
}

/** bigint and errors have no JSON form of their own. */
function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Error) return v.message;
  return v;
}

function writeStderr(line: string): void {
  console.error(line);
}
