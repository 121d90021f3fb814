/**
 * A scripted pvAccess server for client tests: it answers what a test tells it to, including
 * what no real server sends (a refused channel on every try, a malformed reply, a type that
 * declares gigabytes, garbage instead of a handshake). It is also its own name server: a
 * SEARCH over its TCP connection is answered with its own address, so a client configured
 * with `nameServers: [server.address]` and no UDP address finds every name on it.
 *
 * Framing is the project's own {@link MessageStream}; this file adds only the server's side of
 * the handshake and the replies a script chooses.
 *
 * @module
 */
import { loopbackConfig, type PvaConfig } from "../../../protocol/pva/config.ts";
import { type Message, MessageStream } from "../../../protocol/pva/message_stream.ts";
import { encodeControl, encodeMessage } from "../../../protocol/pva/frame.ts";
import { Command, ControlCommand } from "../../../protocol/pva/header.ts";
import {
  readCreateChannelRequest,
  readOpRequestHead,
  readSearchRequest,
  writeCreateChannelResponse,
  writeSearchResponse,
  writeValidationRequest,
} from "../../../protocol/pva/messages/mod.ts";
import { Reader } from "../../../protocol/pvdata/reader.ts";
import { type Status, STATUS_OK, writeStatus } from "../../../protocol/pvdata/status.ts";
import type { Writer } from "../../../protocol/pvdata/writer.ts";

/** What the server does; every part is optional. */
export interface RawServerScript {
  /**
   * Sent at once to every connection instead of the handshake: bytes (garbage, a bad header)
   * or "silence" (nothing at all).
   */
  greeting?: Uint8Array | "silence";
  /** The Status answering CREATE_CHANNEL of `name` (default OK); null sends no answer at all. */
  createChannel?: (name: string) => Status | null;
  /**
   * Writes the reply to an operation request after its ioid (subcommand, Status, body), or
   * returns false to send nothing.
   */
  reply?: (command: number, subcmd: number, w: Writer) => boolean | void;
}

/**
 * A listening scripted server on 127.0.0.1.
 * @example
 * ```ts ignore
 * await using server = RawServer.start({ createChannel: () => errorStatus("no") });
 * const client = new PvaClient({ config: server.clientConfig() });
 * ```
 */
export class RawServer implements AsyncDisposable {
  /** "127.0.0.1:port", for `nameServers`. */
  readonly address: string;
  /** CREATE_CHANNEL requests received, by PV name, in order. */
  readonly created: string[] = [];

  private readonly listener: Deno.TcpListener;
  private readonly script: RawServerScript;
  private readonly conns = new Set<MessageStream>();
  private readonly raw = new Set<Deno.Conn>();
  private readonly accepting: Promise<void>;

  private constructor(script: RawServerScript) {
    this.script = script;
    this.listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.address = `127.0.0.1:${this.listener.addr.port}`;
    this.accepting = this.accept();
  }

  /** Starts listening. */
  static start(script: RawServerScript = {}): RawServer {
    return new RawServer(script);
  }

  /** A client configuration that searches only through this server, over TCP. */
  clientConfig(overrides: Partial<PvaConfig> = {}): PvaConfig {
    return loopbackConfig({ nameServers: [this.address], ...overrides });
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    this.listener.close();
    for (const c of this.conns) c.close();
    for (const s of this.raw) s.close();
    await this.accepting;
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async accept(): Promise<void> {
    for (;;) {
      let socket: Deno.Conn;
      try {
        socket = await this.listener.accept();
      } catch {
        return; // closed
      }
      const { greeting } = this.script;
      if (greeting !== undefined) {
        this.raw.add(socket);
        if (greeting !== "silence") socket.write(greeting).catch(() => {});
        continue;
      }
      this.serve(socket);
    }
  }

  private serve(socket: Deno.Conn): void {
    const conn = new MessageStream(socket, {
      role: "server",
      onMessage: (m) => this.onMessage(conn, m),
      onClose: () => this.conns.delete(conn),
    });
    this.conns.add(conn);
    conn.run();
    conn.send([encodeControl(ControlCommand.SET_BYTE_ORDER, "server", true)]);
    this.send(
      conn,
      Command.CONNECTION_VALIDATION,
      (w) =>
        writeValidationRequest(w, { bufferSize: 0x10000, registrySize: 0x7fff, authMethods: ["anonymous"] }),
    );
  }

  private send(conn: MessageStream, command: number, body: (w: Writer) => void): void {
    conn.send(encodeMessage(command, "server", true, body));
  }

  private onMessage(conn: MessageStream, m: Message): void {
    const r = new Reader(m.payload, m.littleEndian);
    switch (m.command) {
      case Command.CONNECTION_VALIDATION:
        this.send(conn, Command.CONNECTION_VALIDATED, (w) => writeStatus(w, STATUS_OK));
        return;
      case Command.SEARCH: {
        const search = readSearchRequest(r);
        const port = this.listener.addr.port;
        this.send(conn, Command.SEARCH_RESPONSE, (w) =>
          writeSearchResponse(w, {
            guid: new Uint8Array(12).fill(7),
            sequenceId: search.sequenceId,
            serverAddress: "127.0.0.1",
            serverPort: port,
            protocol: "tcp",
            found: true,
            ids: search.channels.map((c) => c.id),
          }));
        return;
      }
      case Command.CREATE_CHANNEL:
        for (const { cid, name } of readCreateChannelRequest(r)) {
          this.created.push(name);
          const status = this.script.createChannel ? this.script.createChannel(name) : STATUS_OK;
          if (status === null) continue;
          this.send(
            conn,
            Command.CREATE_CHANNEL,
            (w) => writeCreateChannelResponse(w, { cid, sid: cid, status }),
          );
        }
        return;
      case Command.GET:
      case Command.PUT:
      case Command.MONITOR:
      case Command.RPC: {
        const head = readOpRequestHead(r);
        let answer = true;
        const chunks = encodeMessage(m.command, "server", true, (w) => {
          w.u32(head.ioid);
          answer = this.script.reply?.(m.command, head.subcmd, w) !== false;
        });
        if (answer) conn.send(chunks);
        return;
      }
    }
  }
}
