/**
 * UDP plumbing of discovery: the broadcast addresses of this host, splitting datagrams into
 * messages, and handing on unicast searches that a shared port delivered to us instead of
 * to the servers on this host.
 * @module
 */
import { Reader } from "../../pvdata/reader.ts";
import { encodeMessage } from "../frame.ts";
import { Command, Flag, HEADER_SIZE, isLittleEndian, readHeader } from "../header.ts";
import { SearchFlag, type SearchRequest, writeOriginTag, writeSearchRequest } from "../messages/mod.ts";

/** The group pvAccess servers on one host join (on loopback) to share unicast searches. */
export const LOCAL_MCAST_GROUP = "224.0.0.128";

/** An IPv4 address of this host and its broadcast address. */
export interface Ipv4Interface {
  address: string;
  broadcast: string;
  loopback: boolean;
}

/**
 * The IPv4 interfaces of this host (empty, with a warning, without --allow-sys).
 * @example
 * ```ts ignore
 * ipv4Interfaces().filter((i) => !i.loopback).map((i) => i.broadcast); // e.g. ["192.168.1.255"]
 * ```
 */
export function ipv4Interfaces(): Ipv4Interface[] {
  let interfaces: Deno.NetworkInterfaceInfo[];
  try {
    interfaces = Deno.networkInterfaces();
  } catch (e) {
    console.warn(`pva search: cannot list network interfaces (${(e as Error).message})`);
    return [];
  }
  return interfaces.filter((i) => i.family === "IPv4").map((i) => ({
    address: i.address,
    broadcast: intToIp((ipToInt(i.address) | ~ipToInt(i.netmask)) >>> 0),
    loopback: i.address.startsWith("127."),
  }));
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, p) => (n << 8) | Number(p), 0) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join(".");
}

/**
 * The application messages of one datagram, each with a Reader in its own byte order.
 * Control and segmented messages are skipped; a truncated tail ends the list.
 */
export function datagramMessages(data: Uint8Array): { command: number; reader: Reader }[] {
  const out: { command: number; reader: Reader }[] = [];
  for (let off = 0; off + HEADER_SIZE <= data.length;) {
    const h = readHeader(data, off);
    const end = off + HEADER_SIZE + h.payloadSize;
    if (end > data.length) break;
    if ((h.flags & (Flag.CONTROL | Flag.SEGMENT_MASK)) === 0) {
      out.push({
        command: h.command,
        reader: new Reader(data.subarray(off + HEADER_SIZE, end), isLittleEndian(h)),
      });
    }
    off = end;
  }
  return out;
}

/** One datagram of several messages. */
export function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Resends a unicast search that reached our shared beacon port to the servers of this host
 * (the local multicast group on loopback, behind an ORIGIN_TAG), as pvxs does. The sending
 * socket is bound to 127.0.0.1: Linux then routes multicast from it through loopback.
 */
export class SearchForwarder {
  private sock: Deno.DatagramConn | null = null;
  private readonly port: number;
  private readonly local: Ipv4Interface[];

  /**
   * @param port the broadcast port the servers listen on
   * @param local this host's interfaces
   */
  constructor(port: number, local: Ipv4Interface[]) {
    this.port = port;
    this.local = local;
  }

  /** Forwards `search`, which came from `source`, unless it was not sent unicast. */
  forward(search: SearchRequest, source: string, littleEndian: boolean): void {
    if ((search.flags & SearchFlag.UNICAST) === 0) return;
    const body = encodeMessage(Command.SEARCH, "client", littleEndian, (w) =>
      writeSearchRequest(w, {
        ...search,
        flags: search.flags & ~SearchFlag.UNICAST,
        replyAddress: search.replyAddress ?? source,
      }));
    this.sock ??= Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    for (const origin of this.origins(source)) {
      const datagram = joinChunks([
        ...encodeMessage(
          Command.ORIGIN_TAG,
          "client",
          littleEndian,
          (w) => writeOriginTag(w, { address: origin }),
        ),
        ...body,
      ]);
      this.sock.send(datagram, { transport: "udp", hostname: LOCAL_MCAST_GROUP, port: this.port }).catch(
        () => {
          // Best effort: the searching client retries anyway.
        },
      );
    }
  }

  /** Closes the sending socket. */
  close(): void {
    this.sock?.close();
    this.sock = null;
  }

  /**
   * Where the search was sent, which servers bound to one interface compare with their own
   * address. The socket API does not tell, but a local sender's source address is the address
   * it sent to; a remote sender reached one of our non-loopback addresses.
   */
  private origins(source: string): string[] {
    if (this.local.some((i) => i.address === source)) return [source];
    const external = this.local.filter((i) => !i.loopback).map((i) => i.address);
    return external.length > 0 ? external : ["0.0.0.0"];
  }
}
