/**
 * The short seeded fuzz run of CI (tests/fuzz/run.ts as a subprocess, 10,000 messages per
 * target), and the pieces the fuzzer's verdicts rest on: seeded mutations replay exactly, and
 * search replies are kept on our own socket.
 */
import assert from "node:assert/strict";
import { Command, Flag, HEADER_SIZE, readHeader } from "../../protocol/pva/header.ts";
import { readSearchRequest } from "../../protocol/pva/messages/discovery.ts";
import { splitDatagram } from "../../protocol/pva/udp.ts";
import { requirePeers } from "../interop/peers.ts";
import { searchDatagram } from "../support/udp_peer.ts";
import { mutate, MUTATORS, withPayload } from "./mutate.ts";
import { Rng } from "./rng.ts";
import type { FuzzResult } from "./run.ts";
import { confine } from "./udp_target.ts";

const RUN = new URL("./run.ts", import.meta.url);
const DENO_JSON = new URL("../../deno.json", import.meta.url);
const PER_TARGET = 10_000;

Deno.test({
  name:
    "fuzz: 10,000 messages per target (seed 1) leave the server up, answering, bounded, its p4p monitor fed",
  ignore: !requirePeers("the seeded fuzz run"),
  async fn() {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1,0.0.0.0,224.0.0.128",
        "--allow-read",
        "--allow-env",
        "--allow-sys",
        "--allow-run",
        `--config=${DENO_JSON.pathname}`,
        RUN.pathname,
        "--messages",
        String(3 * PER_TARGET),
        "--seed",
        "1",
        "--json",
      ],
      stdin: "null",
      signal: AbortSignal.timeout(170_000),
    }).output();
    const out = new TextDecoder().decode(stdout);
    const context = `${out}\n${new TextDecoder().decode(stderr).slice(-4000)}`;
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as FuzzResult;
    const checks = new Map(result.checks.map((c) => [c.name, c]));
    for (
      const name of [
        "server process running",
        "little-endian server answers a get",
        "big-endian server answers a get",
        "resident memory bounded",
        "no error logged by the server",
        "p4p monitor kept receiving",
        "server target: no failure",
        "udp target: no failure",
        "client target: no failure",
      ]
    ) {
      const c = checks.get(name);
      assert.ok(c?.ok, `${name}: ${c?.detail ?? "not checked"}\n${context}`);
    }
    assert.deepEqual(result.reports.map((r) => r.target), ["server", "udp", "client"]);
    for (const r of result.reports) {
      assert.ok(r.messages >= PER_TARGET, `${r.target}: only ${r.messages} messages`);
      assert.ok(r.mutated > PER_TARGET / 20, `${r.target}: only ${r.mutated} mutated`);
      assert.equal(
        Object.keys(r.mutators).length,
        Object.keys(MUTATORS).length,
        `${r.target}: mutators unused`,
      );
    }
    const client = result.reports[2];
    assert.ok(
      !Object.keys(client.outcomes).some((k) => k.includes("untyped")),
      JSON.stringify(client.outcomes),
    );
    assert.ok(Object.keys(client.outcomes).some((k) => k.endsWith(" ok")), "no client call ever succeeded");
    assert.ok(
      Object.values(result.reports[0].closedBy).reduce((a, b) => a + b, 0) > 0,
      "no connection closed",
    );
    assert.equal(code, 0, context);
  },
});

Deno.test("fuzz: a seed replays the same mutations", () => {
  const message = withPayload(
    new Uint8Array([0xca, 2, 0, Command.GET, 0, 0, 0, 0]),
    new Uint8Array(40).fill(3),
  );
  const run = (seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: 200 }, () => mutate(rng, message, [message]));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

Deno.test("fuzz: payload mutations keep a header whose size matches the payload", () => {
  const message = withPayload(
    new Uint8Array([0xca, 2, Flag.BIG_ENDIAN, Command.MONITOR, 0, 0, 0, 0]),
    new Uint8Array(64),
  );
  const rng = new Rng(3);
  for (
    const name of ["byte-insert", "byte-delete", "truncate", "size-extreme", "type-desc", "bitset", "splice"]
  ) {
    for (let i = 0; i < 50; i++) {
      const [out] = MUTATORS[name](rng, message, [message]);
      const h = readHeader(out, 0);
      assert.equal(h.payloadSize, out.length - HEADER_SIZE, name);
      assert.equal(h.command, Command.MONITOR, name);
    }
  }
});

Deno.test("fuzz: a mutated search's replies are sent to our socket, never elsewhere", () => {
  const search = searchDatagram({ sequenceId: 1, replyAddress: "10.1.2.3", replyPort: 999 }, true);
  const confined = confine(search, 4321);
  const [{ body }] = splitDatagram(confined);
  const read = readSearchRequest(body);
  assert.equal(read.replyAddress, null);
  assert.equal(read.replyPort, 4321);
});
