/**
 * The streaming pipeline across four hosts of a lab (tests/support/netns.ts): the simulator on host 1; on
 * hosts 2 and 3 a consumer each (scripts/consumer.ts) sharing the frames through the data distributor and
 * publishing what it processed; on host 4 a collector (scripts/collector.ts) putting the two consumers'
 * outputs back in frame order, and a monitor of the whole stream (tests/hosts/frame_monitor.ts). Hosts 2
 * and 3 also run that monitor, which sees every frame over the same link with the time it took. Everyone
 * finds the simulator and the consumers by UDP broadcast across the bridge. Host 2's link loses and delays
 * packets for the whole run; host 3's link is cut for two seconds mid-run and restored (the collector's
 * cache holds the other consumer's frames meanwhile).
 *
 * "Exact" here: every frame the simulator published is processed by one of the two consumers, or refused
 * or named as missed by the consumer it was meant for, or counted by the simulator as not delivered; nothing
 * is left over; and the collector collects every frame the consumers processed, none missed or rejected.
 * For the cut link that means nothing is lost at all: the frames the server sent to host 3
 * while its link was down wait in the server's queue for host 3 and in TCP's send buffer, and TCP
 * retransmits them once the link is back, because the connection outlives the cut (it would be dropped only
 * after EPICS_PVA_CONN_TMO × 4/3, 40 s, of silence). They arrive late, not never. A cut longer than the
 * queues hold (the consumers ask for 100 entries, the monitors for 256) would fold frames into overruns,
 * which the accounting then names as missed or leaves unattributed.
 */
import assert from "node:assert/strict";
import { LAB_BROADCAST, type LabHost, NetnsLab, requireNetns } from "../support/netns.ts";
import { ProcessLines } from "../support/process_lines.ts";
import type { FrameMonitorResult } from "./frame_monitor.ts";

const IGNORE = !(await requireNetns("the pipeline across hosts"));
const ROOT = new URL("../../", import.meta.url).pathname;
const CHANNEL = "hosts:image";
const FPS = 50;
/** Host 2's link: loss and one-way delay, each way. */
const IMPAIRMENT = { lossPercent: 10, delayMs: 30 };
const CUT_MS = 2000;
/** Servers bind every interface and search and beacon on the subnet's broadcast address. */
const HOST_ENV = {
  EPICS_PVA_AUTO_ADDR_LIST: "YES",
  EPICS_PVA_ADDR_LIST: "",
  EPICS_PVAS_INTF_ADDR_LIST: "0.0.0.0",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The simulator's status PV: the test waits on its subscriber count before the first frame. */
const SIM_STATUS = "hosts:sim:status";
/**
 * 8 s at 50 frames/s of 64x64 uint8 (10 distinct frames), after 14 s for everyone to subscribe (the
 * collector last); served 8 s more, so that consumers that started late still stop before the simulator does.
 */
const SIM_ARGS =
  `-cn ${CHANNEL} -fps ${FPS} -rt 8 -std 14 -shd 8 -nx 64 -ny 64 -nf 10 -rp 25 -sc ${SIM_STATUS}`
    .split(" ");
/** Subscribers of the frames: two consumers and three monitors. */
const SUBSCRIBERS = 5;
/**
 * A consumer sharing the frames by uniqueId, with room on the server for what a cut holds back, and its status
 * PV (pvapy:consumer:ID:status) refreshed every second. It stops 24 s after it starts: after the simulator's
 * last frame (22 s after the simulator served).
 */
const consumerArgs = (id: number) =>
  `--consumer-id ${id} -ic ${CHANNEL} --distributor-trigger uniqueId -sqs 100 -sc _ -oc _ --report-period 1 --runtime 24`
    .split(" ");
/**
 * The collector of both consumers' outputs, with a cache (500) that holds what arrives from one consumer
 * while the other's link is cut, a monitor queue on each consumer's server (200) for the burst a consumer
 * publishes when its held-back frames arrive after the cut, and its status PV (pvapy:collector:1:status). It
 * stops 30 s after it starts, after the consumers. The output channels' initial values (never stamped) are not
 * collected, so no collected frame is skipped (`-siu 0`, not PvaPy's default of one).
 */
const COLLECTOR_ARGS =
  "-ic pvapy:consumer:*:output -pid 2,3 -sc _ -ccs 500 -sqs 200 -siu 0 --collector-idle-time 1 --report-period 1 --runtime 30"
    .split(" ");
const COLLECTOR_SUMMARY =
  /^collector 1: (\d+) collected .*?(\d+) processed, (\d+) missed.*?, (\d+) rejected/gm;

/** Runs one of the repository's Deno scripts inside `host`, finding servers by broadcast. */
function startScript(lab: NetnsLab, host: LabHost, script: string, args: string[]): ProcessLines {
  const child = lab.spawn(host, Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env: HOST_ENV,
    cwd: ROOT,
  });
  return new ProcessLines(child, `${script} on ${host.address}`);
}

/** A consumer's counts from its final summary line (the last of those it prints every report period). */
interface ConsumerCounts {
  processed: number;
  missed: number;
  rejected: number;
  errors: number;
  /** All it printed, for failure messages. */
  log: string;
}

const SUMMARY = /^consumer \d+: (\d+) processed .*, (\d+) missed, (\d+) rejected, (\d+) errors/;

async function countsOf(consumer: ProcessLines): Promise<ConsumerCounts> {
  const out = await consumer.finished(30_000);
  assert.equal(out.code, 0, out.stderr);
  const last = out.stdout.split("\n").filter((line) => SUMMARY.test(line)).at(-1);
  assert.ok(last, `no summary line:\n${out.stdout}\n${out.stderr}`);
  const [processed, missed, rejected, errors] = SUMMARY.exec(last)!.slice(1).map(Number);
  return { processed, missed, rejected, errors, log: `${out.stdout}\n${out.stderr}` };
}

async function resultOf(monitor: ProcessLines): Promise<FrameMonitorResult> {
  const out = await monitor.finished(20_000);
  assert.equal(out.code, 0, out.stderr);
  const line = out.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `no RESULT line:\n${out.stdout}\n${out.stderr}`);
  return JSON.parse(line.slice("RESULT ".length));
}

const ids = (r: FrameMonitorResult) => r.frames.map(([id]) => id);

/**
 * TCP segments `host` has retransmitted so far on its connections from port 5075, by peer address
 * (`ss -tin`: a connection's line is followed by an indented one with `retrans:NOW/TOTAL` once it had any).
 */
async function retransmissionsByPeer(lab: NetnsLab, host: LabHost): Promise<Map<string, number>> {
  const out = await lab.command(host, "ss", {
    args: ["-tinH", "state", "established", "sport", "=", ":5075"],
  })
    .output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const byPeer = new Map<string, number>();
  let peer = "";
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const connection = /^\S*\s*\d+\s+\d+\s+\S+:5075\s+(\S+):\d+/.exec(line);
    if (connection) peer = connection[1];
    else if (peer) {
      byPeer.set(peer, (byPeer.get(peer) ?? 0) + Number(/retrans:\d+\/(\d+)/.exec(line)?.[1] ?? 0));
    }
  }
  return byPeer;
}

/** Waits until the collector's status PV, read from `host`, shows an update received from each consumer. */
async function waitForCollector(lab: NetnsLab, host: LabHost): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    const out = await lab.command(host, Deno.execPath(), {
      args: ["run", "-A", "scripts/pva.ts", "get", "--json", "-w", "3", "pvapy:collector:1:status"],
      env: { EPICS_PVA_AUTO_ADDR_LIST: "NO", EPICS_PVA_ADDR_LIST: LAB_BROADCAST },
      cwd: ROOT,
    }).output();
    last = new TextDecoder().decode(out.success ? out.stdout : out.stderr);
    if (out.success) {
      const status = JSON.parse(last).value;
      if ([2, 3].every((id) => status[`producerStats_${id}`]?.receiverStats?.nReceived >= 1)) return;
    }
    await sleep(500);
  }
  assert.fail(`the collector did not receive from both consumers: ${last}`);
}

Deno.test({
  name:
    "four hosts: two consumers through loss, delay and a cut link account for every frame, collected on a fourth",
  ignore: IGNORE,
  fn: async () => {
    await using lab = await NetnsLab.create({ hosts: 4 });
    const [simHost, lossyHost, cutHost, wholeHost] = lab.hosts;
    const impairedBy = await lab.impair(lossyHost, IMPAIRMENT);

    const sim = startScript(lab, simHost, "scripts/ad-sim-server.ts", SIM_ARGS);
    await sim.until(new RegExp(`^Serving ${CHANNEL} on TCP port 5075; first frame in 14 s`), 30_000);
    const consumers = ([[lossyHost, 2], [cutHost, 3]] as const).map(([host, id]) =>
      startScript(lab, host, "scripts/consumer.ts", consumerArgs(id))
    );
    const monitors = [lossyHost, cutHost, wholeHost].map((h) =>
      startScript(lab, h, "tests/hosts/frame_monitor.ts", [CHANNEL])
    );
    for (const c of consumers) await c.until(new RegExp(`^input channel: ${CHANNEL}$`), 30_000);
    const collector = startScript(lab, wholeHost, "scripts/collector.ts", COLLECTOR_ARGS);
    // Exact accounting needs the distributor group complete before the first frame: frames posted earlier
    // reach the monitors but no consumer, and the simulator cannot count them as undelivered.
    const gate = startScript(lab, wholeHost, "scripts/pva.ts", ["monitor", "--json", SIM_STATUS]);
    const ready = JSON.parse(
      (await gate.until(new RegExp(`^.*"subscribers":${SUBSCRIBERS}[,}].*$`), 60_000))[0],
    );
    assert.equal(
      ready.value.state,
      "waiting",
      "the hosts subscribed only after the first frame: overloaded?",
    );
    // The collector monitors both outputs (their initial values arrived) before the first frame.
    await waitForCollector(lab, wholeHost);
    const joinedOn: number[] = [];
    for (const m of monitors) {
      assert.equal((await m.until(/^connected (\S+)$/, 30_000))[1], `${simHost.address}:5075`);
      joinedOn.push(Number((await m.until(/^subscribed (\d+)$/, 30_000))[1]));
    }

    await sim.until(/^Published frame id +100 /, 30_000);
    await lab.cut(cutHost);
    const cutAt = Date.now(); // the link is down from here on (and up again only after restoreAt)
    await sleep(CUT_MS);
    const restoreAt = Date.now();
    await lab.restore(cutHost);
    await sim.until(/^Published frame id +250 /, 30_000);
    // Consumer 3's status PV, read from host 4 while the run goes on (the consumers run until after the end).
    const status = lab.command(wholeHost, Deno.execPath(), {
      args: ["run", "-A", "scripts/pva.ts", "get", "--json", "-w", "5", "pvapy:consumer:3:status"],
      env: { EPICS_PVA_AUTO_ADDR_LIST: "NO", EPICS_PVA_ADDR_LIST: LAB_BROADCAST },
      cwd: ROOT,
    }).output();
    const retransmitted = await retransmissionsByPeer(lab, simHost);

    const statusOut = await status;
    assert.ok(statusOut.success, new TextDecoder().decode(statusOut.stderr));
    const statusPv = JSON.parse(new TextDecoder().decode(statusOut.stdout)).value;
    const counts = await Promise.all(consumers.map(countsOf));
    const simOut = await sim.finished(30_000);
    assert.equal(simOut.code, 0, simOut.stderr);
    const published = Number(/^Published frames: +(\d+) @/m.exec(simOut.stdout)?.[1]);
    const notDelivered = Number(/^Not delivered: (\d+) /m.exec(simOut.stdout)?.[1]);
    assert.ok(published > 300, simOut.stdout);
    const [lossy, cut, whole] = await Promise.all(monitors.map(resultOf));
    for (const r of [lossy, cut, whole]) assert.deepEqual(r.disconnects, [], "a monitor lost its connection");

    // Each monitor saw every frame after the one it joined on, in order, without an overrun.
    for (const [i, r] of [lossy, cut, whole].entries()) {
      const after = joinedOn[i];
      const slowest = Math.max(...r.frames.map(([, posted, arrived]) => arrived - posted));
      const which = `the monitor on host ${i + 2} (slowest frame ${slowest} ms)`;
      assert.deepEqual(ids(r), Array.from({ length: published - after }, (_, k) => after + 1 + k), which);
      assert.deepEqual([r.accounting.missed, r.accounting.overruns], [0, 0], which);
    }

    // The two consumers account for every frame, and lost none of theirs.
    const report = [
      simOut.stdout,
      ...counts.map((c) => c.log),
      `consumer 3's status: ${JSON.stringify(statusPv)}`,
    ]
      .join("\n");
    const accounted = counts.reduce((n, c) => n + c.processed + c.errors + c.rejected + c.missed, 0);
    assert.equal(accounted + notDelivered, published, report);
    assert.deepEqual(counts.map((c) => c.missed + c.rejected + c.errors), [0, 0], report);
    // Round robin from the first frame: about half each (a cut or a lossy link only delays its share).
    assert.ok(counts.every((c) => c.processed > published / 4), `the distributor did not share:\n${report}`);

    // The collector on host 4 collected every frame the two consumers processed, in order.
    const collectorOut = await collector.finished(40_000);
    assert.equal(collectorOut.code, 0, collectorOut.stderr);
    // Its last report line is its summary.
    const summary = [...collectorOut.stdout.matchAll(COLLECTOR_SUMMARY)].at(-1);
    assert.ok(summary, `no collector summary:\n${collectorOut.stdout}\n${collectorOut.stderr}`);
    const [collected, collectorProcessed, collectorMissed, collectorRejected] = summary.slice(1).map(Number);
    const processed = counts.reduce((n, c) => n + c.processed, 0);
    assert.deepEqual(
      [collected, collectorProcessed, collectorMissed, collectorRejected],
      [processed, processed, 0, 0],
      `${collectorOut.stdout}\n${report}`,
    );

    // The status PV counted what the summary did, up to the moment it was read.
    const { processorStats, receiverStats } = statusPv;
    assert.ok(
      processorStats.nProcessed > 0 && processorStats.nProcessed <= counts[1].processed,
      JSON.stringify(statusPv),
    );
    assert.deepEqual([processorStats.nMissed, receiverStats.nOverruns], [0, 0]);

    // Host 3: the frames posted while its link was down arrived, after the link came back.
    const heldBack = cut.frames.filter(([, posted]) => posted > cutAt && posted < restoreAt);
    assert.ok(heldBack.length >= CUT_MS / 1000 * FPS * 0.8, `${heldBack.length} frames sent during the cut`);
    for (const [id, , arrived] of heldBack) assert.ok(arrived >= restoreAt, `frame ${id} crossed a cut link`);

    // Host 2: every frame came at least the link's delay after it was posted.
    const fastest = Math.min(...lossy.frames.map(([, posted, arrived]) => arrived - posted));
    assert.ok(
      fastest >= IMPAIRMENT.delayMs,
      `a frame took ${fastest} ms over a link (${impairedBy}) of ${IMPAIRMENT.delayMs} ms`,
    );

    // Retransmissions: lost packets on host 2's link, the cut on host 3's. A clean link sees a few too (tail
    // loss probes fire when acknowledgements come late on a busy machine), so host 4 is the baseline.
    const [lossyRetrans, cutRetrans, cleanRetrans] = [lossyHost, cutHost, wholeHost].map((h) =>
      retransmitted.get(h.address) ?? 0
    );
    const byPeer = JSON.stringify(Object.fromEntries(retransmitted));
    assert.ok(
      lossyRetrans > cleanRetrans,
      `the lossy link retransmitted no more than the clean one: ${byPeer}`,
    );
    assert.ok(cutRetrans > 0, `nothing was retransmitted after the cut: ${byPeer}`);
  },
});
