/**
 * RPC: INIT answers with a Status only; each exec passes the argument structure to the PV's
 * RPC handler and answers with its result.
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import { errorStatus, STATUS_OK } from "../../pvdata/status.ts";
import { writeType } from "../../pvdata/typedesc.ts";
import { readTypedValue, writeValue } from "../../pvdata/value.ts";
import { Command, Subcmd } from "../header.ts";
import { accessStatus, readPvRequest, type ServerChannel, type ServerOp } from "./op.ts";

/** Starts an RPC operation from its INIT request; returns null when refused. */
export function initRpc(ch: ServerChannel, ioid: number, subcmd: number, r: Reader): ServerOp | null {
  readPvRequest(r);
  const handler = ch.pv.options.onRpc;
  let status = accessStatus(ch, "rpc");
  if (status.type === "ok" && !handler) status = errorStatus(`${ch.name} does not support RPC`);
  ch.link.reply(Command.RPC, ioid, subcmd, status);
  if (status.type !== "ok" || !handler) return null;
  return {
    async onRequest(sub, r) {
      const args = readTypedValue(r, "RPC argument");
      try {
        const result = await handler(args, ch.link.peer);
        ch.link.reply(Command.RPC, ioid, sub, STATUS_OK, (w) => {
          writeType(w, result.type);
          writeValue(w, result.type, result.value);
        });
      } catch (e) {
        ch.link.reply(Command.RPC, ioid, sub, errorStatus(e instanceof Error ? e.message : String(e)));
      }
      if (sub & Subcmd.DESTROY) ch.link.forget(ioid);
    },
    destroy() {},
  };
}
