/**
 * The control commands and PvaPy's status messages for them, shared by the control PV and the HTTP API.
 *
 * @module
 */
import type { ControlTarget } from "./control_target.ts";
import type { ConfigureArgs } from "./configure_args.ts";

/** The commands PvaPy's control channel accepts. */
export const CONTROL_COMMANDS = ["configure", "reset_stats", "get_stats", "stop"] as const;

/** One of {@link CONTROL_COMMANDS}. */
export type ControlCommand = typeof CONTROL_COMMANDS[number];

/** PvaPy's statusMessage texts for successful commands. */
export const STATUS_MESSAGES: Readonly<Record<ControlCommand, string>> = {
  configure: "Configuration successful",
  reset_stats: "Stats reset successful",
  get_stats: "Stats update successful",
  stop: "Stop flag set",
};

/** Outcome of a command. */
export interface CommandResult {
  /** False when the command was unknown, its args invalid, or the target refused it. */
  ok: boolean;
  /** The statusMessage, in PvaPy's words. */
  statusMessage: string;
}

/** Whether `name` is a control command. */
export function isControlCommand(name: string): name is ControlCommand {
  return (CONTROL_COMMANDS as readonly string[]).includes(name);
}

/**
 * Runs a configure with validated arguments on `target`.
 * @example
 * ```ts ignore
 * await configureTarget(target, { receiverQueueSize: 10 }); // { ok: true, statusMessage: "Configuration successful" }
 * ```
 */
export async function configureTarget(target: ControlTarget, args: ConfigureArgs): Promise<CommandResult> {
  try {
    await target.configure(args);
    return { ok: true, statusMessage: STATUS_MESSAGES.configure };
  } catch (e) {
    return { ok: false, statusMessage: `Configuration failed: ${(e as Error).message ?? String(e)}` };
  }
}

/**
 * Runs a command given as the control PV carries it: a name and an args string (JSON for configure).
 * Unknown commands and invalid args are answered, never thrown.
 * @example
 * ```ts ignore
 * await runCommand(target, "get_stats", ""); // { ok: true, statusMessage: "Stats update successful" }
 * ```
 */
export async function runCommand(
  target: ControlTarget,
  command: string,
  args: string,
): Promise<CommandResult> {
  if (!isControlCommand(command)) {
    const what = command === "" ? "no command specified" : `unrecognized command ${JSON.stringify(command)}`;
    return {
      ok: false,
      statusMessage: `Ignoring invalid request (${what}); commands are ${CONTROL_COMMANDS.join(", ")}`,
    };
  }
  if (command === "configure") {
    let parsed: ConfigureArgs;
    try {
      // The schema (zod, about 13 MiB resident) is loaded on the first configure, not at start.
      const { parseConfigureText } = await import("./configure_args.ts");
      parsed = parseConfigureText(args);
    } catch (e) {
      return { ok: false, statusMessage: `Configuration failed: ${(e as Error).message}` };
    }
    return configureTarget(target, parsed);
  }
  try {
    if (command === "reset_stats") await target.resetStats();
    else if (command === "get_stats") await target.getStats();
    else await target.stop();
    return { ok: true, statusMessage: STATUS_MESSAGES[command] };
  } catch (e) {
    return { ok: false, statusMessage: `${command} failed: ${(e as Error).message ?? String(e)}` };
  }
}
