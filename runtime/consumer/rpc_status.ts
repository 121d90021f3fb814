/**
 * The reply of PvaPy's RPC receiver: `{int status}` (0 accepted, -1 refused), with
 * `errorMessage` when refused.
 * @module
 */
import { scalar, struct, type StructureDesc, type Typed, type Value } from "../../protocol/pvdata/types.ts";

const OK_T: StructureDesc = struct("", { status: scalar("int32") });
const ERROR_T: StructureDesc = struct("", { status: scalar("int32"), errorMessage: scalar("string") });

/** A status reply: `errorMessage` is present only when given. */
export function int32Status(status: number, errorMessage?: string): Typed<Value> {
  return errorMessage === undefined
    ? { type: OK_T, value: { status } }
    : { type: ERROR_T, value: { status, errorMessage } };
}
