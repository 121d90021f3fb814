/**
 * `pva get|put|monitor -r TEXT` accept every pvRequest form (tests/pva/client/request_forms.ts)
 * against our server: through the command-line parser and runner in this process for every
 * form, and through `scripts/pva.ts` in a process of its own for the forms a distributed
 * consumer uses.
 */
import assert from "node:assert/strict";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import { SharedPV } from "../../protocol/pva/server/mod.ts";
import { parseCommandLine } from "../../scripts/lib/args.ts";
import { type ClientCommand, runClientCommand } from "../../scripts/lib/client_commands.ts";
import { FORMS_TYPE, probeOf, REQUEST_FORMS } from "../pva/client/request_forms.ts";
import { startServer } from "../pva/server/harness.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NAME = "cli:forms";

/** Runs `argv` as `pva` would in this process; returns the exit status and the output lines. */
async function pva(port: number, argv: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const inv = parseCommandLine(argv);
  if ("help" in inv) throw new Error("unexpected help");
  const out: string[] = [];
  const err: string[] = [];
  const config = loopbackConfig({ nameServers: [`127.0.0.1:${port}`] });
  const status = await runClientCommand(inv as ClientCommand, {
    config,
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
  });
  return { status, out, err };
}

function formsPv(): SharedPV {
  const pv = new SharedPV();
  pv.open({ type: FORMS_TYPE, value: { value: 1, uniqueId: 1 } });
  return pv;
}

Deno.test("pva get, put and monitor -r accept every pvRequest form", async () => {
  using s = await startServer({ [NAME]: formsPv() });
  let n = 100;
  for (const { text, probe } of REQUEST_FORMS) {
    const what = JSON.stringify(text);
    const written = ++n;
    const put = await pva(s.port, ["put", "-r", text, NAME, `${probe}=${written}`]);
    assert.deepEqual([put.status, put.err], [0, []], `put ${what}`);
    for (const command of ["get", "monitor"]) {
      const args = command === "monitor" ? ["monitor", "-n", "1"] : [command];
      const run = await pva(s.port, [...args, "--json", "-r", text, NAME]);
      assert.deepEqual([run.status, run.err], [0, []], `${command} ${what}`);
      assert.equal(run.out.length, 1, `${command} ${what}`);
      assert.equal(probeOf(JSON.parse(run.out[0]).value, probe), written, `${command} ${what}`);
    }
  }
});

Deno.test("scripts/pva.ts monitor -r with the distributor and field-list short forms", async () => {
  using s = await startServer({ [NAME]: formsPv() });
  const env = {
    EPICS_PVA_NAME_SERVERS: `127.0.0.1:${s.port}`,
    EPICS_PVA_ADDR_LIST: "",
    EPICS_PVA_AUTO_ADDR_LIST: "NO",
  };
  for (const text of ["_[pydistributor=trigger:uniqueId]", "value,alarm"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/pva.ts", "monitor", "-n", "1", "--json", "-r", text, NAME],
      env,
      cwd: ROOT,
      stdin: "null",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `${text}: ${stderr}`);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assert.equal(JSON.parse(lines[0]).value.value, 1, text);
  }
});
