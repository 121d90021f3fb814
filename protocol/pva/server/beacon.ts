/**
 * Server beacons: a short UDP announcement that this server (its GUID and TCP port) is up,
 * sent in a burst after start and rarely afterwards, so that clients waiting for channels
 * search again soon after a server appears.
 *
 * @module
 */
import { parseHostPort, type PvaConfig } from "../config.ts";
import { encodeMessage } from "../frame.ts";
import { Command } from "../header.ts";
import { writeBeacon } from "../messages/discovery.ts";
import { broadcastAddresses, datagram } from "../udp.ts";

/** A UDP destination. */
export interface Destination {
  /** Host name or IPv4 address. */
  hostname: string;
  /** UDP port. */
  port: number;
}

/** Options of {@link BeaconEmitter.start}. */
export interface BeaconOptions {
  /** Destinations come from `beaconAddrList`, `autoBeaconAddrList` and `broadcastPort`. */
  config: PvaConfig;
  /** The server's 12-byte GUID. */
  guid: Uint8Array;
  /** The server's actual TCP port, read at every beacon. */
  tcpPort: () => number;
  /** Gap between the first beacons (pvxs: 15 s). */
  shortPeriodMs?: number;
  /** Gap once the burst is over (pvxs: 180 s). */
  longPeriodMs?: number;
  /** How many gaps of the short period follow the first beacon (pvxs: 10). */
  shortCount?: number;
  /** Told about send failures; beacons go on regardless. */
  onError?: (e: Error) => void;
}

/**
 * A fresh random 12-byte server GUID.
 * @example
 * ```ts
 * import { newGuid } from "./beacon.ts";
 * newGuid().length; // 12
 * ```
 */
export function newGuid(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(12));
}

/**
 * Where beacons go: EPICS_PVAS_BEACON_ADDR_LIST (else EPICS_PVA_ADDR_LIST) entries, whose
 * port defaults to the broadcast port, plus every interface's broadcast address when
 * `autoBeaconAddrList` is set. Duplicates are dropped.
 * @example
 * ```ts
 * import { configFromEnv } from "../config.ts";
 * import { beaconDestinations } from "./beacon.ts";
 * const config = configFromEnv({ EPICS_PVA_ADDR_LIST: "10.0.0.1 10.0.0.2:5999", EPICS_PVA_AUTO_ADDR_LIST: "NO" });
 * beaconDestinations(config); // [{ hostname: "10.0.0.1", port: 5076 }, { hostname: "10.0.0.2", port: 5999 }]
 * ```
 */
export function beaconDestinations(config: PvaConfig): Destination[] {
  const listed = config.beaconAddrList.map((entry) => {
    const { host, port } = parseHostPort(entry, config.broadcastPort);
    return { hostname: host, port };
  });
  const automatic = config.autoBeaconAddrList
    ? broadcastAddresses().map((hostname) => ({ hostname, port: config.broadcastPort }))
    : [];
  const unique = new Map<string, Destination>();
  for (const d of [...listed, ...automatic]) unique.set(`${d.hostname}:${d.port}`, d);
  return [...unique.values()];
}

/**
 * Sends beacons until closed: the first at once, then `shortCount` more `shortPeriodMs`
 * apart, then one every `longPeriodMs`. Big-endian like pvxs.
 * @example
 * ```ts ignore
 * const beacons = BeaconEmitter.start({ config, guid: newGuid(), tcpPort: () => 5075 });
 * beacons.close();
 * ```
 */
export class BeaconEmitter {
  readonly #opts: BeaconOptions;
  readonly #socket: Deno.DatagramConn;
  readonly #destinations: Destination[];
  #sent = 0;
  #changeCount = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  private constructor(opts: BeaconOptions, socket: Deno.DatagramConn, destinations: Destination[]) {
    this.#opts = opts;
    this.#socket = socket;
    this.#destinations = destinations;
  }

  /** Opens a sending socket and sends the first beacon. */
  static start(opts: BeaconOptions): BeaconEmitter {
    const socket = Deno.listenDatagram({ hostname: "0.0.0.0", port: 0, transport: "udp" });
    const emitter = new BeaconEmitter(opts, socket, beaconDestinations(opts.config));
    emitter.#beacon();
    return emitter;
  }

  /** Tells clients the server's set of PVs changed (carried in every following beacon). */
  bumpChangeCount(): void {
    this.#changeCount = (this.#changeCount + 1) & 0xffff;
  }

  /** Stops the beacons and closes the socket. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket.close();
  }

  #beacon(): void {
    const message = encodeMessage(Command.BEACON, "server", false, (body) =>
      writeBeacon(body, {
        guid: this.#opts.guid,
        flags: 0,
        sequence: this.#sent & 0xff,
        changeCount: this.#changeCount,
        serverAddress: null,
        serverPort: this.#opts.tcpPort(),
        protocol: "tcp",
        status: null,
      }));
    const bytes = datagram(message);
    for (const d of this.#destinations) {
      this.#socket.send(bytes, { transport: "udp", ...d }).catch((e) => {
        if (!this.#closed) this.#opts.onError?.(e);
      });
    }
    this.#sent++;
    const { shortPeriodMs = 15_000, longPeriodMs = 180_000, shortCount = 10 } = this.#opts;
    this.#timer = setTimeout(() => this.#beacon(), this.#sent <= shortCount ? shortPeriodMs : longPeriodMs);
  }
}
