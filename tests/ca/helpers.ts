/**
 * What the CA client tests share: a client searching the fake servers, awaiting a kind of
 * subscription event with a deadline, polling for a condition, and pvapy's CaIoc on ports of its own.
 * @module
 */
import { CaClient } from "../../protocol/ca/client.ts";
import { caLoopbackConfig } from "../../protocol/ca/config.ts";
import type { CaMonitorEvent, CaSubscription } from "../../protocol/ca/monitor.ts";
import { createLogger, silentLogger } from "../../protocol/log.ts";
import type { FakeCaServer } from "../support/fake_ca_server.ts";
import { nextEvent } from "../support/monitor_events.ts";
import { within } from "../support/within.ts";
import { freePorts, type PeerProcess, startPython } from "../interop/peers.ts";

/** A client that searches the given CA server ports on 127.0.0.1; warnings go to `lines` if given. */
export function loopbackClient(ports: number[], lines?: string[]): CaClient {
  const addrList = ports.map((port) => `127.0.0.1:${port}`);
  const logger = lines ? createLogger({ level: "warn", write: (l) => lines.push(l) }) : silentLogger;
  return new CaClient({ config: caLoopbackConfig({ addrList }), logger });
}

/** A client that searches the fake servers. */
export function fakeServerClient(servers: FakeCaServer[], lines?: string[]): CaClient {
  return loopbackClient(servers.map((s) => s.searchPort), lines);
}

/** The next event of the kind asked for, skipping "connected"; any other kind fails. */
export async function expectEvent<K extends CaMonitorEvent["kind"]>(
  sub: CaSubscription,
  kind: K,
  ms = 8000,
): Promise<Extract<CaMonitorEvent, { kind: K }>> {
  for (;;) {
    const ev = await nextEvent<CaMonitorEvent>(sub, ms);
    if (ev.kind === kind) return ev as Extract<CaMonitorEvent, { kind: K }>;
    if (ev.kind !== "connected") throw new Error(`${sub.name}: expected ${kind}, got ${Deno.inspect(ev)}`);
  }
}

/** Waits until `check` holds, polling; fails after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  await within(
    (async () => {
      while (!check()) await new Promise((r) => setTimeout(r, 10));
    })(),
    ms,
    what,
  );
}

/** EPICS_CA_* settings that keep the IOC (server, beacons) on loopback ports of its own. */
export function caEnv(port: number, repeater: number): Record<string, string> {
  return {
    EPICS_CA_SERVER_PORT: String(port),
    EPICS_CA_REPEATER_PORT: String(repeater),
    EPICS_CA_ADDR_LIST: "127.0.0.1",
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
  };
}

/** Ports for one test's IOC: the server port must be free for both TCP and UDP. */
export function iocPorts(): { port: number; repeater: number } {
  for (;;) {
    const { tcp, udp } = freePorts();
    try {
      Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: tcp }).close();
      return { port: tcp, repeater: udp };
    } catch {
      // Taken for UDP: pick again.
    }
  }
}

/** Starts pvapy's CaIoc (tests/interop/py/ca_ioc.py) on `ports`. */
export function startIoc(ports: { port: number; repeater: number }): Promise<PeerProcess> {
  return startPython("ca_ioc.py", [], { env: caEnv(ports.port, ports.repeater), timeoutMs: 20_000 });
}
