/**
 * Access rules files: the EPICS ACF subset parsed, mistakes named by line, and the decision for users,
 * claimed host names and addresses, channel patterns and the DEFAULT group.
 */
import assert from "node:assert/strict";
import { AccessRules, AccessRulesError } from "../../../protocol/pva/server/access_rules.ts";
import type { Peer } from "../../../protocol/pva/server/mod.ts";

const RULES = `
# operators on the beamline hosts may write control channels
UAG(ops) { alice, "carol" }
UAG(admins) { root }
HAG(beamline) { 10.77.0.2, WS1 }
ASG(DEFAULT) {
  RULE(1, READ)
}
ASG(control) {
  CHANNEL("*:control", "sim:ctl?")
  RULE(1, READ)
  RULE(1, WRITE, TRAPWRITE) { UAG(ops) HAG(beamline) }
  RULE(0, WRITE) { UAG(admins) }
}
ASG(hidden) {
  CHANNEL("secret:*")
}
`;

const peer = (user: string, host: string, address = "127.0.0.1"): Peer => ({
  method: "ca",
  user,
  host,
  address,
});

Deno.test("channels fall into the first group whose pattern matches, else DEFAULT", () => {
  const rules = AccessRules.parse(RULES);
  assert.equal(rules.groupOf("cons1:control"), "control");
  assert.equal(rules.groupOf("sim:ctl1"), "control");
  assert.equal(rules.groupOf("sim:ctl12"), "DEFAULT", "? is exactly one character");
  assert.equal(rules.groupOf("secret:key"), "hidden");
  assert.equal(rules.groupOf("cons1:status"), "DEFAULT");
  assert.equal(rules.groupOf("a.b:control"), "control", "a dot in a name is literal, not a pattern");
  assert.equal(rules.groupOf("a.b:controlx"), "DEFAULT");
});

Deno.test("WRITE needs every condition of a rule: user group and host group", () => {
  const rules = AccessRules.parse(RULES);
  assert.equal(rules.allows(peer("alice", "x", "10.77.0.2"), "put", "c:control"), true, "by address");
  assert.equal(rules.allows(peer("carol", "ws1", "10.77.0.9"), "put", "c:control"), true, "by host name");
  assert.equal(rules.allows(peer("alice", "Ws1"), "rpc", "c:control"), true, "host names ignore case");
  assert.equal(rules.allows(peer("alice", "other", "10.77.0.3"), "put", "c:control"), false, "wrong host");
  assert.equal(rules.allows(peer("bob", "ws1", "10.77.0.2"), "put", "c:control"), false, "wrong user");
  assert.equal(rules.allows(peer("Alice", "ws1"), "put", "c:control"), false, "user names keep their case");
  assert.equal(
    rules.allows(peer("root", "anywhere"), "put", "c:control"),
    true,
    "a rule without HAG: any host",
  );
  assert.equal(rules.allows(peer("alice", "x", "::ffff:10.77.0.2"), "put", "c:control"), true, "mapped IPv4");
  assert.equal(rules.levelFor(peer("bob", "x"), "c:control"), "READ");
});

Deno.test("READ allows get, monitor and info but not put or rpc; a group without rules allows nothing", () => {
  const rules = AccessRules.parse(RULES);
  const bob = peer("bob", "x");
  for (const op of ["get", "monitor", "info"] as const) assert.equal(rules.allows(bob, op, "c:status"), true);
  for (const op of ["put", "rpc"] as const) assert.equal(rules.allows(bob, op, "c:status"), false);
  assert.equal(rules.levelFor(peer("root", "x"), "secret:key"), "NONE");
  assert.equal(rules.allows(peer("root", "x"), "get", "secret:key"), false);
});

Deno.test("without a DEFAULT group, channels of no group are refused (as EPICS does)", () => {
  const rules = AccessRules.parse(`ASG(open) { CHANNEL("open:*") RULE(1, WRITE) }`);
  assert.equal(rules.allows(peer("x", "y"), "put", "open:a"), true);
  assert.equal(rules.allows(peer("x", "y"), "get", "other"), false);
});

Deno.test("mistakes are reported with their line and what is wrong", () => {
  const cases: [string, number, RegExp][] = [
    ["ASG(a) {\n  RULE(1, WRITE) { UAG(nobody) }\n}", 2, /UAG\(nobody\) is not defined/],
    ["ASG(a) {\n RULE(2, READ)\n}", 2, /rule level must be 0 or 1/],
    ["ASG(a) { RULE(1, ALL) }", 1, /NONE, READ or WRITE, not "ALL"/],
    ["ASG(a) { RULE(1, READ, LOUD) }", 1, /unknown rule option "LOUD"/],
    ['HAG(h) { a }\nASG(a) {\n  RULE(1, READ) { CALC("A>1") }\n}', 3, /CALC and INP are not/],
    ["ASG(a) { INPA(x:y) }", 1, /"INPA" in an ASG is not supported/],
    ["UAG(u) { a }\n\nUAG(u) { b }", 3, /UAG\(u\) is defined twice/],
    ["ASG(a) {}\nASG(a) {}", 2, /ASG\(a\) is defined twice/],
    ["GROUP(x) { a }", 1, /expected UAG, HAG or ASG, found "GROUP"/],
    ["UAG(u) { a,\n", 1, /the file ends where a user name was expected/],
    ["UAG(u) { a b }", 1, /expected "}", found "b"/],
    ['ASG(a) { CHANNEL("open', 1, /quoted string is not closed/],
    ["UAG(u) { }", 1, /expected a user name, found "}"/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(() => AccessRules.parse(text), (e) => {
      assert.ok(e instanceof AccessRulesError, text);
      assert.equal(e.line, line, text);
      assert.match(e.message, message, text);
      assert.match(e.message, new RegExp(`^access rules line ${line}: `), text);
      return true;
    });
  }
});

Deno.test("comments, empty files and odd spacing", () => {
  assert.equal(
    AccessRules.parse("").allows(peer("a", "b"), "get", "x"),
    false,
    "an empty file grants nothing",
  );
  const rules = AccessRules.parse("ASG(DEFAULT){RULE(1,WRITE)}# all may write\n# ASG(x) {");
  assert.equal(rules.allows(peer("a", "b"), "put", "x"), true);
});
