/**
 * scripts/mirror.ts as a subprocess: a run mirroring one of our servers prints PvaPy's lines (adding,
 * periodic counters, final statistics); it serves the HTTP API and stops on SIGINT; --help; exit status 2
 * for a bad command line, with the message naming the option or the channel-map entry.
 */
import assert from "node:assert/strict";
import { configFromEnv, PvaServer } from "../../../mod.ts";
import { epicsEnv, freePorts } from "../../interop/peers.ts";
import { counterPv } from "../../pva/server/harness.ts";
import { within } from "../../support/within.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

function mirrorCommand(args: string[], env: Record<string, string> = epicsEnv(freePorts())): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/mirror.ts", ...args],
    env,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("a 2 s run mirroring our server: PvaPy's lines, counters, final statistics", async () => {
  const ports = freePorts();
  const env = epicsEnv(ports);
  const src = counterPv(0);
  // The source is on the broadcast port; the mirror takes another TCP port and searches through UDP.
  const source = new PvaServer({ config: configFromEnv(env) });
  source.addPV("t:cli", src);
  await source.start();
  try {
    const run = mirrorCommand(["-cm", "(m:cli,t:cli)", "-rt", "2", "-rp", "0.5"], {
      ...env,
      EPICS_PVAS_SERVER_PORT: String(freePorts().tcp),
    }).output();
    const ticker = setInterval(() => src.post({ value: (src.value.value as number) + 1 }), 100);
    const out = await within(run, 60_000, "the mirror script");
    clearInterval(ticker);
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(stdout, /^Adding mirror channel m:cli using source t:cli \(provider: pva; queue size: 0; /m);
    assert.match(stdout, /^Started mirror server on TCP port \d+$/m);
    const counters = [
      ...stdout.matchAll(/^Channel m:cli @ \d+\.\d{3}: \{'nReceived': (\d+), 'nOverruns': 0, /gm),
    ]
      .map((m) => Number(m[1]));
    assert.ok(counters.length >= 3, stdout);
    assert.ok(counters.at(-1)! > 5, `updates were mirrored: ${counters}`);
    assert.deepEqual([...counters].sort((a, b) => a - b), counters, "counts only grow");
    assert.match(stdout, /^Final Channel Statistics:$/m);
  } finally {
    await source.close();
  }
});

Deno.test("--help, and exit status 2 naming the option or the entry", async () => {
  const help = await mirrorCommand(["--help"]).output();
  assert.equal(help.code, 0);
  assert.match(new TextDecoder().decode(help.stdout), /-cm, --channel-map MAP/);
  const cases: [string[], RegExp][] = [
    [[], /--channel-map is required/],
    [["-cm", "(m:a,s:a,udp)"], /channel map entry "\(m:a,s:a,udp\)": the provider must be pva or ca/],
    [["-cm", "(m:a,s:a)", "--report-every", "1"], /--report-every/],
    [["-cm", "(m:a,s:a)", "--log-format", "xml"], /--log-format must be one of text, json, not "xml"/],
    [["-cm", "(m:a,s:a)", "-ll", "loud"], /--log-level/],
  ];
  for (const [args, message] of cases) {
    const out = await mirrorCommand(args).output();
    assert.equal(out.code, 2, args.join(" "));
    assert.match(new TextDecoder().decode(out.stderr), message);
  }
});

Deno.test("the HTTP API of the script, and SIGINT stopping it with the final statistics", async () => {
  const child = mirrorCommand(["-cm", "(m:int,t:int)", "--http-port", "0"]).spawn();
  const decoder = new TextDecoderStream();
  const reader = child.stdout.pipeThrough(decoder).getReader();
  let stdout = "";
  await within(
    (async () => {
      while (!stdout.includes("Started mirror server")) {
        const { value, done } = await reader.read();
        if (done) break;
        stdout += value;
      }
    })(),
    30_000,
    "the script to start",
  );
  const api = /^HTTP API on (\S+)$/m.exec(stdout);
  assert.ok(api, stdout);
  const status = await (await fetch(new URL("/api/status", api[1]))).json();
  assert.deepEqual(
    status.channels.map((c: { mirror: string; connected: boolean }) => [c.mirror, c.connected]),
    [
      ["m:int", false],
    ],
  );
  child.kill("SIGINT");
  const rest = within(
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        stdout += value;
      }
    })(),
    15_000,
    "the script to stop",
  );
  const [exit] = await Promise.all([child.status, rest, child.stderr.cancel()]);
  assert.equal(exit.code, 0);
  assert.match(stdout, /^Final Channel Statistics:\nChannel m:int @ \d+\.\d{3}: \{'nReceived': 0, /m);
});
