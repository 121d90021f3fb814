/**
 * Building whole messages: header plus payload, as chunks ready for a socket.
 * @module
 */
import { Writer } from "../pvdata/writer.ts";
import { Flag, HEADER_SIZE, headerBytes, PVA_VERSION, writeHeader } from "./header.ts";

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
  // Room for the header, written once the payload's size is known.
  w.bytes(new Uint8Array(HEADER_SIZE));
  body(w);
  const chunks = w.chunks();
  const flags = messageFlags(role, littleEndian);
  writeHeader(chunks[0], 0, { version: PVA_VERSION, flags, command, payloadSize: w.length - HEADER_SIZE });
  return chunks;
}

/** The flags byte of an unsegmented application message. */
export function messageFlags(role: Role, littleEndian: boolean): number {
  return (role === "server" ? Flag.FROM_SERVER : 0) | (littleEndian ? 0 : Flag.BIG_ENDIAN);
}

/** A control message (8 bytes, no payload). */
export function encodeControl(command: number, role: Role, littleEndian: boolean, value = 0): Uint8Array {
  const flags = messageFlags(role, littleEndian) | Flag.CONTROL;
  return headerBytes({ version: PVA_VERSION, flags, command, payloadSize: value });
}
