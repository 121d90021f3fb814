/** PvaClient.monitor against a real p4p server: pipelined bursts and a server restart. */
import assert from "node:assert/strict";
import { type MonitorEvent, PvaClient } from "../../../protocol/pva/client/mod.ts";
import { expectConnected, expectData, nextData, nextEvent } from "../../support/monitor_events.ts";
import { clientConfig, freePorts, IGNORE_P4P, P4pServer, withP4p } from "./p4p_peer.ts";

Deno.test({
  name: "monitor receives 1000 pipelined updates in order, none lost, acking as it consumes",
  ignore: IGNORE_P4P,
  fn: () =>
    withP4p(["counter"], async (client, server) => {
      const sub = client.monitor(server.pv("counter"), { queueSize: 16 });
      assert.equal(sub.pipeline, true);
      await expectConnected(sub);
      const first = await nextEvent(sub);
      assert.equal(first.kind === "data" && first.value.value, 0);

      // The window of 16 only lasts for 16 updates: the rest flow only if our acks arrive.
      // Bursts of 8 stay inside the window we re-open (pvxs squashes once its own queue is
      // full and sends nothing more after an ack until the next post, so one burst of 1000
      // would lose updates on the server side, whatever the client does).
      const seen: number[] = [];
      let overruns = 0;
      for (let burst = 0; burst < 125; burst++) {
        assert.deepEqual(await server.command("burst 8"), { ok: "burst", reply: (burst + 1) * 8 });
        for (let i = 0; i < 8; i++) {
          const ev = await nextEvent(sub);
          assert.equal(ev.kind, "data");
          if (ev.kind !== "data") continue;
          seen.push(ev.value.value as number);
          if (!ev.overrun.isEmpty()) overruns++;
        }
      }
      assert.equal(seen.length, 1000);
      assert.ok(seen.every((v, i) => v === i + 1), "updates out of order or lost");
      assert.equal(overruns, 0);
      sub.close();
      assert.equal((await sub.next()).done, true);
    }),
});

Deno.test({
  name: "monitor reports a server restart as disconnected, then connected and data again",
  ignore: IGNORE_P4P,
  fn: async () => {
    const ports = freePorts();
    let server = await P4pServer.start(ports, ["counter"]);
    const client = new PvaClient({ config: clientConfig(ports) });
    try {
      const sub = client.monitor(server.pv("counter"));
      await expectConnected(sub);
      const before = await nextEvent(sub);
      assert.equal(before.kind, "data");
      await server.command("burst 3");
      const kept: MonitorEvent[] = [];
      for (let i = 0; i < 3; i++) kept.push(await nextEvent(sub));
      assert.deepEqual(kept.map((e) => e.kind === "data" && e.value.value), [1, 2, 3]);

      await server.stop();
      const gone = await nextEvent(sub);
      assert.equal(gone.kind, "disconnected");

      server = await P4pServer.start(ports, ["counter"]);
      await expectConnected(sub, 15000);
      const again = await nextEvent(sub);
      // A new server process: the counter starts from its initial value again.
      assert.equal(again.kind === "data" && again.value.value, 0);
      // The values delivered before the gap are untouched by the new connection.
      assert.equal(kept[2].kind === "data" && kept[2].value.value, 3);
      // Counters run on across the reconnection: 1 + 3 before the gap, 1 after.
      assert.equal(sub.stats.updates, 5);
      sub.close();
    } finally {
      client.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "monitor without pipelining squashes into the last queued update and flags the overrun",
  ignore: IGNORE_P4P,
  fn: () =>
    withP4p(["counter"], async (client, server) => {
      const sub = client.monitor(server.pv("counter"), { pipeline: false, queueSize: 2 });
      assert.equal(sub.pipeline, false);
      await expectConnected(sub);
      assert.equal((await nextEvent(sub)).kind, "data");
      await server.command("burst 50");
      // Give the updates time to pile up in our queue while nobody iterates.
      await new Promise((r) => setTimeout(r, 300));
      const a = await nextEvent(sub);
      const b = await nextEvent(sub);
      assert.ok(a.kind === "data" && b.kind === "data");
      assert.equal(b.value.value, 50);
      // 50 updates reached us as 2: folded by our queue, or (on a loaded machine) already by
      // pvxs's. Either way the loss shows as an overrun and is counted.
      assert.ok(!a.overrun.isEmpty() || !b.overrun.isEmpty(), "squashed updates must report an overrun");
      const { updates, queueSquashed, serverSquashed } = sub.stats;
      assert.ok(queueSquashed + serverSquashed >= 1, `${JSON.stringify(sub.stats)}`);
      assert.equal(updates - queueSquashed, 3, "the first value and the two we took");
      sub.close();
    }),
});

Deno.test({
  name: "an idle monitor stays connected past the idle timeout thanks to ECHO",
  ignore: IGNORE_P4P,
  fn: () =>
    // 1.5 s idle timeout: echo every second (pvxs: 3/8 of the timeout, at least 1 s).
    withP4p(["counter"], async (client, server) => {
      const sub = client.monitor(server.pv("counter"));
      await expectConnected(sub);
      assert.equal((await nextEvent(sub)).kind, "data");
      // Nothing is posted for 3 s: only the echo replies keep the connection alive. A drop
      // would queue a "disconnected" event ahead of the next update.
      await new Promise((r) => setTimeout(r, 3000));
      await server.command("burst 1");
      const ev = await nextEvent(sub);
      assert.equal(ev.kind === "data" && ev.value.value, 1, ev.kind);
      sub.close();
    }, { idleTimeout: 1.5 }),
});

Deno.test({
  name: "aborting a monitor's signal ends it with the signal's reason",
  ignore: IGNORE_P4P,
  fn: () =>
    withP4p(["counter"], async (client, server) => {
      const ctl = new AbortController();
      const sub = client.monitor(server.pv("counter"), { signal: ctl.signal });
      await expectConnected(sub);
      ctl.abort(new Error("enough"));
      await assert.rejects(sub.next(), /enough/);
      assert.equal(sub.isClosed, true);
      assert.equal((await sub.next()).done, true);
    }),
});

Deno.test({
  name: "pause stops a p4p server's updates (STOP) and resume brings them back (START)",
  ignore: IGNORE_P4P,
  fn: () =>
    withP4p(["counter"], async (client, server) => {
      const name = server.pv("counter");
      const sub = client.monitor(name, { queueSize: 4 });
      const connected = await expectConnected(sub);
      assert.match(connected.server, /^127\.0\.0\.1:\d+$/);
      assert.equal((await expectData(sub)).value.value, 0);
      sub.pause();
      await client.get(name); // the STOP went first on the same connection
      await server.command("burst 6");
      await client.get(name);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(sub.stats.updates, 1, "nothing may arrive while paused");

      sub.resume();
      // pvxs sends what it queued while stopped as far as the pipeline window allows (it
      // sends more only on its next post), in order.
      const first = (await nextData(sub)).value.value as number;
      assert.ok(first >= 1 && first <= 6, `${first}`);
      await server.command("burst 1");
      let last = first;
      while (last !== 7) {
        const v = (await nextData(sub)).value.value as number;
        assert.ok(v > last, `${v} after ${last}`);
        last = v;
      }
      sub.close();
    }),
});
