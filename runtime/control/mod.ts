/**
 * Control of consumers and collectors: the {@link ControlTarget} they implement, the commands with
 * PvaPy's status messages, validated configure arguments, and the control PV.
 *
 * @example PvaPy's commands on any target
 * ```ts
 * import { type ControlTarget, runCommand } from "./mod.ts";
 * let stopped = false;
 * const target: ControlTarget = {
 *   configure() {},
 *   resetStats() {},
 *   getStats() {},
 *   stop: () => void (stopped = true),
 * };
 * (await runCommand(target, "stop", "")).statusMessage; // "Stop flag set"
 * (await runCommand(target, "jump", "")).ok; // false, the message lists the commands
 * ```
 *
 * @module
 */
export type { ControlTarget } from "./control_target.ts";
export {
  type ConfigureArgs,
  ConfigureArgsError,
  parseConfigureArgs,
  parseConfigureText,
} from "./configure_args.ts";
export {
  type CommandResult,
  configureTarget,
  CONTROL_COMMANDS,
  type ControlCommand,
  isControlCommand,
  runCommand,
  STATUS_MESSAGES,
} from "./commands.ts";
export { ControlPV, type ControlPVOptions } from "./control_pv.ts";
