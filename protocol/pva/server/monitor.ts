/**
 * MONITOR: a subscription to a PV's updates with a bounded queue per client.
 *
 * Updates wait in the queue while the subscription is stopped, while the pipeline window
 * is closed, or while the client's socket still holds a backlog; a full queue folds the
 * newest update into the last entry and marks the overrun. A slow client therefore never
 * blocks the PV or other clients: it loses intermediate values and is told so.
 *
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { foldChange } from "../../pvdata/partial.ts";
import { fieldOptions, optionBool, optionNumber, requestOptions } from "../../pvdata/pvrequest.ts";
import type { Reader } from "../../pvdata/reader.ts";
import { STATUS_OK } from "../../pvdata/status.ts";
import { writeType } from "../../pvdata/typedesc.ts";
import { Writer } from "../../pvdata/writer.ts";
import { Command, Subcmd } from "../header.ts";
import { parseDistributorOptions } from "./distributor.ts";
import { initAllowed, readPvRequest, selectionOf, type ServerChannel, type ServerOp } from "./op.ts";
import type { SharedPV, UpdateListener } from "./shared_pv.ts";
import { Update } from "./update.ts";

/** Socket backlog (bytes) above which a monitor holds further updates in its queue. */
const SOCKET_HIGH_WATER = 4 * 1024 * 1024;

interface Entry {
  update: Update;
  /** Send every selected field (first update after start). */
  full: boolean;
  overrun: BitSet | null;
}

/** Starts a MONITOR operation from its INIT request; returns null when refused. */
export function initMonitor(ch: ServerChannel, ioid: number, subcmd: number, r: Reader): ServerOp | null {
  const request = readPvRequest(r);
  const pipelined = (subcmd & Subcmd.PIPELINE_ACK) !== 0;
  let window = pipelined ? r.u32() : 0;
  const opts = requestOptions(request);
  // Capped: each queued entry may hold a whole posted value alive for a client that never reads.
  const queueSize = Math.min(ch.link.limits.maxMonitorQueue, Math.max(1, optionNumber(opts, "queueSize", 4)));
  const pipeline = pipelined && optionBool(opts, "pipeline", false);
  const plugin = fieldOptions(request, "_");
  const distributor = plugin.distributor ?? plugin.pydistributor;
  if (!initAllowed(ch, Command.MONITOR, ioid, subcmd, "monitor")) return null;
  const selection = selectionOf(ch, ioid, request);
  const distributorOptions = distributor === undefined ? null : parseDistributorOptions(distributor);
  ch.link.reply(Command.MONITOR, ioid, subcmd, STATUS_OK, (w) => writeType(w, ch.pv.type));

  const queue: Entry[] = [];
  const counts = { sent: 0, overruns: 0 };
  let running = false;
  let started = false;
  let waitingForSocket = false;
  const subscribeOptions = { distributor: distributorOptions ?? undefined };

  const enqueue = (update: Update, full: boolean) => {
    const last = queue[queue.length - 1];
    if (queue.length < queueSize || !last) {
      queue.push({ update, full, overrun: update.overrun?.clone() ?? null });
      return;
    }
    // Queue full: fold into the last entry; fields changed in both are overrun.
    counts.overruns++;
    ch.pv.stats.overruns++;
    const { changed, overrun } = foldChange(
      update.type,
      { changed: last.update.changed, overrun: last.overrun ?? new BitSet() },
      { changed: update.changed, overrun: update.overrun ?? new BitSet() },
    );
    queue[queue.length - 1] = {
      update: new Update(update.type, update.value, changed),
      full: last.full,
      overrun,
    };
  };

  const pump = () => {
    while (running && queue.length > 0 && (!pipeline || window > 0)) {
      if (ch.link.pendingBytes > SOCKET_HIGH_WATER) {
        if (!waitingForSocket) {
          waitingForSocket = true;
          ch.link.drained().then(() => {
            waitingForSocket = false;
            pump();
          });
        }
        return;
      }
      const e = queue.shift()!;
      if (pipeline) window--;
      counts.sent++;
      ch.pv.stats.sent++;
      const overrun = new Writer(ch.link.littleEndian, 16);
      (e.overrun ?? new BitSet()).write(overrun);
      const body = [...e.update.body(selection, ch.link.littleEndian, e.full), ...overrun.chunks()];
      ch.link.replyChunks(Command.MONITOR, ioid, 0, STATUS_OK, body);
      ch.pv.roomAvailable();
    }
  };

  const subscriber: UpdateListener = {
    onUpdate(u) {
      enqueue(u, false);
      pump();
    },
    onClose() {
      ch.link.reply(Command.MONITOR, ioid, Subcmd.DESTROY, STATUS_OK);
      op.destroy();
    },
    hasRoom: () => !running || queue.length < queueSize,
    describe: () => ({
      peer: ch.link.peer,
      channel: ch.name,
      queued: queue.length,
      queueSize,
      ...counts,
      running,
      group: distributorOptions?.group ?? null,
    }),
  };

  const op: ServerOp = {
    onRequest(sub, r) {
      if ((sub & Subcmd.PIPELINE_ACK) !== 0 && r.remaining >= 4) window += r.u32();
      if ((sub & Subcmd.PROCESS) !== 0) {
        running = (sub & Subcmd.GET) !== 0;
        if (running && !started) {
          started = true;
          enqueue(ch.pv.latest(), true);
          ch.pv.subscribe(subscriber, subscribeOptions);
        }
      }
      if ((sub & Subcmd.DESTROY) !== 0) {
        op.destroy();
        ch.link.forget(ioid);
        return;
      }
      pump();
    },
    destroy() {
      running = false;
      queue.length = 0;
      ch.pv.unsubscribe(subscriber);
    },
    moved(from: SharedPV) {
      if (!started) return;
      from.unsubscribe(subscriber);
      // The new PV's value, in full: the client cannot tell what differs from the old one.
      enqueue(ch.pv.latest(), true);
      ch.pv.subscribe(subscriber, subscribeOptions);
      pump();
    },
  };
  return op;
}
