import assert from "node:assert/strict";
import { withServerAndClient } from "../support.ts";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { ntNDArray, ntNDArrayType, readNTNDArray } from "../../../protocol/nt/mod.ts";
import { hostedInput, type InputItem, monitorInput, rpcInput } from "../../../runtime/consumer/input.ts";

const frame = (id: number) =>
  ntNDArray({ data: new Uint8Array([id, id, id, id]), dims: [2, 2], uniqueId: id });

Deno.test("monitor input: every update reaches the sink in order; a slow sink holds the next one back", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = new SharedPV();
    pv.open(frame(0));
    server.addPV("det:image", pv);
    const ids: number[] = [];
    let connected = 0;
    let busy = false;
    const input = monitorInput(client, "det:image", {
      request: "field()",
      queueSize: 4,
      events: { onConnected: () => connected++ },
      sink: async (item: InputItem) => {
        assert.equal(busy, false, "the sink is never entered twice at once");
        busy = true;
        ids.push(readNTNDArray(item.value).uniqueId);
        await new Promise((r) => setTimeout(r, 2));
        busy = false;
      },
    });
    // The monitor starts with the value current at START: post only once that has arrived.
    while (ids.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(connected, 1);
    for (let id = 1; id <= 50; id++) {
      await pv.waitForRoom();
      pv.post(frame(id).value);
    }
    while (ids.at(-1) !== 50) await new Promise((r) => setTimeout(r, 5));
    input.stop();
    await input.done;
    assert.deepEqual(ids, Array.from({ length: 51 }, (_, i) => i), "the initial value, then every frame");
  });
});

Deno.test("hosted input (pvas): a remote put becomes one item; the put completes after the sink took it", async () => {
  await withServerAndClient(async (server, client) => {
    const items: InputItem[] = [];
    const input = hostedInput(server, "c1:input", {
      type: ntNDArrayType,
      sink: (item) => {
        items.push(item);
      },
    });
    await client.put("c1:input", frame(7).value);
    assert.equal(items.length, 1);
    assert.equal(readNTNDArray(items[0].value).uniqueId, 7);
    input.stop();
    await input.done;
    assert.equal(server.getPV("c1:input"), undefined);
  });
});

Deno.test("rpc input: each call's argument becomes one item; the reply is PvaPy's {status}", async () => {
  await withServerAndClient(async (server, client) => {
    const items: InputItem[] = [];
    const input = rpcInput(server, "c1:rpc", {
      sink: (item) => {
        if (readNTNDArray(item.value).uniqueId === 13) throw new Error("unlucky frame");
        items.push(item);
      },
    });
    const ok = await client.rpc("c1:rpc", frame(12));
    assert.deepEqual(ok.value, { status: 0 });
    const refused = await client.rpc("c1:rpc", frame(13));
    assert.deepEqual(refused.value, { status: -1, errorMessage: "unlucky frame" });
    assert.deepEqual(items.map((i) => readNTNDArray(i.value).uniqueId), [12]);
    input.stop();
  });
});
