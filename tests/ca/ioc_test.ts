/**
 * Our CA client against the real peer: EPICS base's IOC and RSRV server, embedded in pvapy
 * (`pvaccess.CaIoc`, tests/interop/py/ca_ioc.py), on loopback ports chosen per test. Values
 * are compared with the IOC's own view of each record (its `get` command).
 */
import assert from "node:assert/strict";
import { dbrLayout, DbrType } from "../../protocol/ca/dbr.ts";
import { CaTimeoutError } from "../../protocol/ca/errors.ts";
import type { CaMonitorEvent } from "../../protocol/ca/monitor.ts";
import { type PeerProcess, requirePeers } from "../interop/peers.ts";
import { nextEvent } from "../support/monitor_events.ts";
import { expectEvent, iocPorts, loopbackClient, startIoc } from "./helpers.ts";

const ignore = !requirePeers("CA client against pvapy's CaIoc");
const PREFIX = "ca:test:";

/** The IOC's own value of a record. */
async function iocValue(ioc: PeerProcess, name: string): Promise<unknown> {
  const reply = await ioc.send(`get ${PREFIX}${name}`) as { reply?: unknown; error?: string };
  assert.equal(reply.error, undefined);
  return reply.reply;
}

async function iocPut(ioc: PeerProcess, name: string, value: unknown): Promise<void> {
  const reply = await ioc.send(`put ${PREFIX}${name} ${JSON.stringify(value)}`) as { error?: string };
  assert.equal(reply.error, undefined);
}

/** Typed array class and element conversion of each waveform's FTVL. */
const WAVEFORMS = {
  "wf:char": { type: Uint8Array, fromIoc: (x: number) => x & 0xff },
  "wf:short": { type: Int16Array, fromIoc: (x: number) => x },
  "wf:long": { type: Int32Array, fromIoc: (x: number) => x },
  "wf:float": { type: Float32Array, fromIoc: Math.fround },
  "wf:double": { type: Float64Array, fromIoc: (x: number) => x },
} as const;

Deno.test({ name: "ca ioc: get as DBR_TIME of every record kind matches the IOC", ignore }, async () => {
  const ports = iocPorts();
  await using ioc = await startIoc(ports);
  const client = loopbackClient([ports.port]);
  try {
    const now = Date.now() / 1000;
    for (const name of ["ai", "ao", "longin", "stringin", "mbbi"]) {
      const v = await client.get(PREFIX + name, { timeout: 5000 });
      assert.equal(dbrLayout(v.dbrType)!.form, "time", name);
      assert.equal(v.value, await iocValue(ioc, name), name);
      assert.deepEqual(v.alarm, { status: 0, severity: 0 }, name);
      assert.ok(
        Math.abs(v.timeStamp!.secondsPastEpoch - now) < 120,
        `${name}: ${v.timeStamp!.secondsPastEpoch}`,
      );
      assert.ok(v.timeStamp!.nanoseconds >= 0 && v.timeStamp!.nanoseconds < 1e9);
    }
    for (const [name, { type, fromIoc }] of Object.entries(WAVEFORMS)) {
      const v = await client.get(PREFIX + name);
      const expected = (await iocValue(ioc, name) as number[]).map(fromIoc);
      assert.ok(v.value instanceof type, `${name}: ${Deno.inspect(v.value)}`);
      assert.deepEqual(Array.from(v.value as ArrayLike<number>), expected, name);
      assert.equal(v.count, expected.length);
    }
  } finally {
    client.close();
  }
});

Deno.test({ name: "ca ioc: native, STS and CTRL forms carry what they should", ignore }, async () => {
  const ports = iocPorts();
  await using ioc = await startIoc(ports);
  const client = loopbackClient([ports.port]);
  try {
    const native = await client.get(PREFIX + "ai", { type: "native" });
    assert.equal(native.dbrType, DbrType.DOUBLE);
    assert.equal(native.value, await iocValue(ioc, "ai"));
    assert.equal(native.alarm, undefined);
    assert.equal(native.timeStamp, undefined);
    const sts = await client.get(PREFIX + "longin", { type: "sts" });
    assert.equal(sts.dbrType, DbrType.STS_LONG);
    assert.deepEqual(sts.alarm, { status: 0, severity: 0 });
    const ctrl = await client.get(PREFIX + "ai", { type: "ctrl" });
    assert.equal(ctrl.dbrType, DbrType.CTRL_DOUBLE);
    assert.deepEqual(ctrl.display, { limitLow: -10, limitHigh: 10, units: "mm", precision: 3 });
    assert.deepEqual(ctrl.valueAlarm, {
      lowAlarmLimit: -9,
      lowWarningLimit: -8,
      highWarningLimit: 8,
      highAlarmLimit: 9,
    });
    const gr = await client.get(PREFIX + "mbbi", { type: "gr" });
    assert.equal(gr.dbrType, DbrType.GR_ENUM);
    assert.deepEqual(gr.choices, ["Closed", "Open", "Moving"]);
    assert.equal(gr.value, await iocValue(ioc, "mbbi"));
    await assert.rejects(client.get(PREFIX + "nothing", { timeout: 300 }), CaTimeoutError);
  } finally {
    client.close();
  }
});

Deno.test({ name: "ca ioc: puts on the IOC reach our monitors", ignore }, async () => {
  const ports = iocPorts();
  await using ioc = await startIoc(ports);
  const client = loopbackClient([ports.port]);
  try {
    const ao = client.monitor(PREFIX + "ao");
    const wf = client.monitor(PREFIX + "wf:short");
    const mbbi = client.monitor(PREFIX + "mbbi");
    const connected = await nextEvent<CaMonitorEvent>(ao);
    assert.deepEqual(connected, { kind: "connected", nativeType: DbrType.DOUBLE, nativeCount: 1 });
    assert.equal((await expectEvent(ao, "data")).value.value, await iocValue(ioc, "ao"));
    const first = await expectEvent(wf, "data");
    assert.deepEqual([...first.value.value as Int16Array], await iocValue(ioc, "wf:short"));
    assert.equal((await expectEvent(mbbi, "data")).value.value, await iocValue(ioc, "mbbi"));

    await iocPut(ioc, "ao", 2.75);
    const update = await expectEvent(ao, "data");
    assert.equal(update.value.value, 2.75);
    assert.equal(update.value.dbrType, DbrType.TIME_DOUBLE);
    // Count 0 asks for the current length: a shorter array arrives short.
    await iocPut(ioc, "wf:short", [9, 8]);
    assert.deepEqual((await expectEvent(wf, "data")).value.value, Int16Array.of(9, 8));
    await iocPut(ioc, "mbbi", 2);
    assert.equal((await expectEvent(mbbi, "data")).value.value, 2);
    for (const sub of [ao, wf, mbbi]) sub.close();
  } finally {
    client.close();
  }
});

Deno.test({ name: "ca ioc: after a server restart the monitor reconnects and resumes", ignore }, async () => {
  const ports = iocPorts();
  const client = loopbackClient([ports.port]);
  let ioc = await startIoc(ports);
  try {
    const sub = client.monitor(PREFIX + "longin");
    assert.equal((await expectEvent(sub, "data")).value.value, 42);
    await iocPut(ioc, "longin", 43);
    assert.equal((await expectEvent(sub, "data")).value.value, 43);

    await ioc.close();
    const gap = await expectEvent(sub, "disconnected");
    assert.match(gap.reason, /closed/);

    ioc = await startIoc(ports);
    const again = await nextEvent<CaMonitorEvent>(sub, 15_000);
    assert.equal(again.kind, "connected");
    // The new IOC starts from the first value again.
    assert.equal((await expectEvent(sub, "data")).value.value, 42);
    await iocPut(ioc, "longin", 44);
    assert.equal((await expectEvent(sub, "data")).value.value, 44);
    sub.close();
  } finally {
    client.close();
    await ioc.close();
  }
});
