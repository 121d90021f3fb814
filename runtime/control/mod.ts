/**
 * Control of consumers and collectors: the {@link ControlTarget} they implement, the commands with
 * PvaPy's status messages, validated configure arguments, and the control PV.
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
