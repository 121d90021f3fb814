/**
 * GET: INIT with the pvRequest, one exec (subcommand 0x00), then DESTROY_REQUEST (the pvxs way).
 * @module
 */
import type { BitSet } from "../../pvdata/bitset.ts";
import { readChanged } from "../../pvdata/partial.ts";
import { parseRequest } from "../../pvdata/pvrequest.ts";
import type { FieldDesc, StructValue } from "../../pvdata/types.ts";
import { defaultValue } from "../../pvdata/value.ts";
import { Command } from "../header.ts";
import type { CallOptions } from "./errors.ts";
import { type ChannelPool, Exchange, initWithType, withChannel } from "./op.ts";

/** Options of a GET. */
export interface GetOptions extends CallOptions {
  /** pvRequest text, e.g. `field(value,alarm)`; default: everything. */
  request?: string;
}

/** What a GET returns: the type from the INIT reply, the value and which fields the server sent. */
export interface GetResult {
  /** The type from the INIT reply (pvAccessCPP servers trim it to the requested fields). */
  type: FieldDesc;
  /** The value; fields the server did not send hold their defaults. */
  value: StructValue;
  /** Fields the server sent. */
  changed: BitSet;
}

/** Fetches the current value of `name` (see `PvaClient.get`). */
export async function get(pool: ChannelPool, name: string, opts: GetOptions = {}): Promise<GetResult> {
  const request = parseRequest(opts.request ?? "");
  return await withChannel(pool, "get", name, opts, async (conn, sid, signal) => {
    const ex = new Exchange(conn, sid, Command.GET, `get ${name}`, signal);
    try {
      const type = await initWithType(ex, request);
      return await ex.request(0x00, () => {}, (_, r) => {
        const { value, changed } = readChanged(r, type, defaultValue(type));
        return { type, value: value as StructValue, changed };
      });
    } finally {
      ex.close();
    }
  });
}
