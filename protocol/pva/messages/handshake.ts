/**
 * Connection set-up messages: CONNECTION_VALIDATION (both directions),
 * CONNECTION_VALIDATED, and the credentials of the `ca` method.
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import type { Writer } from "../../pvdata/writer.ts";
import { readType, writeType } from "../../pvdata/typedesc.ts";
import { readValue, writeValue } from "../../pvdata/value.ts";
import {
  type FieldDesc,
  scalar,
  struct,
  type StructureDesc,
  type StructValue,
  type Value,
} from "../../pvdata/types.ts";

/** CONNECTION_VALIDATION as the server sends it: what it accepts. */
export interface ValidationRequest {
  /** The server's receive buffer size in bytes. */
  bufferSize: number;
  /** The server's introspection registry size. */
  registrySize: number;
  /** Authentication methods, lowest priority first (pvxs: ["anonymous", "ca"]). */
  authMethods: string[];
}

/** Writes the server's CONNECTION_VALIDATION payload. */
export function writeValidationRequest(w: Writer, m: ValidationRequest): void {
  w.i32(m.bufferSize);
  w.i16(m.registrySize);
  w.size(m.authMethods.length);
  for (const a of m.authMethods) w.string(a);
}

/** Reads the server's CONNECTION_VALIDATION payload. */
export function readValidationRequest(r: Reader): ValidationRequest {
  const bufferSize = r.i32();
  const registrySize = r.i16();
  const authMethods: string[] = [];
  for (let n = r.count(r.remaining, "auth method"); n > 0; n--) authMethods.push(r.string());
  return { bufferSize, registrySize, authMethods };
}

/** CONNECTION_VALIDATION as the client answers: the chosen method and its credentials. */
export interface ValidationResponse {
  /** The client's receive buffer size in bytes. */
  bufferSize: number;
  /** The client's introspection registry size. */
  registrySize: number;
  /** Quality of service flags (unused, 0). */
  qos: number;
  /** The chosen authentication method ("anonymous", "ca"). */
  method: string;
  /** The method's credentials (for `ca`: user and host), or null. */
  credentials: { type: FieldDesc; value: Value } | null;
}

/** Writes the client's CONNECTION_VALIDATION payload. */
export function writeValidationResponse(w: Writer, m: ValidationResponse): void {
  w.i32(m.bufferSize);
  w.i16(m.registrySize);
  w.i16(m.qos);
  w.string(m.method);
  writeType(w, m.credentials?.type ?? null);
  if (m.credentials) writeValue(w, m.credentials.type, m.credentials.value);
}

/** Reads the client's CONNECTION_VALIDATION payload (credentials may use the type cache). */
export function readValidationResponse(r: Reader): ValidationResponse {
  const bufferSize = r.i32();
  const registrySize = r.i16();
  const qos = r.i16();
  const method = r.string();
  const type = r.remaining > 0 ? readType(r) : null;
  const credentials = type === null ? null : { type, value: readValue(r, type) };
  return { bufferSize, registrySize, qos, method, credentials };
}

/** The credential structure of the `ca` method. */
export const CA_CREDENTIALS_TYPE: StructureDesc = struct("", {
  user: scalar("string"),
  host: scalar("string"),
});

/** Who is on the other end of a connection, as far as its credentials say. */
export interface Peer {
  /** Authentication method the client chose ("anonymous" or "ca"). */
  method: string;
  /** User name ("" for anonymous). */
  user: string;
  /** Host name claimed by the client (or its IP address). */
  host: string;
  /** The client's IP address as seen by the server. */
  address: string;
}

/** Credentials of the `ca` method for a user at a host. */
export function caCredentials(user: string, host: string): { type: FieldDesc; value: StructValue } {
  return { type: CA_CREDENTIALS_TYPE, value: { user, host } };
}
