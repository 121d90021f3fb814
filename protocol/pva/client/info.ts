/**
 * GET_FIELD ("info"): the type of a PV or of one of its sub-fields.
 * @module
 */
import { readNonNullType } from "../../pvdata/typedesc.ts";
import type { FieldDesc } from "../../pvdata/types.ts";
import { Command } from "../header.ts";
import { writeGetFieldRequest } from "../messages/mod.ts";
import type { CallOptions } from "./errors.ts";
import { type ChannelPool, Exchange, withChannel } from "./op.ts";

/** Options of an info request. */
export interface InfoOptions extends CallOptions {
  /** Dotted sub-field whose type is wanted; default the whole PV. */
  subField?: string;
}

/** The type of `name` (see `PvaClient.info`). */
export async function info(pool: ChannelPool, name: string, opts: InfoOptions = {}): Promise<FieldDesc> {
  return await withChannel(pool, "info", name, opts, async (conn, sid, signal) => {
    const ex = new Exchange(conn, sid, Command.GET_FIELD, `info ${name}`, signal);
    try {
      return await ex.send(
        (w) => writeGetFieldRequest(w, { sid, ioid: ex.ioid, subField: opts.subField ?? "" }),
        (_, r) => readNonNullType(r, "field type"),
      );
    } finally {
      // GET_FIELD is one request and one reply: the server keeps nothing to destroy.
      ex.close(false);
    }
  });
}
