/**
 * `get`, `put` and `monitor` accept every pvRequest form (request_forms.ts), against our
 * server and against a real p4p server. `monitor` used to put `record[...]` in front of the
 * caller's text, which broke the short forms (`value,alarm`, `_[pydistributor=...]`).
 */
import assert from "node:assert/strict";
import { type PvaClient, PvaRemoteError } from "../../../protocol/pva/client/mod.ts";
import { SharedPV } from "../../../protocol/pva/server/mod.ts";
import { expectConnected, expectData } from "../../support/monitor_events.ts";
import { clientOf, startServer } from "../server/harness.ts";
import { IGNORE_P4P, withP4p } from "./p4p_peer.ts";
import { FORMS_TYPE, probeOf, REQUEST_FORMS } from "./request_forms.ts";

/**
 * Runs every form through put (a new number at its probe), get and monitor of `name`. With
 * `refusesPluginOnly` (pvxs), the forms that select only `_` must come back as the server's
 * refusal: proof that the client parsed and sent them.
 */
async function checkForms(
  client: PvaClient,
  name: string,
  { refusesPluginOnly = false } = {},
): Promise<void> {
  let n = 10;
  for (const { text, probe, pluginOnly } of REQUEST_FORMS) {
    const what = JSON.stringify(text);
    if (pluginOnly && refusesPluginOnly) {
      const refused = (e: unknown) =>
        e instanceof PvaRemoteError && /select at least one field/.test(e.message);
      await assert.rejects(client.put(name, { [probe]: 1 }, { request: text }), refused, `put ${what}`);
      await assert.rejects(client.get(name, { request: text }), refused, `get ${what}`);
      const sub = client.monitor(name, { request: text });
      await assert.rejects(sub.next(), PvaRemoteError, `monitor ${what}`);
      assert.equal(sub.isClosed, true);
      continue;
    }
    const written = ++n;
    await client.put(name, { [probe]: written }, { request: text });
    const got = await client.get(name, { request: text });
    assert.equal(probeOf(got.value, probe), written, `get ${what}`);

    const sub = client.monitor(name, { request: text });
    try {
      const connected = await expectConnected(sub);
      assert.equal(connected.type.kind, "structure", what);
      const first = await expectData(sub);
      assert.equal(probeOf(first.value, probe), written, `monitor ${what}`);
      const queueSize = /queueSize=(\d+)/.exec(text);
      assert.equal(sub.queueSize, queueSize ? Number(queueSize[1]) : 4, what);
    } finally {
      sub.close();
    }
  }
}

Deno.test("every pvRequest form works in get, put and monitor against our server", async () => {
  const pv = new SharedPV();
  pv.open({ type: FORMS_TYPE, value: { value: 1, uniqueId: 1 } });
  using s = await startServer({ "forms:pv": pv });
  const client = clientOf(s.server);
  try {
    await checkForms(client, "forms:pv");
  } finally {
    client.close();
  }
});

Deno.test({
  name: "every pvRequest form works in get, put and monitor against p4p",
  ignore: IGNORE_P4P,
  fn: () =>
    withP4p(
      ["put:float64"],
      (client, server) => checkForms(client, server.pv("put:float64"), { refusesPluginOnly: true }),
    ),
});
