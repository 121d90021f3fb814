/**
 * What the mirror tests share: a source server of ours (TCP-only, on loopback) hosting the PVs to mirror,
 * a {@link MirrorServer} that finds them through it as a name server, and a client of the mirror.
 *
 * @module
 */
import { configFromEnv, loopbackConfig, type PvaClient, type SharedPV } from "../../../mod.ts";
import { MirrorServer, type MirrorServerOptions, parseChannelMap } from "../../../runtime/mirror/mod.ts";
import { clientOf, startServer, type TestServer } from "../../pva/server/harness.ts";

/** A source, a mirror of it and a client of the mirror; dispose to stop them all. */
export interface MirrorSetup extends AsyncDisposable {
  source: TestServer;
  mirror: MirrorServer;
  /** A client that finds the mirror's PVs (through the mirror server as its name server). */
  client: PvaClient;
}

/**
 * Hosts `pvs` on a source server and mirrors them as `channelMap` says. The mirror's server is on
 * loopback, or where `env` (EPICS_PVA* variables) puts it; either way its client finds the source through
 * the source server as a name server.
 * @example
 * ```ts ignore
 * await using s = await mirrorOf({ "t:c": counterPv() }, "(m:c,t:c)");
 * ```
 */
export async function mirrorOf(
  pvs: Record<string, SharedPV>,
  channelMap: string,
  { env, ...options }: Partial<MirrorServerOptions> & { env?: Record<string, string> } = {},
): Promise<MirrorSetup> {
  const source = await startServer(pvs);
  const nameServers = [`127.0.0.1:${source.port}`];
  const mirror = new MirrorServer({
    channels: parseChannelMap(channelMap),
    config: env ? configFromEnv(env, { nameServers }) : loopbackConfig({ nameServers }),
    ...options,
  });
  await mirror.start();
  const client = clientOf(mirror.server);
  return {
    source,
    mirror,
    client,
    [Symbol.asyncDispose]: async () => {
      await client.close();
      await mirror.stop();
      source.server.close();
    },
  };
}
