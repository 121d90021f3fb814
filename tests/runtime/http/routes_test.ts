import assert from "node:assert/strict";
import { createControlApp } from "../../../runtime/http/mod.ts";
import { serveApi } from "./fixture.ts";

async function json(res: Response): Promise<Record<string, unknown>> {
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return await res.json();
}

const post = (body?: string, type = "application/json"): RequestInit => ({
  method: "POST",
  headers: body === undefined ? {} : { "content-type": type },
  body,
});

Deno.test("GET /api/status is the status PV's content; /api/health answers", async () => {
  await using api = await serveApi();
  assert.deepEqual(
    await json(await fetch(api.url("/api/status"))),
    JSON.parse(JSON.stringify(api.feed.current())),
  );
  const health = await json(await fetch(api.url("/api/health")));
  assert.equal(health.status, "ok");
  assert.ok((health.uptimeSeconds as number) >= 0 && (health.statusAgeSeconds as number) >= 0);
  const missing = await fetch(api.url("/api/nothing"));
  assert.equal(missing.status, 404);
  assert.deepEqual(await json(missing), { error: "no route GET /api/nothing" });
});

Deno.test("POST routes run the commands with PvaPy's messages", async () => {
  await using api = await serveApi();
  const configured = await fetch(api.url("/api/configure"), post('{"receiverQueueSize": 3, "gain": 2}'));
  assert.equal(configured.status, 200);
  assert.deepEqual(await json(configured), { ok: true, statusMessage: "Configuration successful" });
  const reset = await fetch(api.url("/api/reset-stats"), post());
  assert.deepEqual(await json(reset), { ok: true, statusMessage: "Stats reset successful" });
  const refreshed = await fetch(api.url("/api/get-stats"), post());
  assert.deepEqual(await json(refreshed), { ok: true, statusMessage: "Stats update successful" });
  const stopped = await fetch(api.url("/api/stop"), post());
  assert.deepEqual(await json(stopped), { ok: true, statusMessage: "Stop flag set" });
  assert.deepEqual(api.target.calls, [
    { method: "configure", args: { receiverQueueSize: 3, gain: 2 } },
    { method: "resetStats" },
    { method: "getStats" },
    { method: "stop" },
  ]);
  assert.equal((await fetch(api.url("/api/stop"))).status, 404, "GET on a POST route");
});

Deno.test("invalid bodies get 4xx JSON naming the problem", async () => {
  await using api = await serveApi();
  const cases: [RequestInit, number, RegExp][] = [
    [post("{receiverQueueSize: 3"), 400, /JSON/i],
    [post('{"receiverQueueSize": -1}'), 400, /^receiverQueueSize: /],
    [post('{"nSequentialUpdates": "two"}'), 400, /^nSequentialUpdates: /],
    [post("[1, 2]"), 400, /object/],
    [post("receiverQueueSize=3", "application/x-www-form-urlencoded"), 415, /application\/json/],
    [post('{"refuse": "gain out of range"}'), 422, /^Configuration failed: gain out of range$/],
  ];
  for (const [init, status, message] of cases) {
    const res = await fetch(api.url("/api/configure"), init);
    const body = await json(res);
    assert.equal(res.status, status, `${init.body}: ${JSON.stringify(body)}`);
    assert.deepEqual(Object.keys(body), ["error"]);
    assert.match(body.error as string, message);
    assert.doesNotMatch(body.error as string, /\bat .*\.ts:\d+/, "no stack trace");
  }
  assert.deepEqual(api.target.calls, []);
});

Deno.test("unexpected failures are a bare 500 JSON, the details go to the logger", async () => {
  const logged: string[] = [];
  const app = createControlApp({
    target: { configure() {}, resetStats() {}, getStats() {}, stop() {} },
    status: {
      current: () => {
        throw new Error("secret detail at /srv/consumer.ts:12");
      },
      subscribe: () => () => {},
    },
    logger: { debug() {}, info() {}, warn() {}, error: (m, f) => logged.push(`${m} ${JSON.stringify(f)}`) },
  });
  const res = await app.fetch(new Request("http://localhost/api/status"));
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { error: "internal error" });
  assert.match(logged[0], /secret detail/);
});

Deno.test("CORS is off by default and on for the origins given", async () => {
  await using closed = await serveApi();
  const plain = await fetch(closed.url("/api/status"), { headers: { origin: "http://example.test" } });
  await plain.body?.cancel();
  assert.equal(plain.headers.get("access-control-allow-origin"), null);
  await using open = await serveApi({ corsOrigins: ["http://example.test"] });
  const allowed = await fetch(open.url("/api/status"), { headers: { origin: "http://example.test" } });
  await allowed.body?.cancel();
  assert.equal(allowed.headers.get("access-control-allow-origin"), "http://example.test");
});
