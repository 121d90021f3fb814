import assert from "node:assert/strict";
import {
  noPermissions,
  parsePermissions,
  permissionFlags,
  processorHostOptions,
  processorMain,
  workerPermissions,
} from "../../../mod.ts";

Deno.test("parsePermissions: key=value grants, bare items continue a list, relative paths resolved", () => {
  const p = parsePermissions(
    ["read=/data,calib,write=out", "net=127.0.0.1:9000,localhost:80,env=HOME,gpu"],
    "/work",
  );
  assert.deepEqual(p, {
    read: ["/data", "/work/calib"],
    write: ["/work/out"],
    net: ["127.0.0.1:9000", "localhost:80"],
    env: ["HOME"],
    import: [],
    gpu: true,
    npm: false,
  });
  assert.deepEqual(parsePermissions([]), noPermissions());
  assert.deepEqual(parsePermissions(["read=/data/../etc"]).read, ["/etc"]);
  assert.throws(() => parsePermissions(["run=ls"]), /unknown grant "run=ls"/);
  assert.throws(() => parsePermissions(["/data"]), /unknown grant "\/data"/);
  assert.throws(() => parsePermissions(["read="]), /read= needs a value/);
});

Deno.test("permissions become exactly these Worker permissions and deno flags", () => {
  const p = parsePermissions(["read=/data,net=127.0.0.1:9000"]);
  assert.deepEqual(workerPermissions(p), {
    read: ["/data"],
    write: false,
    net: ["127.0.0.1:9000"],
    env: false,
    import: false,
    run: false,
    ffi: false,
    sys: false,
  });
  assert.deepEqual(permissionFlags(p), [
    "--no-prompt",
    "--allow-read=/data",
    "--allow-net=127.0.0.1:9000",
    "--deny-import",
    "--no-npm",
  ]);
  assert.deepEqual(permissionFlags(parsePermissions(["npm,import=example.com"])), [
    "--no-prompt",
    "--allow-import=example.com",
  ]);
});

Deno.test("processorHostOptions: command-line values to host options, errors naming the option", () => {
  const o = processorHostOptions({
    "processor-file": "p.ts",
    "processor-class": "P",
    "processor-args": '{"bins": 8}',
    "processor-permissions": ["read=/data"],
    "processor-isolation": "process",
    "processor-memory-mb": "256",
    "processor-time-limit": "2.5",
  });
  assert.deepEqual(o, {
    file: "p.ts",
    className: "P",
    args: { bins: 8 },
    permissions: parsePermissions(["read=/data"]),
    isolation: "process",
    memoryMb: 256,
    timeLimitMs: 2500,
  });
  const bad: [Record<string, string>, RegExp][] = [
    [{ "processor-args": "{" }, /--processor-args: not JSON/],
    [{ "processor-args": "[1]" }, /--processor-args: expected a JSON object/],
    [{ "processor-isolation": "vm" }, /--processor-isolation: expected worker or process, got "vm"/],
    [{ "processor-memory-mb": "64" }, /--processor-memory-mb needs --processor-isolation process/],
    [{ "processor-time-limit": "-1" }, /--processor-time-limit: expected a positive number/],
  ];
  for (const [v, reason] of bad) {
    assert.throws(() => processorHostOptions({ "processor-file": "p.ts", ...v }), reason);
  }
  assert.throws(() => processorHostOptions({}), /--processor-file is required/);
});

Deno.test("processorMain hands the command line to the consumer with the script as the processor", async () => {
  const seen: string[][] = [];
  const run = (argv: string[]) => Promise.resolve(void seen.push(argv));
  await processorMain("file:///p.ts", { argv: ["--input-channel", "x"], className: "P", run });
  await processorMain("file:///p.ts", { argv: ["--processor-class", "Q"], className: "P", run });
  assert.deepEqual(seen, [
    ["--processor-file", "file:///p.ts", "--processor-class", "P", "--input-channel", "x"],
    ["--processor-file", "file:///p.ts", "--processor-class", "Q"],
  ]);
  await assert.rejects(
    processorMain("file:///p.ts", { argv: ["--processor-file", "other.ts"], run }),
    /this script is the processor/,
  );
  await assert.rejects(
    processorMain("file:///p.ts", { argv: ["--processor-isolation", "vm"], run }),
    /--processor-isolation/,
  );
  assert.equal(seen.length, 2);
});
