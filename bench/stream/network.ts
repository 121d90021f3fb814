/**
 * The loopback network of a run: one search port shared by every program, a TCP port of its
 * own for each, and one of our servers in the benchmark process that carries no data but keeps
 * discovery working (PvaPy's servers bind the search port only on non-loopback interfaces and
 * the local multicast group; ours forwards loopback searches there, see pvapy-reference.md §9).
 *
 * @module
 */
import { configFromEnv } from "../../protocol/pva/config.ts";
import { silentLogger } from "../../protocol/log.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { PvaClient } from "../../protocol/pva/client/client.ts";
import { epicsEnv, freePorts } from "../../tests/interop/peers.ts";

/** A running loopback network; {@link close} it at the end. */
export class LoopbackNetwork {
  readonly #base: Record<string, string>;
  readonly #server: PvaServer;
  readonly #client: PvaClient;

  private constructor(base: Record<string, string>, server: PvaServer) {
    this.#base = base;
    this.#server = server;
    this.#client = new PvaClient({ config: configFromEnv(base), logger: silentLogger });
  }

  /** Picks the ports and starts the discovery server. */
  static async start(): Promise<LoopbackNetwork> {
    const base = epicsEnv(freePorts());
    const server = new PvaServer({ config: configFromEnv(base), logger: silentLogger });
    await server.start();
    return new LoopbackNetwork(base, server);
  }

  /** The EPICS environment of one more program: the shared search port, a TCP port of its own. */
  env(): Record<string, string> {
    const tcp = String(freePorts().tcp);
    return { ...this.#base, EPICS_PVA_SERVER_PORT: tcp, EPICS_PVAS_SERVER_PORT: tcp };
  }

  /** The value of `channel` (a status PV) read once, as a plain object; rejects after 5 s. */
  async read(channel: string): Promise<Record<string, unknown>> {
    return (await this.#client.get(channel, { timeout: 5000 })).value as Record<string, unknown>;
  }

  /** Stops the client and the discovery server. */
  async close(): Promise<void> {
    await this.#client.close();
    await this.#server.close();
  }
}
