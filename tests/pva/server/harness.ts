/**
 * What the server behaviour tests share: a TCP-only server on a free loopback port, clients
 * that use that server as their name server, the PVs it hosts, and waiting for subscription
 * events with a deadline.
 *
 * @module
 */
import { loopbackConfig, type PvaConfigOverrides } from "../../../protocol/pva/config.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import {
  PvaServer,
  type PvaServerOptions,
  SharedPV,
  type SharedPVOptions,
} from "../../../protocol/pva/server/mod.ts";
import { scalar, scalarArray, struct } from "../../../protocol/pvdata/types.ts";

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

export { nextData, nextEvent } from "../../support/monitor_events.ts";

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
