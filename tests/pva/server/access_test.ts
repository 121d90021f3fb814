/**
 * Access rules on the server: a per-peer rule deciding on the `ca` user name, read-only PVs,
 * the server's rules file, and the refusals as real p4p and pvapy clients report them.
 */
import assert from "node:assert/strict";
import { Command, Subcmd } from "../../../protocol/pva/header.ts";
import { BitSet } from "../../../protocol/pvdata/bitset.ts";
import { bitOf, writeChanged } from "../../../protocol/pvdata/partial.ts";
import { readNonNullType } from "../../../protocol/pvdata/typedesc.ts";
import { freePorts, requirePeers, runPython } from "../../interop/peers.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { AccessRules } from "../../../protocol/pva/server/access_rules.ts";
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

/** Rules: every user reads, user daemon (and only it) writes the `t:ctl*` channels, nobody writes others. */
const RULES = AccessRules.parse(`
UAG(operators) { daemon }
ASG(DEFAULT) { RULE(1, READ) }
ASG(control) {
  CHANNEL("t:ctl*")
  RULE(1, READ)
  RULE(1, WRITE) { UAG(operators) }
}
`);

/** User ids whose passwd names the peers present: daemon is an operator, nobody is not. */
const DAEMON = 1;
const NOBODY = 65534;

Deno.test("the server's rules file decides for our own clients too: the user and the channel pattern", async () => {
  const control = counterPv(1);
  const other = counterPv(1);
  using s = await startServer({ "t:ctl": control, "t:other": other }, { server: { access: RULES } });
  const daemon = await putAs(s.port, "daemon", "t:ctl", 7);
  assert.equal(daemon.exec?.type, "ok");
  assert.equal(control.value.value, 7);
  const bob = await putAs(s.port, "bob", "t:ctl", 8);
  assert.match(String(bob.init.message), /put access to t:ctl denied for bob@lab/);
  const elsewhere = await putAs(s.port, "daemon", "t:other", 9);
  assert.match(String(elsewhere.init.message), /put access to t:other denied for daemon@lab/);
  assert.equal(control.value.value, 7);
  assert.equal(other.value.value, 1);
});

for (const peer of ["p4p", "pvapy"] as const) {
  Deno.test({
    name: `${peer} as user daemon may put to a control channel, as user nobody it is refused and may read`,
    ignore: !requirePeers(`${peer} puts under access rules`),
    fn: async () => {
      const pv = counterPv(1);
      using s = await startServer({ "t:ctl": pv }, { server: { access: RULES } });
      const env = {
        EPICS_PVA_NAME_SERVERS: `127.0.0.1:${s.port}`,
        EPICS_PVA_ADDR_LIST: "",
        EPICS_PVA_AUTO_ADDR_LIST: "NO",
        EPICS_PVA_BROADCAST_PORT: String(freePorts().udp),
      };
      const script = `${peer}_client.py`;
      const allowed = await runPython(script, ["put", "t:ctl", "42"], { env, uid: DAEMON });
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal(pv.value.value, 42);

      const refused = await runPython(script, ["put", "t:ctl", "666"], { env, uid: NOBODY });
      assert.equal(refused.code, 1, refused.stderr);
      const error = String((refused.documents[0] as { error?: string }).error);
      assert.match(error, /put access to t:ctl denied for nobody@/);
      assert.equal(pv.value.value, 42);

      const read = await runPython(script, ["get", "t:ctl"], { env, uid: NOBODY });
      assert.equal(read.code, 0, read.stderr);
      assert.equal((read.documents[0] as { value: { value: number } }).value.value, 42);
    },
  });
}
