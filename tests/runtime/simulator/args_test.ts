import assert from "node:assert/strict";
import {
  parseSimulatorArgs,
  SIMULATOR_DEFAULTS,
  simulatorHelp,
  SimulatorOptionError,
  type SimulatorSettings,
  SimulatorUsageError,
} from "../../../runtime/simulator/mod.ts";

function settings(argv: string[]): SimulatorSettings {
  const inv = parseSimulatorArgs(argv);
  assert.ok("settings" in inv, `expected settings from ${argv.join(" ")}`);
  return inv.settings;
}

/** Every option with a value to give it and the setting it must fill, long and PvaPy's short form. */
const EVERY_OPTION: [
  long: string,
  short: string,
  text: string,
  key: keyof SimulatorSettings,
  value: unknown,
][] = [
  ["--input-directory", "-id", "/data/frames", "inputDirectory", "/data/frames"],
  ["--input-file", "-if", "a.npy", "inputFile", "a.npy"],
  ["--config-file", "-cfg", "raw.yaml", "configFile", "raw.yaml"],
  ["--frame-rate", "-fps", "123.5", "frameRate", 123.5],
  ["--n-x-pixels", "-nx", "640", "nx", 640],
  ["--n-y-pixels", "-ny", "480", "ny", 480],
  ["--color-mode", "-cm", "3", "colorMode", 3],
  ["--datatype", "-dt", "float32", "datatype", "float32"],
  ["--minimum", "-mn", "-5.5", "minimum", -5.5],
  ["--maximum", "-mx", "99", "maximum", 99],
  ["--n-frames", "-nf", "7", "nFrames", 7],
  ["--cache-size", "-cs", "50", "cacheSize", 50],
  ["--runtime", "-rt", "0", "runtime", 0],
  ["--channel-name", "-cn", "sim:image", "channelName", "sim:image"],
  ["--notify-pv", "-npv", "13PVA1:cam1:Acquire", "notifyPv", "13PVA1:cam1:Acquire"],
  ["--notify-pv-value", "-nvl", "Acquire", "notifyPvValue", "Acquire"],
  ["--start-delay", "-std", "0.5", "startDelay", 0.5],
  ["--wait-for-subscribers", "-wfs", "3", "waitForSubscribers", 3],
  ["--shutdown-delay", "-shd", "2", "shutdownDelay", 2],
  ["--report-period", "-rp", "100", "reportPeriod", 100],
  ["--metadata-pv", "-mpv", "pva://sim:x,pva://sim:y", "metadataPv", "pva://sim:x,pva://sim:y"],
];

Deno.test("no options: PvaPy's defaults", () => {
  assert.deepEqual(settings([]), SIMULATOR_DEFAULTS);
  assert.equal(SIMULATOR_DEFAULTS.channelName, "pvapy:image");
  assert.equal(SIMULATOR_DEFAULTS.frameRate, 20);
  assert.equal(SIMULATOR_DEFAULTS.cacheSize, 1000);
  assert.equal(SIMULATOR_DEFAULTS.runtime, 300);
});

Deno.test("every option, long, short and --x=value forms, fills its setting", () => {
  for (const [long, short, text, key, value] of EVERY_OPTION) {
    for (const argv of [[long, text], [short, text], [`${long}=${text}`]]) {
      const s = settings(argv);
      assert.deepEqual(s[key], value, argv.join(" "));
      const others = Object.keys(SIMULATOR_DEFAULTS).filter((k) => k !== key) as (keyof SimulatorSettings)[];
      for (const k of others) {
        assert.deepEqual(s[k], SIMULATOR_DEFAULTS[k], `${argv.join(" ")} left ${k} alone`);
      }
    }
  }
});

Deno.test("all options at once, and --disable-curses accepted", () => {
  const argv = EVERY_OPTION.flatMap(([long, , text]) => [long, text]);
  const s = settings([...argv, "-dc"]);
  for (const [, , , key, value] of EVERY_OPTION) assert.deepEqual(s[key], value, key);
  assert.deepEqual(settings(["--disable-curses"]), SIMULATOR_DEFAULTS);
});

Deno.test("unknown options are errors naming the option", () => {
  for (const bad of ["--bogus", "-zz", "--hdf-dataset", "-x"]) {
    assert.throws(
      () => parseSimulatorArgs([bad, "1"]),
      (e) => e instanceof SimulatorUsageError && e.message.includes(`'${bad}'`),
      bad,
    );
  }
});

Deno.test("bad values are errors naming the option and the value", () => {
  const cases: [string[], string, string][] = [
    [["--datatype", "int64"], "--datatype", "int64"],
    [["-dt", "uint9"], "--datatype", "uint9"],
    [["--frame-rate", "-3"], "--frame-rate", "-3"],
    [["-fps", "fast"], "--frame-rate", "fast"],
    [["--n-x-pixels", "0"], "--n-x-pixels", "0"],
    [["-ny", "2.5"], "--n-y-pixels", "2.5"],
    [["--color-mode", "1"], "--color-mode", "1"],
    [["--cache-size", "0"], "--cache-size", "0"],
    [["--runtime", "-1"], "--runtime", "-1"],
    [["--start-delay", "-0.1"], "--start-delay", "-0.1"],
    [["--shutdown-delay", "x"], "--shutdown-delay", "x"],
    [["--report-period", "1.5"], "--report-period", "1.5"],
    [["--minimum", "10", "--maximum", "5"], "--maximum", "5"],
    [["--n-frames", ""], "--n-frames", ""],
    // No CA server in the simulator: ca:// and bare names (CA in PvaPy) are refused, so is a repeat.
    [["--metadata-pv", "pva://a,ca://motor:x"], "--metadata-pv", "ca://motor:x"],
    [["-mpv", "temp"], "--metadata-pv", "temp"],
    [["-mpv", "pva://a,pva://a"], "--metadata-pv", "pva://a"],
  ];
  for (const [argv, option, value] of cases) {
    assert.throws(
      () => parseSimulatorArgs(argv),
      (e) =>
        e instanceof SimulatorOptionError && e.option === option &&
        String(e.value) === value &&
        e.message.startsWith(option) && e.message.includes(`'${value}'`),
      argv.join(" "),
    );
  }
});

Deno.test("a missing value and a stray argument are usage errors", () => {
  assert.throws(
    () => parseSimulatorArgs(["--frame-rate"]),
    (e) => e instanceof SimulatorUsageError && /frame-rate/.test(e.message),
  );
  assert.throws(
    () => parseSimulatorArgs(["image.npy"]),
    (e) => e instanceof SimulatorUsageError && /image\.npy/.test(e.message),
  );
});

Deno.test("--help and -h list every option with its short form, its default, and examples", () => {
  for (const flag of ["--help", "-h"]) {
    const inv = parseSimulatorArgs([flag]);
    assert.ok("help" in inv);
    assert.equal(inv.help, simulatorHelp());
  }
  const help = simulatorHelp();
  for (const [long, short, , key] of EVERY_OPTION) {
    const line = help.split("\n").find((l) => l.includes(`${short}, ${long} `));
    assert.ok(line, `${long} listed`);
    const fallback = SIMULATOR_DEFAULTS[key];
    if (fallback !== null) assert.ok(line.includes(`(default: ${fallback})`), `${long} shows its default`);
  }
  assert.match(help, /-dc, --disable-curses/);
  assert.match(help, /examples:\n {2}ad-sim-server /);
});

Deno.test("log options: -ll with PvaPy's names, -lf, --log-format; a bad value names the option", () => {
  const inv = parseSimulatorArgs(["-ll", "warning", "-lf", "sim.log", "--log-format", "json"]);
  assert.ok("log" in inv);
  assert.deepEqual(inv.log, { logLevel: "warn", logFile: "sim.log", logFormat: "json" });
  const plain = parseSimulatorArgs([]);
  assert.ok("log" in plain);
  assert.deepEqual(plain.log, { logLevel: "warn", logFormat: "text" });
  assert.throws(
    () => parseSimulatorArgs(["--log-format", "xml"]),
    (e) =>
      e instanceof SimulatorUsageError && e.message === '--log-format must be one of text, json, not "xml"',
  );
  assert.throws(() => parseSimulatorArgs(["-ll", "loud"]), SimulatorUsageError);
  assert.match(simulatorHelp(), /^ {2}--log-format VALUE/m);
});
