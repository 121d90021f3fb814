/**
 * `deno task fuzz`: the structure-aware pvAccess fuzzer. Starts the server under test in its own
 * process (server_child.ts) with a p4p client monitoring one of its PVs, runs the chosen targets
 * with a seeded random source, then checks that the server is still up, still answers a get on
 * both of its ports, kept its resident memory bounded, and that the p4p monitor kept receiving.
 *
 *   deno task fuzz --messages 20000 --seed 1 --target all [--json]
 *
 * `--messages` is the total, shared evenly by the chosen targets. Exit status 0 when every check passed, 1 otherwise. With
 * `--json` the last line of standard output is the whole result as one JSON document.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { PvaClient } from "../../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import { PREFIX } from "../interop/hosted.ts";
import { peerPython } from "../interop/peers.ts";
import { runClientChild } from "./client_child.ts";
import { loadCorpus } from "./corpus.ts";
import { P4pWatch } from "./p4p_watch.ts";
import { Rng } from "./rng.ts";
import { fuzzServer } from "./server_target.ts";
import { ServerProcess } from "./server_process.ts";
import { newReport, type TargetReport } from "./stats.ts";
import { fuzzUdp } from "./udp_target.ts";

const TARGETS = ["server", "udp", "client"] as const;
const MiB = 1 << 20;
/** The PV the p4p monitor watches (the child posts it every 20 ms). */
const WATCHED = `${PREFIX}counter`;

/** The outcome of a whole run. */
export interface FuzzResult {
  seed: number;
  messages: number;
  reports: TargetReport[];
  /** Checks on the server process and the p4p monitor, each with whether it passed. */
  checks: { name: string; ok: boolean; detail: string }[];
  ok: boolean;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    messages: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
    target: { type: "string", default: "all" },
    concurrency: { type: "string", default: "32" },
    "max-gap-ms": { type: "string", default: "5000" },
    json: { type: "boolean", default: false },
  },
});
const messages = Number(values.messages);
const seed = Number(values.seed);
const targets = values.target === "all" ? [...TARGETS] : [values.target as typeof TARGETS[number]];
if (!Number.isSafeInteger(messages) || messages <= 0 || !Number.isSafeInteger(seed)) {
  throw new Error("--messages must be a positive integer and --seed an integer");
}
if (targets.some((t) => !TARGETS.includes(t))) {
  throw new Error(`--target must be all or one of ${TARGETS.join(", ")}`);
}

const perTarget = Math.ceil(messages / targets.length);
const result = await run();
print(result);
Deno.exit(result.ok ? 0 : 1);

async function run(): Promise<FuzzResult> {
  const rng = new Rng(seed);
  const corpus = loadCorpus();
  const checks: FuzzResult["checks"] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  if (corpus.toServer.length === 0 || corpus.toClient.length === 0 || corpus.datagrams.length === 0) {
    throw new Error(
      "empty corpus: no captures in shared/vectors (set PVASTREAM_VECTORS) and no tests/fuzz/corpus",
    );
  }
  const server = await ServerProcess.start();
  const watch = peerPython() === null ? null : P4pWatch.start(server.ports, WATCHED);
  const reports: TargetReport[] = [];
  try {
    await watch?.firstUpdate(30_000);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a first heap report
    const rssBefore = await server.rssBytes();
    const heapBefore = server.heapUsedBytes;
    let rssPeak = rssBefore;
    const sampler = setInterval(async () => rssPeak = Math.max(rssPeak, await server.rssBytes()), 500);
    const updatesBefore = watch?.updates ?? 0;
    watch?.resetGap();
    for (const target of targets) {
      const report = newReport(target);
      reports.push(report);
      const targetRng = rng.fork();
      const gapBefore = watch?.longestGapMs() ?? 0;
      watch?.resetGap();
      if (target === "server") {
        await fuzzServer(targetRng, {
          port: server.ports.tcp,
          bigPort: server.ports.bigTcp,
          sessions: corpus.toServer,
          messages: perTarget,
          concurrency: Number(values.concurrency),
        }, report);
      } else if (target === "udp") {
        await fuzzUdp(targetRng, {
          port: server.ports.udp,
          pv: WATCHED,
          datagrams: corpus.datagrams,
          messages: perTarget,
        }, report);
      } else {
        Object.assign(report, await runClientChild(targetRng.u32(), perTarget));
      }
      if (watch) report.extra.p4pLongestGapMs = Math.round(watch.longestGapMs());
      report.extra.serverLongestStallMs = server.longestStallMs;
      report.extra.runnerRssMiB = Math.round(Deno.memoryUsage().rss / MiB);
      server.longestStallMs = 0;
      watch?.keepGap(gapBefore);
      if (target !== "client") { for (const [reason, n] of server.closedBy) report.closedBy[reason] = n; }
      server.closedBy.clear();
    }
    clearInterval(sampler);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rssAfter = await server.rssBytes();
    const gap = watch?.longestGapMs() ?? 0;
    check(
      "server process running",
      server.running,
      server.running ? `pid ${server.pid}` : `exited: ${JSON.stringify(server.exitStatus)}`,
    );
    for (
      const [name, port] of [["little-endian", server.ports.tcp], [
        "big-endian",
        server.ports.bigTcp,
      ]] as const
    ) {
      const answer = await getCounter(port);
      check(`${name} server answers a get`, typeof answer === "number", String(answer));
    }
    const bound = 2 * rssBefore + 64 * MiB;
    check(
      "resident memory bounded",
      rssBefore > 0 && rssAfter > 0 && rssAfter < bound,
      `before ${mib(rssBefore)}, peak ${mib(rssPeak)}, after ${mib(rssAfter)} (bound ${mib(bound)}); ` +
        `JavaScript heap in use ${mib(heapBefore)} before, ${mib(server.heapUsedBytes)} after ` +
        `(of ${mib(server.heapTotalBytes)}), ArrayBuffers ${mib(server.externalBytes)} after`,
    );
    check("no error logged by the server", server.errors.length === 0, server.errors.slice(0, 5).join(" | "));
    if (watch) {
      const updates = watch.updates - updatesBefore;
      check(
        "p4p monitor kept receiving",
        updates > 0 && gap < Number(values["max-gap-ms"]),
        `${updates} updates during the run, longest gap ${gap.toFixed(0)} ms`,
      );
    } else check("p4p monitor kept receiving", false, "no Python peer (PVASTREAM_PYTHON or .venv)");
    for (const r of reports) {
      check(`${r.target} target: no failure`, r.failures.length === 0, r.failures.slice(0, 3).join("\n"));
    }
  } finally {
    const stderr = await watch?.stop();
    await server.stop();
    if (stderr && checks.some((c) => c.name.startsWith("p4p") && !c.ok)) console.error(stderr);
  }
  return { seed, messages, reports, checks, ok: checks.every((c) => c.ok) };
}

/** The counter's value read with our client from `port`, or the error text. */
async function getCounter(port: number): Promise<number | string> {
  const client = new PvaClient({ config: loopbackConfig({ nameServers: [`127.0.0.1:${port}`] }) });
  try {
    return Number((await client.get(WATCHED, { timeout: 5000 })).value.value);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    client.close();
  }
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

function print(r: FuzzResult): void {
  const sent = r.reports.reduce((n, t) => n + t.messages, 0);
  console.log(`seed ${r.seed}: ${sent} messages sent (${r.messages} asked for)`);
  for (const t of r.reports) {
    console.log(
      `\n[${t.target}] ${t.messages} messages (${t.mutated} mutated) in ${t.seconds.toFixed(1)} s: ` +
        `${(t.messages / Math.max(t.seconds, 1e-9)).toFixed(0)} messages/s`,
    );
    console.log(`  outcomes: ${format(t.outcomes)}`);
    if (Object.keys(t.closedBy).length > 0) {
      console.log("  connections closed, by reason:");
      for (const [reason, n] of Object.entries(t.closedBy).sort((a, b) => b[1] - a[1]).slice(0, 25)) {
        console.log(`    ${String(n).padStart(7)}  ${reason}`);
      }
    }
    console.log(`  mutators: ${format(t.mutators)}`);
    if (Object.keys(t.extra).length > 0) console.log(`  ${format(t.extra)}`);
    for (const f of t.failures) console.log(`  FAILURE ${f}`);
  }
  console.log("");
  for (const c of r.checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
  console.log(r.ok ? "PASS" : "FAIL");
  if (values.json) console.log(JSON.stringify(r));
}

function format(counts: Record<string, unknown>): string {
  return Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(", ");
}
