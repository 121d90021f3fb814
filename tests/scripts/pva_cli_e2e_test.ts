/**
 * End to end: `pva serve` hosts PVs from a YAML file in one process; `pva get/put/list`
 * (and p4p, the Python binding of pvxs) read them from others. Everything stays on
 * 127.0.0.1 with free ports.
 */
import assert from "node:assert/strict";
import { epicsEnv, freePorts, peerPython, requirePeers } from "../interop/peers.ts";
import { P4pServer } from "../pva/client/p4p_peer.ts";
import { RawServer } from "../pva/client/raw_server.ts";
import { errorStatus } from "../../protocol/pvdata/status.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

const YAML = `
pvs:
  - { name: e2e:wave, kind: scalarArray, type: int16, value: [1, -2, 3] }
  - { name: e2e:big, kind: scalar, type: uint64, value: "18446744073709551615", readOnly: true }
  - { name: e2e:temp, kind: scalar, type: float64, value: 21.5 }
  - name: e2e:point
    kind: structure
    id: e2e:point:1.0
    fields: { x: float64, n: int32, tags: "string[]", where: { union: { at: float64, named: string } } }
    value: { x: 1.5, n: -4, tags: [a, b], where: { name: named, value: home } }
`;

const python = peerPython();
const ignoreP4p = !requirePeers("the p4p steps of the pva e2e tests");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cmd: string, args: string[], env: Record<string, string>): Promise<Run> {
  const out = await new Deno.Command(cmd, { args, env, cwd: ROOT, stdin: "null" }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

const pva = (args: string[], env: Record<string, string>) =>
  run(Deno.execPath(), ["run", "-A", "scripts/pva.ts", ...args], env);

/** Reads the server's stdout until its ready line. */
async function readyLine(server: Deno.ChildProcess): Promise<string> {
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => reader.cancel(), 30_000);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel();
  }
  return text.trim();
}

Deno.test("pva serve hosts YAML PVs that pva get/put/list and p4p read", async (t) => {
  const ports = freePorts();
  const env = epicsEnv(ports);
  const dir = await Deno.makeTempDir();
  const file = `${dir}/pvs.yaml`;
  await Deno.writeTextFile(file, YAML);
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/pva.ts", "serve", file],
    env,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    assert.match(await readyLine(server), new RegExp(`^pva serve: 4 PVs from .* on TCP port ${ports.tcp}, `));

    await t.step("pva get --json prints one exact document per PV", async () => {
      const r = await pva(["get", "--json", "e2e:big", "e2e:point", "e2e:wave"], env);
      assert.equal(r.code, 0, r.stderr);
      const docs = r.stdout.trim().split("\n").map((line) => JSON.parse(line));
      assert.deepEqual(docs.map((d) => d.name), ["e2e:big", "e2e:point", "e2e:wave"]);
      assert.equal(docs[0].value.value, "18446744073709551615");
      assert.deepEqual(docs[1].value, {
        x: 1.5,
        n: -4,
        tags: ["a", "b"],
        where: { name: "named", value: "home" },
      });
      assert.deepEqual(docs[2].value.value, [1, -2, 3]);
    });

    await t.step("pva put writes; a read-only PV refuses with status 1", async () => {
      for (
        const args of [["e2e:temp", "-7.25"], ["e2e:point", "n=12", 'where={"name": "at", "value": 2}']]
      ) {
        const put = await pva(["put", ...args], env);
        assert.equal(put.code, 0, put.stderr);
      }
      const r = await pva(["get", "e2e:temp", "e2e:point"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^e2e:temp \S+Z -7\.25$/m);
      assert.match(r.stdout, /^ {4}n = 12$/m);
      assert.match(r.stdout, /^ {4}where->at = 2$/m);
      const refused = await pva(["put", "e2e:big", "1"], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /e2e:big: .*read-only/);
    });

    await t.step("pva monitor -n prints updates as they come and stops", async () => {
      const monitor = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "scripts/pva.ts", "monitor", "--json", "-n", "2", "e2e:temp"],
        env,
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
      }).spawn();
      const kill = setTimeout(() => monitor.kill(), 20_000);
      const lines = monitor.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!text.endsWith("\n")) text += (await lines.read()).value ?? "\n";
      // The first update is the current value; this put makes the second.
      assert.equal((await pva(["put", "e2e:temp", "99"], env)).code, 0);
      for (let chunk = await lines.read(); !chunk.done; chunk = await lines.read()) text += chunk.value;
      clearTimeout(kill);
      assert.equal((await monitor.status).code, 0);
      const docs = text.trim().split("\n").map((line) => JSON.parse(line));
      assert.equal(docs.length, 2, text);
      assert.equal(docs[1].value.value, 99);
      assert.deepEqual(docs[1].changed, [
        "value",
        "timeStamp.secondsPastEpoch",
        "timeStamp.nanoseconds",
        "timeStamp.userTag",
      ]);
    });

    await t.step("pva list finds the server; failures and usage errors have their statuses", async () => {
      const list = await pva(["list", "--json", "-w", "1"], env);
      assert.equal(list.code, 0, list.stderr);
      const servers = list.stdout.trim().split("\n").map((line) => JSON.parse(line));
      assert.ok(servers.some((s) => s.port === ports.tcp && /^[0-9a-f]{24}$/.test(s.guid)), list.stdout);
      const missing = await pva(["get", "-w", "0.5", "e2e:nothing"], env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /e2e:nothing: .*timed out/);
      const usage = await pva(["get", "--frobnicate", "e2e:temp"], env);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /unknown option '--frobnicate'/);
    });

    await t.step({
      name: "p4p reads the served PVs as pva get --json does",
      ignore: ignoreP4p,
      fn: async () => {
        for (const name of ["e2e:wave", "e2e:point"]) {
          const peer = await run(python!, [`${ROOT}tests/interop/py/p4p_client.py`, "get", name], env);
          assert.equal(peer.code, 0, peer.stderr + peer.stdout);
          const ours = await pva(["get", "--json", name], env);
          assert.deepEqual(JSON.parse(peer.stdout).value, JSON.parse(ours.stdout).value);
        }
      },
    });
  } finally {
    server.kill("SIGTERM");
    await server.status;
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal((await server.status).code, 0, "pva serve stops cleanly on SIGTERM");
});

Deno.test({
  name: "pva get, put and info end their connections in order: the p4p server logs no reset",
  ignore: ignoreP4p,
  fn: async () => {
    const ports = freePorts();
    const server = await P4pServer.start(ports, ["put:float64"]);
    const env = epicsEnv(ports);
    const pv = server.pv("put:float64");
    let log = "";
    try {
      for (const args of [["put", pv, "-2.5"], ["get", pv], ["info", pv]]) {
        const r = await pva(args, env);
        assert.equal(r.code, 0, r.stderr);
        if (args[0] === "get") assert.match(r.stdout, /-2\.5$/m);
      }
    } finally {
      log = await server.stopAndReadLog();
    }
    // pvxs logs "connection ... closed with socket error 104 : Connection reset by peer".
    assert.doesNotMatch(log, /reset by peer|socket error/i, log);
  },
});

Deno.test("pva --log-level and --log-format shape what the client logs on standard error", async () => {
  await using server = RawServer.start({ createChannel: () => errorStatus("not here") });
  const env = {
    ...epicsEnv(freePorts()),
    EPICS_PVA_ADDR_LIST: "",
    EPICS_PVA_NAME_SERVERS: server.address,
  };
  const json = await pva(["get", "-w", "1", "--log-format", "json", "e2e:refused"], env);
  assert.equal(json.code, 1);
  const [record, ...rest] = json.stderr.trim().split("\n");
  assert.deepEqual({ ...JSON.parse(record), time: "" }, {
    time: "",
    level: "warn",
    name: "pva",
    message: `channel e2e:refused: ${server.address} refused it: not here`,
  });
  // Then the error of the get, which says why it failed.
  assert.deepEqual(rest, [
    `e2e:refused: get e2e:refused (channel searching): ${server.address} refused the channel: not here (gave up after 1000 ms)`,
  ]);
  const quiet = await pva(["get", "-w", "1", "--log-level", "error", "e2e:refused"], env);
  assert.equal(quiet.stderr.trim().split("\n").length, 1, quiet.stderr);
});

Deno.test("pva list --env shows the variables as set and the settings they give; a bad one is named", async () => {
  const env = {
    EPICS_PVA_SERVER_PORT: "15099",
    PVASTREAM_MAX_MESSAGE_BYTES: "1048576",
    EPICS_CA_ADDR_LIST: "",
  };
  const text = await pva(["list", "--env"], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ {2}EPICS_PVA_SERVER_PORT=15099$/m);
  assert.match(text.stdout, /^ {2}serverPort 15099$/m);
  assert.match(text.stdout, /^ {2}limits\.maxMessageBytes 1048576$/m);
  assert.match(text.stdout, /not set \(defaults apply\):.* EPICS_PVA_ADDR_LIST/);

  const json = await pva(["list", "--env", "--json"], env);
  const report = JSON.parse(json.stdout);
  assert.equal(report.variables.EPICS_PVA_SERVER_PORT, "15099");
  assert.equal(report.variables.EPICS_PVA_ADDR_LIST, null);
  assert.equal(report.pva.limits.maxMessageBytes, 1048576);
  assert.equal(report.ca.serverPort, 5064);

  const bad = await pva(["list", "--env"], { EPICS_PVA_SERVER_PORT: "port" });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /EPICS_PVA_SERVER_PORT=port is not a port number/);
});

Deno.test("precedence: pva serve's command line wins over PVASTREAM_*, which wins over the file's limits", async () => {
  const dir = await Deno.makeTempDir();
  const wave = JSON.stringify(Array.from({ length: 2000 }, (_, i) => i)); // 16 kB on the wire
  const putWith = async (fileLimit: number | undefined, envLimit: string | undefined, cli: string[]) => {
    const file = `${dir}/pvs-${fileLimit}.yaml`;
    const limits = fileLimit === undefined ? "" : `limits: { maxMessageBytes: ${fileLimit} }\n`;
    await Deno.writeTextFile(
      file,
      `${limits}pvs:\n  - { name: prec:wave, kind: scalarArray, type: float64, value: [] }\n`,
    );
    const ports = freePorts();
    const env: Record<string, string> = { ...epicsEnv(ports) };
    if (envLimit !== undefined) env.PVASTREAM_MAX_MESSAGE_BYTES = envLimit;
    const server = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/pva.ts", "serve", ...cli, file],
      env,
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      assert.match(await readyLine(server), /^pva serve: 1 PVs from /);
      return (await pva(["put", "-w", "3", "prec:wave", wave], env)).code;
    } finally {
      server.kill("SIGTERM");
      await server.status;
    }
  };
  try {
    assert.equal(await putWith(4096, undefined, []), 1, "the file's 4 kB limit applies");
    assert.equal(await putWith(4096, "1048576", []), 0, "the environment's megabyte wins over the file");
    assert.equal(await putWith(undefined, "1048576", []), 0, "the environment's megabyte applies");
    assert.equal(
      await putWith(1048576, "1048576", ["--max-message-bytes", "4096"]),
      1,
      "the command line's 4 kB wins over both",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
