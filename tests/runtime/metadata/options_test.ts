/**
 * The metadata channel list and options (runtime/metadata channel_spec.ts, options.ts): PvaPy's forms
 * (`pva://`, `ca://`, bare = CA), errors naming the option, the defaults.
 */
import assert from "node:assert/strict";
import { OptionReader, parseToolArgs, UsageError } from "../../../runtime/cli/args.ts";
import { MetadataChannelError, parseMetadataChannels } from "../../../runtime/metadata/mod.ts";
import { METADATA_OPTIONS, readMetadataSettings } from "../../../runtime/metadata/options.ts";

function settings(...argv: string[]) {
  const { values } = parseToolArgs("consumer", METADATA_OPTIONS, argv);
  return readMetadataSettings("consumer", new OptionReader("consumer", values));
}

Deno.test("metadata channels: pva://, ca:// and bare names (CA), empty entries skipped", () => {
  assert.deepEqual(parseMetadataChannels("pva://sim:x, ca://motor:y,,temp:1,"), [
    { provider: "pva", name: "sim:x" },
    { provider: "ca", name: "motor:y" },
    { provider: "ca", name: "temp:1" },
  ]);
  assert.deepEqual(parseMetadataChannels(""), []);
});

Deno.test("metadata channels: an entry without a name, or a name given twice, is refused by name", () => {
  assert.throws(() => parseMetadataChannels("pva://"), /"pva:\/\/" has no usable PV name/);
  assert.throws(() => parseMetadataChannels("pva://x,ca://x"), MetadataChannelError);
  assert.throws(() => settings("-mc", "pva://a,a"), (e) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /^consumer: --metadata-channels: metadata channel "a" is given twice/);
    return true;
  });
});

Deno.test("metadata options: defaults (PvaPy's tolerance 1 ms and queue 1000) and given values", () => {
  assert.deepEqual(settings(), { channels: [], tolerance: 0.001, offset: 0, maxWait: 0.5, queueSize: 1000 });
  const s = settings(
    "--metadata-channels",
    "pva://x",
    "--metadata-timestamp-tolerance",
    "0.01",
    "--metadata-timestamp-offset",
    "-0.25",
    "--metadata-wait-time",
    "0",
    "--metadata-queue-size",
    "10",
  );
  assert.deepEqual(s, {
    channels: [{ provider: "pva", name: "x" }],
    tolerance: 0.01,
    offset: -0.25,
    maxWait: 0,
    queueSize: 10,
  });
  assert.throws(() => settings("--metadata-timestamp-tolerance", "-1"), /tolerance must be at least 0/);
  assert.throws(() => settings("--metadata-queue-size", "0"), /queue-size must be at least 1/);
});
