/**
 * Finding channels: SEARCH datagrams (a VERSION, then one SEARCH per name) to the address
 * list and, when automatic, every interface's broadcast address, retried with a doubling
 * delay. No repeater and no beacons: a client that only searches needs neither, and the
 * delay stays short enough that a restarted server is found again within seconds.
 * @module
 */
import type { Logger } from "../log.ts";
import { DecodeError } from "../pvdata/errors.ts";
import { concatBytes } from "../pvdata/writer.ts";
import { SearchSchedule } from "../search_schedule.ts";
import { parseHostPort } from "../pva/config.ts";
import { ipv4Interfaces } from "../pva/udp.ts";
import type { CaConfig } from "./config.ts";
import { CaCommand, readWholeHeader } from "./header.ts";
import { readSearchReply, searchMessage, searchVersionMessage } from "./messages.ts";

/** Where a search reply says a channel lives. */
export interface FoundChannel {
  cid: number;
  host: string;
  port: number;
}

/** Default delay before a channel's first search. */
const FIRST_SEARCH_MS = 10;
/** The retry delay starts here and doubles up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
/** Datagram size EPICS clients keep searches under (MAX_UDP_SEND). */
const MAX_DATAGRAM = 1024;

/** A channel searched for. */
interface Searched {
  cid: number;
  name: string;
}

/**
 * The client's search engine.
 * @example
 * ```ts ignore
 * const d = new CaDiscoverer(config, logger, (found) => console.log(found));
 * d.add(1, "motor:x"); // searched until d.remove(1)
 * ```
 */
export class CaDiscoverer {
  #udp: Deno.DatagramConn;
  #targets: { hostname: string; port: number }[];
  #onFound: (found: FoundChannel) => void;
  #schedule = new SearchSchedule<Searched>({
    retryMs: (attempt) => Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS),
    onDue: (due) => {
      for (const datagram of this.#datagrams(due)) this.#send(datagram);
    },
  });
  #sequence = 1;

  /**
   * @param config where searches go
   * @param logger told about an empty search list
   * @param onFound called for each positive reply to a channel still searched for
   */
  constructor(config: CaConfig, logger: Logger, onFound: (found: FoundChannel) => void) {
    this.#onFound = onFound;
    this.#udp = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
    this.#targets = config.addrList.map((s) => {
      const { host, port } = parseHostPort(s, config.serverPort);
      return { hostname: host, port };
    });
    if (config.autoAddrList) {
      const interfaces = ipv4Interfaces((e) =>
        logger.warn("ca search: no interface broadcasts", { error: e })
      );
      for (const i of interfaces) {
        if (!i.loopback) this.#targets.push({ hostname: i.broadcast, port: config.serverPort });
      }
    }
    if (this.#targets.length === 0) {
      logger.warn("ca search: the address list is empty; nothing will be found");
    }
    this.#receive();
  }

  /**
   * Starts searching for a channel: the first search after `delayMs` (default about 10 ms, so
   * that channels created together share a datagram), then retries 0.1 s, 0.2 s ... 5 s apart.
   */
  add(cid: number, name: string, delayMs: number = FIRST_SEARCH_MS): void {
    this.#schedule.add(cid, { cid, name }, delayMs);
  }

  /** Stops searching for a channel. */
  remove(cid: number): void {
    this.#schedule.remove(cid);
  }

  /** Closes the socket and stops searching. */
  close(): void {
    this.#schedule.close();
    this.#udp.close();
  }

  /** Packs searches into datagrams under {@link MAX_DATAGRAM} bytes, each led by a VERSION. */
  #datagrams(due: Searched[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    let parts: Uint8Array[] = [];
    let size = 0;
    const flush = () => {
      if (parts.length === 0) return;
      out.push(concatBytes(parts));
      parts = [];
    };
    for (const p of due) {
      const search = searchMessage(p.cid, p.name);
      if (parts.length === 0 || size + search.length > MAX_DATAGRAM) {
        flush();
        parts = [searchVersionMessage(this.#sequence++)];
        size = parts[0].length;
      }
      parts.push(search);
      size += search.length;
    }
    flush();
    return out;
  }

  #send(datagram: Uint8Array): void {
    for (const t of this.#targets) {
      this.#udp.send(datagram, { transport: "udp", ...t }).catch(() => {
        // An unreachable destination must not stop the others; the next retry tries again.
      });
    }
  }

  async #receive(): Promise<void> {
    for (;;) {
      let data: Uint8Array;
      let from: Deno.NetAddr;
      try {
        const [d, addr] = await this.#udp.receive();
        data = d;
        from = addr as Deno.NetAddr;
      } catch {
        return; // closed
      }
      try {
        this.#onDatagram(data, from);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        // A malformed datagram is dropped; UDP peers are not trusted.
      }
    }
  }

  #onDatagram(data: Uint8Array, from: Deno.NetAddr): void {
    for (let at = 0; at < data.length;) {
      const { header, size } = readWholeHeader(data, at);
      const end = at + size + header.payloadSize;
      if (end > data.length) {
        throw new DecodeError(at, `payload of ${header.payloadSize} bytes overruns the datagram`);
      }
      if (header.command === CaCommand.SEARCH) {
        const reply = readSearchReply(header, data.subarray(at + size, end));
        if (this.#schedule.remove(reply.cid)) {
          this.#onFound({ cid: reply.cid, host: reply.address ?? from.hostname, port: reply.port });
        }
      }
      at = end;
    }
  }
}
