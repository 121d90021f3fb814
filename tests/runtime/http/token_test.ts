import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import {
  HTTP_ARG_OPTIONS,
  httpSettings,
  isLoopbackHost,
  serveHttp,
  tokensEqual,
} from "../../../runtime/http/mod.ts";
import { serveApi } from "./fixture.ts";

const TOKEN = "0123456789abcdef-test-token";

async function tokenFile(content: string): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "pvastream-token-" });
  await Deno.writeTextFile(path, content);
  return path;
}

const post = (token?: string): RequestInit => ({
  method: "POST",
  headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
});

Deno.test("beyond 127.0.0.1, ::1 and localhost the API needs a token file", async () => {
  assert.ok(isLoopbackHost("127.0.0.1") && isLoopbackHost("::1") && isLoopbackHost("[::1]"));
  assert.ok(!isLoopbackHost("127.0.0.2") && !isLoopbackHost("0.0.0.0"));
  const noop = { configure() {}, resetStats() {}, getStats() {}, stop() {} };
  const status = { current: () => ({ objectId: 0 }) as never, subscribe: () => () => {} };
  await assert.rejects(
    serveHttp({ host: "127.0.0.2", port: 0, target: noop, status }),
    /127\.0\.0\.2 \(beyond loopback\) needs a token file/,
  );
  const short = await tokenFile("short\n");
  try {
    await assert.rejects(serveHttp({ port: 0, tokenFile: short, target: noop, status }), /shorter than 16/);
  } finally {
    await Deno.remove(short);
  }
});

Deno.test("bound beyond loopback with a token: POST routes need it, GET routes do not", async () => {
  const path = await tokenFile(`${TOKEN}\n`);
  try {
    // 127.0.0.2 reaches this host only, but by the rule it is not loopback: it stands for any address.
    await using api = await serveApi({ host: "127.0.0.2", tokenFile: path });
    assert.equal(api.http.url.hostname, "127.0.0.2");
    const missing = await fetch(api.url("/api/stop"), post());
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.deepEqual(await missing.json(), { error: "this route needs an Authorization: Bearer token" });
    const wrong = await fetch(api.url("/api/reset-stats"), post(TOKEN.slice(0, -1) + "X"));
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { error: "the bearer token is not valid" });
    const configure = await fetch(api.url("/api/configure"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(configure.status, 401);
    await configure.body?.cancel();
    assert.deepEqual(api.target.calls, []);
    const right = await fetch(api.url("/api/stop"), post(TOKEN));
    assert.equal(right.status, 200);
    await right.body?.cancel();
    assert.deepEqual(api.target.calls, [{ method: "stop" }]);
    const status = await fetch(api.url("/api/status"));
    assert.equal(status.status, 200);
    await status.body?.cancel();
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("tokens compare equal only when identical", async () => {
  assert.ok(await tokensEqual(TOKEN, TOKEN));
  assert.ok(!(await tokensEqual(TOKEN + "x", TOKEN)));
  assert.ok(!(await tokensEqual("", TOKEN)));
});

Deno.test("the scripts' --http-* options", () => {
  // Merged into a script's own options, as the consumer and simulator scripts do.
  const { values } = parseArgs({
    args: ["--runtime", "5", "--http-port", "0", "--http-host", "::1"],
    options: { runtime: { type: "string" }, ...HTTP_ARG_OPTIONS },
    strict: true,
  });
  assert.deepEqual(httpSettings(values), { host: "::1", port: 0 });
  assert.equal(httpSettings({}), null);
  assert.deepEqual(httpSettings({ "http-port": "0" }), { host: "127.0.0.1", port: 0 });
  assert.deepEqual(httpSettings({ "http-port": "8080", "http-host": "0.0.0.0", "http-token-file": "/t" }), {
    host: "0.0.0.0",
    port: 8080,
    tokenFile: "/t",
  });
  assert.throws(
    () => httpSettings({ "http-port": "80x" }),
    /--http-port must be an integer 0..65535, not "80x"/,
  );
  assert.throws(() => httpSettings({ "http-port": "70000" }), /--http-port/);
  assert.throws(() => httpSettings({ "http-port": "1", "http-host": "10.0.0.5" }), /give --http-token-file/);
  assert.throws(() => httpSettings({ "http-host": "::1" }), /--http-host needs --http-port/);
  assert.throws(() => httpSettings({ "http-token-file": "/t" }), /--http-token-file needs --http-port/);
});
