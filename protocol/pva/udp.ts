/**
 * UDP plumbing that client and server discovery share: this host's IPv4 interfaces and
 * broadcast addresses, where searches go, and datagrams of several messages.
 * @module
 */
import { DecodeError } from "../pvdata/errors.ts";
import { Reader } from "../pvdata/reader.ts";
import { concatBytes } from "../pvdata/writer.ts";
import { parseHostPort, type PvaConfig } from "./config.ts";
import { encodeMessage } from "./frame.ts";
import { Command, Flag, type Header, HEADER_SIZE, isLittleEndian, readHeader } from "./header.ts";
import { SearchFlag, type SearchRequest, writeOriginTag, writeSearchRequest } from "./messages/discovery.ts";

/** The group servers sharing a UDP port forward unicast searches to, on loopback. */
export const LOCAL_MULTICAST_GROUP = "224.0.0.128";

/** An IPv4 address of this host and its broadcast address. */
export interface Ipv4Interface {
  address: string;
  broadcast: string;
  loopback: boolean;
}

/**
 * The IPv4 interfaces of this host. Listing them needs `--allow-sys=networkInterfaces`;
 * without it the list is empty and `onDenied` hears why (the automatic additions to
 * search and beacon lists are best effort).
 * @example
 * ```ts ignore
 * ipv4Interfaces().filter((i) => !i.loopback).map((i) => i.broadcast); // e.g. ["192.0.2.255"]
 * ```
 */
export function ipv4Interfaces(onDenied?: (e: Error) => void): Ipv4Interface[] {
  let interfaces: Deno.NetworkInterfaceInfo[];
  try {
    interfaces = Deno.networkInterfaces();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied)) throw e;
    onDenied?.(e);
    return [];
  }
  return interfaces.filter((i) => i.family === "IPv4").map((i) => ({
    address: i.address,
    broadcast: numberToIpv4((ipv4ToNumber(i.address) | ~ipv4ToNumber(i.netmask)) >>> 0),
    loopback: i.address.startsWith("127.") || i.netmask === "255.255.255.255",
  }));
}

/** The broadcast addresses of the non-loopback interfaces. */
export function broadcastAddresses(onDenied?: (e: Error) => void): string[] {
  return ipv4Interfaces(onDenied).filter((i) => !i.loopback).map((i) => i.broadcast);
}

function ipv4ToNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => (n * 256 + Number(part)) >>> 0, 0);
}

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join(".");
}

/** A search destination; `unicast` searches carry the unicast flag so servers forward them. */
export interface SearchDestination {
  hostname: string;
  port: number;
  unicast: boolean;
}

/**
 * Whether `host` is a broadcast address here: the limited broadcast 255.255.255.255 or the
 * directed broadcast of one of `interfaces`, loopback's (127.255.255.255) included.
 * @example
 * ```ts
 * import { isBroadcast } from "./udp.ts";
 * const lo = { address: "127.0.0.1", broadcast: "127.255.255.255", loopback: true };
 * isBroadcast("127.255.255.255", [lo]); // true
 * isBroadcast("127.0.0.1", [lo]); // false
 * ```
 */
export function isBroadcast(host: string, interfaces: Ipv4Interface[]): boolean {
  // A /32 interface's "broadcast" is its own address.
  return host === "255.255.255.255" || interfaces.some((i) => i.broadcast === host && i.address !== host);
}

/**
 * Where a client's searches go: EPICS_PVA_ADDR_LIST, plus the broadcast addresses of
 * `interfaces` (see {@link ipv4Interfaces}) when the list is automatic. Only searches sent to
 * a single host carry the unicast flag; a broadcast reaches every server on the port itself.
 */
export function searchDestinations(config: PvaConfig, interfaces: Ipv4Interface[]): SearchDestination[] {
  const broadcasts = config.autoAddrList ? interfaces.filter((i) => !i.loopback).map((i) => i.broadcast) : [];
  return [
    ...config.addrList.map((a) => parseHostPort(a, config.broadcastPort)).map(({ host, port }) => ({
      hostname: host,
      port,
      unicast: !isBroadcast(host, interfaces),
    })),
    ...broadcasts.map((hostname) => ({ hostname, port: config.broadcastPort, unicast: false })),
  ];
}

/** One message of a datagram, with a Reader over its payload in its own byte order. */
export interface DatagramPart {
  header: Header;
  body: Reader;
}

/**
 * Splits a datagram into its messages. Fails (DecodeError) on a bad header, on control or
 * segmented messages (never valid in UDP) and on a payload running past the datagram.
 */
export function splitDatagram(data: Uint8Array): DatagramPart[] {
  const parts: DatagramPart[] = [];
  for (let offset = 0; offset < data.length;) {
    const header = readHeader(data, offset);
    if ((header.flags & (Flag.CONTROL | Flag.SEGMENT_MASK)) !== 0) {
      throw new DecodeError(offset + 2, "control or segmented message in a datagram");
    }
    const start = offset + HEADER_SIZE;
    if (header.payloadSize > data.length - start) {
      throw new DecodeError(offset + 4, `payload of ${header.payloadSize} bytes overruns the datagram`);
    }
    offset = start + header.payloadSize;
    parts.push({ header, body: new Reader(data.subarray(start, offset), isLittleEndian(header)) });
  }
  return parts;
}

/**
 * Joins encoded messages (each as chunks) into one datagram.
 * @example
 * ```ts
 * import { encodeMessage } from "./frame.ts";
 * import { Command } from "./header.ts";
 * import { datagram } from "./udp.ts";
 * datagram(encodeMessage(Command.ECHO, "server", false, () => {})).length; // 8
 * ```
 */
export function datagram(...messages: Uint8Array[][]): Uint8Array {
  return concatBytes(messages.flat());
}

/**
 * A unicast search as it is handed on to the servers of this host through the local group:
 * an ORIGIN_TAG naming the address it arrived on (null: unknown), then the search with the
 * unicast flag cleared, so that it is never handed on again.
 */
export function forwardedSearch(
  search: SearchRequest,
  origin: string | null,
  littleEndian: boolean,
): Uint8Array {
  return datagram(
    encodeMessage(Command.ORIGIN_TAG, "client", littleEndian, (w) => writeOriginTag(w, { address: origin })),
    encodeMessage(
      Command.SEARCH,
      "client",
      littleEndian,
      (w) => writeSearchRequest(w, { ...search, flags: search.flags & ~SearchFlag.UNICAST }),
    ),
  );
}
