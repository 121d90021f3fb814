import assert from "node:assert/strict";
import { type Isolation, parsePermissions, ProcessorError, ProcessorHost } from "../../../mod.ts";
import { fixture, testFrame, withHost } from "./helpers.ts";

const ISOLATIONS: Isolation[] = ["worker", "process"];

/** Runs one attempt and returns how it was refused. */
async function attempt(host: ProcessorHost, what: string, target = ""): Promise<ProcessorError> {
  try {
    await host.process(testFrame({ attempt: what, target }));
  } catch (e) {
    assert.ok(e instanceof ProcessorError);
    return e;
  }
  assert.fail(`${what} ${target} was allowed`);
}

const DENIED: [string, string, RegExp][] = [
  ["read", "/etc/hostname", /Requires read access/],
  ["write", "/tmp/pvastream-escape.txt", /Requires write access/],
  ["net", "127.0.0.1:9", /Requires net access/],
  ["listen", "", /Requires net access/],
  ["env", "HOME", /Requires env access/],
  ["run", "", /Requires run access/],
  ["ffi", "", /Requires ffi access/],
  ["sys", "", /Requires sys access/],
  ["worker", "data:text/javascript,postMessage(1)", /Can't escalate parent thread permissions/],
  ["symlink", "/tmp/pvastream-escape-link", /requires unscoped --allow-read and --allow-write/],
  ["fetch", "http://127.0.0.1:8080/", /Requires net access/],
  ["kill", String(Deno.pid), /Requires run access/],
  ["interfaces", "", /Requires sys access/],
];

/** A global of the host's realm that a processor must not see. */
const HOST_SECRET = "pvastreamHostSecret";

for (const isolation of ISOLATIONS) {
  Deno.test(`${isolation}: without grants every attempt to reach out is denied and reported`, async () => {
    const errors: ProcessorError[] = [];
    Object.assign(globalThis, { [HOST_SECRET]: "the host's" });
    await withHost({
      file: fixture("escape.ts"),
      isolation,
      onEvent: (e) => e.kind === "error" && errors.push(e.error),
    }, async (host) => {
      for (const [what, target, reason] of DENIED) {
        const e = await attempt(host, what, target);
        assert.equal(e.kind, "thrown", what);
        assert.equal(e.errorName, "NotCapable", what);
        assert.match(e.message, reason, what);
      }
      const other = new URL("./helpers.ts", import.meta.url).href;
      assert.match((await attempt(host, "importFile", other)).message, /Requires read access/);
      assert.match((await attempt(host, "gpu")).message, /navigator.gpu is absent/);
      for (const name of ["read", "net", "run", "write"]) {
        assert.match(
          (await attempt(host, "request", name)).message,
          /permission was denied/,
          `ask for ${name}`,
        );
      }
      assert.match((await attempt(host, "parentGlobal", HOST_SECRET)).message, /is not reachable/);
      assert.equal(host.counters.errors, DENIED.length + 7);
      assert.equal(host.counters.restarts, 0);
    });
    assert.equal(errors.length, DENIED.length + 7);
    assert.throws(() => Deno.lstatSync("/tmp/pvastream-escape.txt"), Deno.errors.NotFound);
  });

  Deno.test(`${isolation}: a processor granted one directory stays in it (.. and links)`, async () => {
    const root = await Deno.makeTempDir({ prefix: "pvastream-grant-" });
    try {
      const data = `${root}/data`;
      await Deno.mkdir(data);
      await Deno.writeTextFile(`${root}/secret.txt`, "secret");
      await Deno.writeTextFile(`${data}/in.txt`, "inside");
      const permissions = parsePermissions([`read=${data},write=${data}`]);
      await withHost({ file: fixture("escape.ts"), isolation, permissions }, async (host) => {
        assert.deepEqual(await host.process(testFrame({ attempt: "read", target: `${data}/in.txt` })), [{
          type: { kind: "scalar", type: "string" },
          value: "escaped",
        }]);
        assert.match((await attempt(host, "read", `${data}/../secret.txt`)).message, /Requires read access/);
        assert.match((await attempt(host, "write", `${data}/../out.txt`)).message, /Requires write access/);
        assert.match((await attempt(host, "symlink", `${data}/link`)).message, /requires unscoped/);
      });
      // A link placed by someone else would lead out: the host does not start.
      await Deno.symlink(`${root}/secret.txt`, `${data}/link`);
      await assert.rejects(
        new ProcessorHost({ file: fixture("escape.ts"), isolation, permissions }).start(),
        (e: ProcessorError) =>
          e.kind === "load" && e.message.includes(`${data}/link, a link to ${root}/secret.txt`),
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });

  Deno.test(`${isolation}: WebGPU stays when granted`, async () => {
    await withHost(
      { file: fixture("escape.ts"), isolation, permissions: parsePermissions(["gpu"]) },
      async (host) => {
        const [out] = await host.process(testFrame({ attempt: "gpu" }));
        assert.equal((out as { value: string }).value, "escaped");
      },
    );
  });

  Deno.test(`${isolation}: a throwing processor counts an error and the stream goes on`, async () => {
    await withHost({ file: fixture("misbehave.ts"), className: "Misbehave", isolation }, async (host) => {
      await assert.rejects(
        host.process(testFrame({ do: "throw" }, undefined, 5)),
        (e: ProcessorError) =>
          e.kind === "thrown" && e.errorName === "RangeError" && e.message === "bad frame 5",
      );
      const [out] = await host.process(testFrame({}, undefined, 6));
      assert.equal((out as { uniqueId: number }).uniqueId, 6);
      assert.deepEqual(host.counters, { errors: 1, restarts: 0, timeouts: 0, crashes: 0 });
    });
  });

  Deno.test(`${isolation}: forged replies end the sandbox, not the host; lying frames are output errors`, async () => {
    await withHost({ file: fixture("misbehave.ts"), className: "Misbehave", isolation }, async (host) => {
      await assert.rejects(
        host.process(testFrame({ do: "mislabel" })),
        (e: ProcessorError) =>
          e.kind === "output" && e.message === "a frame of dtype float64 holds uint8 data",
      );
      await assert.rejects(
        host.process(testFrame({ do: "forge" })),
        (e: ProcessorError) => e.kind === "crash",
      );
      const [out] = await host.process(testFrame({}, undefined, 4));
      assert.equal((out as { uniqueId: number }).uniqueId, 4);
      assert.equal(host.counters.crashes, 1);
      assert.equal(host.counters.restarts, 1);
    });
  });

  Deno.test(`${isolation}: a hanging processor is ended at the time limit, restarted and reconfigured`, async () => {
    const events: string[] = [];
    await withHost({
      file: fixture("misbehave.ts"),
      className: "Misbehave",
      isolation,
      timeLimitMs: 500,
      onEvent: (e) => events.push(e.kind === "restart" ? `restart ${e.reason}` : `error ${e.error.kind}`),
    }, async (host) => {
      await assert.rejects(
        host.process(testFrame({ do: "hang" })),
        (e: ProcessorError) => e.kind === "timeout",
      );
      const [out] = await host.process(testFrame({}, undefined, 8));
      assert.equal((out as { uniqueId: number }).uniqueId, 8);
      assert.deepEqual(await host.stats(), { configured: 1 }); // the new sandbox was configured
      assert.deepEqual(host.counters, { errors: 1, restarts: 1, timeouts: 1, crashes: 0 });
    });
    assert.deepEqual(events, ["error timeout", "restart timeout"]);
  });
}

Deno.test("a sandbox that cannot be configured after a restart is not restarted again and again", async () => {
  await withHost(
    { file: fixture("misbehave.ts"), className: "HangsOnRelaunch", timeLimitMs: 300 },
    async (host) => {
      await host.configure({ mode: "hang-at-launch" });
      await assert.rejects(
        host.process(testFrame({ do: "hang" })),
        (e: ProcessorError) => e.kind === "timeout",
      );
      await assert.rejects(host.process(testFrame()), /configure took longer than 300 ms/);
      await new Promise((r) => setTimeout(r, 700));
      assert.deepEqual(host.counters, { errors: 2, restarts: 1, timeouts: 2, crashes: 0 });
    },
  );
});

Deno.test("process: a processor exhausting its memory limit dies, is restarted and reported", async () => {
  const restarts: string[] = [];
  await withHost({
    file: fixture("misbehave.ts"),
    className: "Misbehave",
    isolation: "process",
    memoryMb: 64,
    timeLimitMs: 20_000,
    onEvent: (e) => e.kind === "restart" && restarts.push(e.message),
  }, async (host) => {
    await assert.rejects(host.process(testFrame({ do: "bomb" })), (e: ProcessorError) => e.kind === "crash");
    const [out] = await host.process(testFrame({}, undefined, 9));
    assert.equal((out as { uniqueId: number }).uniqueId, 9);
    assert.equal(host.counters.crashes, 1);
    assert.equal(host.counters.restarts, 1);
  });
  assert.equal(restarts.length, 1);
  assert.match(restarts[0], /the sandbox died/);
});

Deno.test("process: npm packages are not resolved unless granted", async () => {
  await withHost({ file: fixture("escape.ts"), isolation: "process" }, async (host) => {
    assert.match((await attempt(host, "importNpm", "npm:yaml@2.9.1")).message, /--no-npm/);
  });
});

Deno.test("worker: under --cached-only an npm package outside the cache cannot be fetched (cached ones load)", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--cached-only",
      "-A",
      fixture("cached_only_host.ts"),
      "npm:pvastream-never-published@0.0.0",
      "npm:yaml@2.9.1",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.equal(code, 0);
  const [uncached, cached] = new TextDecoder().decode(stdout).trim().split("\n");
  assert.match(uncached, /^npm:pvastream-never-published@0.0.0: .*not found in cache.*--cached-only/);
  // The documented limit of worker isolation: what the host's cache holds, a Worker can import.
  assert.equal(cached, "npm:yaml@2.9.1: imported");
});
