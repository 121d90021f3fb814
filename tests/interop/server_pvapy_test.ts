/**
 * Our pvAccess server against the real pvapy client (pvAccessCPP): every normative type and
 * pvData kind read exactly (and introspected through GET_FIELD), puts landing in our PVs, RPC,
 * monitors without a loss, and the distributor with PvaPy's own request string. One pvapy
 * process runs the whole plan, finding our server by unicast search.
 */
import assert from "node:assert/strict";
import { catalogue, host, PREFIX } from "./hosted.ts";
import { epicsEnv, requirePeers } from "./peers.ts";
import { Plan } from "./plan.ts";
import { checkDistributor, checkGet, checkMonitor, checkPut } from "./server_checks.ts";

/** pvapy shows no structure ids. */
const VIEW = { withoutIds: true };

Deno.test({
  name: "pvapy client against our server",
  ignore: !requirePeers("pvapy against our server"),
}, async (t) => {
  // pvapy turns an int8 into a one-character string and cannot decode negative ones.
  using hosted = await host(catalogue(99));
  const { tcpPort, udpPort } = hosted.server;
  await using plan = await Plan.start("pvapy_plan.py", epicsEnv({ tcp: tcpPort, udp: udpPort }));

  await t.step("get and info of every hosted PV", async () => {
    for (const name of hosted.pvs.keys()) await checkGet(plan, hosted, name, VIEW);
  });

  await t.step("put lands in our PVs; a read-only PV refuses", async () => {
    await checkPut(plan, hosted, "put:float64", 42.5, 42.5);
    await checkPut(plan, hosted, "put:string", "from pvapy", "from pvapy");
    await checkPut(plan, hosted, "put:array", { value: [1, -2, 3] }, new Int32Array([1, -2, 3]));
    await assert.rejects(plan.run({ op: "put", pv: PREFIX + "readonly", value: 5 }), /read-only/);
    assert.equal(hosted.pvs.get("readonly")!.value.value, 1);
  });

  await t.step("rpc", async () => {
    const reply = await plan.run({ op: "rpc", pv: PREFIX + "add", args: { a: 2, b: 40.5 } });
    assert.equal((reply.value as { value: number }).value, 42.5);
  });

  await t.step("10,000 monitor updates, none lost (pvapy does not pipeline)", async () => {
    await checkMonitor(plan, hosted, {
      request: "record[queueSize=256]",
      count: 10_000,
      window: 256,
      report: 64,
    });
  });

  await t.step("distributor: three monitors share the updates round-robin", async () => {
    await checkDistributor(plan, hosted, "record[queueSize=16]field(_[pydistributor=trigger:uniqueId])");
  });
});
