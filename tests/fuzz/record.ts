/**
 * Records the fuzz corpus in `corpus/`: short sessions between the real peers and us, captured
 * by a TCP proxy between client and server, and the search datagrams the clients send.
 *
 * - p4p and pvapy clients (tests/interop/py/*_client.py) run get, info, put, monitor and rpc on
 *   our server (the interop catalogue, tests/interop/hosted.ts);
 * - our PvaClient runs the same calls on a p4p and a pvapy server (tests/interop/py/*_server.py).
 *
 * Clients find the proxy through a small search responder that answers every search with the
 * proxy's port. Each TCP connection gives two files, `<setup>-<n>-client.tcp` and
 * `<setup>-<n>-server.tcp` (the bytes each end sent, as they went over the wire), and each setup
 * one `<setup>.udp` (datagrams as length-prefixed records, see corpus.ts).
 *
 *   PVASTREAM_PYTHON=.venv/bin/python deno run --allow-all tests/fuzz/record.ts
 *
 * @module
 */
import { PvaClient } from "../../protocol/pva/client/mod.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { encodeMessage } from "../../protocol/pva/frame.ts";
import { Command } from "../../protocol/pva/header.ts";
import { readSearchRequest, writeSearchResponse } from "../../protocol/pva/messages/mod.ts";
import { datagram, splitDatagram } from "../../protocol/pva/udp.ts";
import { scalar, struct } from "../../protocol/pvdata/types.ts";
import { catalogue, host, PREFIX } from "../interop/hosted.ts";
import { epicsEnv, freePorts, runPython, startPython } from "../interop/peers.ts";
import { concat } from "./mutate.ts";
import { RECORDED, writeRecords } from "./corpus.ts";

/** The bytes each end of one proxied connection sent. */
interface Recorded {
  client: Uint8Array;
  server: Uint8Array;
}

/** A TCP proxy on 127.0.0.1 that forwards to `upstream` and keeps what each end sent. */
class RecordingProxy {
  readonly port: number;
  readonly connections: Recorded[] = [];
  #listener: Deno.TcpListener;
  #pipes: Promise<void>[] = [];

  constructor(readonly upstream: number) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = this.#listener.addr.port;
    this.#accept();
  }

  async #accept(): Promise<void> {
    try {
      for await (const downstream of this.#listener) this.#pipes.push(this.#forward(downstream));
    } catch {
      // closed
    }
  }

  async #forward(downstream: Deno.TcpConn): Promise<void> {
    const up = await Deno.connect({ hostname: "127.0.0.1", port: this.upstream });
    const recorded: Recorded = { client: new Uint8Array(0), server: new Uint8Array(0) };
    this.connections.push(recorded);
    const pipe = async (from: Deno.TcpConn, to: Deno.TcpConn, side: keyof Recorded) => {
      const buf = new Uint8Array(64 * 1024);
      try {
        for (let n; (n = await from.read(buf)) !== null;) {
          recorded[side] = concat(recorded[side], buf.slice(0, n));
          for (let off = 0; off < n;) off += await to.write(buf.subarray(off, n));
        }
      } catch {
        // either end went away
      }
      try {
        to.close();
      } catch {
        // closed already
      }
    };
    await Promise.all([pipe(downstream, up, "client"), pipe(up, downstream, "server")]);
  }

  async close(): Promise<void> {
    this.#listener.close();
    await Promise.all(this.#pipes);
  }
}

/** Answers every search on 127.0.0.1 (free port) with "found at 127.0.0.1:`tcpPort`", keeping the datagrams. */
class SearchResponder {
  readonly port: number;
  readonly datagrams: Uint8Array[] = [];
  #socket: Deno.DatagramConn;

  constructor(tcpPort: number) {
    this.#socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
    this.port = (this.#socket.addr as Deno.NetAddr).port;
    this.#answer(tcpPort);
  }

  async #answer(tcpPort: number): Promise<void> {
    for (;;) {
      let data: Uint8Array, from: Deno.NetAddr;
      try {
        [data, from] = (await this.#socket.receive()) as [Uint8Array, Deno.NetAddr];
      } catch {
        return;
      }
      this.datagrams.push(data);
      for (const { header, body } of splitDatagram(data)) {
        if (header.command !== Command.SEARCH) continue;
        const search = readSearchRequest(body);
        if (search.channels.length === 0) continue;
        const reply = encodeMessage(Command.SEARCH_RESPONSE, "server", true, (w) =>
          writeSearchResponse(w, {
            guid: new Uint8Array(12).fill(0x5a),
            sequenceId: search.sequenceId,
            serverAddress: null,
            serverPort: tcpPort,
            protocol: "tcp",
            found: true,
            ids: search.channels.map((c) => c.id),
          }));
        const port = search.replyPort || from.port;
        await this.#socket.send(datagram(reply), { transport: "udp", hostname: "127.0.0.1", port });
      }
    }
  }

  close(): void {
    this.#socket.close();
  }
}

/** Small PVs of the catalogues (ours and the peers'), and what each call does with them. */
const GETS = [
  "scalar:float64",
  "scalar:string",
  "array:int32",
  "enum",
  "table",
  "nested",
  "union",
  "any",
  "structarray",
];
const PUTS: [string, string][] = [["put:float64", "2.5"], ["put:string", '"fuzz"'], ["readonly", "3"]];

/** Peer clients (p4p, pvapy) on our server. */
async function peerClients(): Promise<Map<string, { proxy: RecordingProxy; responder: SearchResponder }>> {
  const out = new Map();
  using ours = await host(catalogue(0));
  const counter = ours.pvs.get("counter")!;
  let n = 0;
  const ticking = setInterval(() => counter.post({ value: ++n }), 100);
  try {
    for (const peer of ["p4p", "pvapy"]) {
      const proxy = new RecordingProxy(ours.server.tcpPort);
      const responder = new SearchResponder(proxy.port);
      // pvxs binds the broadcast port itself: searches go to the responder by an explicit port.
      const env = {
        ...epicsEnv({ tcp: proxy.port, udp: freePorts().udp }),
        EPICS_PVA_ADDR_LIST: `127.0.0.1:${responder.port}`,
      };
      const script = `${peer}_client.py`;
      const run = (args: string[]) => runPython(script, args, { env, timeoutMs: 20_000 });
      for (const pv of GETS) await run(["get", PREFIX + pv]);
      await run(["info", PREFIX + "nested"]);
      await run(["get", PREFIX + "image:dist", "--max-elements", "0"]);
      await run(["get", PREFIX + "scalar:float64", "--request", "field(value,alarm)"]);
      for (const [pv, value] of PUTS) await run(["put", PREFIX + pv, value]);
      await run(["monitor", PREFIX + "counter", "--count", "4"]);
      await run(["rpc", PREFIX + "add", '{"a": 1, "b": 2}']);
      await proxy.close();
      responder.close();
      out.set(`${peer}-client`, { proxy, responder });
    }
  } finally {
    clearInterval(ticking);
  }
  return out;
}

/** Our client on peer servers (p4p, pvapy). */
async function peerServers(): Promise<Map<string, { proxy: RecordingProxy; responder: SearchResponder }>> {
  const out = new Map();
  for (const peer of ["p4p", "pvapy"]) {
    const ports = freePorts();
    await using server = await startPython(`${peer}_server.py`, ["--prefix", "fz:"], {
      env: epicsEnv(ports),
    });
    const proxy = new RecordingProxy(ports.tcp);
    const responder = new SearchResponder(proxy.port);
    const config = configFromEnv(epicsEnv({ tcp: proxy.port, udp: responder.port }), { nameServers: [] });
    const client = new PvaClient({ config });
    const attempt = async (call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (e) {
        console.error(`${peer}: ${e instanceof Error ? e.message : e}`);
      }
    };
    try {
      for (const pv of GETS) await attempt(() => client.get(`fz:${pv}`));
      await attempt(() => client.info("fz:nested"));
      await attempt(() => client.get("fz:scalar:float64", { request: "field(value,alarm)" }));
      await attempt(() => client.put("fz:put:float64", 2.5));
      await attempt(() => client.put("fz:put:string", "fuzz"));
      await attempt(() => client.put("fz:readonly", 3));
      await attempt(async () => {
        const signal = AbortSignal.timeout(10_000);
        let updates = 0;
        for await (const ev of client.monitor("fz:counter", { signal })) {
          if (ev.kind === "data" && ++updates >= 4) break;
          if (ev.kind === "data") await server.send("burst 1");
        }
      });
      // pvapy serves `add` from a separate RpcServer that our searches do not reach through the proxy.
      const args = {
        type: struct("", { a: scalar("float64"), b: scalar("float64") }),
        value: { a: 1, b: 2 },
      };
      if (peer === "p4p") await attempt(() => client.rpc("fz:add", args));
    } finally {
      client.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await proxy.close();
    responder.close();
    out.set(`${peer}-server`, { proxy, responder });
  }
  return out;
}

const setups = new Map([...await peerClients(), ...await peerServers()]);
let total = 0;
for (const [setup, { proxy, responder }] of setups) {
  for (const [i, c] of proxy.connections.entries()) {
    for (const side of ["client", "server"] as const) {
      if (c[side].length === 0) continue;
      Deno.writeFileSync(new URL(`${setup}-${String(i).padStart(2, "0")}-${side}.tcp`, RECORDED), c[side]);
      total += c[side].length;
    }
  }
  const udp = writeRecords(responder.datagrams);
  Deno.writeFileSync(new URL(`${setup}.udp`, RECORDED), udp);
  total += udp.length;
  console.log(`${setup}: ${proxy.connections.length} connections, ${responder.datagrams.length} datagrams`);
}
console.log(`${total} bytes in ${RECORDED.pathname}`);
