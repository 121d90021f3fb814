/**
 * RPC: INIT with a pvRequest (Status only), one exec carrying the typed argument, whose reply
 * carries the typed result; then DESTROY_REQUEST.
 * @module
 */
import { parseRequest } from "../../pvdata/pvrequest.ts";
import type { FieldDesc, Value } from "../../pvdata/types.ts";
import { readTypedValue } from "../../pvdata/value.ts";
import { Command, Subcmd } from "../header.ts";
import type { CallOptions } from "./errors.ts";
import { type ChannelPool, Exchange, withChannel, writeTyped } from "./op.ts";

/** Options of an RPC. */
export interface RpcOptions extends CallOptions {
  /** pvRequest text sent with the INIT (rarely used). */
  request?: string;
}

/** Calls the RPC service `name` with `args` (see `PvaClient.rpc`). */
export async function rpc(
  pool: ChannelPool,
  name: string,
  args: { type: FieldDesc; value: Value },
  opts: RpcOptions = {},
): Promise<{ type: FieldDesc; value: Value }> {
  const request = parseRequest(opts.request ?? "");
  return await withChannel(pool, "rpc", name, opts, async (conn, sid, signal) => {
    const ex = new Exchange(conn, sid, Command.RPC, `rpc ${name}`, signal);
    try {
      await ex.request(Subcmd.INIT, (w) => writeTyped(w, request), () => undefined);
      return await ex.request(0x00, (w) => writeTyped(w, args), (_, r) => readTypedValue(r, "rpc result"));
    } finally {
      ex.close();
    }
  });
}
