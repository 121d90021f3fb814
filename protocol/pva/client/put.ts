/**
 * PUT the pvxs way: INIT, fetch what is there now (subcommand 0x40), overlay the caller's
 * fields on it, send the marked fields (0x00), then DESTROY_REQUEST.
 * @module
 */
import { readChanged, writeChanged } from "../../pvdata/partial.ts";
import { parseRequest } from "../../pvdata/pvrequest.ts";
import type { StructValue } from "../../pvdata/types.ts";
import { defaultValue } from "../../pvdata/value.ts";
import { Command, Subcmd } from "../header.ts";
import { assign } from "./assign.ts";
import { type CallOptions, PvaError } from "./errors.ts";
import { type ChannelPool, Exchange, initWithType, withChannel } from "./op.ts";

/** Options of a PUT. */
export interface PutOptions extends CallOptions {
  /** pvRequest text, e.g. `record[process=true,block=true]`. */
  request?: string;
}

/** Writes `input` to `name` (see `PvaClient.put` and {@link assign} for what `input` may be). */
export async function put(
  pool: ChannelPool,
  name: string,
  input: unknown,
  opts: PutOptions = {},
): Promise<void> {
  const request = parseRequest(opts.request ?? "");
  const what = `put ${name}`;
  await withChannel(pool, "put", name, opts, async (conn, sid, signal) => {
    const ex = new Exchange(conn, sid, Command.PUT, what, signal);
    try {
      const type = await initWithType(ex, request);
      if (type.kind !== "structure") throw new PvaError(`${what}: the server's put type is a ${type.kind}`);
      const current = await ex.request(
        Subcmd.GET,
        () => {},
        (_, r) => readChanged(r, type, defaultValue(type)).value as StructValue,
      );
      const { value, changed } = assign(type, current, input);
      await ex.request(0x00, (w) => writeChanged(w, type, value, changed), () => undefined);
    } finally {
      ex.close();
    }
  });
}
