/**
 * The accounting fed by real monitors of our server: consumers joining and leaving a distributed run, and
 * a slow consumer overrun by the server. The source's count must equal what the consumers account for.
 */
import assert from "node:assert/strict";
import type { PvaClient, Subscription } from "../../../protocol/pva/client/mod.ts";
import { type AccountingSnapshot, FrameAccounting } from "../../../runtime/stats/frame_accounting.ts";
import { runTotals } from "../../../runtime/stats/run_totals.ts";
import { clientOf, framePv, nextData, sleep, startServer } from "../../pva/server/harness.ts";

const PV = "t:frames";
const DISTRIBUTED = "field(_[pydistributor=trigger:uniqueId])";

/** A consumer as the runtime will be: it feeds the accounting from monitor events. */
class TestConsumer {
  readonly accounting: FrameAccounting;
  readonly ids: number[] = [];
  readonly #sub: Subscription;
  readonly #abort = new AbortController();
  readonly #loop: Promise<void>;

  constructor(
    client: PvaClient,
    opts: { request?: string; queueSize: number; pipeline: boolean; delayMs?: number },
  ) {
    this.accounting = new FrameAccounting(opts.request ? { distribution: { updates: 1 } } : {});
    this.#sub = client.monitor(PV, { ...opts, signal: this.#abort.signal });
    this.#loop = this.#run(opts.delayMs ?? 0);
  }

  /** Resolves once the monitor delivered the current value (what every new subscriber gets first). */
  readonly started = Promise.withResolvers<void>();

  async #run(delayMs: number): Promise<void> {
    const first = await nextData(this.#sub);
    this.accounting.skipped(first.value.uniqueId as number);
    this.started.resolve();
    try {
      for await (const ev of this.#sub) {
        if (ev.kind !== "data") continue;
        const id = ev.value.uniqueId as number;
        if (ev.overrun.isEmpty()) this.accounting.received(id);
        else this.accounting.receivedAfterOverrun(id);
        this.ids.push(id);
        this.accounting.delivered();
        if (delayMs > 0) await sleep(delayMs);
        this.accounting.processed(id);
      }
    } catch (e) {
      if (!this.#abort.signal.aborted) throw e;
    }
  }

  async leave(): Promise<AccountingSnapshot> {
    this.#abort.abort();
    await this.#loop;
    return this.accounting.snapshot();
  }
}

/** Polls `done` until it holds; throws after `ms`. */
async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function seen(consumers: TestConsumer[]): number {
  return consumers.reduce((n, c) => n + c.ids.length, 0);
}

async function post(pv: ReturnType<typeof framePv>, from: number, to: number, { paced = true } = {}) {
  for (let id = from; id <= to; id++) {
    if (paced) await pv.waitForRoom();
    pv.post({ uniqueId: id });
  }
}

Deno.test("run accounting: distributed consumers join and leave mid-run, totals stay exact", async () => {
  const pv = framePv();
  using s = await startServer({ [PV]: pv });
  // One client (connection) per consumer, as separate consumer processes have.
  const clients = [clientOf(s.server), clientOf(s.server), clientOf(s.server)];
  try {
    const opts = { request: DISTRIBUTED, queueSize: 4, pipeline: true };
    const a = new TestConsumer(clients[0], opts);
    const b = new TestConsumer(clients[1], opts);
    await Promise.all([a.started.promise, b.started.promise]);
    await post(pv, 1, 100);
    const c = new TestConsumer(clients[2], opts); // joins with frame 100 as its current value
    await c.started.promise;
    await post(pv, 101, 200);
    // b leaves once it holds nothing unprocessed, and posting resumes once the server has seen it go:
    // frames sent to a consumer that is leaving are lost to everyone (the run totals call them unattributed).
    await until(() => seen([a, b, c]) === 200, "200 frames seen");
    const bFinal = await b.leave();
    clients[1].close();
    await until(() => s.server.connectionCount === 2, "the server to drop b");
    await post(pv, 201, 300);
    await until(() => seen([a, b, c]) === 300, "300 frames seen");
    const snaps = [await a.leave(), bFinal, await c.leave()];
    const totals = runTotals(300, snaps);
    assert.deepEqual(totals, {
      published: 300,
      processed: 300,
      processErrors: 0,
      rejected: 0,
      skipped: 0,
      pending: 0,
      missed: 0,
      unattributed: 0,
    });
    const all = [...a.ids, ...b.ids, ...c.ids].sort((x, y) => x - y);
    assert.deepEqual(all, Array.from({ length: 300 }, (_, i) => i + 1));
    assert.ok(c.ids.every((id) => id > 100), "the joiner's current value (100) is not counted again");
    assert.ok(bFinal.received > 0 && c.accounting.snapshot().received > 0);
  } finally {
    for (const client of clients) client.close();
  }
});

Deno.test("run accounting: a slow consumer overrun by the server names exactly the frames it lost", async () => {
  const pv = framePv();
  using s = await startServer({ [PV]: pv });
  const client = clientOf(s.server);
  try {
    const slow = new TestConsumer(client, { queueSize: 2, pipeline: false, delayMs: 2 });
    await slow.started.promise;
    await post(pv, 1, 400, { paced: false });
    await until(() => slow.ids.at(-1) === 400, "the last frame");
    const snap = await slow.leave();
    assert.ok(snap.overruns > 0 && snap.missed > 0, `overruns ${snap.overruns}, missed ${snap.missed}`);
    assert.deepEqual(runTotals(400, [snap]).unattributed, 0);
    const lost = snap.missedIds.flatMap(({ first, last }) =>
      Array.from({ length: last - first + 1 }, (_, i) => first + i)
    );
    assert.deepEqual(
      [...slow.ids, ...lost].sort((x, y) => x - y),
      Array.from({ length: 400 }, (_, i) => i + 1),
    );
  } finally {
    client.close();
  }
});

Deno.test("run accounting: overrun distributed consumers never charge each other's frames", async () => {
  const pv = framePv();
  using s = await startServer({ [PV]: pv });
  const client = clientOf(s.server);
  try {
    const opts = { request: DISTRIBUTED, queueSize: 2, pipeline: false, delayMs: 2 };
    const a = new TestConsumer(client, opts);
    const b = new TestConsumer(client, opts);
    await Promise.all([a.started.promise, b.started.promise]);
    await post(pv, 1, 400, { paced: false });
    const last = (c: TestConsumer) => c.ids.includes(399) || c.ids.includes(400);
    await until(() => last(a) && last(b), "both consumers' last frames");
    const snaps = [await a.leave(), await b.leave()];
    const overruns = snaps[0].overruns + snaps[1].overruns;
    assert.ok(overruns > 0, "the slow consumers were overrun");
    const received = new Set([...a.ids, ...b.ids]);
    for (const snap of snaps) {
      for (const { first, last } of snap.missedIds) {
        for (let id = first; id <= last; id++) assert.ok(!received.has(id), `missed ${id} was received`);
      }
    }
    const totals = runTotals(400, snaps);
    const gapIds = snaps.flatMap((x) => x.unattributedGaps).reduce((n, g) => n + g.last - g.first + 1, 0);
    assert.ok(
      totals.unattributed >= 0 && totals.unattributed <= gapIds,
      `unattributed ${totals.unattributed}`,
    );
  } finally {
    client.close();
  }
});
