/**
 * A named CA channel: searched for, created on its server's circuit, and searched for again
 * whenever the circuit closes or the server drops it, for as long as someone uses it.
 * @module
 */
import { abortable } from "../pva/client/errors.ts";
import type { CaCircuit, CircuitChannel } from "./circuit.ts";
import { CaError } from "./errors.ts";

/** What a channel needs from its client. */
export interface ChannelContext {
  /** Starts (or restarts) searching for the channel, the first search after `delayMs` (default soon). */
  search(ch: CaChannel, delayMs?: number): void;
  /** Stops searching for it. */
  unsearch(ch: CaChannel): void;
  /** The shared circuit to a server. */
  connect(host: string, port: number): Promise<CaCircuit>;
  /** The channel closed: drop it from the client's tables. */
  forget(ch: CaChannel): void;
}

/** Told about every connect and disconnect of a channel. */
export interface ChannelListener {
  connected(ch: CaChannel): void;
  disconnected(reason: string): void;
}

/**
 * Delay before searching again for a channel that its server refused, or whose server could
 * not be reached: the search would find the same server at once and fail again.
 */
const REFUSED_RETRY_MS = 1000;

/** Where a channel is in its life. */
export type CaChannelState = "searching" | "connecting" | "connected" | "closed";

/**
 * One channel, shared by every operation on its name.
 * @example
 * ```ts ignore
 * const ch = new CaChannel("motor:x", 1, context);
 * await ch.whenConnected(signal);
 * ch.nativeType; // e.g. 6 (DOUBLE)
 * ```
 */
export class CaChannel implements CircuitChannel {
  /** The PV name. */
  readonly name: string;
  /** Our id, also the search id. */
  readonly cid: number;
  /** Operations and subscriptions using the channel. */
  users = 0;

  #state: CaChannelState = "searching";
  #circuit: CaCircuit | null = null;
  #sid = 0;
  #nativeType = 0;
  #nativeCount = 0;
  #rights = 0;
  #ctx: ChannelContext;
  #listeners = new Set<ChannelListener>();
  #waiters: (() => void)[] = [];

  /**
   * Creates the channel and starts searching for it.
   * @param name PV name
   * @param cid client-wide channel id
   * @param ctx the client's search and circuit services
   */
  constructor(name: string, cid: number, ctx: ChannelContext) {
    this.name = name;
    this.cid = cid;
    this.#ctx = ctx;
    ctx.search(this);
  }

  /** Current state. */
  get state(): CaChannelState {
    return this.#state;
  }

  /** The circuit while connected. */
  get circuit(): CaCircuit | null {
    return this.#state === "connected" ? this.#circuit : null;
  }

  /** The server's id of the channel (valid while connected). */
  get sid(): number {
    return this.#sid;
  }

  /** The channel's native DBR type (0..6), from CREATE_CHAN. */
  get nativeType(): number {
    return this.#nativeType;
  }

  /** The channel's native element count: above 1 for arrays. */
  get nativeCount(): number {
    return this.#nativeCount;
  }

  /** Access rights (AccessRight bits). */
  get rights(): number {
    return this.#rights;
  }

  /** Adds a listener, told at once if the channel is connected; returns the remover. */
  listen(l: ChannelListener): () => void {
    this.#listeners.add(l);
    if (this.#state === "connected") l.connected(this);
    return () => this.#listeners.delete(l);
  }

  /** Resolves once connected; rejects with the signal's reason. */
  async whenConnected(signal: AbortSignal): Promise<void> {
    while (this.#state !== "connected") {
      if (this.#state === "closed") throw new CaError(`channel ${this.name} closed`);
      await abortable(new Promise<void>((resolve) => this.#waiters.push(resolve)), signal);
    }
  }

  /** A search found the channel on `host:port`: open (or share) the circuit and create it there. */
  found(host: string, port: number): void {
    if (this.#state !== "searching") return;
    this.#state = "connecting";
    this.#ctx.connect(host, port).then((circuit) => {
      if (this.#state !== "connecting") return;
      this.#circuit = circuit;
      circuit.addChannel(this.cid, this.name, this);
    }, () => this.#searchAgain(REFUSED_RETRY_MS));
  }

  /** CircuitChannel: the server created the channel. */
  created(sid: number, nativeType: number, nativeCount: number): void {
    if (this.#state !== "connecting") return;
    this.#sid = sid;
    this.#nativeType = nativeType;
    this.#nativeCount = nativeCount;
    this.#state = "connected";
    for (const w of this.#waiters.splice(0)) w();
    for (const l of [...this.#listeners]) l.connected(this);
  }

  /** CircuitChannel: the server refused it; search again (another server may have it). */
  createFailed(_reason: string): void {
    this.#searchAgain(REFUSED_RETRY_MS);
  }

  /** CircuitChannel: new access rights. */
  rightsChanged(rights: number): void {
    this.#rights = rights;
  }

  /** CircuitChannel: the circuit closed or the server dropped the channel. */
  lost(reason: string): void {
    const wasConnected = this.#state === "connected";
    this.#searchAgain();
    if (wasConnected) { for (const l of [...this.#listeners]) l.disconnected(reason); }
  }

  /** Releases the channel on its server and stops searching. */
  close(): void {
    if (this.#state === "closed") return;
    const connected = this.#state === "connected";
    this.#state = "closed";
    this.#circuit?.removeChannel(this.cid, connected ? this.#sid : undefined);
    this.#circuit = null;
    this.#ctx.unsearch(this);
    this.#ctx.forget(this);
    for (const w of this.#waiters.splice(0)) w();
  }

  #searchAgain(delayMs?: number): void {
    if (this.#state === "closed") return;
    this.#circuit?.removeChannel(this.cid);
    this.#circuit = null;
    this.#state = "searching";
    this.#ctx.search(this, delayMs);
  }
}
