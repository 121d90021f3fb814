/**
 * Access rules on the server: a per-peer rule deciding on the `ca` user name, read-only PVs,
 * and the refusal as a real p4p client reports it.
 */
import assert from "node:assert/strict";
import { Command, Subcmd } from "../../../protocol/pva/header.ts";
import { BitSet } from "../../../protocol/pvdata/bitset.ts";
import { bitOf, writeChanged } from "../../../protocol/pvdata/partial.ts";
import { readNonNullType } from "../../../protocol/pvdata/typedesc.ts";
import { freePorts, requirePeers, runPython } from "../../interop/peers.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { clientOf, counterPv, startServer } from "./harness.ts";

/** A counter PV that only alice may put to. */
const aliceOnly = () => counterPv(1, { access: (peer, op) => op !== "put" || peer.user === "alice" });

/** A counter PV that refuses every put. */
const readOnly = () => counterPv(1, { readOnly: true });

/** Puts `value` to the counter `name` as `user` at host "lab"; returns the INIT and exec Status. */
async function putAs(port: number, user: string, name: string, value: number) {
  const raw = await RawPvaClient.connect(port, { user, host: "lab" });
  try {
    assert.equal(raw.validation.type, "ok");
    const { sid } = await raw.createChannel(name);
    const init = await raw.init(Command.PUT, sid, 1);
    if (init.head.status.type !== "ok") return { init: init.head.status, exec: null };
    const type = readNonNullType(init.r, "PUT type");
    await raw.request(
      Command.PUT,
      sid,
      1,
      Subcmd.DESTROY,
      (w) => writeChanged(w, type, { value, note: "" }, BitSet.of(bitOf(type, "value"))),
    );
    return { init: init.head.status, exec: (await raw.reply(Command.PUT)).head.status };
  } finally {
    raw.close();
  }
}

Deno.test("an access rule on the ca user: alice may put, bob is refused with a Status that says so", async () => {
  const pv = aliceOnly();
  using s = await startServer({ "t:guarded": pv });

  const alice = await putAs(s.port, "alice", "t:guarded", 42);
  assert.equal(alice.init.type, "ok");
  assert.equal(alice.exec?.type, "ok");
  assert.equal(pv.value.value, 42);

  const bob = await putAs(s.port, "bob", "t:guarded", 666);
  assert.equal(bob.init.type, "error");
  assert.equal(bob.exec, null);
  assert.match(bob.init.message, /put access to t:guarded denied for bob@lab/);
  assert.equal(pv.value.value, 42);

  const client = clientOf(s.server);
  try {
    assert.equal((await client.get("t:guarded")).value.value, 42, "the rule refuses only puts");
  } finally {
    client.close();
  }
});

Deno.test("a read-only PV refuses puts from our client", async () => {
  const pv = readOnly();
  using s = await startServer({ "t:readonly": pv });
  const client = clientOf(s.server);
  try {
    await assert.rejects(client.put("t:readonly", 5), /t:readonly is read-only/);
    assert.equal(pv.value.value, 1);
  } finally {
    client.close();
  }
});

Deno.test({
  name: "a read-only PV refuses a put from p4p, which reports the server's message",
  ignore: !requirePeers("p4p put to a read-only PV"),
  fn: async () => {
    const pv = readOnly();
    using s = await startServer({ "t:readonly": pv });
    const { code, documents } = await runPython("p4p_client.py", ["put", "t:readonly", "5"], {
      env: {
        EPICS_PVA_NAME_SERVERS: `127.0.0.1:${s.port}`,
        EPICS_PVA_ADDR_LIST: "",
        EPICS_PVA_AUTO_ADDR_LIST: "NO",
        EPICS_PVA_BROADCAST_PORT: String(freePorts().udp),
      },
    });
    assert.equal(code, 1);
    assert.match(String((documents[0] as { error?: string }).error), /RemoteError: t:readonly is read-only/);
    assert.equal(pv.value.value, 1);
  },
});
