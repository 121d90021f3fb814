/**
 * A scripted Channel Access server for client robustness tests: it answers searches for its
 * own names over UDP, creates DOUBLE channels on TCP, and answers reads and subscriptions with
 * DBR_TIME_DOUBLE replies that a test can replace with malformed bytes. It speaks only as far
 * as the tests need; the real peer is pvapy's CaIoc (tests/ca/ioc_test.ts).
 *
 * @module
 */
import { DbrType } from "../../protocol/ca/dbr.ts";
import { encodeDbr } from "../../protocol/ca/dbr_encode.ts";
import {
  CA_MINOR_VERSION,
  CaCommand,
  type CaHeader,
  ECA_NORMAL,
  encodeMessage,
  readHeader,
  readNulTerminated,
} from "../../protocol/ca/header.ts";

/** A request for values (READ_NOTIFY or EVENT_ADD) on one client circuit. */
export interface ValueRequest {
  command: number;
  name: string;
  /** The server's id of the channel. */
  sid: number;
  ioid: number;
  /** Sends bytes on this circuit. */
  send(bytes: Uint8Array): Promise<void>;
}

/** A DBR_TIME_DOUBLE reply to a request, as a real server sends it. */
export function timeDoubleReply(req: Pick<ValueRequest, "command" | "ioid">, value: number): Uint8Array {
  const payload = encodeDbr({
    dbrType: DbrType.TIME_DOUBLE,
    count: 1,
    value,
    alarm: { status: 0, severity: 0 },
    timeStamp: { secondsPastEpoch: Math.floor(Date.now() / 1000), nanoseconds: 0 },
  });
  return encodeMessage({
    command: req.command,
    dataType: DbrType.TIME_DOUBLE,
    dataCount: 1,
    parameter1: ECA_NORMAL,
    parameter2: req.ioid,
  }, payload);
}

/** What a {@link FakeCaServer} hosts and how it answers. */
export interface FakeCaServerOptions {
  /** The channel names it answers searches for. */
  names: string[];
  /** Of those, the names whose CREATE_CHAN it refuses (CREATE_CH_FAIL). */
  refuse?: string[];
  /** Answers a read or subscription (default: one TIME_DOUBLE reply of 1.5). */
  onRequest?: (req: ValueRequest) => void;
}

/** A fake server; close it with `await using` or `close()`. */
export class FakeCaServer implements AsyncDisposable {
  /** UDP port searches go to. */
  readonly searchPort: number;
  /** TCP port of the circuits. */
  readonly tcpPort: number;
  /** Circuits accepted so far. */
  accepted = 0;
  /** Circuits the client closed (end of stream seen). */
  closedByClient = 0;
  /** The live subscriptions (EVENT_ADD) of every circuit. */
  readonly subscriptions: ValueRequest[] = [];
  /** CREATE_CHAN requests received, by name. */
  readonly createRequests = new Map<string, number>();
  /** EVENT_CANCEL and CLEAR_CHANNEL requests received. */
  readonly released = { subscriptions: 0, channels: 0 };

  #names: Set<string>;
  #refuse: Set<string>;
  #onRequest: (req: ValueRequest) => void;
  #udp: Deno.DatagramConn;
  #tcp: Deno.TcpListener;
  #conns = new Set<Deno.Conn>();
  #tasks: Promise<void>[] = [];

  /**
   * Starts serving on 127.0.0.1.
   * @param opts names, refused names, how to answer
   */
  constructor(opts: FakeCaServerOptions) {
    this.#names = new Set(opts.names);
    this.#refuse = new Set(opts.refuse ?? []);
    this.#onRequest = opts.onRequest ?? ((req) => void req.send(timeDoubleReply(req, 1.5)));
    this.#udp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    this.#tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.searchPort = (this.#udp.addr as Deno.NetAddr).port;
    this.tcpPort = this.#tcp.addr.port;
    this.#tasks.push(this.#answerSearches(), this.#accept());
  }

  /** Stops listening and closes every circuit. */
  async close(): Promise<void> {
    this.#udp.close();
    this.#tcp.close();
    for (const c of this.#conns) c.close();
    await Promise.allSettled(this.#tasks);
  }

  /** Tells the client that the channel of `req` is gone (SERVER_DISCONN), as an IOC deleting a PV does. */
  dropChannel(req: ValueRequest): Promise<void> {
    return req.send(
      encodeMessage({ ...NONE, command: CaCommand.SERVER_DISCONN, parameter1: req.sid - SID_BASE }),
    );
  }

  /** Closes the server. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #answerSearches(): Promise<void> {
    for (;;) {
      let data: Uint8Array;
      let from: Deno.Addr;
      try {
        [data, from] = await this.#udp.receive();
      } catch {
        return;
      }
      for (const m of messages(data)) {
        if (m.header.command !== CaCommand.SEARCH || !this.#names.has(readNulTerminated(m.payload))) continue;
        const minor = Uint8Array.of(0, CA_MINOR_VERSION);
        const reply = encodeMessage({
          command: CaCommand.SEARCH,
          dataType: this.tcpPort,
          dataCount: 0,
          parameter1: 0xffffffff,
          parameter2: m.header.parameter1,
        }, minor);
        await this.#udp.send(reply, from).catch(() => {});
      }
    }
  }

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await this.#tcp.accept();
      } catch {
        return;
      }
      this.accepted++;
      this.#conns.add(conn);
      this.#tasks.push(this.#serve(conn));
    }
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const send = async (bytes: Uint8Array) => {
      try {
        for (let o = 0; o < bytes.length;) o += await conn.write(bytes.subarray(o));
      } catch {
        // The client closed the circuit.
      }
    };
    const names = new Map<number, string>();
    let pending = new Uint8Array(0);
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch {
        n = null;
      }
      if (n === null) break;
      pending = Uint8Array.from([...pending, ...buf.subarray(0, n)]);
      const parsed = messages(pending);
      pending = pending.subarray(parsed.reduce((end, m) => Math.max(end, m.end), 0));
      for (const { header: h, payload } of parsed) {
        if (h.command === CaCommand.VERSION) {
          await send(encodeMessage({ ...NONE, command: CaCommand.VERSION, dataCount: CA_MINOR_VERSION }));
        } else if (h.command === CaCommand.CREATE_CHAN) {
          const name = readNulTerminated(payload);
          this.createRequests.set(name, (this.createRequests.get(name) ?? 0) + 1);
          if (this.#refuse.has(name)) {
            await send(
              encodeMessage({ ...NONE, command: CaCommand.CREATE_CH_FAIL, parameter1: h.parameter1 }),
            );
            continue;
          }
          const sid = SID_BASE + h.parameter1;
          names.set(sid, name);
          await send(
            encodeMessage({
              ...NONE,
              command: CaCommand.ACCESS_RIGHTS,
              parameter1: h.parameter1,
              parameter2: 3,
            }),
          );
          await send(encodeMessage({
            command: CaCommand.CREATE_CHAN,
            dataType: DbrType.DOUBLE,
            dataCount: 1,
            parameter1: h.parameter1,
            parameter2: sid,
          }));
        } else if (h.command === CaCommand.EVENT_CANCEL) {
          this.released.subscriptions++;
        } else if (h.command === CaCommand.CLEAR_CHANNEL) {
          this.released.channels++;
        } else if (h.command === CaCommand.READ_NOTIFY || h.command === CaCommand.EVENT_ADD) {
          const name = names.get(h.parameter1) ?? "";
          const req = { command: h.command, name, sid: h.parameter1, ioid: h.parameter2, send };
          if (h.command === CaCommand.EVENT_ADD) this.subscriptions.push(req);
          this.#onRequest(req);
        }
      }
    }
    this.closedByClient++;
    this.#conns.delete(conn);
    try {
      conn.close();
    } catch {
      // Closed by close() already.
    }
  }
}

const NONE = { dataType: 0, dataCount: 0, parameter1: 0, parameter2: 0 };
/** Server channel ids are the client's plus this. */
const SID_BASE = 100;

/** The whole messages at the start of `bytes`, with where each ends. */
function messages(bytes: Uint8Array): { header: CaHeader; payload: Uint8Array; end: number }[] {
  const out = [];
  for (let at = 0; at < bytes.length;) {
    const h = readHeader(bytes, at);
    if (h === undefined || at + h.size + h.header.payloadSize > bytes.length) break;
    const end = at + h.size + h.header.payloadSize;
    out.push({ header: h.header, payload: bytes.subarray(at + h.size, end), end });
    at = end;
  }
  return out;
}
