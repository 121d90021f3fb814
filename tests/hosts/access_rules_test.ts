/**
 * Access rules by host: `pva serve --access-rules` on host 1 of a lab (network namespaces joined by a
 * bridge, tests/support/netns.ts) lets only host 2's address write a PV; p4p and pvapy clients on hosts
 * 2 and 3 (same user, distinct addresses) put to it; the refusal from host 3 names the operation, PV and user.
 */
import assert from "node:assert/strict";
import { parsePeerJson, peerPython, requirePeers } from "../interop/peers.ts";
import { type LabHost, NetnsLab, requireNetns } from "../support/netns.ts";
import { ProcessLines } from "../support/process_lines.ts";

const IGNORE = !(await requireNetns("access rules across hosts")) ||
  !requirePeers("access rules across hosts with p4p and pvapy");

const ROOT = new URL("../../", import.meta.url).pathname;
const PV = "hosts:setpoint";
const YAML = `pvs:\n  - { name: ${PV}, kind: scalar, type: float64, value: 1.5 }\n`;
/** The lab numbers hosts 10.77.0.1, .2, .3: only the second may write. */
const RULES =
  `HAG(beamline) { 10.77.0.2 }\nASG(DEFAULT) {\n  RULE(1, READ)\n  RULE(1, WRITE) { HAG(beamline) }\n}\n`;

/** What a client on `host` prints for `op` with the server on `server` as its name server. */
async function peer(lab: NetnsLab, host: LabHost, server: LabHost, script: string, args: string[]) {
  const child = lab.spawn(host, peerPython()!, {
    args: [new URL(`../interop/py/${script}`, import.meta.url).pathname, ...args],
    env: {
      EPICS_PVA_NAME_SERVERS: `${server.address}:5075`,
      EPICS_PVA_ADDR_LIST: "",
      EPICS_PVA_AUTO_ADDR_LIST: "NO",
      PYTHONUNBUFFERED: "1",
    },
  });
  const done = await new ProcessLines(child, `${script} ${args.join(" ")}`).finished(30_000);
  const doc = parsePeerJson(done.stdout.trim().split("\n")[0] || "{}") as Record<string, unknown>;
  return { code: done.code, doc, stderr: done.stderr };
}

Deno.test({
  name: "access rules by address: p4p and pvapy may put from host 2, are refused from host 3, read from both",
  ignore: IGNORE,
  fn: async (t) => {
    await using lab = await NetnsLab.create({ hosts: 3 });
    const [server, allowed, refused] = lab.hosts;
    assert.equal(allowed.address, "10.77.0.2");
    const dir = await Deno.makeTempDir({ prefix: "pvastream-hosts-acf-" });
    try {
      await Deno.writeTextFile(`${dir}/pvs.yaml`, YAML);
      await Deno.writeTextFile(`${dir}/rules.acf`, RULES);
      const child = lab.spawn(server, Deno.execPath(), {
        args: [
          "run",
          "-A",
          "scripts/pva.ts",
          "serve",
          "--access-rules",
          `${dir}/rules.acf`,
          `${dir}/pvs.yaml`,
        ],
        env: { EPICS_PVAS_INTF_ADDR_LIST: "0.0.0.0", EPICS_PVA_ADDR_LIST: "" },
        cwd: ROOT,
      });
      await new ProcessLines(child, "pva serve").until(/^pva serve: 1 PVs .* on TCP port 5075/, 30_000);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    let value = 1.5;
    for (const script of ["p4p_client.py", "pvapy_client.py"]) {
      await t.step(script, async () => {
        const ok = await peer(lab, allowed, server, script, ["put", PV, String(value + 1)]);
        assert.equal(ok.code, 0, ok.stderr);
        value += 1;
        const no = await peer(lab, refused, server, script, ["put", PV, "99"]);
        assert.equal(no.code, 1, no.stderr);
        assert.match(String(no.doc.error), new RegExp(`put access to ${PV} denied for \\w+@`));
        for (const host of [allowed, refused]) {
          const got = await peer(lab, host, server, script, ["get", PV]);
          assert.equal(got.code, 0, got.stderr);
          assert.equal((got.doc.value as { value: number }).value, value, `read from ${host.address}`);
        }
      });
    }
  },
});
