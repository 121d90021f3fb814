/**
 * Handing on unicast searches that the shared beacon port delivered to this client instead
 * of to the servers on this host.
 * @module
 */
import { SearchFlag, type SearchRequest } from "../messages/mod.ts";
import { forwardedSearch, type Ipv4Interface, LOCAL_MULTICAST_GROUP } from "../udp.ts";

/**
 * Resends a unicast search that reached our shared beacon port to the servers of this host
 * (the local multicast group on loopback, behind an ORIGIN_TAG), as pvxs does. The sending
 * socket is bound to 127.0.0.1: Linux then routes multicast from it through loopback.
 */
export class SearchForwarder {
  private sock: Deno.DatagramConn | null = null;
  private readonly port: number;
  private readonly local: Ipv4Interface[];

  /**
   * @param port the broadcast port the servers listen on
   * @param local this host's interfaces
   */
  constructor(port: number, local: Ipv4Interface[]) {
    this.port = port;
    this.local = local;
  }

  /** Forwards `search`, which came from `source`, unless it was not sent unicast. */
  forward(search: SearchRequest, source: string, littleEndian: boolean): void {
    if ((search.flags & SearchFlag.UNICAST) === 0) return;
    const replyable = { ...search, replyAddress: search.replyAddress ?? source };
    this.sock ??= Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    for (const origin of this.origins(source)) {
      const bytes = forwardedSearch(replyable, origin, littleEndian);
      this.sock.send(bytes, { transport: "udp", hostname: LOCAL_MULTICAST_GROUP, port: this.port }).catch(
        () => {
          // Best effort: the searching client retries anyway.
        },
      );
    }
  }

  /** Closes the sending socket. */
  close(): void {
    this.sock?.close();
    this.sock = null;
  }

  /**
   * Where the search was sent, which servers bound to one interface compare with their own
   * address. The socket API does not tell, but a local sender's source address is the address
   * it sent to; a remote sender reached one of our non-loopback addresses.
   */
  private origins(source: string): string[] {
    if (this.local.some((i) => i.address === source)) return [source];
    const external = this.local.filter((i) => !i.loopback).map((i) => i.address);
    return external.length > 0 ? external : ["0.0.0.0"];
  }
}
