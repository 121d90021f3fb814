/**
 * Provider ca: our mirror of EPICS base's IOC (pvapy's CaIoc) serves each record as an NTScalar or
 * NTScalarArray with alarm and timeStamp, with the IOC's values, and follows a put on the IOC.
 */
import assert from "node:assert/strict";
import {
  caLoopbackConfig,
  loopbackConfig,
  PvaClient,
  scalar,
  type StructureDesc,
  type StructValue,
} from "../../../mod.ts";
import { MirrorServer, parseChannelMap } from "../../../runtime/mirror/mod.ts";
import { requirePeers } from "../../interop/peers.ts";
import { iocPorts, startIoc, until } from "../../ca/helpers.ts";
import { nextData } from "../../support/monitor_events.ts";

const IGNORE = !requirePeers("mirror of pvapy's CaIoc");
const P = "ca:test:";

Deno.test(
  { name: "provider ca: records served as NTScalar/NTScalarArray, updates followed", ignore: IGNORE },
  async () => {
    const ports = iocPorts();
    await using ioc = await startIoc(ports);
    const mirror = new MirrorServer({
      channels: parseChannelMap(
        `(m:ai,${P}ai,ca),(m:s,${P}stringin,ca),(m:wf,${P}wf:double,ca,8),(m:l,${P}longin,CA)`,
      ),
      config: loopbackConfig(),
      caConfig: caLoopbackConfig({ addrList: [`127.0.0.1:${ports.port}`] }),
    });
    await mirror.start();
    const client = new PvaClient({
      config: loopbackConfig({ nameServers: [`127.0.0.1:${mirror.server.tcpPort}`] }),
    });
    try {
      await until(() => mirror.stats().every((c) => c.connected), 15_000, "every CA mirror to open");
      const ai = await client.get("m:ai");
      const aiType = ai.type as StructureDesc;
      assert.equal(aiType.id, "epics:nt/NTScalar:1.0");
      assert.deepEqual(aiType.fields.map((f) => f.name), ["value", "alarm", "timeStamp"]);
      assert.deepEqual(aiType.fields[0].type, scalar("float64"), "an ai is a double");
      assert.equal(ai.value.value, 1.25);
      assert.deepEqual(ai.value.alarm, { severity: 0, status: 0, message: "" });
      const stamp = ai.value.timeStamp as StructValue;
      assert.ok(Math.abs(Number(stamp.secondsPastEpoch) - Date.now() / 1000) < 120, "a POSIX time stamp");

      assert.equal((await client.get("m:s")).value.value, "hello CA");
      assert.equal((await client.get("m:l")).value.value, 42);
      const wf = await client.get("m:wf");
      assert.equal((wf.type as StructureDesc).id, "epics:nt/NTScalarArray:1.0");
      assert.deepEqual([...(wf.value.value as Float64Array)], [1.0, 2.5, -7.125, 1e300]);

      const sub = client.monitor("m:ai");
      assert.equal((await nextData(sub)).value.value, 1.25);
      assert.deepEqual(await ioc.send(`put ${P}ai 3.5`), { ok: "put", reply: `${P}ai` });
      assert.equal(
        (await nextData(sub, 10_000)).value.value,
        3.5,
        "the IOC's put reaches the mirror's client",
      );
      assert.equal(mirror.stats()[0].nReceived, 2);
      sub.close();
    } finally {
      await client.close();
      await mirror.stop();
    }
  },
);
