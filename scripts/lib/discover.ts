/**
 * `pva list`: a discovery ping. One SEARCH naming no channel, with the must-reply flag, goes
 * to every search destination; each server that hears it answers with its GUID and TCP port.
 * Name servers (EPICS_PVA_NAME_SERVERS) are not asked.
 *
 * @module
 */
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import type { PvaConfig } from "../../protocol/pva/config.ts";
import { encodeMessage } from "../../protocol/pva/frame.ts";
import { Command } from "../../protocol/pva/header.ts";
import { readSearchResponse, SearchFlag, writeSearchRequest } from "../../protocol/pva/messages/mod.ts";
import { datagram, ipv4Interfaces, searchDestinations, splitDatagram } from "../../protocol/pva/udp.ts";

/** A server that answered. */
export interface FoundServer {
  /** 12-byte GUID as 24 hex digits. */
  guid: string;
  /** Its address (the reply's source when the server left it out). */
  host: string;
  /** Its TCP port. */
  port: number;
  /** Transport it offers ("tcp"). */
  protocol: string;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/**
 * Pings for servers and collects the answers that arrive within `waitMs` (the ping is sent
 * twice, at the start and half way, in case a datagram is lost). Each server is listed once.
 * @example
 * ```ts ignore
 * import { configFromEnv } from "../../protocol/pva/config.ts";
 * for (const s of await pingServers(configFromEnv(), 2000)) console.log(s.guid, `${s.host}:${s.port}`);
 * ```
 */
export async function pingServers(config: PvaConfig, waitMs: number): Promise<FoundServer[]> {
  const sock = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
  const found = new Map<string, FoundServer>();
  const send = () => {
    for (const d of searchDestinations(config, ipv4Interfaces())) {
      const bytes = datagram(encodeMessage(Command.SEARCH, "client", true, (w) =>
        writeSearchRequest(w, {
          sequenceId: 1,
          flags: SearchFlag.MUST_REPLY | (d.unicast ? SearchFlag.UNICAST : 0),
          replyAddress: null,
          replyPort: (sock.addr as Deno.NetAddr).port,
          protocols: ["tcp"],
          channels: [],
        })));
      sock.send(bytes, { transport: "udp", hostname: d.hostname, port: d.port }).catch(() => {
        // An unreachable destination must not stop the others.
      });
    }
  };
  const resend = setTimeout(send, waitMs / 2);
  const stop = setTimeout(() => sock.close(), waitMs);
  send();
  try {
    for await (const [data, from] of sock) {
      let parts;
      try {
        parts = splitDatagram(data);
      } catch (e) {
        if (e instanceof DecodeError) continue; // not a pvAccess datagram
        throw e;
      }
      for (const m of parts) {
        if (m.header.command !== Command.SEARCH_RESPONSE) continue;
        let r;
        try {
          r = readSearchResponse(m.body);
        } catch (e) {
          if (e instanceof DecodeError) continue; // not from a pvAccess server we could use
          throw e;
        }
        const host = r.serverAddress === null || r.serverAddress === "0.0.0.0"
          ? (from as Deno.NetAddr).hostname
          : r.serverAddress;
        const guid = hex(r.guid);
        found.set(`${guid} ${r.serverPort}`, { guid, host, port: r.serverPort, protocol: r.protocol });
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.BadResource)) throw e;
  } finally {
    clearTimeout(resend);
    clearTimeout(stop);
  }
  return [...found.values()];
}
