import assert from "node:assert/strict";
import { createControlApp, type StageLink } from "../../../runtime/http/mod.ts";
import type { FrameLike } from "../../../runtime/preview/mod.ts";
import { serveApi } from "../http/fixture.ts";
import { deadStageUrl } from "./fake_stage.ts";

const noop = { configure() {}, resetStats() {}, getStats() {}, stop() {} };
const status = { current: () => ({ objectId: 0, objectTime: 0 }) as never, subscribe: () => () => {} };
const get = (app: ReturnType<typeof createControlApp>, path: string) =>
  Promise.resolve(app.fetch(new Request(`http://localhost${path}`)));

Deno.test("/ is the process page with a strict content policy; its files are served by name", async () => {
  const app = createControlApp({ target: noop, status });
  const page = await get(app, "/");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/dashboard\/dashboard\.js">/);
  // Every file the page names is served, with its type, and no page names anything off this server.
  const named = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== "data:,");
  assert.ok(named.length >= 4);
  for (const path of named) {
    assert.match(path, /^\/(dashboard\/[\w.]+|api\/docs)$/);
    const res = await get(app, path);
    assert.equal(res.status, 200, path);
    assert.match(
      res.headers.get("content-type") ?? "",
      path.endsWith(".css") ? /^text\/css/ : path.endsWith("docs") ? /^text\/html/ : /^text\/javascript/,
    );
    assert.ok((await res.text()).length > 100, path);
  }
  const missing = await get(app, "/dashboard/secret.ts");
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: "no dashboard file secret.ts" });
  assert.equal((await get(app, "/api/preview.png")).status, 404, "no preview route without a source");
  assert.equal((await get(app, "/api/workflow")).status, 404, "no workflow route without stages");
});

/** GETs `path` every 50 ms until the answer's status is `status` (the preview is re-rendered twice a second). */
async function until(
  app: ReturnType<typeof createControlApp>,
  path: string,
  status: number,
): Promise<Response> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const res = await get(app, path);
    if (res.status === status || Date.now() > deadline) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("/api/preview.png: 204 before a frame, a PNG with its labels, 422 for a frame it cannot draw", async () => {
  let latest: FrameLike | undefined;
  const app = createControlApp({ target: noop, status, preview: { latest: () => latest } });
  assert.equal((await get(app, "/api/preview.png")).status, 204);
  latest = { data: Float32Array.from({ length: 600 * 300 }, (_, i) => i % 600), shape: [600, 300] };
  const res = await until(app, "/api/preview.png", 200);
  assert.equal(res.status, 200);
  const h = Object.fromEntries(res.headers);
  assert.equal(h["content-type"], "image/png");
  assert.equal(h["cache-control"], "no-store");
  assert.equal(h["x-frame-size"], "600x300");
  assert.equal(h["x-frame-dtype"], "float32");
  assert.equal(h["x-frame-color"], "mono");
  assert.equal(h["x-frame-bytes"], String(600 * 300 * 4));
  const [min, max] = h["x-preview-range"].split(" ").map(Number);
  assert.ok(min >= 0 && min < 3 && max > 597 && max <= 599, h["x-preview-range"]);
  assert.match(h["server-timing"], /^render;dur=\d+\.\d{3}$/);
  const png = await res.bytes();
  const view = new DataView(png.buffer);
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [256, 128], "IHDR width and height");
  latest = { data: new Uint8Array(10), shape: [4, 4] };
  const bad = await until(app, "/api/preview.png", 422);
  assert.equal(bad.status, 422);
  assert.deepEqual(await bad.json(), {
    error: "the latest frame: the frame holds 10 elements but dimensions [4, 4] need 16",
  });
});

Deno.test("with stages, / is the workflow page and /api/workflow gathers each stage's status", async () => {
  await using a = await serveApi();
  const stages: StageLink[] = [
    { name: "detector", kind: "consumer", url: a.http.url.href },
    { name: "gone", kind: "collector", url: deadStageUrl() },
  ];
  const app = createControlApp({ target: noop, status, stages });
  assert.match(await (await get(app, "/")).text(), /src="\/dashboard\/workflow\.js"/);
  const { stages: states } = await (await get(app, "/api/workflow")).json();
  assert.equal(states.length, 2);
  assert.deepEqual({ ...states[0], status: undefined }, { ...stages[0], status: undefined });
  assert.deepEqual(states[0].status, JSON.parse(JSON.stringify(a.feed.current())));
  assert.equal(states[1].status, null);
  assert.match(states[1].error, /refused/i);
});

Deno.test("stages with one name twice or no http URL are refused when the app is built", () => {
  const build = (stages: StageLink[]) => () => createControlApp({ target: noop, status, stages });
  assert.throws(
    build([{ name: "a", kind: "consumer", url: "http://x/" }, {
      name: "a",
      kind: "consumer",
      url: "http://y/",
    }]),
    /two stages are named "a"/,
  );
  assert.throws(
    build([{ name: "b", kind: "consumer", url: "file:///etc/passwd" }]),
    /stage "b" has no http\(s\) URL/,
  );
  assert.throws(build([{ name: "c", kind: "consumer", url: "not a url" }]), /stage "c" has no http\(s\) URL/);
});
