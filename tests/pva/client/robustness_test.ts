/**
 * The client against servers that misbehave (tests/pva/client/raw_server.ts): types that
 * declare huge fixed arrays, refused channels, malformed replies, broken name servers; and
 * what a PvaClient exposes and opens before it is used.
 */
import assert from "node:assert/strict";
import { createLogger } from "../../../protocol/log.ts";
import { PvaClient, PvaTimeoutError } from "../../../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { Command, Subcmd } from "../../../protocol/pva/header.ts";
import { BitSet } from "../../../protocol/pvdata/bitset.ts";
import { errorStatus, STATUS_OK, writeStatus } from "../../../protocol/pvdata/status.ts";
import { writeType } from "../../../protocol/pvdata/typedesc.ts";
import { type FieldDesc, struct } from "../../../protocol/pvdata/types.ts";
import type { Writer } from "../../../protocol/pvdata/writer.ts";
import { freePorts } from "../../interop/peers.ts";
import { RawServer, type RawServerScript } from "./raw_server.ts";

/** A structure of four fixed bool arrays of `size` elements each (40 bytes or so on the wire). */
function fixedBools(size: number): FieldDesc {
  const f: FieldDesc = { kind: "scalarArray", type: "bool", form: "fixed", size };
  return struct("", { f0: f, f1: f, f2: f, f3: f });
}

/** Replies to INIT with `type`, and to a GET or a monitor START with an update that changes nothing. */
function serving(type: FieldDesc): RawServerScript["reply"] {
  return (command: number, subcmd: number, w: Writer) => {
    if (subcmd & Subcmd.INIT) {
      w.u8(Subcmd.INIT);
      writeStatus(w, STATUS_OK);
      writeType(w, type);
      return;
    }
    if (command === Command.GET && subcmd === 0) {
      w.u8(0);
      writeStatus(w, STATUS_OK);
      new BitSet().write(w);
      return;
    }
    if (command === Command.MONITOR && subcmd === Subcmd.START) {
      w.u8(0);
      new BitSet().write(w); // changed
      new BitSet().write(w); // overrun
      return;
    }
    return false;
  };
}

/** Runs `body` with a client that finds everything on `server`; both closed afterwards. */
async function withClient(
  script: RawServerScript,
  body: (client: PvaClient, server: RawServer, logged: string[]) => Promise<void>,
): Promise<void> {
  await using server = RawServer.start(script);
  const logged: string[] = [];
  const client = new PvaClient({
    config: server.clientConfig(),
    logger: createLogger({ level: "info", write: (line) => logged.push(line) }),
  });
  try {
    await body(client, server, logged);
  } finally {
    await client.close();
  }
}

/** The error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

Deno.test("a type declaring four bool[2^27] fields fails the get at once, naming the member and the size", async () => {
  await withClient({ reply: serving(fixedBools(2 ** 27)) }, async (client) => {
    const e = await failure(client.get("huge", { timeout: 3000 }));
    assert.ok(!(e instanceof PvaTimeoutError), e.message);
    assert.match(
      e.message,
      /get huge: .* sent a malformed reply: .*member f0: fixed bool array of 134217728 elements/,
    );
  });
});

Deno.test("fixed arrays the server declares are not built before data for them arrives (get, monitor)", async () => {
  await withClient({ reply: serving(fixedBools(2 ** 24)) }, async (client) => {
    const got = await client.get("big", { timeout: 3000 });
    // Nothing was sent for them: they hold their default, the empty array, not 2^24 falses.
    assert.deepEqual(got.value, { f0: [], f1: [], f2: [], f3: [] });
    const sub = client.monitor("big");
    try {
      assert.equal((await sub.next()).value?.kind, "connected");
      const data = (await sub.next()).value;
      assert.equal(data?.kind, "data");
      assert.deepEqual(data?.kind === "data" && data.value, { f0: [], f1: [], f2: [], f3: [] });
    } finally {
      sub.close();
    }
  });
});

Deno.test("a refused channel is retried with a growing delay and logged once, and the error says why", async () => {
  const script = { createChannel: () => errorStatus("no such PV here") };
  await withClient(script, async (client, server, logged) => {
    const e = await failure(client.get("refused", { timeout: 2000 }));
    assert.ok(e instanceof PvaTimeoutError);
    assert.match(
      e.message,
      /^get refused .*: 127\.0\.0\.1:\d+ refused the channel: no such PV here \(gave up after 2000 ms\)$/,
    );
    // Retried at 0.25, 0.75 and 1.75 s: a handful of tries, where it used to be about 80 a second.
    assert.ok(server.created.length >= 2 && server.created.length <= 5, `${server.created.length} tries`);
    assert.equal(logged.filter((l) => l.includes("refused")).length, 1, logged.join("\n"));
    assert.match(logged[0], /^WARN channel refused: 127\.0\.0\.1:\d+ refused it: no such PV here$/);
  });
});

Deno.test("a malformed Status in a reply fails the call at once with the cause", async () => {
  const reply = (_: number, subcmd: number, w: Writer) => {
    w.u8(subcmd);
    w.u8(7); // no Status type has this code
  };
  await withClient({ reply }, async (client) => {
    const e = await failure(client.get("pv", { timeout: 3000 }));
    assert.ok(!(e instanceof PvaTimeoutError), e.message);
    assert.match(e.message, /^get pv: 127\.0\.0\.1:\d+ sent a malformed reply: .*status type 7/);
  });
});

Deno.test("name server failures are the error, not a bare timeout", async (t) => {
  const hugeHeader = new Uint8Array([0xca, 2, 0x40, 1, 0xff, 0xff, 0xff, 0xff]);
  const cases: [string, RawServerScript["greeting"], RegExp][] = [
    ["garbage", new Uint8Array(16).fill(0x42), /\d sent a malformed message: .*bad magic 0x42/],
    ["a huge header", hugeHeader, /\d sent more than our limits allow: message of 4294967295 bytes exceeds/],
    ["silence", "silence", /\d has not completed the connection handshake/],
  ];
  for (const [what, greeting, cause] of cases) {
    await t.step(what, async () => {
      await withClient({ greeting }, async (client, server) => {
        const e = await failure(client.info("pv", { timeout: 1500 }));
        assert.ok(
          e.message.startsWith(`info pv (channel searching): name server ${server.address}`),
          e.message,
        );
        assert.match(e.message, cause);
      });
    });
  }
});

Deno.test("a name server nobody listens on is named in the error with the refusal", async () => {
  const address = `127.0.0.1:${freePorts().tcp}`;
  const client = new PvaClient({ config: loopbackConfig({ nameServers: [address] }) });
  try {
    const e = await failure(client.info("pv", { timeout: 1000 }));
    assert.match(
      e.message,
      new RegExp(`^info pv \\(channel searching\\): name server ${address}: .*refused`, "i"),
    );
  } finally {
    await client.close();
  }
});

Deno.test("PvaClient exposes only its operations and buffer recycling; its internals are not reachable", () => {
  const client = new PvaClient({ config: loopbackConfig() });
  const members = Object.getOwnPropertyNames(PvaClient.prototype).sort();
  assert.deepEqual(members, [
    "close",
    "constructor",
    "get",
    "info",
    "monitor",
    "put",
    "recycleBuffer",
    "rpc",
  ]);
  for (const name of ["payloads", "take", "recycle"]) assert.equal(name in client, false, name);
  assert.deepEqual(Object.keys(client), ["config"]);
  for (const name of ["acquire", "release", "search", "unsearch", "forget", "connect"]) {
    assert.equal(name in client, false, name);
  }
  client.close();
});

Deno.test({
  name: "a new PvaClient opens nothing: network permission is needed only once it is used",
  permissions: { net: false, env: false, sys: false },
  fn: async () => {
    const client = new PvaClient({ config: loopbackConfig({ nameServers: ["127.0.0.1:5075"] }) });
    const e = await failure(client.get("pv", { timeout: 500 }));
    assert.ok(e instanceof Deno.errors.NotCapable, String(e));
    await client.close();
  },
});

Deno.test("a CREATE_CHANNEL left unanswered on a live connection is asked for again, and the call succeeds", async () => {
  let asked = 0;
  const script = { createChannel: () => (asked++ === 0 ? null : STATUS_OK), reply: serving(fixedBools(4)) };
  await withClient(script, async (client, server) => {
    const got = await client.get("lost:reply", { timeout: 8000 });
    assert.deepEqual(got.value, { f0: [], f1: [], f2: [], f3: [] });
    assert.deepEqual(
      server.created,
      ["lost:reply", "lost:reply"],
      "asked twice: the first answer never came",
    );
  });
});
