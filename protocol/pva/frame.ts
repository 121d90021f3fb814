/**
 * Building whole messages: header plus payload, as chunks ready for a socket.
 * @module
 */
import { Writer } from "../pvdata/writer.ts";
import { Flag, HEADER_SIZE, PVA_VERSION } from "./header.ts";

/** Who sends a message: decides the direction flag. */
export type Role = "client" | "server";

/**
 * Encodes one application message. `body` writes the payload; the header's size is filled
 * in afterwards. Large arrays written with sharing stay separate chunks (no copy).
 * @example
 * ```ts
 * import { encodeMessage } from "./frame.ts";
 * import { Command } from "./header.ts";
 * const chunks = encodeMessage(Command.ECHO, "client", true, (w) => w.u32(1));
 * ```
 */
export function encodeMessage(
  command: number,
  role: Role,
  littleEndian: boolean,
  body: (w: Writer) => void,
): Uint8Array[] {
  const w = new Writer(littleEndian, 128);
  w.u8(0xca);
  w.u8(PVA_VERSION);
  w.u8(messageFlags(role, littleEndian));
  w.u8(command);
  w.u32(0);
  body(w);
  w.patchU32(4, w.length - HEADER_SIZE);
  return w.chunks();
}

/** The flags byte of an unsegmented application message. */
export function messageFlags(role: Role, littleEndian: boolean): number {
  return (role === "server" ? Flag.FROM_SERVER : 0) | (littleEndian ? 0 : Flag.BIG_ENDIAN);
}

/** A control message (8 bytes, no payload). */
export function encodeControl(command: number, role: Role, littleEndian: boolean, value = 0): Uint8Array {
  const w = new Writer(littleEndian, HEADER_SIZE);
  w.u8(0xca);
  w.u8(PVA_VERSION);
  w.u8(messageFlags(role, littleEndian) | Flag.CONTROL);
  w.u8(command);
  w.u32(value);
  return w.toBytes();
}
