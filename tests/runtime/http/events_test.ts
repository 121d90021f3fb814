import assert from "node:assert/strict";
import { createControlApp } from "../../../runtime/http/mod.ts";
import { serveApi } from "./fixture.ts";

/** Reads server-sent events from `res` until `count` have arrived (bounded by `ms`). */
async function readEvents(res: Response, count: number, onEvent: () => void, ms = 5000) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; id: string; data: unknown }[] = [];
  const timer = setTimeout(() => reader.cancel(new Error("timeout")), ms);
  let text = "";
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      let end;
      while ((end = text.indexOf("\n\n")) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const field = (name: string) =>
          block.split("\n").find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
        events.push({ event: field("event")!, id: field("id")!, data: JSON.parse(field("data")!) });
        onEvent();
      }
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
  return events;
}

Deno.test("GET /api/events streams the current status, then each new one", async () => {
  await using api = await serveApi();
  const res = await fetch(api.url("/api/events"));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
  // Each event received triggers the next status (as get_stats or the report period would).
  const events = await readEvents(res, 3, () => api.feed.refresh());
  assert.equal(events.length, 3);
  assert.ok(events.every((e) => e.event === "status"));
  const ids = events.map((e) => (e.data as { objectId: number }).objectId);
  assert.deepEqual(ids.map(String), events.map((e) => e.id));
  assert.ok(ids[0] < ids[1] && ids[1] < ids[2], `ids ${ids}`);
  assert.equal((events[0].data as { consumerId: number }).consumerId, 4);
});

Deno.test("GET /api/events follows the report period; closing the server ends open streams", async () => {
  const api = await serveApi({}, { reportPeriod: 0.05 });
  try {
    api.feed.start();
    const res = await fetch(api.url("/api/events"));
    const events = await readEvents(res, 3, () => {});
    assert.equal(events.length, 3);
  } finally {
    api.feed.stop();
  }
  const open = await fetch(api.url("/api/events"));
  const closing = api.http.close();
  const rest = await open.text(); // ends because the server closes the stream
  await closing;
  assert.match(rest, /event: status/);
});

Deno.test("the OpenAPI document lists every route, its schemas and the bearer scheme", async () => {
  const noop = { configure() {}, resetStats() {}, getStats() {}, stop() {} };
  const status = { current: () => ({ objectId: 0 }) as never, subscribe: () => () => {} };
  const app = createControlApp({ target: noop, status });
  const doc = await (await app.fetch(new Request("http://localhost/api/openapi.json"))).json();
  assert.equal(doc.openapi, "3.1.0");
  // Hono spells a path parameter `:asset`, OpenAPI `{asset}`.
  const routes = [
    ...new Set(
      app.routes.filter((r) => r.method !== "ALL").map((r) =>
        `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`
      ),
    ),
  ];
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  assert.deepEqual([...documented].sort(), [...routes].sort());
  assert.equal(routes.length, 11, "8 API routes, the dashboard page and its files, the API reference page");
  const configure = doc.paths["/api/configure"].post;
  assert.deepEqual(configure.security, [{ bearerAuth: [] }]);
  assert.ok(doc.components.schemas.ConfigureArgs.properties.receiverQueueSize);
  assert.deepEqual(doc.components.securitySchemes.bearerAuth, { type: "http", scheme: "bearer" });
});

/** Opens `/api/events` on a raw connection and never reads what comes back. */
async function neverReading(url: string): Promise<Deno.TcpConn> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const request = `GET /api/events HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`;
  await conn.write(new TextEncoder().encode(request));
  return conn;
}

Deno.test("200 SSE readers and 20 clients that never read: every reader gets the latest status, the API answers", async () => {
  await using api = await serveApi();
  const stalled = await Promise.all(Array.from({ length: 20 }, () => neverReading(api.url("/"))));
  try {
    // Nobody reads the stalled streams: each keeps at most the newest status pending, nothing queues.
    const readers = await Promise.all(Array.from({ length: 200 }, () => fetch(api.url("/api/events"))));
    assert.ok(readers.every((r) => r.status === 200));
    const first = await Promise.all(readers.map((r) => readEvents(r, 1, () => {}, 20_000)));
    assert.ok(first.every((events) => events.length === 1), "each reader got the current status");
    for (let i = 0; i < 200; i++) api.feed.refresh();
    const started = performance.now();
    const status = await fetch(api.url("/api/status"));
    assert.equal(status.status, 200);
    const latest = (await status.json()).objectId;
    assert.ok(performance.now() - started < 5_000, "the API answers while streams are stalled");
    const again = await fetch(api.url("/api/events"));
    const [event] = await readEvents(again, 1, () => {}, 10_000);
    assert.equal((event.data as { objectId: number }).objectId, latest, "a new reader starts at the latest");
  } finally {
    for (const conn of stalled) conn.close();
  }
});
