/**
 * Discovery between hosts: our server on host 1 of a lab (network namespaces joined by a bridge,
 * tests/support/netns.ts), found from host 2 by UDP broadcast across the bridge (the subnet's broadcast
 * address, or the automatic address list of the host's interfaces) and through a name server (TCP search),
 * by our client (`pva get`, `pva list`) and by p4p's. Each client only knows the way it is given: no
 * loopback, no other search destination.
 */
import assert from "node:assert/strict";
import { parsePeerJson, peerPython, requirePeers } from "../interop/peers.ts";
import { LAB_BROADCAST, type LabHost, NetnsLab, requireNetns } from "../support/netns.ts";
import { ProcessLines } from "../support/process_lines.ts";

const IGNORE = !(await requireNetns("discovery across hosts"));
const IGNORE_P4P = IGNORE || !requirePeers("discovery across hosts with p4p");

const ROOT = new URL("../../", import.meta.url).pathname;
const P4P_CLIENT = new URL("../interop/py/p4p_client.py", import.meta.url).pathname;
const PV = "hosts:temp";
const YAML = `pvs:\n  - { name: ${PV}, kind: scalar, type: float64, value: 21.5 }\n`;

/** Environment of a host's client that finds servers only the way `ways` says. */
function clientEnv(
  ways: { addrList?: string; auto?: boolean; nameServers?: string },
): Record<string, string> {
  return {
    EPICS_PVA_ADDR_LIST: ways.addrList ?? "",
    EPICS_PVA_AUTO_ADDR_LIST: ways.auto ? "YES" : "NO",
    EPICS_PVA_NAME_SERVERS: ways.nameServers ?? "",
    EPICS_PVA_SERVER_PORT: "5075",
    EPICS_PVA_BROADCAST_PORT: "5076",
  };
}

/** The ways a client on another host can find the server on `server`. */
function ways(server: LabHost) {
  return [
    { how: "broadcast to the subnet", env: clientEnv({ addrList: LAB_BROADCAST }) },
    { how: "the automatic address list", env: clientEnv({ auto: true }) },
    { how: "a name server", env: clientEnv({ nameServers: `${server.address}:5075` }) },
  ];
}

/** Runs `pva ARGS` on `host` to completion. */
async function pva(lab: NetnsLab, host: LabHost, args: string[], env: Record<string, string>) {
  const child = lab.spawn(host, Deno.execPath(), {
    args: ["run", "-A", "scripts/pva.ts", ...args],
    env,
    cwd: ROOT,
  });
  return await new ProcessLines(child, `pva ${args.join(" ")}`).finished(30_000);
}

/** A lab of three hosts with `pva serve` hosting {@link PV} on the first, on the default ports. */
async function labWithServer(): Promise<NetnsLab> {
  const lab = await NetnsLab.create({ hosts: 3 });
  const dir = await Deno.makeTempDir({ prefix: "pvastream-hosts-" });
  try {
    await Deno.writeTextFile(`${dir}/pvs.yaml`, YAML);
    const server = lab.spawn(lab.hosts[0], Deno.execPath(), {
      args: ["run", "-A", "scripts/pva.ts", "serve", `${dir}/pvs.yaml`],
      env: { EPICS_PVA_AUTO_ADDR_LIST: "YES", EPICS_PVAS_INTF_ADDR_LIST: "0.0.0.0", EPICS_PVA_ADDR_LIST: "" },
      cwd: ROOT,
    });
    await new ProcessLines(server, "pva serve").until(/^pva serve: 1 PVs .* on TCP port 5075, /, 30_000);
    return lab;
  } catch (e) {
    await lab[Symbol.asyncDispose]();
    throw e;
  } finally {
    await Deno.remove(dir, { recursive: true }); // read once the server is up
  }
}

Deno.test({
  name: "our client on another host finds our server by broadcast, address list and name server",
  ignore: IGNORE,
  fn: async (t) => {
    await using lab = await labWithServer();
    const [server, client, isolated] = lab.hosts;
    for (const { how, env } of ways(server)) {
      await t.step(how, async () => {
        const got = await pva(lab, client, ["get", "--json", "-w", "10", PV], env);
        assert.equal(got.code, 0, got.stderr);
        assert.equal(JSON.parse(got.stdout).value.value, 21.5);
      });
    }
    await t.step("pva list by broadcast names the server's host address", async () => {
      const list = await pva(
        lab,
        client,
        ["list", "--json", "-w", "2"],
        clientEnv({ addrList: LAB_BROADCAST }),
      );
      assert.equal(list.code, 0, list.stderr);
      const found = list.stdout.trim().split("\n").map((line) => JSON.parse(line));
      assert.deepEqual(found.map((s) => `${s.host}:${s.port}`), [`${server.address}:5075`]);
    });
    await t.step("with the server's link cut, nothing is found (no other way round)", async () => {
      await lab.cut(server);
      const got = await pva(lab, isolated, ["get", "-w", "1", PV], clientEnv({ addrList: LAB_BROADCAST }));
      await lab.restore(server);
      assert.notEqual(got.code, 0, got.stdout);
      assert.match(got.stderr, /timed? ?out|timeout/i);
    });
  },
});

Deno.test({
  name: "p4p on another host finds our server by broadcast, address list and name server",
  ignore: IGNORE_P4P,
  fn: async (t) => {
    await using lab = await labWithServer();
    const [server, client] = lab.hosts;
    for (const { how, env } of ways(server)) {
      await t.step(how, async () => {
        const child = lab.spawn(client, peerPython()!, {
          args: [P4P_CLIENT, "get", PV],
          env: { ...env, PYTHONUNBUFFERED: "1" },
        });
        const got = await new ProcessLines(child, "p4p get").finished(30_000);
        assert.equal(got.code, 0, got.stderr);
        const doc = parsePeerJson(got.stdout.trim().split("\n")[0]) as { value: { value: number } };
        assert.equal(doc.value.value, 21.5);
      });
    }
  },
});
