/**
 * `pva serve FILE.yaml`: hosts the PVs of a YAML file on a {@link PvaServer} until stopped.
 *
 * @module
 */
import { createLogger, type Logger } from "../../protocol/log.ts";
import { timeStampNow } from "../../protocol/nt/time.ts";
import type { PvaConfig } from "../../protocol/pva/config.ts";
import { type PutRequest, PvaServer, SharedPV } from "../../protocol/pva/server/mod.ts";
import { bitOf } from "../../protocol/pvdata/partial.ts";
import { findField } from "../../protocol/pvdata/types.ts";
import { readAccessRules } from "../../runtime/cli/access_rules_file.ts";
import type { Output } from "./client_commands.ts";
import type { PvFile, PvSpec } from "./yaml_pvs.ts";

/** A put handler that posts what was written with a fresh time stamp, as a soft IOC record does. */
function stampPuts(pv: SharedPV, put: PutRequest): void {
  const changed = put.changed.clone().set(bitOf(pv.type, "timeStamp"));
  pv.post({ ...put.value, timeStamp: timeStampNow() }, { changed });
}

/**
 * A SharedPV for each spec, opened with its initial value. PVs with a `timeStamp` field
 * get a new one on every put; read-only PVs refuse puts.
 * @example
 * ```ts ignore
 * for (const [name, pv] of sharedPVs(parsePvFile(text).pvs)) server.addPV(name, pv);
 * ```
 */
export function sharedPVs(specs: PvSpec[]): Map<string, SharedPV> {
  const out = new Map<string, SharedPV>();
  for (const s of specs) {
    const stamped = findField(s.type, "timeStamp")?.kind === "structure";
    const pv = new SharedPV({ readOnly: s.readOnly, onPut: stamped ? stampPuts : undefined });
    pv.open({ type: s.type, value: s.value });
    out.set(s.name, pv);
  }
  return out;
}

/** What {@link serveFile} needs besides the file. */
export interface ServeOptions {
  /** Network settings and limits (the file's limits already under the environment's and the command line's). */
  config: PvaConfig;
  /** Where the ready line goes. */
  io: Output;
  /** Stops serving when aborted. */
  stop: AbortSignal;
  /** Where refused peers and failures are logged; warnings and up on stderr by default. */
  logger?: Logger;
  /** An access rules file (docs/access-rules.md) deciding who may read and write which PVs. */
  accessRules?: string;
}

/**
 * Serves the PVs of a parsed file until `stop` aborts; prints one line when ready. Limits come
 * from `config.limits`; refused peers and failures are logged.
 * @param file its name (for the ready line)
 * @param parsed what it describes
 * @throws {UsageError} when the access rules file cannot be read or is wrong
 */
export async function serveFile(
  file: string,
  parsed: PvFile,
  { config, io, stop, logger = createLogger({ name: "pva serve" }), accessRules }: ServeOptions,
): Promise<number> {
  const pvs = sharedPVs(parsed.pvs);
  const access = accessRules === undefined ? undefined : await readAccessRules(accessRules);
  const server = new PvaServer({ config, logger, access });
  for (const [name, pv] of pvs) server.addPV(name, pv);
  await server.start();
  const udp = server.udpPort ? `, searches on UDP port ${server.udpPort}` : "";
  io.out(`pva serve: ${pvs.size} PVs from ${file} on TCP port ${server.tcpPort}${udp}`);
  if (!stop.aborted) await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
  server.close();
  for (const pv of pvs.values()) pv.close();
  return 0;
}
