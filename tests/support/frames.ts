/**
 * Link, network and transport headers of captured frames, down to the TCP or UDP payload.
 *
 * Covers what the capture vectors hold (IPv4 over Ethernet, Linux cooked SLL and SLL2) plus
 * Ethernet VLAN tags and raw IPv4 links. Frames of any other network or transport protocol
 * are not PVA traffic and are skipped.
 *
 * @module
 */

/** One captured TCP segment or UDP datagram. */
export interface Packet {
  /** Capture time in seconds since the epoch. */
  time: number;
  /** Dotted IPv4 source address. */
  src: string;
  /** Dotted IPv4 destination address. */
  dst: string;
  /** Transport source port. */
  srcPort: number;
  /** Transport destination port. */
  dstPort: number;
  /** The transport protocol. */
  proto: "tcp" | "udp";
  /** TCP sequence number of the first payload byte (TCP only). */
  seq?: number;
  /** TCP flag bits of header byte 13, FIN = 0x01 ... (TCP only). */
  tcpFlags?: number;
  /** The transport payload (a view into the capture). */
  payload: Uint8Array;
}

/** pcapng link types understood by {@link decodeFrame}. */
export const LinkType = {
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  LINUX_SLL2: 276,
} as const;

/** TCP flag bits. */
export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

const ETHERTYPE_IPV4 = 0x0800;
const VLAN_TAGS = new Set([0x8100, 0x88a8]);
const IP_TCP = 6;
const IP_UDP = 17;

/**
 * Decodes one frame of a link type; undefined for frames that are not IPv4 TCP or UDP.
 * Throws on truncated headers, unknown link types and IPv4 fragments (never reassembled here).
 * @example
 * ```ts
 * import { decodeFrame, LinkType } from "./frames.ts";
 * const p = decodeFrame(LinkType.IPV4, new Uint8Array(28), 0); // undefined: IP version 0
 * ```
 */
export function decodeFrame(linkType: number, frame: Uint8Array, time: number): Packet | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const ip = networkOffset(linkType, view);
  return ip === undefined ? undefined : decodeIPv4(frame.subarray(ip), time);
}

/** Offset of the IPv4 header in the frame, or undefined when the frame carries something else. */
function networkOffset(linkType: number, view: DataView): number | undefined {
  switch (linkType) {
    case LinkType.ETHERNET: {
      let at = 12;
      while (VLAN_TAGS.has(view.getUint16(at))) at += 4;
      return view.getUint16(at) === ETHERTYPE_IPV4 ? at + 2 : undefined;
    }
    case LinkType.LINUX_SLL:
      return view.getUint16(14) === ETHERTYPE_IPV4 ? 16 : undefined;
    case LinkType.LINUX_SLL2:
      return view.getUint16(0) === ETHERTYPE_IPV4 ? 20 : undefined;
    case LinkType.RAW:
    case LinkType.IPV4:
      return 0;
  }
  throw new Error(`unsupported link type ${linkType}`);
}

function decodeIPv4(ip: Uint8Array, time: number): Packet | undefined {
  const view = new DataView(ip.buffer, ip.byteOffset, ip.byteLength);
  if (ip.length < 20 || ip[0] >> 4 !== 4) return undefined;
  const headerLength = (ip[0] & 0x0f) * 4;
  // The total length excludes the padding that short Ethernet frames carry.
  const totalLength = view.getUint16(2);
  if (totalLength > ip.length || headerLength > totalLength) {
    throw new Error(`IPv4 lengths ${headerLength}/${totalLength} exceed the ${ip.length} captured bytes`);
  }
  if ((view.getUint16(6) & 0x3fff) !== 0) throw new Error("IPv4 fragments are not reassembled");
  const proto = ip[9];
  if (proto !== IP_TCP && proto !== IP_UDP) return undefined;
  const transport = ip.subarray(headerLength, totalLength);
  const base = {
    time,
    src: ip.subarray(12, 16).join("."),
    dst: ip.subarray(16, 20).join("."),
    srcPort: view.getUint16(headerLength),
    dstPort: view.getUint16(headerLength + 2),
  };
  if (proto === IP_UDP) return { ...base, proto: "udp", payload: transport.subarray(8) };
  const tcp = new DataView(transport.buffer, transport.byteOffset, transport.byteLength);
  return {
    ...base,
    proto: "tcp",
    seq: tcp.getUint32(4),
    tcpFlags: transport[13],
    payload: transport.subarray((transport[12] >> 4) * 4),
  };
}
