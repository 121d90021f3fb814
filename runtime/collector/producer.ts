/**
 * One producer of a collector: a pipelined monitor of its channel, an optional receiver queue (PvaPy's
 * `--receiver-queue-size` per producer), and its counts for `producerStats_<id>`.
 *
 * @module
 */
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import { type Input, type InputItem, monitorInput } from "../consumer/input.ts";
import { ReceiverQueue } from "../consumer/queue.ts";
import type { SourceStats } from "../status/mod.ts";
import { PeriodRates } from "./period_rates.ts";

/** Where a producer's updates go; a promise holds back the next update until it settles. */
export type ProducerSink = (producerId: number, item: InputItem) => void | Promise<void>;

/** Options of a {@link Producer}. */
export interface ProducerOptions {
  /** The producer's id (`producerStats_<id>`). */
  id: number;
  /** Its channel, `*` already replaced. */
  channel: string;
  /** The monitor's pvRequest. */
  request: string;
  /** The monitor's queue (pipeline window). */
  monitorQueueSize: number;
  /** -1: no queue (flow control reaches the producer); 0: unbounded; N: bounded, full rejects. */
  receiverQueueSize: number;
  /** Takes each update. */
  sink: ProducerSink;
}

/** A monitored producer channel. */
export class Producer {
  /** The producer's id. */
  readonly id: number;
  /** Its channel. */
  readonly channel: string;
  readonly #opts: ProducerOptions;
  readonly #queue: ReceiverQueue<InputItem> | undefined;
  #input: Input | undefined;
  #drained: Promise<void> = Promise.resolve();
  #rates = new PeriodRates<"received" | "rejected" | "overruns">(Date.now() / 1000);
  #received = 0;
  #rejected = 0;
  #overruns = 0;
  #delivered = 0;

  /**
   * A producer not yet monitored ({@link Producer.start}).
   * @param options the producer's id, channel, request, queues and sink
   */
  constructor(options: ProducerOptions) {
    this.id = options.id;
    this.channel = options.channel;
    this.#opts = options;
    if (options.receiverQueueSize >= 0) this.#queue = new ReceiverQueue({ size: options.receiverQueueSize });
  }

  /** The receiver queue's bound (0: none), or undefined without a queue. */
  get queueSize(): number | undefined {
    return this.#queue?.size;
  }
  set queueSize(n: number) {
    if (!this.#queue) throw new Error("receiverQueueSize: the collector was started without receiver queues");
    this.#queue.size = n;
  }

  /** Starts monitoring. */
  start(client: PvaClient): void {
    const o = this.#opts;
    const queue = this.#queue;
    if (queue) this.#drained = this.#drain(queue);
    this.#input = monitorInput(client, this.channel, {
      request: o.request,
      queueSize: o.monitorQueueSize,
      takeArrays: true,
      sink: (item) => {
        this.#received++;
        if (item.overrun && !item.overrun.isEmpty()) this.#overruns++;
        if (!queue) return this.#deliver(item);
        if (!queue.offer(item)) this.#rejected++;
      },
    });
  }

  /** Stops monitoring; resolves once queued updates have gone to the sink. */
  async stop(): Promise<void> {
    this.#input?.stop();
    this.#queue?.close();
    await this.#input?.done;
    await this.#drained;
  }

  /** An update of this producer was unusable (no object id): counted as rejected. */
  rejectedUnreadable(): void {
    this.#rejected++;
  }

  /** Zeroes the counts (`reset_stats`). */
  resetStats(): void {
    this.#received =
      this.#rejected =
      this.#overruns =
      this.#delivered =
        0;
    this.#rates.restart(Date.now() / 1000);
  }

  /** The `producerStats_<id>` block; rates over the time since the previous call. */
  stats(now: number = Date.now() / 1000): SourceStats {
    const rates = this.#rates.rates(
      { received: this.#received, rejected: this.#rejected, overruns: this.#overruns },
      now,
    );
    return {
      producerId: this.id,
      channel: this.channel,
      receiverStats: {
        nReceived: this.#received,
        receivedRate: rates.received,
        nRejected: this.#rejected,
        rejectedRate: rates.rejected,
        nOverruns: this.#overruns,
        overrunRate: rates.overruns,
      },
      queueStats: {
        nReceived: this.#received,
        nRejected: this.#rejected,
        nDelivered: this.#delivered,
        nQueued: this.#queue?.length ?? 0,
      },
    };
  }

  #deliver(item: InputItem): void | Promise<void> {
    this.#delivered++;
    return this.#opts.sink(this.id, item);
  }

  async #drain(queue: ReceiverQueue<InputItem>): Promise<void> {
    for (;;) {
      const batch = await queue.take();
      if (batch === null) return;
      for (const item of batch) await this.#deliver(item);
    }
  }
}
