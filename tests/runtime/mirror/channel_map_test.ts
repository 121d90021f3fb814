/**
 * The channel map's grammar (every form PvaPy accepts, with its defaults) and the errors, which quote the
 * entry; the upstream request PvaPy builds; the mirror's command line.
 */
import assert from "node:assert/strict";
import {
  ChannelMapError,
  parseChannelMap,
  parseMirrorArgs,
  upstreamRequest,
} from "../../../runtime/mirror/mod.ts";
import { UsageError } from "../../../runtime/cli/args.ts";
import { parseRequest } from "../../../protocol/pvdata/pvrequest.ts";

const DEFAULTS = { provider: "pva", queueSize: 0, nMonitors: 1, fieldRequest: "" };

Deno.test("channel map: every form, with PvaPy's defaults", () => {
  assert.deepEqual(parseChannelMap("(m:a,s:a)"), [{ mirror: "m:a", source: "s:a", ...DEFAULTS }]);
  assert.deepEqual(parseChannelMap("(m:a,s:a,ca)")[0], {
    mirror: "m:a",
    source: "s:a",
    ...DEFAULTS,
    provider: "ca",
  });
  assert.deepEqual(parseChannelMap("(m:a,s:a,PVA,10)")[0], {
    mirror: "m:a",
    source: "s:a",
    ...DEFAULTS,
    queueSize: 10,
  });
  // PvaPy accepts five items too (the field request then stays empty).
  assert.deepEqual(parseChannelMap("(m:a,s:a,pva,10,1)")[0], {
    mirror: "m:a",
    source: "s:a",
    ...DEFAULTS,
    queueSize: 10,
  });
  assert.equal(
    parseChannelMap("(m:a,s:a,pva,0,3,_[distributor=group:g])")[0].nMonitors,
    3,
    "pvDatabase's name",
  );
  const six = "(m:a,s:a,pva,0,2,_[pydistributor=updates:1;group:mirror;trigger:uniqueId])";
  assert.deepEqual(parseChannelMap(six)[0], {
    mirror: "m:a",
    source: "s:a",
    provider: "pva",
    queueSize: 0,
    nMonitors: 2,
    fieldRequest: "_[pydistributor=updates:1;group:mirror;trigger:uniqueId]",
  });
  const several = parseChannelMap(" (m:1,s:1) , (m:2, s:2 ,ca),(m:3,s:3,pva,5)");
  assert.deepEqual(several.map((e) => [e.mirror, e.source, e.provider, e.queueSize]), [
    ["m:1", "s:1", "pva", 0],
    ["m:2", "s:2", "ca", 0],
    ["m:3", "s:3", "pva", 5],
  ]);
});

Deno.test("channel map: errors name the entry and the problem", () => {
  const cases: [string, RegExp][] = [
    ["", /empty/],
    ["m:a,s:a", /expected "\(mirror,source/],
    ["(m:a,s:a", /expected .* at "\(m:a,s:a"/],
    ["(m:a,s:a) (m:b,s:b)", /at "\(m:a,s:a\) \(m:b,s:b\)"/],
    ["(m:a)", /entry "\(m:a\)" has 1 item\(s\); it takes 2 to 6/],
    ["(m:a,s:a,pva,0,1,x,y)", /entry "\(m:a,s:a,pva,0,1,x,y\)" has 7 item/],
    ["(,s:a)", /entry "\(,s:a\)": the mirror channel name is empty/],
    ["(m:a,)", /entry "\(m:a,\)": the source channel name is empty/],
    ["(m:a,s:a,tcp)", /entry "\(m:a,s:a,tcp\)": the provider must be pva or ca, not "tcp"/],
    ["(m:a,s:a,pva,-1)", /entry "\(m:a,s:a,pva,-1\)": the queue size must be a whole number, not "-1"/],
    ["(m:a,s:a,pva,ten)", /the queue size must be a whole number, not "ten"/],
    ["(m:a,s:a,pva,0,0)", /entry "\(m:a,s:a,pva,0,0\)": the number of monitors must be at least 1, not 0/],
    ["(m:a,s:a,pva,0,1.5)", /the number of monitors must be a whole number, not "1.5"/],
    ["(m:a,s:a,ca,0,2)", /a ca source takes neither several monitors nor a field request/],
    ["(m:a,s:a,pva,0,2)", /entry "\(m:a,s:a,pva,0,2\)": 2 monitors need a distributor field request/],
    ["(m:a,s:a,pva,0,2,value)", /2 monitors need a distributor field request/],
    ["(m:a,s:a),(m:a,s:b)", /mirror channel "m:a" is mapped twice/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseChannelMap(text), (e: unknown) => {
      assert.ok(e instanceof ChannelMapError, `${text}: ${e}`);
      assert.match(e.message, message, text);
      return true;
    });
  }
});

Deno.test("upstream request: PvaPy's field(...) with record[queueSize=N] when N > 0, and it parses", () => {
  assert.equal(upstreamRequest({ queueSize: 0, fieldRequest: "" }), "field()");
  assert.equal(upstreamRequest({ queueSize: 100, fieldRequest: "" }), "record[queueSize=100]field()");
  const distributed = upstreamRequest({
    queueSize: 5,
    fieldRequest: "_[pydistributor=updates:1;trigger:uniqueId]",
  });
  assert.equal(distributed, "record[queueSize=5]field(_[pydistributor=updates:1;trigger:uniqueId])");
  const parsed = parseRequest(distributed).value as {
    record: { _options: Record<string, string> };
    field: { _: { _options: Record<string, string> } };
  };
  assert.equal(parsed.record._options.queueSize, "5");
  assert.equal(parsed.field._._options.pydistributor, "updates:1;trigger:uniqueId");
});

Deno.test("command line: PvaPy's options and short forms, strict errors naming the option", () => {
  const inv = parseMirrorArgs(["-cm", "(m:a,s:a),(m:b,s:b,ca)", "-rt", "2.5", "--report-period", "1"]);
  assert.ok("channels" in inv);
  assert.deepEqual(inv.channels.map((e) => e.mirror), ["m:a", "m:b"]);
  assert.equal(inv.runtime, 2.5);
  assert.equal(inv.reportPeriod, 1);
  assert.equal(inv.http, null);
  const negative = parseMirrorArgs(["--channel-map", "(m:a,s:a)", "-rt", "-1", "-rp", "-5"]);
  assert.ok("channels" in negative && negative.runtime === 0 && negative.reportPeriod === 0, "<= 0: none");
  const http = parseMirrorArgs(["-cm", "(m:a,s:a)", "--http-port", "0"]);
  assert.ok("channels" in http);
  assert.deepEqual(http.http, { host: "127.0.0.1", port: 0 });
  assert.ok("help" in parseMirrorArgs(["-h"]));
  assert.match((parseMirrorArgs(["--help"]) as { help: string }).help, /--channel-map MAP/);

  const errors: [string[], RegExp][] = [
    [[], /--channel-map is required/],
    [["-cm", "(m:a,s:a)", "--queue", "3"], /--queue/],
    [["-cm", "(m:a,s:a)", "-rt", "soon"], /--runtime needs a number, not "soon"/],
    [["-cm", "(m:a,s:a,pva,x)"], /--channel-map: channel map entry "\(m:a,s:a,pva,x\)"/],
    [["-cm", "(m:a,s:a)", "extra"], /unexpected argument "extra"/],
    [["-cm", "(m:a,s:a)", "--http-host", "0.0.0.0"], /--http-host needs --http-port/],
  ];
  for (const [argv, message] of errors) {
    assert.throws(() => parseMirrorArgs(argv), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${argv.join(" ")}: ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
});
