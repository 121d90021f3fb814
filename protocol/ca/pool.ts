/**
 * How operations borrow channels from their client, and the DBR forms a caller may ask for.
 * @module
 */
import type { CaChannel } from "./channel.ts";
import { type DbrForm, dbrTypeOf } from "./dbr.ts";

/** Lends channels to operations: one channel per name, shared. */
export interface ChannelPool {
  /** The channel for `name`, created (and searched for) on first use. */
  acquire(name: string): CaChannel;
  /** The operation is done with it: an unused channel is closed. */
  release(ch: CaChannel): void;
}

/** Which DBR form to request: "native" is the plain value, "time" adds alarm and timestamp. */
export type CaRequestForm = "native" | "sts" | "time" | "gr" | "ctrl";

/** The DBR type to request from a connected channel in `form`. */
export function requestType(ch: CaChannel, form: CaRequestForm): number {
  return dbrTypeOf(form === "native" ? "plain" : form as DbrForm, ch.nativeType);
}

/** Element count to request: 0 ("what the server has") from servers that allow it (CA 4.13). */
export function requestCount(ch: CaChannel): number {
  return (ch.circuit?.peerMinorVersion ?? 0) >= 13 ? 0 : ch.nativeCount;
}
