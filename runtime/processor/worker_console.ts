/**
 * Loaded first in a processor's Worker: the processor's console output becomes `log` messages
 * for the host's logger, so that it reaches the consumer's log (with its level and format) and
 * not the console behind the consumer's back.
 *
 * @module
 */
import type { LogLevel } from "../../protocol/log.ts";

const LEVELS: Record<string, LogLevel> = {
  debug: "debug",
  log: "info",
  info: "info",
  warn: "warn",
  error: "error",
};

const scope = self as unknown as Worker;
const text = (args: unknown[]) => args.map((a) => typeof a === "string" ? a : Deno.inspect(a)).join(" ");
for (const [method, level] of Object.entries(LEVELS)) {
  (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args) =>
    scope.postMessage({ op: "log", level, line: text(args) });
}
