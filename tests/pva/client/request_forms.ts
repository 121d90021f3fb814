/**
 * Every pvRequest text form the client must accept in `get`, `put`, `monitor` and the CLI:
 * the cases of tests/pvdata/pvrequest_test.ts rewritten onto an NTScalar with a `uniqueId`,
 * and the distributor forms of pvapy-reference.md §4. Each form names the field it selects
 * (`probe`), which the tests write and read back.
 * @module
 */
import { scalar, struct } from "../../../protocol/pvdata/types.ts";

/** One request text and a field it selects. */
export interface RequestForm {
  /** pvRequest text as a user types it. */
  text: string;
  /** Dotted path of a number field the request selects. */
  probe: "value" | "alarm.severity";
  /**
   * Selects only the plugin field `_`: servers without the distributor (pvxs) answer
   * "pvRequest must select at least one field"; ours and pvDatabase's treat `_` as everything.
   */
  pluginOnly?: boolean;
}

/** An NTScalar double with the id field the distributor's trigger reads. */
export const FORMS_TYPE = struct("epics:nt/NTScalar:1.0", {
  value: scalar("float64"),
  alarm: struct("alarm_t", { severity: scalar("int32"), status: scalar("int32"), message: scalar("string") }),
  timeStamp: struct("time_t", {
    secondsPastEpoch: scalar("int64"),
    nanoseconds: scalar("int32"),
    userTag: scalar("int32"),
  }),
  uniqueId: scalar("int32"),
});

/** The forms. */
export const REQUEST_FORMS: RequestForm[] = [
  { text: "", probe: "value" },
  { text: "  ", probe: "value" },
  { text: "field()", probe: "value" },
  { text: "field(value,timeStamp.userTag)", probe: "value" },
  { text: "value", probe: "value" },
  { text: "value,alarm", probe: "value" },
  { text: "alarm,timeStamp,value", probe: "value" },
  { text: "record[queueSize=4,pipeline=true]", probe: "value" },
  { text: "field(value[opt=v])", probe: "value" },
  { text: "field(alarm{severity,status})", probe: "alarm.severity" },
  { text: "alarm{severity}", probe: "alarm.severity" },
  { text: "field(alarm[x=y]{severity[x=y]})", probe: "alarm.severity" },
  { text: "record[a=b,x=y]field(value) putField(value),getField(value)", probe: "value" },
  { text: "record[]field()getField()putField()", probe: "value" },
  { text: " record [ process = true ] field ( alarm , value ) ", probe: "value" },
  { text: "field(alarm.status,alarm.severity)", probe: "alarm.severity" },
  { text: "field(value)field(alarm)", probe: "value" },
  { text: "record[a=1,a=2]", probe: "value" },
  { text: "record[float=3.14159,url=a=b:c]", probe: "value" },
  {
    text: "_[distributor=group:g;set:s;trigger:uniqueId;updates:2;mode:one]",
    probe: "value",
    pluginOnly: true,
  },
  { text: "_[pydistributor=group:g;mode:all]", probe: "value", pluginOnly: true },
  { text: "_[pydistributor=trigger:uniqueId]", probe: "value", pluginOnly: true },
  {
    text: "record[queueSize=3]field(_[pydistributor=group:G;set:S;trigger:uniqueId;updates:1;mode:all])",
    probe: "value",
    pluginOnly: true,
  },
  { text: "field(value,_[pydistributor=trigger:uniqueId])", probe: "value" },
];

/** The number at `probe` in a value of {@link FORMS_TYPE} (or of an NTScalar). */
export function probeOf(value: Record<string, unknown>, probe: RequestForm["probe"]): number {
  return probe === "value" ? value.value as number : (value.alarm as { severity: number }).severity;
}
