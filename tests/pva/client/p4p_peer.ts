/**
 * The p4p server of the client tests (tests/interop/py/p4p_server.py through tests/interop/peers.ts)
 * and a client configuration that finds only it.
 */
import {
  epicsEnv,
  freePorts,
  type LoopbackPorts,
  type PeerProcess,
  requirePeers,
  startPython,
} from "../../interop/peers.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { configFromEnv, type PvaConfig } from "../../../protocol/pva/config.ts";

export { freePorts };

/** Skip (with an install hint) when the peers are missing, except under CI where that fails. */
export const IGNORE_P4P = !requirePeers("pva client tests against p4p");

/** A client configuration that searches only 127.0.0.1 on the test's ports. */
export function clientConfig(ports: LoopbackPorts, overrides: Partial<PvaConfig> = {}): PvaConfig {
  return configFromEnv(epicsEnv(ports), { nameServers: [], ...overrides });
}

/** A running p4p server hosting some catalogue entries. */
export class P4pServer {
  /** Prefix of every PV name. */
  readonly prefix: string;
  private readonly peer: PeerProcess;

  private constructor(peer: PeerProcess) {
    this.peer = peer;
    this.prefix = String(peer.ready.prefix);
  }

  /**
   * Starts the server with the catalogue entries `only` on `ports`; resolves once it is READY.
   * @param env EPICS settings on top of {@link epicsEnv}(ports), e.g. another interface list
   */
  static async start(
    ports: LoopbackPorts,
    only: string[],
    env: Record<string, string> = {},
  ): Promise<P4pServer> {
    return new P4pServer(
      await startPython("p4p_server.py", ["--only", only.join(",")], { env: { ...epicsEnv(ports), ...env } }),
    );
  }

  /** Full PV name of a catalogue entry. */
  pv(name: string): string {
    return this.prefix + name;
  }

  /** Sends a stdin command ("burst 1000") and returns its JSON reply. */
  command(text: string): Promise<unknown> {
    return this.peer.send(text);
  }

  /** Stops the server process. */
  stop(): Promise<void> {
    return this.peer.close();
  }

  /** Stops the server process and returns what it logged (pvxs logs to standard error). */
  async stopAndReadLog(): Promise<string> {
    await this.peer.close();
    return await this.peer.stderr;
  }
}

/**
 * Runs `body` with a p4p server hosting `pvs` and a client that finds only it; both are
 * closed afterwards, whatever happens.
 */
export async function withP4p(
  pvs: string[],
  body: (client: PvaClient, server: P4pServer) => Promise<void>,
  overrides: Partial<PvaConfig> = {},
): Promise<void> {
  const ports = freePorts();
  const server = await P4pServer.start(ports, pvs);
  const client = new PvaClient({ config: clientConfig(ports, overrides) });
  try {
    await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}
