/**
 * PUT: INIT answers with the PV's type; subcommand 0x40 reads the current value, 0x00
 * writes the marked fields through the PV's put handler.
 * @module
 */
import { readChanged } from "../../pvdata/partial.ts";
import type { Reader } from "../../pvdata/reader.ts";
import { errorStatus, STATUS_OK } from "../../pvdata/status.ts";
import { writeType } from "../../pvdata/typedesc.ts";
import type { StructValue } from "../../pvdata/types.ts";
import { Command, Subcmd } from "../header.ts";
import { initAllowed, readPvRequest, selectionOf, type ServerChannel, type ServerOp } from "./op.ts";

/** Starts a PUT operation from its INIT request; returns null when refused. */
export function initPut(ch: ServerChannel, ioid: number, subcmd: number, r: Reader): ServerOp | null {
  const request = readPvRequest(r);
  if (!initAllowed(ch, Command.PUT, ioid, subcmd, "put")) return null;
  const selection = selectionOf(ch, ioid, request);
  ch.link.reply(Command.PUT, ioid, subcmd, STATUS_OK, (w) => writeType(w, ch.pv.type));
  return {
    async onRequest(sub, r) {
      const last = (sub & Subcmd.DESTROY) !== 0;
      if (sub & Subcmd.GET) {
        ch.link.replyChunks(
          Command.PUT,
          ioid,
          sub,
          STATUS_OK,
          ch.pv.latest().body(selection, ch.link.littleEndian, true),
        );
      } else {
        const { changed, value } = readChanged(r, ch.pv.type, ch.pv.value);
        let status;
        try {
          status = await ch.pv.put({ value: value as StructValue, changed, peer: ch.link.peer });
        } catch (e) {
          status = errorStatus(e instanceof Error ? e.message : String(e));
        }
        ch.link.reply(Command.PUT, ioid, sub, status);
      }
      if (last) ch.link.forget(ioid);
    },
    destroy() {},
  };
}
