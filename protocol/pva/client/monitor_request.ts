/**
 * The pvRequest of a subscription: the caller's text, parsed as `get` parses it, with the
 * monitor options (queueSize, pipeline) added to `record._options` where the text gives none.
 *
 * The options are merged into the parsed structure rather than written in front of the
 * text: pvDataCPP's short forms (`value,alarm`, `_[pydistributor=...]`) are only short
 * forms when no group keyword appears in the text.
 * @module
 */
import { parseRequest, requestOptions } from "../../pvdata/pvrequest.ts";
import { scalar, type StructureDesc, type StructValue } from "../../pvdata/types.ts";

/** A request as parseRequest builds it. */
export interface MonitorRequest {
  /** The request structure's type. */
  type: StructureDesc;
  /** Its value. */
  value: StructValue;
}

/**
 * Parses `text` and fills in the `record._options` it lacks from `defaults`; options the
 * text gives win.
 * @param text pvRequest text in any form `parseRequest` accepts ("" for everything)
 * @param defaults option values used where the text sets none
 * @throws RequestError when the text is malformed
 * @example
 * ```ts
 * import { monitorRequest } from "./monitor_request.ts";
 * const { value } = monitorRequest("value,alarm", { queueSize: "4", pipeline: "true" });
 * // { record: { _options: { queueSize: "4", pipeline: "true" } }, field: { value: {}, alarm: {} } }
 * ```
 */
export function monitorRequest(text: string, defaults: Record<string, string>): MonitorRequest {
  const parsed = parseRequest(text);
  const options = { ...defaults, ...requestOptions(parsed) };
  const names = Object.keys(options);
  const record: StructureDesc = {
    kind: "structure",
    id: "",
    fields: [{
      name: "_options",
      type: { kind: "structure", id: "", fields: names.map((name) => ({ name, type: scalar("string") })) },
    }],
  };
  const others = parsed.type.fields.filter((m) => m.name !== "record");
  return {
    type: { ...parsed.type, fields: [{ name: "record", type: record }, ...others] },
    value: { ...parsed.value, record: { _options: options } },
  };
}
