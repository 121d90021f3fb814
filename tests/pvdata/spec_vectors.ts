/**
 * Byte dumps and types transcribed from the pvAccess specification (epics-docs
 * `pv-access/Protocol-Encoding.md`), big-endian, shared by the type and value tests.
 *
 * @module
 */
import { ANY, type FieldDesc, scalar, scalarArray, struct, union } from "../../protocol/pvdata/types.ts";
import { hex } from "./helpers.ts";

/** Introspection example #1: timeStamp_t defined as cache key 1 (0xFD 00 01), 57 bytes. */
export const SPEC_TYPE_1 = hex(`
  fd 00 01 80 0b 74 69 6d 65 53 74 61 6d 70 5f 74
  03 10 73 65 63 6f 6e 64 73 50 61 73 74 45 70 6f
  63 68 23 0b 6e 61 6e 6f 53 65 63 6f 6e 64 73 22
  07 75 73 65 72 54 61 67 22`);

/** The type example #1 describes. */
export const TIMESTAMP_T = struct("timeStamp_t", {
  secondsPastEpoch: scalar("int64"),
  nanoSeconds: scalar("int32"),
  userTag: scalar("int32"),
});

/** Introspection example #2: nested 0xFD keys 1-5, bounded/fixed arrays, union, any; 243 bytes. */
export const SPEC_TYPE_2 = hex(`
  fd 00 01 80 10 65 78 61 6d 70 6c 65 53 74 72 75
  63 74 75 72 65 07 05 76 61 6c 75 65 28 10 62 6f
  75 6e 64 65 64 53 69 7a 65 41 72 72 61 79 30 10
  0e 66 69 78 65 64 53 69 7a 65 41 72 72 61 79 38
  04 09 74 69 6d 65 53 74 61 6d 70 fd 00 02 80 06
  74 69 6d 65 5f 74 03 10 73 65 63 6f 6e 64 73 50
  61 73 74 45 70 6f 63 68 23 0b 6e 61 6e 6f 73 65
  63 6f 6e 64 73 22 07 75 73 65 72 54 61 67 22 05
  61 6c 61 72 6d fd 00 03 80 07 61 6c 61 72 6d 5f
  74 03 08 73 65 76 65 72 69 74 79 22 06 73 74 61
  74 75 73 22 07 6d 65 73 73 61 67 65 60 0a 76 61
  6c 75 65 55 6e 69 6f 6e fd 00 04 81 00 03 0b 73
  74 72 69 6e 67 56 61 6c 75 65 60 08 69 6e 74 56
  61 6c 75 65 22 0b 64 6f 75 62 6c 65 56 61 6c 75
  65 43 0c 76 61 72 69 61 6e 74 55 6e 69 6f 6e fd
  00 05 82`);

/** The sub-types of example #2 by their cache key. */
export const SPEC_2_KEYS: Record<number, FieldDesc> = {
  2: struct("time_t", {
    secondsPastEpoch: scalar("int64"),
    nanoseconds: scalar("int32"),
    userTag: scalar("int32"),
  }),
  3: struct("alarm_t", { severity: scalar("int32"), status: scalar("int32"), message: scalar("string") }),
  4: union("", { stringValue: scalar("string"), intValue: scalar("int32"), doubleValue: scalar("float64") }),
  5: ANY,
};

/** The type example #2 describes (cache key 1). */
export const EXAMPLE_STRUCTURE = struct("exampleStructure", {
  value: scalarArray("int8"),
  boundedSizeArray: { kind: "scalarArray", type: "int8", form: "bounded", size: 16 },
  fixedSizeArray: { kind: "scalarArray", type: "int8", form: "fixed", size: 4 },
  timeStamp: SPEC_2_KEYS[2],
  alarm: SPEC_2_KEYS[3],
  valueUnion: SPEC_2_KEYS[4],
  variantUnion: SPEC_2_KEYS[5],
});

/** The "Encoding Example" value dump (85 bytes, big-endian), of the example #2 structure. */
export const SPEC_VALUE = hex(`
  03 01 02 03 05 04 05 06 07 08 09 0a 0b 0c 11 22
  33 44 55 66 77 88 aa bb cc dd ee ee ee ee 11 11
  11 11 22 22 22 22 0b 41 6c 6c 6f 2c 20 41 6c 6c
  6f 21 01 33 33 33 33 60 1c 53 74 72 69 6e 67 20
  69 6e 73 69 64 65 20 76 61 72 69 61 6e 74 20 75
  6e 69 6f 6e 2e`);
