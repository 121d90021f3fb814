/**
 * The UDP target: search datagrams (captured and recorded, then mutated) sent to the server's
 * search port. Before sending, every message of the mutated datagram that the server would take
 * for a SEARCH gets its reply address zeroed and its reply port set to our socket, so that no
 * answer leaves loopback or reaches anyone else's port. One datagram in fifty is a valid search
 * for a hosted PV, and the share of those answered is reported.
 *
 * @module
 */
import { Command, Flag, HEADER_SIZE } from "../../protocol/pva/header.ts";
import { splitDatagram } from "../../protocol/pva/udp.ts";
import { readSearchResponse } from "../../protocol/pva/messages/discovery.ts";
import { type Received, searchDatagram, UdpPeer } from "../support/udp_peer.ts";
import { splitMessages } from "../support/pva_split.ts";
import type { Datagram } from "./corpus.ts";
import { concat, mutate } from "./mutate.ts";
import type { Rng } from "./rng.ts";
import { bump, fail, type TargetReport } from "./stats.ts";

/** How to fuzz a server's search port. */
export interface UdpFuzzOptions {
  /** The server's UDP port. */
  port: number;
  /** A PV the server hosts (the valid searches ask for it). */
  pv: string;
  datagrams: Datagram[];
  /** Datagrams to send. */
  messages: number;
}

/** Sequence ids of the valid searches: a range mutated searches are unlikely to hit. */
const VALID_SEQUENCE = 0x5a5a0000;

/** Offset of the reply address in a SEARCH payload (after sequence id, flags and 3 reserved bytes). */
const REPLY_ADDRESS = 8;

/** Runs the UDP target, adding to `report`. */
export async function fuzzUdp(rng: Rng, opts: UdpFuzzOptions, report: TargetReport): Promise<void> {
  using peer = new UdpPeer();
  const donors = opts.datagrams.flatMap((d) =>
    splitMessages(d.bytes).messages.map((m) => d.bytes.slice(m.start, m.end))
  );
  let valid = 0;
  // Sequence numbers (counted from VALID_SEQUENCE) of the valid searches answered.
  const answered = new Set<number>();
  const started = performance.now();
  for (let i = 0; i < opts.messages; i++) {
    if (i % 50 === 0) {
      valid++;
      report.messages++;
      await peer.send(
        searchDatagram({
          sequenceId: VALID_SEQUENCE + valid,
          replyPort: peer.port,
          channels: [{ id: 1, name: opts.pv }],
        }),
        opts.port,
      );
    } else {
      const { names, messages } = mutate(rng, rng.pick(donors), donors);
      for (const name of names) bump(report.mutators, name);
      // Some datagrams carry several messages: keep a neighbour before or after the mutated one.
      const extra = rng.chance(0.2) ? [rng.pick(donors)] : [];
      const bytes = [
        ...(rng.chance(0.5) ? extra : []),
        ...messages,
        ...(extra.length && rng.chance(0.5) ? [] : extra),
      ]
        .reduce(concat);
      await peer.send(confine(bytes, peer.port), opts.port);
      report.messages++;
      report.mutated++;
    }
    // Let replies and the server keep up: UDP has no flow control, and a flood only fills buffers.
    if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 1));
    // Received datagrams are held until read: read them as we go.
    if (i % 1000 === 999) noteAnswers(await peer.collect(0), answered);
  }
  report.seconds += (performance.now() - started) / 1000;
  noteAnswers(await peer.collect(500), answered);
  // Counted by range: a mutated search for a hosted name can carry a sequence id beyond them.
  const during = [...answered].filter((n) => n <= valid).length;
  bump(report.outcomes, "valid searches sent", valid);
  bump(report.outcomes, "valid searches answered", during);
  // A flood fills the server's socket buffer, so searches sent meanwhile may be dropped; once it
  // is over, every search must be answered again.
  const AFTER = 10;
  for (let i = 1; i <= AFTER; i++) {
    const channels = [{ id: 1, name: opts.pv }];
    await peer.send(
      searchDatagram({ sequenceId: VALID_SEQUENCE + valid + i, replyPort: peer.port, channels }),
      opts.port,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  noteAnswers(await peer.collect(500), answered);
  const after = [...answered].filter((n) => n > valid && n <= valid + AFTER).length;
  report.extra.searchesAnsweredDuringFlood = `${during}/${valid}`;
  report.extra.searchesAnsweredAfter = `${after}/${AFTER}`;
  if (after < AFTER) fail(report, `only ${after} of ${AFTER} searches answered after the flood`);
}

/** Adds the sequence numbers (from VALID_SEQUENCE) of the valid searches `replies` answer as found. */
function noteAnswers(replies: Received[], answered: Set<number>): void {
  for (const { parts } of replies) {
    for (const { header, body } of parts) {
      if (header.command !== Command.SEARCH_RESPONSE) continue;
      const { sequenceId, found } = readSearchResponse(body);
      const n = sequenceId - VALID_SEQUENCE;
      if (found && n > 0 && n < 2 ** 28) answered.add(n);
    }
  }
}

/** `bytes` with every SEARCH the server would read pointed at 127.0.0.1:`port` (see the module note). */
export function confine(bytes: Uint8Array, port: number): Uint8Array {
  const out = bytes.slice();
  try {
    splitDatagram(out);
  } catch {
    return out; // the server drops a datagram that does not split
  }
  const view = new DataView(out.buffer);
  for (let at = 0; at < out.length;) {
    const le = (out[at + 2] & Flag.BIG_ENDIAN) === 0;
    const size = view.getUint32(at + 4, le);
    if (out[at + 3] === Command.SEARCH && size >= REPLY_ADDRESS + 18) {
      out.fill(0, at + HEADER_SIZE + REPLY_ADDRESS, at + HEADER_SIZE + REPLY_ADDRESS + 16);
      view.setUint16(at + HEADER_SIZE + REPLY_ADDRESS + 16, port, le);
    }
    at += HEADER_SIZE + size;
  }
  return out;
}
