/** get, put, info and rpc of PvaClient against a real p4p server. */
import assert from "node:assert/strict";
import { PvaClient, PvaRemoteError, PvaTimeoutError } from "../../../protocol/pva/client/mod.ts";
import { bitOf } from "../../../protocol/pvdata/partial.ts";
import { sameType, scalar, struct } from "../../../protocol/pvdata/types.ts";
import { IGNORE_P4P, type P4pServer, withP4p } from "./p4p_peer.ts";

const PVS = [
  "scalar:float64",
  "scalar:int64",
  "array:int32",
  "array:float64:big",
  "put:float64",
  "readonly",
  "enum",
];

function withServer(body: (client: PvaClient, server: P4pServer) => Promise<void>): Promise<void> {
  return withP4p(PVS, body);
}

Deno.test({
  name: "client get, info and put on an NTScalar double",
  ignore: IGNORE_P4P,
  fn: () =>
    withServer(async (client, server) => {
      const got = await client.get(server.pv("scalar:float64"));
      assert.equal(got.value.value, 3.141592653589793);
      assert.equal(got.type.kind === "structure" && got.type.id, "epics:nt/NTScalar:1.0");
      assert.ok(got.changed.has(bitOf(got.type, "value")));
      assert.equal((got.value.alarm as { message: string }).message, "NO_ALARM");

      const type = await client.info(server.pv("scalar:float64"));
      assert.ok(sameType(type, got.type));
      // pvxs ignores the sub-field name and always answers with the whole type.
      const sub = await client.info(server.pv("scalar:float64"), { subField: "alarm" });
      assert.ok(sameType(sub, type));

      const selected = await client.get(server.pv("scalar:float64"), { request: "field(alarm.severity)" });
      assert.ok(!selected.changed.has(bitOf(selected.type, "value")));
      assert.ok(selected.changed.has(bitOf(selected.type, "alarm.severity")));

      await client.put(server.pv("put:float64"), 7.25);
      assert.equal((await client.get(server.pv("put:float64"))).value.value, 7.25);
      await client.put(server.pv("put:float64"), { value: "-1.5", "alarm.severity": 2 });
      const after = await client.get(server.pv("put:float64"));
      assert.equal(after.value.value, -1.5);
      assert.equal((after.value.alarm as { severity: number }).severity, 2);
    }),
});

Deno.test({
  name: "client get and put on an int32 array, an int64 and an NTEnum",
  ignore: IGNORE_P4P,
  fn: () =>
    withServer(async (client, server) => {
      const arr = await client.get(server.pv("array:int32"));
      assert.ok(arr.value.value instanceof Int32Array);
      assert.deepEqual([...arr.value.value], [-(2 ** 31), 0, 1, 2 ** 31 - 1]);
      await client.put(server.pv("array:int32"), [5, -6, 7, 8, 9]);
      assert.deepEqual([...(await client.get(server.pv("array:int32"))).value.value as Int32Array], [
        5,
        -6,
        7,
        8,
        9,
      ]);

      await client.put(server.pv("scalar:int64"), 2 ** 40 + 3);
      assert.equal((await client.get(server.pv("scalar:int64"))).value.value, 2n ** 40n + 3n);

      await client.put(server.pv("enum"), "Fault");
      assert.equal(((await client.get(server.pv("enum"))).value.value as { index: number }).index, 2);
      await assert.rejects(client.put(server.pv("enum"), "Broken"), /not one of/);
    }),
});

Deno.test({
  name: "client put rejected by the server fails with PvaRemoteError carrying its message",
  ignore: IGNORE_P4P,
  fn: () =>
    withServer(async (client, server) => {
      const err = await client.put(server.pv("readonly"), 2).catch((e) => e);
      assert.ok(err instanceof PvaRemoteError, String(err));
      assert.match(err.status.message, /puts are rejected/);
      assert.equal((await client.get(server.pv("readonly"))).value.value, 1);
    }),
});

Deno.test({
  name: "client rpc sends typed arguments and returns the typed result",
  ignore: IGNORE_P4P,
  fn: () =>
    withServer(async (client, server) => {
      const args = {
        type: struct("epics:nt/NTURI:1.0", {
          scheme: scalar("string"),
          path: scalar("string"),
          query: struct("", { a: scalar("float64"), b: scalar("float64") }),
        }),
        value: { scheme: "pva", path: server.pv("add"), query: { a: 1.5, b: 2.25 } },
      };
      const res = await client.rpc(server.pv("add"), args);
      assert.equal((res.value as { value: number }).value, 3.75);
      assert.equal(res.type.kind === "structure" && res.type.id, "epics:nt/NTScalar:1.0");
    }),
});

Deno.test({
  name: "client get of a missing PV times out with PvaTimeoutError; abort rejects with the reason",
  ignore: IGNORE_P4P,
  fn: () =>
    withServer(async (client, server) => {
      const t0 = performance.now();
      const err = await client.get(server.pv("no:such:pv"), { timeout: 400 }).catch((e) => e);
      const elapsed = performance.now() - t0;
      assert.ok(err instanceof PvaTimeoutError, String(err));
      assert.match(err.message, /no:such:pv/);
      assert.ok(elapsed >= 390 && elapsed < 2000, `took ${elapsed} ms`);

      const ctl = new AbortController();
      const pending = client.get(server.pv("no:such:pv"), { signal: ctl.signal });
      ctl.abort(new Error("stop here"));
      await assert.rejects(pending, /stop here/);
    }),
});

Deno.test({
  name: "client get of a 1M-element float64 array",
  ignore: IGNORE_P4P,
  fn: () =>
    withServer(async (client, server) => {
      const { value } = await client.get(server.pv("array:float64:big"), { request: "field(value)" });
      const arr = value.value as Float64Array;
      assert.ok(arr instanceof Float64Array);
      assert.equal(arr.length, 1_000_000);
      assert.ok([0, 1, 123_456, 999_999].every((i) => arr[i] === i * 0.5));
    }),
});
