/**
 * Awaiting a client subscription's events in tests with a deadline, so a missing update
 * fails the test with a message instead of hanging it.
 * @module
 */
import type { MonitorEvent, Subscription } from "../../protocol/pva/client/mod.ts";

/** A data event of a subscription. */
export type DataEvent = Extract<MonitorEvent, { kind: "data" }>;

/** Anything iterated like a subscription: the pva `Subscription`, the CA `CaSubscription`. */
export interface EventSource<E> {
  readonly name: string;
  next(): Promise<IteratorResult<E>>;
}

/** The next event of `sub`; rejects after `ms` or when the subscription ended. */
export async function nextEvent<E = MonitorEvent>(sub: EventSource<E>, ms = 8000): Promise<E> {
  const r = await nextEventOrEnd(sub, ms);
  if (r === undefined) throw new Error(`${sub.name}: subscription ended`);
  return r;
}

/** The next event of `sub`, or undefined when the subscription ended; rejects after `ms`. */
export async function nextEventOrEnd<E = MonitorEvent>(
  sub: EventSource<E>,
  ms = 8000,
): Promise<E | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${sub.name}: no monitor event within ${ms} ms`)), ms);
  });
  try {
    const r = await Promise.race([sub.next(), timeout]);
    return r.done ? undefined : r.value;
  } finally {
    clearTimeout(timer);
  }
}

/** The next data event of `sub`, skipping connection events. */
export async function nextData(sub: Subscription, ms = 8000): Promise<DataEvent> {
  for (;;) {
    const ev = await nextEvent(sub, ms);
    if (ev.kind === "data") return ev;
  }
}

/** A connected event of a subscription. */
export type ConnectedEvent = Extract<MonitorEvent, { kind: "connected" }>;

/** The next event of `sub`, which must be `connected` (it names the server and the type). */
export async function expectConnected(sub: Subscription, ms = 8000): Promise<ConnectedEvent> {
  const ev = await nextEvent(sub, ms);
  if (ev.kind !== "connected") throw new Error(`${sub.name}: expected connected, got ${Deno.inspect(ev)}`);
  return ev;
}

/** The next event of `sub`, which must be data. */
export async function expectData(sub: Subscription, ms = 8000): Promise<DataEvent> {
  const ev = await nextEvent(sub, ms);
  if (ev.kind !== "data") throw new Error(`${sub.name}: expected data, got ${Deno.inspect(ev)}`);
  return ev;
}
