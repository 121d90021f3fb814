/**
 * End to end: `pva serve` hosts PVs from a YAML file in one process; `pva get/put/list`
 * (and p4p, the Python binding of pvxs) read them from others. Everything stays on
 * 127.0.0.1 with free ports.
 */
import assert from "node:assert/strict";

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

function freePorts(): { tcp: number; udp: number } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const u = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const ports = { tcp: (l.addr as Deno.NetAddr).port, udp: (u.addr as Deno.NetAddr).port };
  l.close();
  u.close();
  return ports;
}

function loopbackEnv(ports: { tcp: number; udp: number }): Record<string, string> {
  return {
    EPICS_PVA_SERVER_PORT: String(ports.tcp),
    EPICS_PVA_BROADCAST_PORT: String(ports.udp),
    EPICS_PVA_ADDR_LIST: "127.0.0.1",
    EPICS_PVA_AUTO_ADDR_LIST: "NO",
    EPICS_PVAS_INTF_ADDR_LIST: "127.0.0.1",
    EPICS_PVAS_BEACON_ADDR_LIST: "127.0.0.1",
    EPICS_PVAS_AUTO_BEACON_ADDR_LIST: "NO",
  };
}

/** The Python with p4p: PVASTREAM_PYTHON, else the repository's .venv (see scripts/install-peers.sh). */
function findPython(): string | undefined {
  const isFile = (p: string) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  };
  return [Deno.env.get("PVASTREAM_PYTHON") ?? "", `${ROOT}.venv/bin/python`].find((p) =>
    p !== "" && isFile(p)
  );
}

const python = findPython();
const inCI = Deno.env.get("CI") !== undefined;
if (!python && !inCI) {
  console.warn(
    "pva e2e: no Python peer (set PVASTREAM_PYTHON or run `deno task peers`): the p4p step is ignored",
  );
}

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
  const env = loopbackEnv(ports);
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
        const args of [["e2e:temp", "--", "-7.25"], ["e2e:point", "n=12", 'where={"name": "at", "value": 2}']]
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
      ignore: !python && !inCI,
      fn: async () => {
        assert.ok(python, "no Python peer in CI: set PVASTREAM_PYTHON or run `deno task peers`");
        for (const name of ["e2e:wave", "e2e:point"]) {
          const peer = await run(python, [`${ROOT}tests/interop/py/p4p_client.py`, "get", name], env);
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
