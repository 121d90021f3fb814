/**
 * The client target: a real PvaClient runs get, put, monitor, info and rpc against a fake server
 * (fake_server.ts) whose replies are recorded ones, mutated. Every call must end within its
 * timeout (plus scheduling slack) and fail, if it fails, only with our typed errors: the
 * PvaError family, DecodeError, or EncodeError (a put whose value does not fit a mutated type).
 *
 * @module
 */
import { PvaClient } from "../../protocol/pva/client/mod.ts";
import { PvaError } from "../../protocol/pva/client/errors.ts";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import { DecodeError, EncodeError } from "../../protocol/pvdata/errors.ts";
import { scalar, struct } from "../../protocol/pvdata/types.ts";
import type { Session } from "./corpus.ts";
import { conversations, FakeServer } from "./fake_server.ts";
import type { Rng } from "./rng.ts";
import { bump, fail, type TargetReport } from "./stats.ts";

/** How to fuzz the client. */
export interface ClientFuzzOptions {
  /** Server sessions whose replies the fake server sends. */
  sessions: Session[];
  /** Messages the fake server sends in all. */
  messages: number;
  /** Parallel calls. */
  concurrency?: number;
  /** Timeout of each call in ms. */
  timeoutMs?: number;
  /** Probability that a message of the fake server is mutated. */
  mutationRate?: number;
}

/** How late past its timeout a call may end before it counts as hung (a loaded machine is slow). */
const SLACK_MS = 2000;
/** Ends our own monitor loops; not an error of the client. */
class MonitorDone extends Error {}

const CALLS = ["get", "put", "monitor", "info", "rpc"] as const;
const RPC_ARGUMENT = { type: struct("", { a: scalar("float64") }), value: { a: 1 } };

/** Runs the client target, adding to `report`. */
export async function fuzzClient(rng: Rng, opts: ClientFuzzOptions, report: TargetReport): Promise<void> {
  const { concurrency = 16, timeoutMs = 1000, mutationRate = 0.1 } = opts;
  const donors = opts.sessions.flatMap((s) => s.messages);
  const replies = conversations(opts.sessions);
  await using fake = FakeServer.listen({ rng: rng.fork(), replies, donors, mutationRate, report });
  // The client redials a lost name server only every 10 s: a clean name server keeps channels
  // found while the fuzzing one (and the fake server itself) lose connections to mutations.
  const searchReplyPort = fake.port;
  await using fuzzingNames = FakeServer.listen({
    rng: rng.fork(),
    replies,
    donors,
    mutationRate,
    report,
    searchReplyPort,
  });
  await using cleanNames = FakeServer.listen({
    rng: rng.fork(),
    replies,
    donors,
    mutationRate: 0,
    report,
    searchReplyPort,
  });
  const nameServers = [fuzzingNames, cleanNames].map((s) => `127.0.0.1:${s.port}`);
  // A message cut short by a mutated size field would hold a connection for the default 60 s, a
  // garbled handshake for the idle timeout (40 s): short limits keep the fuzzing going.
  const config = loopbackConfig({ nameServers, idleTimeout: 2, limits: { messageTimeout: 0.5 } });
  const client = new PvaClient({ config });
  const rssBefore = Deno.memoryUsage().rss;
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
      const worker = rng.fork();
      for (let n = 0; report.messages < opts.messages; n++) {
        // A fresh name per call: a channel whose CREATE_CHANNEL reply was garbled stays unconnected.
        await oneCall(client, worker.pick(CALLS), `fuzz:${i}:${n}`, timeoutMs, report);
      }
    }));
  } finally {
    client.close();
  }
  report.seconds += (performance.now() - started) / 1000;
  report.extra.clientProcessRssMiB = `${(rssBefore / 2 ** 20).toFixed(0)} -> ${
    (Deno.memoryUsage().rss / 2 ** 20).toFixed(0)
  }`;
}

async function oneCall(
  client: PvaClient,
  call: typeof CALLS[number],
  pv: string,
  timeout: number,
  report: TargetReport,
): Promise<void> {
  const started = performance.now();
  try {
    if (call === "get") await client.get(pv, { timeout });
    else if (call === "put") await client.put(pv, 1, { timeout });
    else if (call === "info") await client.info(pv, { timeout });
    else if (call === "rpc") await client.rpc(pv, RPC_ARGUMENT, { timeout });
    else await monitor(client, pv, timeout);
    bump(report.outcomes, `${call} ok`);
  } catch (e) {
    if (e instanceof MonitorDone) bump(report.outcomes, `${call} ok`);
    else if (e instanceof PvaError || e instanceof DecodeError || e instanceof EncodeError) {
      // A timeout says how far the call got: "(channel searching)", "(waiting for host:port)".
      const stage = e.name === "PvaTimeoutError"
        ? / \((channel \w+|waiting)/.exec(e.message)?.[1]
        : undefined;
      bump(report.outcomes, `${call} ${e.name}${stage ? ` (${stage})` : ""}`);
    } else {
      bump(report.outcomes, `${call} untyped error`);
      fail(report, `${call} threw ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  const took = performance.now() - started;
  if (took > timeout + SLACK_MS) {
    fail(report, `${call} took ${took.toFixed(0)} ms with a timeout of ${timeout} ms`);
  }
}

/** Reads a monitor for `ms` (or until it has seen 64 updates), then ends it with our own signal. */
async function monitor(client: PvaClient, pv: string, ms: number): Promise<void> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new MonitorDone()), ms);
  try {
    let updates = 0;
    for await (const ev of client.monitor(pv, { signal: stop.signal })) {
      if (ev.kind === "data" && ++updates >= 64) return;
    }
  } finally {
    clearTimeout(timer);
  }
}
