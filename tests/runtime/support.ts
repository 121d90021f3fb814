/**
 * What runtime tests share: a loopback server and a client that finds its PVs through it.
 * @module
 */
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import { clientOf } from "../pva/server/harness.ts";

/** Runs `body` with a started loopback server and a client of it; closes both after. */
export async function withServerAndClient(
  body: (server: PvaServer, client: PvaClient) => Promise<void>,
): Promise<void> {
  const server = new PvaServer({ config: loopbackConfig() });
  await server.start();
  const client = clientOf(server);
  try {
    await body(server, client);
  } finally {
    client.close();
    server.close();
  }
}
