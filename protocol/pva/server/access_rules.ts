/**
 * Access rules in the manner of EPICS access security: which users on which hosts may read and
 * write which channels. A server given {@link AccessRules} (`PvaServerOptions.access`) checks them
 * at the INIT of every GET, MONITOR, PUT and RPC, before the PV's own rule.
 *
 * @module
 */
import type { Peer } from "../messages/handshake.ts";
import {
  type AccessGroup,
  type AccessLevel,
  type AccessRule,
  type AccessRulesDocument,
  parseAccessRules,
} from "./access_rules_parse.ts";
import type { AccessOp } from "./shared_pv.ts";

export { AccessRulesError } from "./access_rules_parse.ts";
export type { AccessLevel } from "./access_rules_parse.ts";

/** The group every channel that no `CHANNEL` pattern takes belongs to, as in EPICS. */
export const DEFAULT_ASG = "DEFAULT";

const RANK: Record<AccessLevel, number> = { NONE: 0, READ: 1, WRITE: 2 };
const NEEDS: Record<AccessOp, AccessLevel> = {
  get: "READ",
  monitor: "READ",
  info: "READ",
  put: "WRITE",
  rpc: "WRITE",
};

/** `*` any run of characters, `?` one; everything else literal. */
function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** An address as the socket reports it, without the IPv4-mapped IPv6 prefix. */
function plainAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** What a server asks before every GET, MONITOR, PUT and RPC: may this peer run `op` on `channel`? */
export interface ChannelAccess {
  /** True when `peer` may run `op` on the channel named `channel`. */
  allows(peer: Peer, op: AccessOp, channel: string): boolean;
}

/**
 * Parsed access rules: ask {@link AccessRules.allows} whether a peer may run an operation on a channel.
 * A HAG member that is an IP address is compared with the address the connection comes from; a host name
 * with the name the client claims in its `ca` credentials (unverified, as in EPICS without
 * `asCheckClientIP`: list addresses where that matters). Users are the `ca` user names, also as claimed.
 * @example
 * ```ts
 * import { AccessRules } from "./access_rules.ts";
 * const rules = AccessRules.parse(`
 *   UAG(ops) { alice }
 *   HAG(lab) { 10.77.0.2 }
 *   ASG(DEFAULT) { RULE(1, READ) }
 *   ASG(control) { CHANNEL("*:control") RULE(1, WRITE) { UAG(ops) HAG(lab) } }
 * `);
 * const alice = { method: "ca", user: "alice", host: "ws1", address: "10.77.0.2" };
 * rules.allows(alice, "put", "cons:control"); // true
 * rules.allows({ ...alice, user: "bob" }, "put", "cons:control"); // false
 * rules.allows({ ...alice, user: "bob" }, "get", "cons:control"); // true
 * ```
 */
export class AccessRules implements ChannelAccess {
  readonly #doc: AccessRulesDocument;
  readonly #patterns: { group: AccessGroup; pattern: RegExp }[];
  readonly #fallback: AccessGroup;

  private constructor(doc: AccessRulesDocument) {
    this.#doc = doc;
    this.#patterns = doc.asgs.flatMap((group) =>
      group.channels.map((p) => ({ group, pattern: globRegExp(p) }))
    );
    // EPICS creates an empty DEFAULT when the file has none: channels of no group are then refused.
    this.#fallback = doc.asgs.find((g) => g.name === DEFAULT_ASG) ??
      { name: DEFAULT_ASG, channels: [], rules: [] };
  }

  /**
   * Parses the text of a rules file.
   * @throws AccessRulesError naming the line and the problem
   */
  static parse(text: string): AccessRules {
    return new AccessRules(parseAccessRules(text));
  }

  /** The name of the access group `channel` belongs to. */
  groupOf(channel: string): string {
    return this.#groupOf(channel).name;
  }

  /** The highest access any rule of the channel's group grants `peer`. */
  levelFor(peer: Peer, channel: string): AccessLevel {
    let best: AccessLevel = "NONE";
    for (const rule of this.#groupOf(channel).rules) {
      if (RANK[rule.access] > RANK[best] && this.#applies(rule, peer)) best = rule.access;
    }
    return best;
  }

  /** Whether `peer` may run `op` on `channel` (reads need READ, puts and RPC calls WRITE). */
  allows(peer: Peer, op: AccessOp, channel: string): boolean {
    return RANK[this.levelFor(peer, channel)] >= RANK[NEEDS[op]];
  }

  #groupOf(channel: string): AccessGroup {
    return this.#patterns.find((p) => p.pattern.test(channel))?.group ?? this.#fallback;
  }

  #applies(rule: AccessRule, peer: Peer): boolean {
    const users = rule.uags.length === 0 ||
      rule.uags.some((g) => this.#doc.uags.get(g)!.includes(peer.user));
    return users && (rule.hags.length === 0 || rule.hags.some((g) => this.#hostIn(g, peer)));
  }

  #hostIn(hag: string, peer: Peer): boolean {
    const address = plainAddress(peer.address);
    const host = peer.host.toLowerCase();
    return this.#doc.hags.get(hag)!.some((m) => IPV4.test(m) || m.includes(":") ? m === address : m === host);
  }
}
