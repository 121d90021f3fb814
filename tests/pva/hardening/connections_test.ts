/**
 * Connection counts: a server refuses connections beyond maxConnections and
 * maxConnectionsPerPeer, and survives running out of file descriptors (logging it) while it
 * keeps serving.
 */
import assert from "node:assert/strict";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { counterPv, sleep, startServer } from "../server/harness.ts";
import { assertLogged, assertServed, capturingLogger, RawSocket } from "./attacker.ts";

const PV = "t:counter";

for (const limit of ["maxConnections", "maxConnectionsPerPeer"] as const) {
  Deno.test(`connections beyond ${limit} are refused and logged; freed places are used again`, async () => {
    const log = capturingLogger();
    using s = await startServer({ [PV]: counterPv(12) }, {
      config: { limits: { [limit]: 3 } },
      server: { logger: log.logger },
    });
    const held = await Promise.all([1, 2, 3].map(() => RawPvaClient.connect(s.port)));
    const extra = await RawSocket.connect(s.port);
    try {
      assert.ok(await extra.closesWithin(2000), `a fourth connection was kept under ${limit}=3`);
      assertLogged(log.lines, "refused connection from 127.0.0.1:", limit);
      assert.equal(s.server.connectionCount, 3);
      held[0].close();
      await held[0].closed;
      await sleep(50);
      await assertServed(s.server, PV, 12);
      assert.ok(held.slice(1).every((r) => !r.isClosed), "held connections were dropped");
    } finally {
      extra.close();
      for (const r of held) r.close();
    }
  });
}

Deno.test("a server out of file descriptors logs it, keeps its connections and serves again afterwards", async () => {
  const server = new Deno.Command("bash", {
    args: [
      "-c",
      `ulimit -n 64; exec "${Deno.execPath()}" run --allow-all "$0"`,
      new URL("./fd_server.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(server.stderr).text();
  const sockets: RawSocket[] = [];
  try {
    const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/READY (\d+)/.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server exited before READY: ${out}`);
      out += value;
    }
    reader.releaseLock();
    const port = Number(/READY (\d+)/.exec(out)![1]);
    const early = await RawPvaClient.connect(port);
    for (let i = 0; i < 100; i++) sockets.push(await RawSocket.connect(port));
    await sleep(500);
    assert.deepEqual(await early.ping(), [], "a connection held before the flood is still served");
    for (const s of sockets.splice(0)) s.close();
    early.close();
    await sleep(1500);
    const client = new PvaClient({ config: loopbackConfig({ nameServers: [`127.0.0.1:${port}`] }) });
    try {
      assert.equal((await client.get(PV, { timeout: 5000 })).value.value, 11);
    } finally {
      client.close();
    }
  } finally {
    for (const s of sockets) s.close();
    if (!(await Promise.race([server.status, sleep(0)]))) server.kill();
    await server.status;
  }
  assert.match(await stderr, /ERROR fd_server: accept failed .*Too many open files/);
});
