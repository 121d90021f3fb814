import assert from "node:assert/strict";
import { withServerAndClient } from "../support.ts";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { ntNDArray, ntNDArrayType, readNTNDArray } from "../../../protocol/nt/mod.ts";
import { ntScalar } from "../../../protocol/nt/scalar.ts";
import { silentLogger } from "../../../protocol/log.ts";
import type { StructureDesc, StructValue } from "../../../protocol/pvdata/types.ts";
import { hostedOutput, remoteOutput } from "../../../runtime/consumer/output.ts";

function frame(id: number) {
  const f = ntNDArray({
    data: new Uint16Array([id, id + 1, id + 2, id + 3, id + 4, id + 5]),
    dims: [3, 2],
    uniqueId: id,
  });
  return { type: f.type as StructureDesc, value: f.value as StructValue };
}

Deno.test("hosted output (pvas): typed by the first output, read-only to clients, says what it published", async () => {
  await withServerAndClient(async (server, client) => {
    const out = hostedOutput(server, "c1:output", { logger: silentLogger });
    assert.equal(await out.publish(frame(1)), true);
    assert.equal(await out.publish(frame(2)), true);
    const got = readNTNDArray((await client.get("c1:output")).value);
    assert.equal(got.uniqueId, 2);
    assert.deepEqual([...got.data], [2, 3, 4, 5, 6, 7]);
    await assert.rejects(client.put("c1:output", { uniqueId: 9 }), /read-only/);
    const other = ntScalar("float64", 1);
    assert.equal(
      await out.publish({ type: other.type as StructureDesc, value: other.value as StructValue }),
      false,
    );
    out.close();
    assert.equal(server.getPV("c1:output"), undefined);
  });
});

Deno.test("remote output (pva, rpc): each output reaches the remote channel; failures say so", async () => {
  await withServerAndClient(async (server, client) => {
    const target = new SharedPV();
    target.open({ type: ntNDArrayType });
    server.addPV("remote:in", target);
    const calls: number[] = [];
    const service = new SharedPV({
      onRpc: (args) => {
        calls.push(readNTNDArray(args as never).uniqueId);
        return ntScalar("int32", 0);
      },
    });
    service.open(ntScalar("int32", 0));
    server.addPV("remote:rpc", service);

    const put = remoteOutput(client, "remote:in", { mode: "pva", logger: silentLogger });
    assert.equal(await put.publish(frame(5)), true);
    const got = readNTNDArray(target.value);
    assert.equal(got.uniqueId, 5);
    assert.deepEqual([...got.data], [5, 6, 7, 8, 9, 10]);

    const rpc = remoteOutput(client, "remote:rpc", { mode: "rpc", logger: silentLogger });
    assert.equal(await rpc.publish(frame(7)), true);
    assert.deepEqual(calls, [7]);

    const nowhere = remoteOutput(client, "no:such:pv", { mode: "pva", logger: silentLogger, timeoutMs: 300 });
    assert.equal(await nowhere.publish(frame(8)), false);
  });
});
