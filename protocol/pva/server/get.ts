/**
 * GET: INIT answers with the PV's type; each exec answers with the selected fields.
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import { STATUS_OK } from "../../pvdata/status.ts";
import { writeType } from "../../pvdata/typedesc.ts";
import { Command, Subcmd } from "../header.ts";
import { initAllowed, readPvRequest, selectionOf, type ServerChannel, type ServerOp } from "./op.ts";

/** Starts a GET operation from its INIT request; returns null when refused. */
export function initGet(ch: ServerChannel, ioid: number, subcmd: number, r: Reader): ServerOp | null {
  const request = readPvRequest(r);
  if (!initAllowed(ch, Command.GET, ioid, subcmd, "get")) return null;
  const selection = selectionOf(ch, ioid, request);
  ch.link.reply(Command.GET, ioid, subcmd, STATUS_OK, (w) => writeType(w, ch.pv.type));
  return {
    onRequest(sub) {
      const body = ch.pv.latest().body(selection, ch.link.littleEndian, true);
      ch.link.replyChunks(Command.GET, ioid, sub, STATUS_OK, body);
      if (sub & Subcmd.DESTROY) ch.link.forget(ioid);
    },
    destroy() {},
  };
}
