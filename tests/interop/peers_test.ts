import assert from "node:assert/strict";
import { epicsEnv, freePorts, parsePeerJson, requirePeers, runPython, startPython } from "./peers.ts";

const havePeers = requirePeers("peer harness tests");

/** What a client prints for one result. */
interface Doc {
  value: Record<string, unknown>;
  type: unknown[];
  error?: string;
}

/** sha256 of a typed array's bytes, as the peers print it for long arrays. */
async function sha256(array: ArrayBufferView): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", array as BufferSource);
  return new Uint8Array(digest).toHex();
}

Deno.test("freePorts gives two bindable loopback ports and epicsEnv points both sides at them", () => {
  const ports = freePorts();
  const env = epicsEnv(ports);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: ports.tcp });
  listener.close();
  assert.equal(env.EPICS_PVA_SERVER_PORT, env.EPICS_PVAS_SERVER_PORT);
  assert.equal(env.EPICS_PVA_BROADCAST_PORT, String(ports.udp));
  assert.equal(env.EPICS_PVAS_BROADCAST_PORT, String(ports.udp));
  assert.equal(env.EPICS_PVA_AUTO_ADDR_LIST, "NO");
  assert.equal(env.EPICS_PVAS_INTF_ADDR_LIST, "127.0.0.1");
});

Deno.test("parsePeerJson keeps 64-bit integers exact and leaves other numbers alone", () => {
  const doc = parsePeerJson('{"u": 18446744073709551614, "i": -4611686018427387909, "s": 42, "f": 1e300}');
  assert.deepEqual(doc, { u: 2n ** 64n - 2n, i: -(2n ** 62n) - 5n, s: 42, f: 1e300 });
});

Deno.test({ name: "p4p server and client through the harness", ignore: !havePeers }, async (t) => {
  const env = epicsEnv(freePorts());
  await using server = await startPython("p4p_server.py", [
    "--only",
    "scalar:uint64,array:float64:big,counter",
  ], {
    env,
  });
  const prefix = server.ready.prefix as string;
  assert.equal(server.ready.tcp_port, Number(env.EPICS_PVAS_SERVER_PORT));
  const client = (...args: string[]) => runPython("p4p_client.py", args, { env });

  await t.step("uint64 arrives exact", async () => {
    const { code, documents } = await client("get", prefix + "scalar:uint64");
    assert.equal(code, 0);
    const [doc] = documents as Doc[];
    assert.equal(doc.value.value, 2n ** 64n - 2n);
    assert.equal(doc.type[1], "epics:nt/NTScalar:1.0");
  });

  await t.step("a long array is summarised by a digest of its bytes", async () => {
    const { documents } = await client("get", prefix + "array:float64:big", "--request", "field(value)");
    const expected = Float64Array.from({ length: 1_000_000 }, (_, i) => i * 0.5);
    assert.deepEqual((documents[0] as Doc).value.value, {
      length: expected.length,
      dtype: "float64",
      sha256: await sha256(expected),
    });
  });

  await t.step("a burst reaches a monitor in order", async () => {
    const monitor = client(
      "monitor",
      prefix + "counter",
      "--count",
      "6",
      "--request",
      "record[queueSize=20]",
    );
    // The monitor's first update is the current value; the burst must come after it subscribed. Python
    // and p4p take a second or more to start on a busy machine (1.5 s was seen to be too little).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    assert.deepEqual(await server.send("burst 5"), { ok: "burst", reply: 5 });
    const { code, documents } = await monitor;
    assert.equal(code, 0);
    assert.deepEqual((documents as Doc[]).map((d) => d.value.value), [0, 1, 2, 3, 4, 5]);
  });

  await t.step("a failing operation exits 1 with an error document", async () => {
    const { code, documents } = await client("get", prefix + "missing", "--timeout", "0.5");
    assert.equal(code, 1);
    assert.match((documents[0] as Doc).error!, /Timeout/);
  });
});

Deno.test({ name: "pvapy server and client through the harness", ignore: !havePeers }, async () => {
  const env = epicsEnv(freePorts());
  await using server = await startPython("pvapy_server.py", ["--only", "image:u16,readonly"], { env });
  assert.deepEqual(Object.keys(server.ready.skipped as object), ["readonly"]);
  const { code, documents } = await runPython("pvapy_client.py", ["get", `${server.ready.prefix}image:u16`], {
    env,
  });
  assert.equal(code, 0);
  const value = (documents[0] as Doc).value;
  const ramp = Uint16Array.from({ length: 1024 * 1024 }, (_, i) => i & 0xffff);
  assert.deepEqual(value.value, {
    name: "ushortValue",
    value: { length: ramp.length, dtype: "uint16", sha256: await sha256(ramp) },
  });
});

Deno.test({ name: "runPython kills a peer that outlives its timeout", ignore: !havePeers }, async () => {
  const env = epicsEnv(freePorts());
  await assert.rejects(
    runPython("p4p_client.py", ["monitor", "pvastream:test:nobody", "--timeout", "60"], {
      env,
      timeoutMs: 500,
    }),
    /killed by SIGKILL|killed by SIGTERM/,
  );
});
