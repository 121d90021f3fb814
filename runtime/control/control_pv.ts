/**
 * The control PV: PvaPy's `{ consumerId|collectorId, objectTime, objectTimestamp, command, args,
 * statusMessage }`. A put of `command` (and `args`) runs the command on the target; the PV then holds the
 * command, its args, the time and PvaPy's statusMessage. The put completes after the command ran, so a
 * client reading the PV right after its put sees the outcome (PvaPy answers "Command successful" first
 * and runs the command later).
 *
 * @module
 */
import { type Logger, silentLogger } from "../../protocol/log.ts";
import { timeStampFrom } from "../../protocol/nt/time.ts";
import { type PutRequest, SharedPV } from "../../protocol/pva/server/shared_pv.ts";
import { bitOf } from "../../protocol/pvdata/partial.ts";
import { STATUS_OK } from "../../protocol/pvdata/status.ts";
import { type ControlledKind, controlType } from "../status/status_types.ts";
import { runCommand } from "./commands.ts";
import type { ControlTarget } from "./control_target.ts";

/** Options of a {@link ControlPV}. */
export interface ControlPVOptions {
  /** Consumer or collector: names the id field. */
  kind: ControlledKind;
  /** The consumer's or collector's id. */
  id: number;
  /** What the commands act on. */
  target: ControlTarget;
  /** Told about each command and its outcome. */
  logger?: Logger;
}

/**
 * Hosts a control channel. Add {@link ControlPV.pv} to a server under the control channel name.
 * @example
 * ```ts ignore
 * const control = new ControlPV({ kind: "consumer", id: 1, target: consumer });
 * server.addPV("pvapy:consumer:1:control", control.pv);
 * ```
 */
export class ControlPV {
  /** The hosted PV. */
  readonly pv: SharedPV;
  readonly #target: ControlTarget;
  readonly #logger: Logger;
  readonly #commandBit: number;
  readonly #argsBit: number;

  /**
   * Opens the PV with the id set and the other members empty.
   * @param options the kind, id and target, and a logger
   */
  constructor({ kind, id, target, logger = silentLogger }: ControlPVOptions) {
    this.#target = target;
    this.#logger = logger;
    this.pv = new SharedPV({ onPut: (pv, put) => this.#onPut(pv, put) });
    const type = controlType(kind);
    this.#commandBit = bitOf(type, "command");
    this.#argsBit = bitOf(type, "args");
    this.pv.open({ type, value: { [`${kind}Id`]: id } });
  }

  async #onPut(pv: SharedPV, put: PutRequest) {
    // Only what this put wrote counts: a configure without args must not reuse the previous command's args.
    const written = (bit: number) => put.changed.has(0) || put.changed.has(bit);
    const command = written(this.#commandBit) ? String(put.value.command) : "";
    const args = written(this.#argsBit) ? String(put.value.args) : "";
    const result = await runCommand(this.#target, command, args);
    const log = result.ok ? this.#logger.info : this.#logger.warn;
    log.call(this.#logger, "control command", { command, args, statusMessage: result.statusMessage });
    const now = Date.now();
    pv.post({
      objectTime: now / 1000,
      objectTimestamp: timeStampFrom(now),
      command,
      args,
      statusMessage: result.statusMessage,
    });
    return STATUS_OK;
  }

  /** Closes the PV. */
  close(): void {
    this.pv.close();
  }
}
