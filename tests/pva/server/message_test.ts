import assert from "node:assert/strict";
import { createLogger } from "../../../protocol/log.ts";
import { ntScalar } from "../../../protocol/nt/mod.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";

Deno.test("a pvRequest naming fields the PV lacks gets a MESSAGE warning and the fields that exist", async () => {
  const pv = new SharedPV();
  pv.open(ntScalar("float64", 4.25));
  const server = new PvaServer({ tcpOnly: true, config: loopbackConfig() });
  server.addPV("msg:x", pv);
  await server.start();
  const warnings: string[] = [];
  const client = new PvaClient({
    config: loopbackConfig({ nameServers: [`127.0.0.1:${server.tcpPort}`] }),
    logger: createLogger({ write: (line) => warnings.push(line) }),
  });
  try {
    const got = await client.get("msg:x", { request: "field(value,bogus)" });
    assert.equal(got.value.value, 4.25);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(warnings.some((w) => /warning: msg:x has no field bogus/.test(w)), warnings.join("\n"));
  } finally {
    await client.close();
    server.close();
  }
});
