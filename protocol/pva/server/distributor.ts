/**
 * The data distributor: monitors that ask for `_[distributor=...]` (or `pydistributor`) share
 * a PV's updates round-robin instead of each receiving all of them.
 *
 * Within a group, clients form sets (each client alone when it names none). Sets take turns
 * in the order they first joined; a set's turn lasts `updates` consecutive updates, which go
 * to every member (mode `all`, the default with a set) or to one member, rotating (mode
 * `one`, the default without a set). An update whose trigger field equals the previous one
 * goes to nobody. Joining and leaving take effect at the next update.
 *
 * @module
 */
import { findField } from "../../pvdata/types.ts";
import type { StructValue, Value } from "../../pvdata/types.ts";
import { BitSet } from "../../pvdata/bitset.ts";
import type { UpdateListener } from "./shared_pv.ts";
import { Update } from "./update.ts";

/** Parsed distributor options. */
export interface DistributorOptions {
  /** Group name ("default"); monitors in different groups each get every update. */
  group: string;
  /** Named set, or undefined to stand alone. */
  set: string | undefined;
  /** Dotted path of the trigger field ("timeStamp"). */
  trigger: string;
  /** Consecutive updates per turn (>= 1, default 1). */
  updates: number;
  /** Who in the set receives a turn's updates: every member, or one in rotation. */
  mode: "one" | "all";
}

/**
 * Parses `group:g;set:s;trigger:uniqueId;updates:2;mode:one` (every key optional).
 * @example
 * ```ts
 * import { parseDistributorOptions } from "./distributor.ts";
 * parseDistributorOptions("trigger:uniqueId").mode; // "one"
 * ```
 */
export function parseDistributorOptions(text: string): DistributorOptions {
  const kv = new Map<string, string>();
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const i = part.indexOf(":");
    if (i < 0) throw new RangeError(`distributor option "${part}" is not key:value`);
    kv.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  for (const k of kv.keys()) {
    if (!["group", "set", "trigger", "updates", "mode"].includes(k)) {
      throw new RangeError(`unknown distributor option "${k}"`);
    }
  }
  const updates = Number(kv.get("updates") ?? 1);
  if (!Number.isInteger(updates) || updates < 1) throw new RangeError(`distributor updates must be >= 1`);
  const set = kv.get("set");
  const mode = kv.get("mode") ?? (set === undefined ? "one" : "all");
  if (mode !== "one" && mode !== "all") {
    throw new RangeError(`distributor mode must be one or all, not ${mode}`);
  }
  return {
    group: kv.get("group") ?? "default",
    set,
    trigger: kv.get("trigger") ?? "timeStamp",
    updates,
    mode,
  };
}

interface MemberSet {
  name: string;
  members: UpdateListener[];
  mode: "one" | "all";
  updates: number;
  /** Next member to serve in mode one. */
  next: number;
}

/**
 * One distributor group of a PV: decides which of its members receive each update. The PV
 * owns its groups and keeps every member as a subscriber of its own, so counting, room and
 * closing see the real clients; the group only chooses who is told about an update.
 */
export class DistributorGroup {
  readonly #trigger: string;
  readonly #sets: MemberSet[] = [];
  #turn = 0;
  #sentInTurn = 0;
  #lastTrigger: string | undefined;
  #standalone = 0;
  /**
   * Per member, the fields changed by updates it was not given. A post carries only what changed, so
   * without these a member would never learn of a field (the dimensions of a frame, say) that changed
   * in another member's turn.
   */
  readonly #unseen = new Map<UpdateListener, BitSet>();

  /** @param trigger dotted path of the field whose repeats go to nobody */
  constructor(trigger: string) {
    this.#trigger = trigger;
  }

  /** True once the last member has left. */
  get isEmpty(): boolean {
    return this.#sets.length === 0;
  }

  /** Adds `member` to its set (or a set of its own), taking part from the next update. */
  join(member: UpdateListener, opts: DistributorOptions): void {
    const name = opts.set ?? `\0${this.#standalone++}`;
    let set = this.#sets.find((s) => s.name === name);
    if (!set) {
      set = { name, members: [], mode: opts.mode, updates: opts.updates, next: 0 };
      this.#sets.push(set);
    }
    set.members.push(member);
    this.#unseen.set(member, new BitSet());
  }

  /** Removes `member`; the turn order of the remaining sets is kept. */
  leave(member: UpdateListener): void {
    const i = this.#sets.findIndex((s) => s.members.includes(member));
    if (i < 0) return;
    const set = this.#sets[i];
    set.members.splice(set.members.indexOf(member), 1);
    this.#unseen.delete(member);
    if (set.next >= set.members.length) set.next = 0;
    if (set.members.length > 0) return;
    this.#sets.splice(i, 1);
    if (i < this.#turn) this.#turn--;
    else if (i === this.#turn) this.#sentInTurn = 0;
    if (this.#turn >= this.#sets.length) this.#turn = 0;
  }

  /**
   * Hands `u` to the members whose turn it is, with the fields changed since each last got an update;
   * the others remember what `u` changed.
   */
  deliver(u: Update): void {
    const key = triggerKey(u.value, this.#trigger, u);
    const repeated = key !== undefined && key === this.#lastTrigger;
    this.#lastTrigger = key;
    const set = repeated ? undefined : this.#sets[this.#turn];
    const receivers = !set ? [] : set.mode === "all" ? set.members : [set.members[set.next]];
    for (const [member, unseen] of this.#unseen) {
      if (!receivers.includes(member)) unseen.or(u.changed);
      else if (unseen.isEmpty()) member.onUpdate(u);
      else {
        member.onUpdate(new Update(u.type, u.value, unseen.or(u.changed).clone(), u.overrun));
        unseen.clearAll();
      }
    }
    if (!set) return;
    if (++this.#sentInTurn >= set.updates) {
      this.#sentInTurn = 0;
      if (set.mode === "one") set.next = (set.next + 1) % set.members.length;
      this.#turn = (this.#turn + 1) % this.#sets.length;
    }
  }
}

/** A comparable form of the trigger field's value (undefined if the PV has no such field). */
function triggerKey(value: StructValue, path: string, u: Update): string | undefined {
  if (findField(u.type, path) === undefined) return undefined;
  let v: Value = value;
  for (const p of path.split(".")) v = (v as StructValue)[p];
  return JSON.stringify(v, (_k, x) => typeof x === "bigint" ? x.toString() : x);
}
