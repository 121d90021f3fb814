/** The client subcommands of `pva` run in-process against our own server on loopback ports. */
import assert from "node:assert/strict";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { PvaServer } from "../../protocol/pva/server/mod.ts";
import { type ClientCommand, runClientCommand } from "../../scripts/lib/client_commands.ts";
import { epicsEnv, freePorts, type LoopbackPorts } from "../interop/peers.ts";
import { counterPv } from "../pva/server/harness.ts";

/** A server on `ports` hosting one counter, `t:counter`. */
async function counterServer(ports: LoopbackPorts, value: number): Promise<PvaServer> {
  const server = new PvaServer({ config: configFromEnv(epicsEnv(ports)) });
  server.addPV("t:counter", counterPv(value));
  await server.start();
  return server;
}

/** Resolves once `test` holds, checking every 20 ms; rejects after `ms`. */
async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!test()) {
    if (performance.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("pva monitor prints a line when the PV disconnects and another when it reconnects", async () => {
  const ports = freePorts();
  let server = await counterServer(ports, 1);
  const out: string[] = [];
  const err: string[] = [];
  const stop = new AbortController();
  const c: ClientCommand = { command: "monitor", args: ["t:counter"], timeoutMs: 5000, json: true };
  const running = runClientCommand(c, {
    config: configFromEnv(epicsEnv(ports)),
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    stop: stop.signal,
  });
  try {
    await until(() => out.length === 1, 5000, "first update");
    server.close();
    await until(() => err.length === 1, 5000, "disconnect line");
    server = await counterServer(ports, 2);
    await until(() => out.length === 2, 8000, "update after the restart");
    assert.match(err[0], /^t:counter: disconnected \(.+\)$/);
    assert.deepEqual(err.slice(1), ["t:counter: reconnected"]);
    assert.deepEqual(out.map((l) => JSON.parse(l).value.value), [1, 2]);
  } finally {
    stop.abort();
    assert.equal(await running, 0);
    server.close();
  }
});
