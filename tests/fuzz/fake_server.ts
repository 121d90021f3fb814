/**
 * A fake pvAccess server for the client target: it speaks the handshake, answers TCP searches
 * and CREATE_CHANNEL itself, and answers operations (GET, PUT, MONITOR, RPC, GET_FIELD) with
 * replies recorded from real servers, their ioid patched to the request's; any message it sends
 * may be mutated first. Replies for one ioid come from one recorded conversation, so a
 * monitor's updates match the type its INIT reply gave, unless a mutation says otherwise.
 *
 * @module
 */
import { type Message, MessageStream } from "../../protocol/pva/message_stream.ts";
import { encodeControl, encodeMessage } from "../../protocol/pva/frame.ts";
import {
  Command,
  ControlCommand,
  Flag,
  HEADER_SIZE,
  isControl,
  readHeader,
  Subcmd,
} from "../../protocol/pva/header.ts";
import {
  readCreateChannelRequest,
  readSearchRequest,
  writeCreateChannelResponse,
  writeSearchResponse,
  writeValidationRequest,
} from "../../protocol/pva/messages/mod.ts";
import { Reader } from "../../protocol/pvdata/reader.ts";
import { STATUS_OK, writeStatus } from "../../protocol/pvdata/status.ts";
import { concatBytes, type Writer } from "../../protocol/pvdata/writer.ts";
import type { Session } from "./corpus.ts";
import { mutate } from "./mutate.ts";
import type { Rng } from "./rng.ts";
import { bump, type TargetReport } from "./stats.ts";

/** The replies a real server sent for one ioid of one operation. */
interface Conversation {
  init?: Uint8Array;
  data: Uint8Array[];
}

const OPERATIONS = new Set<number>([
  Command.GET,
  Command.PUT,
  Command.MONITOR,
  Command.RPC,
  Command.GET_FIELD,
]);
/** Updates sent for a monitor START (and a few more per pipeline ack). */
const UPDATES_PER_START = 32;

/**
 * The operation replies of `sessions`, grouped into conversations by command.
 * @example
 * ```ts ignore
 * const byCommand = conversations(corpus.toClient);
 * byCommand.get(Command.MONITOR)?.length;
 * ```
 */
export function conversations(sessions: Session[]): Map<number, Conversation[]> {
  const out = new Map<number, Conversation[]>();
  for (const s of sessions) {
    const byIoid = new Map<string, Conversation>();
    for (const m of s.messages) {
      const h = readHeader(m, 0);
      if (isControl(h) || !OPERATIONS.has(h.command) || h.payloadSize < 5) continue;
      const key = `${h.command}:${ioidOf(m)}`;
      let c = byIoid.get(key);
      if (c === undefined) {
        byIoid.set(key, c = { data: [] });
        out.set(h.command, [...(out.get(h.command) ?? []), c]);
      }
      if (h.command === Command.GET_FIELD || (m[HEADER_SIZE + 4] & Subcmd.INIT) !== 0) c.init ??= m;
      else c.data.push(m);
    }
  }
  for (const [command, list] of out) out.set(command, list.filter((c) => c.init !== undefined));
  return out;
}

function ioidOf(m: Uint8Array): number {
  return new DataView(m.buffer, m.byteOffset).getUint32(HEADER_SIZE, (m[2] & Flag.BIG_ENDIAN) === 0);
}

/** A copy of the reply `m` with its ioid replaced. */
function withIoid(m: Uint8Array, ioid: number): Uint8Array {
  const out = m.slice();
  new DataView(out.buffer).setUint32(HEADER_SIZE, ioid, (out[2] & Flag.BIG_ENDIAN) === 0);
  return out;
}

/**
 * A search reply must never send the client anywhere but back to us: every SEARCH_RESPONSE among
 * `messages` gets a zero address and port (meaning "the server you asked"); a segmented one,
 * which cannot be patched in place, makes the whole mutation fall back to `original`.
 */
function confine(messages: Uint8Array[], original: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of messages) {
    if (
      m.length < HEADER_SIZE || m[0] !== 0xca || m[3] !== Command.SEARCH_RESPONSE || (m[2] & Flag.CONTROL)
    ) {
      out.push(m);
    } else if (m[2] & Flag.SEGMENT_MASK) return [original];
    else {
      const patched = m.slice();
      // guid (12), sequence id (4), then the 16-byte address and the 2-byte port.
      patched.fill(0, HEADER_SIZE + 16, Math.min(patched.length, HEADER_SIZE + 34));
      out.push(patched);
    }
  }
  return out;
}

/** How the fake server fuzzes. */
export interface FakeServerOptions {
  rng: Rng;
  /** Replies by command. */
  replies: Map<number, Conversation[]>;
  /** Every server message of the corpus, for splicing. */
  donors: Uint8Array[];
  /** Probability that a message we send is mutated. */
  mutationRate: number;
  report: TargetReport;
  /** The port search replies send clients to (default 0: this server). */
  searchReplyPort?: number;
}

/**
 * A listening fake server on 127.0.0.1 (free port).
 * @example
 * ```ts ignore
 * await using fake = FakeServer.listen({ rng, replies, donors, mutationRate: 0.3, report });
 * const client = new PvaClient({ config: loopbackConfig({ nameServers: [`127.0.0.1:${fake.port}`] }) });
 * ```
 */
export class FakeServer implements AsyncDisposable {
  /** The TCP port. */
  readonly port: number;
  #listener: Deno.TcpListener;
  #opts: FakeServerOptions;
  #connections = new Set<MessageStream>();
  #serving: Promise<void>;

  private constructor(opts: FakeServerOptions) {
    this.#opts = opts;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = this.#listener.addr.port;
    this.#serving = this.#accept();
  }

  /** Starts listening. */
  static listen(opts: FakeServerOptions): FakeServer {
    return new FakeServer(opts);
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.#listener.close();
    for (const c of this.#connections) c.close();
    await this.#serving;
  }

  /** Closes (`await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #accept(): Promise<void> {
    try {
      for await (const socket of this.#listener) this.#serve(socket);
    } catch {
      // listener closed
    }
  }

  #serve(socket: Deno.TcpConn): void {
    const { report } = this.#opts;
    bump(report.outcomes, "connections");
    const ops = new Map<number, Conversation>();
    let nextSid = 1;
    const conn: MessageStream = new MessageStream(socket, {
      role: "server",
      onMessage: (m) => this.#answer(conn, m, ops, () => nextSid++),
      onClose: (e) => {
        this.#connections.delete(conn);
        bump(
          report.closedBy,
          e ? `fake server saw: ${e.message.replace(/\d+/g, "N")}` : "closed by the client",
        );
      },
    });
    this.#connections.add(conn);
    this.#send(conn, [encodeControl(ControlCommand.SET_BYTE_ORDER, "server", true)]);
    this.#send(
      conn,
      encodeMessage(Command.CONNECTION_VALIDATION, "server", true, (w) =>
        writeValidationRequest(w, {
          bufferSize: 0x10000,
          registrySize: 0x7fff,
          authMethods: ["anonymous", "ca"],
        })),
    );
    conn.run();
  }

  #answer(conn: MessageStream, m: Message, ops: Map<number, Conversation>, newSid: () => number): void {
    const r = new Reader(m.payload, m.littleEndian);
    const reply = (command: number, body: (w: Writer) => void) =>
      this.#send(conn, encodeMessage(command, "server", true, body));
    switch (m.command) {
      case Command.CONNECTION_VALIDATION:
        conn.markValidated();
        return reply(Command.CONNECTION_VALIDATED, (w) => writeStatus(w, STATUS_OK));
      case Command.ECHO:
        return reply(Command.ECHO, (w) => w.bytes(m.payload));
      case Command.SEARCH: {
        const search = readSearchRequest(r);
        return reply(Command.SEARCH_RESPONSE, (w) =>
          writeSearchResponse(w, {
            guid: new Uint8Array(12).fill(7),
            sequenceId: search.sequenceId,
            serverAddress: null,
            serverPort: this.#opts.searchReplyPort ?? 0,
            protocol: "tcp",
            found: true,
            ids: search.channels.map((c) => c.id),
          }));
      }
      case Command.CREATE_CHANNEL:
        for (const { cid } of readCreateChannelRequest(r)) {
          reply(
            Command.CREATE_CHANNEL,
            (w) => writeCreateChannelResponse(w, { cid, sid: newSid(), status: STATUS_OK }),
          );
        }
        return;
      default:
        if (OPERATIONS.has(m.command)) this.#operation(conn, m, r, ops);
    }
  }

  /** Answers an operation request (sid, ioid, subcommand) from the recorded conversations. */
  #operation(conn: MessageStream, m: Message, r: Reader, ops: Map<number, Conversation>): void {
    const { rng, replies } = this.#opts;
    r.u32(); // sid
    const ioid = r.u32();
    const subcmd = m.command === Command.GET_FIELD ? Subcmd.INIT : r.u8();
    const choices = replies.get(m.command) ?? [];
    if (choices.length === 0 || (subcmd & Subcmd.DESTROY) !== 0) return;
    if (subcmd & Subcmd.INIT) {
      const c = rng.pick(choices);
      ops.set(ioid, c);
      return this.#send(conn, [withIoid(c.init!, ioid)]);
    }
    const c = ops.get(ioid) ?? rng.pick(choices);
    if (c.data.length === 0) return;
    if (m.command === Command.MONITOR) {
      if (subcmd === Subcmd.STOP) return;
      const n = subcmd === Subcmd.START ? UPDATES_PER_START : 1 + rng.int(3);
      for (let i = 0; i < n; i++) this.#send(conn, [withIoid(rng.pick(c.data), ioid)]);
      return;
    }
    const same = c.data.filter((d) => d[HEADER_SIZE + 4] === subcmd);
    this.#send(conn, [withIoid(rng.pick(same.length > 0 ? same : c.data), ioid)]);
  }

  /** Sends one message (as chunks), mutated with the configured probability. */
  #send(conn: MessageStream, chunks: Uint8Array[]): void {
    const { rng, donors, mutationRate, report } = this.#opts;
    const message = concatBytes(chunks);
    let out = [message];
    if (rng.chance(mutationRate)) {
      const mutation = mutate(rng, message, donors);
      out = confine(mutation.messages, message);
      report.mutated++;
      for (const name of mutation.names) bump(report.mutators, name);
    }
    report.messages += out.length;
    if (!conn.closed) conn.send(out).catch(() => {});
  }
}
