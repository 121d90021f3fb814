/**
 * Our mirror and PvaPy's with the real peers, on loopback ports chosen per test:
 * - a p4p client (pvxs) reads our mirror of our server;
 * - our mirror mirrors a p4p server, and our client reads identical values through it;
 * - pvapy-mirror-server mirrors our server and our client reads every update through it, while PvaPy's
 *   own counters agree; when our source stops, PvaPy drops the mirror channel as ours does;
 * - a chain: our server -> pvapy-mirror-server -> our mirror -> our client, every update once.
 * PvaPy's servers find each other on loopback only through a server of ours on the broadcast port (see
 * pvapy-reference.md section 9): each test that runs pvapy keeps one up.
 */
import assert from "node:assert/strict";
import { configFromEnv, loopbackConfig, PvaClient, PvaServer, type Subscription } from "../../../mod.ts";
import { MirrorServer, parseChannelMap } from "../../../runtime/mirror/mod.ts";
import { epicsEnv, freePorts, requirePeers, runPython, startPython } from "../../interop/peers.ts";
import { counterPv } from "../../pva/server/harness.ts";
import { expectConnected, nextData, nextEvent } from "../../support/monitor_events.ts";
import { until } from "../../ca/helpers.ts";
import { mirrorOf } from "./fixture.ts";
import { finalCounters, pvapyMirror } from "./pvapy_mirror.ts";

const IGNORE = !requirePeers("mirror with p4p and pvapy");

/** Reads `n` data events of `sub`, asserting none carries an overrun. */
async function values(sub: Subscription, n: number, ms = 15_000): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const ev = await nextData(sub, ms);
    assert.ok(ev.overrun.isEmpty(), `${sub.name}: overrun at ${ev.value.value}`);
    out.push(ev.value.value as number);
  }
  return out;
}

/** `first`, `first + 1`, ... `last`. */
function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

Deno.test({ name: "a p4p client reads our mirror of our server", ignore: IGNORE }, async () => {
  const ports = freePorts();
  const env = epicsEnv(ports);
  const src = counterPv(0);
  await using s = await mirrorOf({ "t:counter": src }, "(m:counter,t:counter)", { env });
  await until(() => s.mirror.stats()[0].connected, 10_000, "the mirror to open");
  const N = 20;
  const reading = runPython("p4p_client.py", [
    "monitor",
    "m:counter",
    "--count",
    String(N + 1),
    "--timeout",
    "20",
  ], {
    env,
  });
  await until(() => s.mirror.stats()[0].nSubscribers === 1, 15_000, "p4p to subscribe to the mirror");
  for (let i = 1; i <= N; i++) {
    src.post({ value: i });
    await until(() => s.mirror.stats()[0].nSent === i + 1, 5000, `update ${i} sent to p4p`);
  }
  const result = await reading;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const seen = result.documents.map((d) => (d as { value: { value: number } }).value.value);
  assert.deepEqual(seen, range(0, N), "p4p saw the first value and every update, in order");
});

Deno.test(
  { name: "our mirror of a p4p server: identical image, every counter update once", ignore: IGNORE },
  async () => {
    await using p4p = await startPython("p4p_server.py", ["--only", "counter,image:u16"], {
      env: epicsEnv(freePorts()),
    });
    const prefix = String(p4p.ready.prefix);
    const config = loopbackConfig({ nameServers: [`127.0.0.1:${p4p.ready.tcp_port}`] });
    const mirror = new MirrorServer({
      channels: parseChannelMap(`(m:counter,${prefix}counter,pva,100),(m:image,${prefix}image:u16)`),
      config,
    });
    await mirror.start();
    const direct = new PvaClient({ config });
    const client = new PvaClient({
      config: loopbackConfig({ nameServers: [`127.0.0.1:${mirror.server.tcpPort}`] }),
    });
    try {
      await until(() => mirror.stats().every((c) => c.connected), 15_000, "both mirrors to open");
      const [mirrored, original] = await Promise.all([
        client.get("m:image"),
        direct.get(`${prefix}image:u16`),
      ]);
      assert.deepEqual(mirrored.type, original.type, "the mirror has p4p's type, ids included");
      assert.deepEqual(mirrored.value, original.value, "identical pixels, dimensions and attributes");

      const sub = client.monitor("m:counter", { queueSize: 256 });
      const start = (await nextData(sub)).value.value as number;
      const N = 50;
      assert.deepEqual(await p4p.send(`burst ${N}`), { ok: "burst", reply: start + N });
      assert.deepEqual(await values(sub, N), range(start + 1, start + N), "every update once, in order");
      const stats = mirror.stats()[0];
      assert.equal(stats.nReceived, N + 1, "the opening value and the burst");
      assert.equal(stats.nOverruns, 0);
      sub.close();
    } finally {
      await client.close();
      await direct.close();
      await mirror.stop();
    }
  },
);

/** Posts 1..n on `pv`, 20 ms apart (PvaPy's monitors have no flow control). */
async function postSlowly(pv: ReturnType<typeof counterPv>, first: number, n: number): Promise<void> {
  for (let i = first; i < first + n; i++) {
    pv.post({ value: i });
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test(
  { name: "pvapy-mirror-server mirrors our server; our client reads every update", ignore: IGNORE },
  async () => {
    const env = epicsEnv(freePorts());
    const src = counterPv(0);
    // On the broadcast port: it answers PvaPy's searches and forwards ours to PvaPy's multicast group.
    const source = new PvaServer({ config: configFromEnv(env) });
    source.addPV("t:counter", src);
    await source.start();
    const pvapy = pvapyMirror("(pm:counter,t:counter)", env);
    const client = new PvaClient({ config: configFromEnv(env) });
    let output = "";
    try {
      // pvAccessCPP sends pipelined updates with an empty change set: PvaPy's clients never pipeline.
      const sub = client.monitor("pm:counter", { queueSize: 64, pipeline: false });
      await expectConnected(sub, 30_000);
      assert.equal((await nextData(sub)).value.value, 0);
      const N = 50;
      const reading = values(sub, N);
      await postSlowly(src, 1, N);
      assert.deepEqual(await reading, range(1, N), "every update once, in order");

      await source.close();
      const gone = await nextEvent(sub, 15_000);
      assert.equal(gone.kind, "disconnected", "PvaPy drops the mirror when its source goes away");
      sub.close();
    } finally {
      await client.close();
      await source.close();
      output = await pvapy.stop();
    }
    assert.deepEqual(finalCounters(output, "pm:counter"), { nReceived: 51, nOverruns: 0 }, output);
  },
);

Deno.test(
  { name: "a chain: our server -> pvapy-mirror-server -> our mirror -> our client", ignore: IGNORE },
  async () => {
    const env = epicsEnv(freePorts());
    const src = counterPv(0);
    const source = new PvaServer({ config: configFromEnv(env) });
    source.addPV("t:chain", src);
    await source.start();
    const pvapy = pvapyMirror("(pm:chain,t:chain)", env);
    const ours = new MirrorServer({
      channels: parseChannelMap("(m:chain,pm:chain)"),
      config: configFromEnv({ ...env, EPICS_PVAS_SERVER_PORT: String(freePorts().tcp) }),
    });
    await ours.start();
    const client = new PvaClient({
      config: loopbackConfig({ nameServers: [`127.0.0.1:${ours.server.tcpPort}`] }),
    });
    let output = "";
    const N = 50;
    try {
      await until(() => ours.stats()[0].connected, 30_000, "our mirror to reach PvaPy's");
      const sub = client.monitor("m:chain", { queueSize: 64 });
      assert.equal((await nextData(sub)).value.value, 0);
      const reading = values(sub, N);
      await postSlowly(src, 1, N);
      assert.deepEqual(await reading, range(1, N), "every update once, in order, through both mirrors");
      const stats = ours.stats()[0];
      assert.deepEqual([stats.nReceived, stats.nOverruns, stats.nSent], [N + 1, 0, N + 1]);
      sub.close();
    } finally {
      await client.close();
      await ours.stop();
      await source.close();
      output = await pvapy.stop();
    }
    assert.deepEqual(finalCounters(output, "pm:chain"), { nReceived: N + 1, nOverruns: 0 }, output);
  },
);
