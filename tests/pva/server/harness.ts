/**
 * What the server behaviour tests share: a TCP-only server on a free loopback port, clients
 * that use that server as their name server, the PVs it hosts, and waiting for subscription
 * events with a deadline.
 *
 * @module
 */
import assert from "node:assert/strict";
import { loopbackConfig, type PvaConfigOverrides } from "../../../protocol/pva/config.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import {
  PvaServer,
  type PvaServerOptions,
  SharedPV,
  type SharedPVOptions,
} from "../../../protocol/pva/server/mod.ts";
import { Command, Subcmd } from "../../../protocol/pva/header.ts";
import { BitSet } from "../../../protocol/pvdata/bitset.ts";
import { readChanged } from "../../../protocol/pvdata/partial.ts";
import { readNonNullType } from "../../../protocol/pvdata/typedesc.ts";
import {
  type FieldDesc,
  scalar,
  scalarArray,
  struct,
  type StructValue,
} from "../../../protocol/pvdata/types.ts";
import { defaultValue } from "../../../protocol/pvdata/value.ts";
import { type OpReply, RawPvaClient } from "../../support/raw_pva.ts";

/** A counter: what most tests post and read. */
export const COUNTER_TYPE = struct("counter_t", { value: scalar("int32"), note: scalar("string") });

/** An image-like frame: an id and a byte array. */
export const FRAME_TYPE = struct("frame_t", { uniqueId: scalar("int32"), value: scalarArray("uint8") });

/** A started server and the PVs it hosts; dispose to stop it. */
export interface TestServer extends Disposable {
  server: PvaServer;
  port: number;
}

/**
 * Starts a TCP-only server hosting `pvs`.
 * @example
 * ```ts ignore
 * using s = await startServer({ "t:counter": counterPv() });
 * ```
 */
export async function startServer(
  pvs: Record<string, SharedPV>,
  opts: { config?: PvaConfigOverrides; server?: Omit<PvaServerOptions, "config"> } = {},
): Promise<TestServer> {
  const server = new PvaServer({ config: loopbackConfig(opts.config), tcpOnly: true, ...opts.server });
  for (const [name, pv] of Object.entries(pvs)) server.addPV(name, pv);
  await server.start();
  return { server, port: server.tcpPort, [Symbol.dispose]: () => server.close() };
}

/** A client that finds PVs by searching `server` over TCP (as a name server). */
export function clientOf(server: PvaServer): PvaClient {
  return new PvaClient({ config: loopbackConfig({ nameServers: [`127.0.0.1:${server.tcpPort}`] }) });
}

/** An open counter PV with handlers and rules from `options`. */
export function counterPv(value = 0, options: SharedPVOptions = {}): SharedPV {
  const pv = new SharedPV(options);
  pv.open({ type: COUNTER_TYPE, value: { value } });
  return pv;
}

/** An open frame PV with an empty array. */
export function framePv(): SharedPV {
  const pv = new SharedPV();
  pv.open({ type: FRAME_TYPE, value: { uniqueId: 0 } });
  return pv;
}

/** A monitor update as the raw client reads it: the merged value and the overrun bits. */
export function readUpdate(
  reply: OpReply,
  type: FieldDesc,
  prev: StructValue,
): { value: StructValue; overrun: BitSet } {
  const { value } = readChanged(reply.r, type, prev);
  return { value: value as StructValue, overrun: BitSet.read(reply.r) };
}

/** A raw client with a started monitor on `name`; returns after the first (full) update. */
export async function rawMonitor(
  port: number,
  name: string,
  request: string,
  window?: number,
): Promise<{ raw: RawPvaClient; sid: number; type: FieldDesc; first: StructValue }> {
  const raw = await RawPvaClient.connect(port);
  const { sid } = await raw.createChannel(name);
  const init = await raw.init(Command.MONITOR, sid, 1, {
    request,
    subcmd: window === undefined ? Subcmd.INIT : Subcmd.INIT | Subcmd.PIPELINE_ACK,
    after: window === undefined ? undefined : (w) => w.u32(window),
  });
  assert.equal(init.head.status.type, "ok");
  const type = readNonNullType(init.r, "monitor type");
  await raw.request(Command.MONITOR, sid, 1, Subcmd.START);
  const first = readUpdate(await raw.reply(Command.MONITOR), type, defaultValue(type) as StructValue);
  return { raw, sid, type, first: first.value };
}

export { nextData, nextEvent } from "../../support/monitor_events.ts";

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
