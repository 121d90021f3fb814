/**
 * A pcapng reader for the capture test vectors: blocks to IPv4 TCP/UDP packets.
 *
 * Reads Section Header Blocks in either byte order, Interface Description Blocks (link type
 * and timestamp resolution), Enhanced and Simple Packet Blocks; other blocks are skipped.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { decodeFrame, type Packet } from "./frames.ts";

export type { Packet } from "./frames.ts";
export { type Stream, tcpStreams } from "./tcp_streams.ts";

const BLOCK = { SECTION: 0x0a0d0d0a, INTERFACE: 1, SIMPLE_PACKET: 3, ENHANCED_PACKET: 6 } as const;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPTION_TSRESOL = 9;

interface Interface {
  linkType: number;
  snapLength: number;
  /** Seconds per timestamp unit. */
  tick: number;
}

/**
 * The IPv4 TCP and UDP packets of a pcapng capture, in capture order. Gzip-compressed
 * input (magic 1f 8b) is unpacked first; malformed blocks throw.
 * @example
 * ```ts
 * import { readPcapng } from "./pcapng.ts";
 * const packets = readPcapng(await Deno.readFile("capture.pcapng"));
 * ```
 */
export function readPcapng(bytes: Uint8Array): Packet[] {
  const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const packets: Packet[] = [];
  let le = true;
  let interfaces: Interface[] = [];
  for (let at = 0; at < data.length;) {
    if (view.getUint32(at) === BLOCK.SECTION) {
      le = view.getUint32(at + 8, true) === BYTE_ORDER_MAGIC;
      interfaces = [];
    }
    const type = view.getUint32(at, le);
    const length = view.getUint32(at + 4, le);
    if (length < 12 || length % 4 !== 0 || at + length > data.length) {
      throw new Error(`pcapng block at ${at} has a bad length ${length}`);
    }
    const body = new DataView(data.buffer, data.byteOffset + at + 8, length - 12);
    if (type === BLOCK.INTERFACE) interfaces.push(readInterface(body, le));
    else if (type === BLOCK.ENHANCED_PACKET || type === BLOCK.SIMPLE_PACKET) {
      const p = readPacket(type, body, le, interfaces);
      if (p !== undefined) packets.push(p);
    }
    at += length;
  }
  return packets;
}

function readInterface(body: DataView, le: boolean): Interface {
  let tick = 1e-6;
  for (let at = 8; at + 4 <= body.byteLength;) {
    const code = body.getUint16(at, le);
    const length = body.getUint16(at + 2, le);
    if (code === 0) break;
    if (code === OPTION_TSRESOL) {
      const r = body.getUint8(at + 4);
      tick = r & 0x80 ? 2 ** -(r & 0x7f) : 10 ** -r;
    }
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return { linkType: body.getUint16(0, le), snapLength: body.getUint32(4, le), tick };
}

function readPacket(type: number, body: DataView, le: boolean, interfaces: Interface[]): Packet | undefined {
  const bytes = (from: number, n: number) => new Uint8Array(body.buffer, body.byteOffset + from, n);
  if (type === BLOCK.SIMPLE_PACKET) {
    const iface = interfaceOf(interfaces, 0);
    // Simple blocks carry no captured length: the snap length or the block size bounds it.
    const n = Math.min(body.getUint32(0, le), iface.snapLength || Infinity, body.byteLength - 4);
    return decodeFrame(iface.linkType, bytes(4, n), 0);
  }
  const iface = interfaceOf(interfaces, body.getUint32(0, le));
  const ticks = body.getUint32(4, le) * 2 ** 32 + body.getUint32(8, le);
  const captured = body.getUint32(12, le);
  if (20 + captured > body.byteLength) throw new Error(`packet of ${captured} bytes overruns its block`);
  return decodeFrame(iface.linkType, bytes(20, captured), ticks * iface.tick);
}

function interfaceOf(interfaces: Interface[], id: number): Interface {
  const iface = interfaces[id];
  if (iface === undefined) throw new Error(`packet on undeclared interface ${id}`);
  return iface;
}
