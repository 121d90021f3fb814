/**
 * Reading an access rules file: the subset of EPICS access security's configuration file (ACF) that
 * decides who may read and write which channels. `UAG` and `HAG` name groups of users and hosts, each
 * `ASG` holds `RULE`s, and `CHANNEL("pattern")` (our addition: EPICS assigns records to groups in the
 * database instead) says which channels belong to the group. The grammar is in docs/access-rules.md.
 *
 * @module
 */

/** A line of the rules file is wrong; the message names the line and the problem. */
export class AccessRulesError extends Error {
  /** 1-based line of the problem. */
  readonly line: number;

  /**
   * Creates the error; the message names the line.
   * @param line 1-based line number
   * @param reason what is wrong there
   */
  constructor(line: number, reason: string) {
    super(`access rules line ${line}: ${reason}`);
    this.name = "AccessRulesError";
    this.line = line;
  }
}

/** Access levels, lowest first: `WRITE` implies `READ`, as in EPICS. */
export type AccessLevel = "NONE" | "READ" | "WRITE";

/** One `RULE(level, access) { UAG(...) HAG(...) }`: whom it grants `access`. */
export interface AccessRule {
  access: AccessLevel;
  /** Names of user groups; empty when the rule applies to every user. */
  uags: string[];
  /** Names of host groups; empty when the rule applies to every host. */
  hags: string[];
}

/** One `ASG(name) { ... }`. */
export interface AccessGroup {
  name: string;
  /** Channel name patterns (`*` any run of characters, `?` one). */
  channels: string[];
  rules: AccessRule[];
}

/** A parsed rules file. */
export interface AccessRulesDocument {
  /** User groups by name: their user names. */
  uags: Map<string, string[]>;
  /** Host groups by name: host names (lower case) and addresses. */
  hags: Map<string, string[]>;
  /** Access groups in file order (the first whose pattern matches a channel takes it). */
  asgs: AccessGroup[];
}

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

const PUNCTUATION = new Set(["(", ")", "{", "}", ","]);
const LEVELS: readonly string[] = ["NONE", "READ", "WRITE"];
/** RULE options EPICS knows and we accept without effect (we have no put logging). */
const IGNORED_RULE_OPTIONS = new Set(["TRAPWRITE", "NOTRAPWRITE"]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const src = lines[i];
    let at = 0;
    while (at < src.length) {
      const c = src[at];
      if (c === "#") break;
      if (/\s/.test(c)) {
        at++;
      } else if (PUNCTUATION.has(c)) {
        tokens.push({ text: c, line, quoted: false });
        at++;
      } else if (c === '"') {
        const end = src.indexOf('"', at + 1);
        if (end < 0) throw new AccessRulesError(line, "a quoted string is not closed");
        tokens.push({ text: src.slice(at + 1, end), line, quoted: true });
        at = end + 1;
      } else {
        const word = /^[^\s(){},"#]+/.exec(src.slice(at))![0];
        tokens.push({ text: word, line, quoted: false });
        at += word.length;
      }
    }
  }
  return tokens;
}

/** A cursor over the tokens with the expectations the grammar needs. */
class Tokens {
  readonly #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  get done(): boolean {
    return this.#at >= this.#tokens.length;
  }

  get line(): number {
    return (this.#tokens[this.#at] ?? this.#tokens[this.#tokens.length - 1])?.line ?? 1;
  }

  peek(): string | undefined {
    return this.#tokens[this.#at]?.text;
  }

  next(what: string): Token {
    const t = this.#tokens[this.#at++];
    if (!t) throw new AccessRulesError(this.line, `the file ends where ${what} was expected`);
    return t;
  }

  expect(text: string): void {
    const t = this.next(`"${text}"`);
    if (t.quoted || t.text !== text) {
      throw new AccessRulesError(t.line, `expected "${text}", found "${t.text}"`);
    }
  }

  name(what: string): string {
    const t = this.next(what);
    if (!t.quoted && PUNCTUATION.has(t.text)) {
      throw new AccessRulesError(t.line, `expected ${what}, found "${t.text}"`);
    }
    return t.text;
  }

  /** `( a, b, ... )` or `{ a, b, ... }`: at least one name. */
  list(open: "(" | "{", what: string): string[] {
    const close = open === "(" ? ")" : "}";
    this.expect(open);
    const names = [this.name(what)];
    while (this.peek() === ",") {
      this.next(",");
      names.push(this.name(what));
    }
    this.expect(close);
    return names;
  }
}

function parseRule(t: Tokens, doc: AccessRulesDocument): AccessRule {
  const line = t.line;
  t.expect("(");
  const level = t.name("a rule level");
  if (level !== "0" && level !== "1") {
    throw new AccessRulesError(line, `rule level must be 0 or 1, not "${level}"`);
  }
  t.expect(",");
  const access = t.name("NONE, READ or WRITE");
  if (!LEVELS.includes(access)) {
    throw new AccessRulesError(line, `rule access must be NONE, READ or WRITE, not "${access}"`);
  }
  if (t.peek() === ",") {
    t.next(",");
    const option = t.name("TRAPWRITE or NOTRAPWRITE");
    if (!IGNORED_RULE_OPTIONS.has(option)) {
      throw new AccessRulesError(line, `unknown rule option "${option}" (TRAPWRITE or NOTRAPWRITE)`);
    }
  }
  t.expect(")");
  const rule: AccessRule = { access: access as AccessLevel, uags: [], hags: [] };
  if (t.peek() !== "{") return rule;
  t.expect("{");
  while (t.peek() !== "}") {
    const kind = t.next("UAG, HAG or }");
    if (kind.text !== "UAG" && kind.text !== "HAG") {
      throw new AccessRulesError(
        kind.line,
        `"${kind.text}" in a RULE is not supported (only UAG and HAG; CALC and INP are not)`,
      );
    }
    const groups = kind.text === "UAG" ? doc.uags : doc.hags;
    for (const g of t.list("(", `a ${kind.text} name`)) {
      if (!groups.has(g)) throw new AccessRulesError(kind.line, `${kind.text}(${g}) is not defined above`);
      (kind.text === "UAG" ? rule.uags : rule.hags).push(g);
    }
  }
  t.expect("}");
  return rule;
}

function parseAsg(t: Tokens, doc: AccessRulesDocument): AccessGroup {
  const line = t.line;
  t.expect("(");
  const group: AccessGroup = { name: t.name("an ASG name"), channels: [], rules: [] };
  t.expect(")");
  if (doc.asgs.some((g) => g.name === group.name)) {
    throw new AccessRulesError(line, `ASG(${group.name}) is defined twice`);
  }
  t.expect("{");
  while (t.peek() !== "}") {
    const item = t.next("RULE, CHANNEL or }");
    if (item.text === "RULE") group.rules.push(parseRule(t, doc));
    else if (item.text === "CHANNEL") group.channels.push(...t.list("(", "a channel pattern"));
    else {
      throw new AccessRulesError(item.line, `"${item.text}" in an ASG is not supported (RULE or CHANNEL)`);
    }
  }
  t.expect("}");
  return group;
}

/**
 * Parses an access rules file. Groups must be defined before the rules that name them.
 * @throws AccessRulesError naming the line and the problem
 * @example
 * ```ts
 * import { parseAccessRules } from "./access_rules_parse.ts";
 * const doc = parseAccessRules(`
 *   UAG(ops) { alice }
 *   ASG(DEFAULT) { RULE(1, READ) }
 *   ASG(control) { CHANNEL("*:control") RULE(1, WRITE) { UAG(ops) } }
 * `);
 * doc.asgs[1].channels; // ["*:control"]
 * ```
 */
export function parseAccessRules(text: string): AccessRulesDocument {
  const doc: AccessRulesDocument = { uags: new Map(), hags: new Map(), asgs: [] };
  const t = new Tokens(tokenize(text));
  while (!t.done) {
    const head = t.next("UAG, HAG or ASG");
    if (head.text === "UAG" || head.text === "HAG") {
      const groups = head.text === "UAG" ? doc.uags : doc.hags;
      t.expect("(");
      const name = t.name(`a ${head.text} name`);
      t.expect(")");
      if (groups.has(name)) throw new AccessRulesError(head.line, `${head.text}(${name}) is defined twice`);
      const members = t.list("{", head.text === "UAG" ? "a user name" : "a host name or address");
      // EPICS compares host names without case; user names keep theirs.
      groups.set(name, head.text === "HAG" ? members.map((m) => m.toLowerCase()) : members);
    } else if (head.text === "ASG") {
      doc.asgs.push(parseAsg(t, doc));
    } else {
      throw new AccessRulesError(head.line, `expected UAG, HAG or ASG, found "${head.text}"`);
    }
  }
  return doc;
}
