/**
 * pvAccess Status: the outcome of an operation (OK, warning, error, fatal) with a message.
 * @module
 */
import type { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";

/** Status severities in wire order (0 OK ... 3 FATAL). */
export const STATUS_TYPES = ["ok", "warning", "error", "fatal"] as const;

/** A Status severity. */
export type StatusType = typeof STATUS_TYPES[number];

/** An operation outcome. OK and warning count as success. */
export interface Status {
  /** Severity. */
  type: StatusType;
  /** Human-readable explanation; "" for a plain OK. */
  message: string;
  /** Where the failure arose (often a server-side stack trace); usually "". */
  callTree: string;
}

/** The plain OK status (sent as the single byte 0xFF). */
export const STATUS_OK: Readonly<Status> = Object.freeze({ type: "ok", message: "", callTree: "" });

/**
 * Builds an error Status.
 * @example
 * ```ts
 * import { errorStatus } from "./status.ts";
 * errorStatus("no such field").type; // "error"
 * ```
 */
export function errorStatus(message: string, callTree = ""): Status {
  return { type: "error", message, callTree };
}

/** True for OK and warning. */
export function isSuccess(s: Status): boolean {
  return s.type === "ok" || s.type === "warning";
}

/** Writes a Status; a bare OK becomes the single byte 0xFF, as every peer sends it. */
export function writeStatus(w: Writer, s: Status): void {
  if (s.type === "ok" && s.message === "" && s.callTree === "") {
    w.u8(0xff);
    return;
  }
  w.u8(STATUS_TYPES.indexOf(s.type));
  w.string(s.message);
  w.string(s.callTree);
}

/** Reads a Status. */
export function readStatus(r: Reader): Status {
  const at = r.offset;
  const code = r.u8();
  if (code === 0xff) return STATUS_OK;
  const type = STATUS_TYPES[code];
  if (type === undefined) return r.fail(`status type ${code} at offset ${at} is not 0..3`);
  return { type, message: r.string(), callTree: r.string() };
}
