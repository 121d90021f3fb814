/**
 * The mirror server's report (PvaPy's line per channel, with our sent and subscriber counts), its status
 * document and its HTTP API: GET /api/status and /api/health, configure refused, reset-stats zeroing the
 * counters, stop ending the server with the final statistics; the runtime option ends it too.
 */
import assert from "node:assert/strict";
import { serveHttp, StatusFeed } from "../../../mod.ts";
import { reportLine } from "../../../runtime/mirror/mod.ts";
import { counterPv } from "../../pva/server/harness.ts";
import { nextData } from "../../support/monitor_events.ts";
import { within } from "../../support/within.ts";
import { until } from "../../ca/helpers.ts";
import { mirrorOf } from "./fixture.ts";

Deno.test("report lines in PvaPy's form", () => {
  const line = reportLine({
    mirror: "m:x",
    source: "s:x",
    provider: "pva",
    connected: true,
    nReceived: 12,
    nOverruns: 1,
    nSent: 24,
    nSubscribers: 2,
  }, 1700000000.25);
  assert.equal(
    line,
    "Channel m:x @ 1700000000.250: {'nReceived': 12, 'nOverruns': 1, 'nSent': 24, 'nSubscribers': 2}",
  );
});

Deno.test("report every period, status over HTTP, configure refused, reset-stats, stop with final statistics", async () => {
  const lines: string[] = [];
  const src = counterPv(0);
  await using s = await mirrorOf({ "t:r": src }, "(m:r,t:r),(m:absent,t:absent)", {
    reportPeriod: 0.2,
    report: (line) => lines.push(line),
  });
  const sub = s.client.monitor("m:r");
  await nextData(sub);
  for (let i = 1; i <= 3; i++) {
    src.post({ value: i });
    await nextData(sub);
  }
  await until(() => lines.some((l) => l.includes("'nReceived': 4")), 5000, "a periodic report");
  assert.ok(lines.some((l) => /^Channel m:absent @ \d+\.\d{3}: \{'nReceived': 0, 'nOverruns': 0/.test(l)));

  const feed = new StatusFeed({ build: () => s.mirror.status() });
  await using http = await serveHttp({ port: 0, target: s.mirror, status: feed });
  const url = (path: string) => new URL(path, http.url).href;
  feed.refresh();
  const status = await (await fetch(url("/api/status"))).json();
  assert.equal(status.channels.length, 2);
  assert.deepEqual(status.channels[0], {
    mirror: "m:r",
    source: "t:r",
    provider: "pva",
    connected: true,
    nReceived: 4,
    nOverruns: 0,
    nSent: 4,
    nSubscribers: 1,
  });
  assert.equal(status.channels[1].connected, false);
  assert.equal((await (await fetch(url("/api/health"))).json()).status, "ok");

  const post = (path: string, body = "{}") =>
    fetch(url(path), { method: "POST", headers: { "content-type": "application/json" }, body });
  const configure = await post("/api/configure", '{"receiverQueueSize": 3}');
  assert.equal(configure.status, 422);
  assert.match(
    (await configure.json()).error,
    /Configuration failed: the mirror server has no runtime configuration/,
  );
  const reset = await post("/api/reset-stats");
  assert.equal(reset.status, 200);
  await reset.body?.cancel();
  assert.deepEqual(
    [s.mirror.stats()[0].nReceived, s.mirror.stats()[0].nSent, s.mirror.stats()[0].nSubscribers],
    [0, 0, 1],
    "counters zeroed, subscribers still counted",
  );
  src.post({ value: 9 });
  await nextData(sub);
  assert.equal(s.mirror.stats()[0].nReceived, 1);
  assert.equal(s.mirror.stats()[0].nSent, 1);

  const stop = await post("/api/stop");
  assert.equal(stop.status, 200);
  await stop.body?.cancel();
  await within(s.mirror.finished, 5000, "the mirror to stop");
  const final = lines.indexOf("Final Channel Statistics:");
  assert.ok(final >= 0, "final statistics printed");
  assert.match(lines[final + 1], /^Channel m:r @ .*'nReceived': 1, 'nOverruns': 0, 'nSent': 1/);
  sub.close();
});

Deno.test("the runtime ends the mirror server", async () => {
  await using s = await mirrorOf({ "t:rt": counterPv() }, "(m:rt,t:rt)", { runtime: 0.3 });
  const t0 = performance.now();
  await within(s.mirror.finished, 5000, "the runtime to end the mirror");
  assert.ok(performance.now() - t0 < 4000);
  await assert.rejects(s.client.get("m:rt", { timeout: 1 }), "nothing served after the end");
});
