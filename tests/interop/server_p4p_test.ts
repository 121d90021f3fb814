/**
 * Our pvAccess server against the real p4p client (pvxs): every normative type and pvData kind
 * read exactly, puts landing in our PVs, RPC, 10,000 pipelined monitor updates without a loss,
 * the distributor, and discovery by unicast search, by name server and through two servers
 * sharing one UDP port. One p4p process runs the whole plan.
 */
import assert from "node:assert/strict";
import { catalogue, host, loopbackConfig, PREFIX } from "./hosted.ts";
import { epicsEnv, requirePeers } from "./peers.ts";
import { Plan } from "./plan.ts";
import { checkDistributor, checkGet, checkMonitor, checkPut, expected } from "./server_checks.ts";
import { ntScalar } from "../../protocol/nt/mod.ts";

/** p4p hands scalars out of an `any` as bare Python values: their type is inferred. */
const VIEW = { inferAnyScalars: true };

Deno.test(
  { name: "p4p client against our server", ignore: !requirePeers("p4p against our server") },
  async (t) => {
    using hosted = await host(catalogue());
    const { tcpPort, udpPort } = hosted.server;
    await using plan = await Plan.start("p4p_plan.py", epicsEnv({ tcp: tcpPort, udp: udpPort }));

    await t.step("get and info of every hosted PV (found by unicast search)", async () => {
      for (const name of hosted.pvs.keys()) await checkGet(plan, hosted, name, VIEW);
    });

    await t.step("get with a field request", async () => {
      const got = await plan.run({
        op: "get",
        pv: PREFIX + "image:u8",
        request: "field(uniqueId,dimension)",
      });
      const full = expected(hosted, "image:u8", VIEW).value as Record<string, unknown>;
      const value = got.value as Record<string, unknown>;
      assert.deepEqual([value.uniqueId, value.dimension], [full.uniqueId, full.dimension]);
    });

    await t.step("put lands in our PVs; a read-only PV refuses", async () => {
      await checkPut(plan, hosted, "put:float64", 42.5, 42.5);
      await checkPut(plan, hosted, "put:string", "from p4p", "from p4p");
      await checkPut(plan, hosted, "put:array", [1, -2, 3], new Int32Array([1, -2, 3]));
      await assert.rejects(plan.run({ op: "put", pv: PREFIX + "readonly", value: 5 }), /read-only/);
      assert.equal(hosted.pvs.get("readonly")!.value.value, 1);
    });

    await t.step("rpc", async () => {
      const reply = await plan.run({ op: "rpc", pv: PREFIX + "add", args: { a: 2, b: 40.5 } });
      assert.equal(reply.id, "epics:nt/NTScalar:1.0");
      assert.equal((reply.value as { value: number }).value, 42.5);
    });

    await t.step("10,000 pipelined monitor updates, none lost", async () => {
      await checkMonitor(plan, hosted, {
        request: "record[pipeline=true,queueSize=256]",
        count: 10_000,
        window: 256,
        report: 64,
      });
    });

    await t.step("distributor: three monitors share the updates round-robin", async () => {
      // p4p's request parser rejects `_[...]`, so the request structure is sent as built.
      await checkDistributor(plan, hosted, {
        record: { _options: { queueSize: "16" } },
        field: { _: { _options: { pydistributor: "trigger:uniqueId" } } },
      });
    });

    await t.step("discovery through our server as a name server (no UDP)", async () => {
      // No search address, and a UDP port nobody answers on: only the name server can find the PV.
      const conf = {
        EPICS_PVA_NAME_SERVERS: `127.0.0.1:${tcpPort}`,
        EPICS_PVA_ADDR_LIST: "",
        EPICS_PVA_BROADCAST_PORT: "9",
      };
      const got = await plan.run({ op: "get", pv: PREFIX + "scalar:float64", conf });
      assert.equal((got.value as { value: number }).value, Math.PI);
    });

    await t.step("two of our servers share one UDP port; a unicast search finds both", async () => {
      using first = await host({ "shared:first": { initial: ntScalar("int32", 1) } });
      const shared = first.server.udpPort;
      using second = await host(
        { "shared:second": { initial: ntScalar("int32", 2) } },
        loopbackConfig({ broadcastPort: shared }),
      );
      assert.equal(second.server.udpPort, shared);
      const conf = { EPICS_PVA_BROADCAST_PORT: String(shared) };
      for (const [name, value] of [["shared:first", 1], ["shared:second", 2]] as const) {
        const got = await plan.run({ op: "get", pv: PREFIX + name, conf, timeout: 5 });
        assert.equal((got.value as { value: number }).value, value, name);
      }
    });
  },
);
