/**
 * Per-command payload decoders of the capture walker, one table entry per application
 * command. Each reads through the typed message layer the client and server use
 * (protocol/pva/messages) and the pvData helpers, so every captured message also proves
 * that layer against real peers; the matching writers re-encode what was read.
 *
 * @module
 */
import { Command, Subcmd } from "../../protocol/pva/header.ts";
import {
  readCreateChannelRequest,
  readCreateChannelResponse,
  readDestroyChannel,
  writeCreateChannelRequest,
  writeCreateChannelResponse,
  writeDestroyChannel,
} from "../../protocol/pva/messages/channel.ts";
import {
  readBeacon,
  readOriginTag,
  readSearchRequest,
  readSearchResponse,
  writeBeacon,
  writeOriginTag,
  writeSearchRequest,
  writeSearchResponse,
} from "../../protocol/pva/messages/discovery.ts";
import {
  readValidationRequest,
  readValidationResponse,
  writeValidationRequest,
  writeValidationResponse,
} from "../../protocol/pva/messages/handshake.ts";
import {
  readGetFieldRequest,
  readOpRequestHead,
  readOpResponseHead,
  readRequestRef,
  readServerMessage,
  writeGetFieldRequest,
  writeOpRequestHead,
  writeOpResponseHead,
  writeRequestRef,
  writeServerMessage,
} from "../../protocol/pva/messages/ops.ts";
import type { Reader } from "../../protocol/pvdata/reader.ts";
import { isSuccess, readStatus, writeStatus } from "../../protocol/pvdata/status.ts";
import type { FieldDesc } from "../../protocol/pvdata/types.ts";
import type { Writer } from "../../protocol/pvdata/writer.ts";
import type { MessageContext, Operation } from "./pva_context.ts";

/** Decodes one message payload (either direction) through the context. */
export type Decoder = (m: MessageContext) => void;

/** A whole payload read by a message-layer reader and re-encoded by its writer. */
const whole = <T>(
  what: string,
  read: (r: Reader) => T,
  write: (w: Writer, v: T) => void,
  canonical?: (received: Uint8Array) => Uint8Array,
): Decoder =>
(m) => void m.record(what, read, write, canonical);

const MAPPED_UNSPECIFIED = [...new Array(10).fill(0), 0xff, 0xff, 0, 0, 0, 0];

/**
 * The unspecified address travels as all zeros (pvxs searches) or as `::ffff:0.0.0.0`
 * (pvAccessCPP searches, replies and beacons); both read as null, which is written as
 * zeros. Maps the 16 address bytes at `at` of a received message to the zeros form.
 */
const unspecifiedAsZeros = (at: number) => (received: Uint8Array): Uint8Array => {
  if (!MAPPED_UNSPECIFIED.every((b, i) => received[at + i] === b)) return received;
  const copy = received.slice();
  copy.fill(0, at, at + MAPPED_UNSPECIFIED.length);
  return copy;
};

/** One decoder for what clients send, another for what servers send. */
const byDirection = (fromClient: Decoder, fromServer: Decoder): Decoder => (m) =>
  m.fromServer ? fromServer(m) : fromClient(m);

/** The bodies of one operation kind around the common heads, pvRequest and Status. */
interface OperationBodies {
  /** Reads what follows the pvRequest of a client INIT (the monitor's first window). */
  initRequest?: (m: MessageContext, subcmd: number) => void;
  /** Reads the types of a successful INIT reply into the operation. */
  initReply?: (m: MessageContext, op: Operation) => void;
  /** Reads the body of a client exec request. */
  request?: (m: MessageContext, subcmd: number, op: Operation) => void;
  /** Reads the body of a successful server exec reply. */
  reply?: (m: MessageContext, subcmd: number, op: Operation) => void;
}

/** An INIT type of the operation, failing when the capture holds no INIT reply for it. */
const typeOf = (m: MessageContext, t: FieldDesc | undefined): FieldDesc =>
  t ?? m.r.fail("no type from an INIT reply for this ioid");

/**
 * The common shape of every operation: a client request is the request head and, for INIT,
 * a pvRequest; a server reply is the reply head (with a Status except on monitor updates),
 * then on success the INIT types or the exec body.
 */
function operation(bodies: OperationBodies): Decoder {
  const request: Decoder = (m) => {
    const { ioid, subcmd } = m.record("request head", readOpRequestHead, writeOpRequestHead);
    if (subcmd & Subcmd.INIT) {
      m.typedValue("pvRequest");
      bodies.initRequest?.(m, subcmd);
      m.ops.set(ioid, { command: m.header.command });
    } else bodies.request?.(m, subcmd, m.operation(ioid));
  };
  const reply: Decoder = (m) => {
    const command = m.header.command;
    const { ioid, subcmd, status } = m.record(
      "reply head",
      (r) => readOpResponseHead(r, command),
      (w, head) => writeOpResponseHead(w, command, head),
    );
    if (!isSuccess(status)) return;
    const op = m.operation(ioid);
    if (subcmd & Subcmd.INIT) bodies.initReply?.(m, op);
    else bodies.reply?.(m, subcmd, op);
  };
  return byDirection(request, reply);
}

const initType = (m: MessageContext, op: Operation) => {
  op.type = m.nonNullType("operation type");
};

const get = operation({
  initReply: initType,
  reply: (m, _subcmd, op) => m.partial(typeOf(m, op.type)),
});

const put = operation({
  initReply: initType,
  // GET_PUT (0x40) asks for the current value; any other exec carries the value to write.
  request: (m, subcmd, op) => {
    if (!(subcmd & Subcmd.GET)) m.partial(typeOf(m, op.type));
  },
  reply: (m, subcmd, op) => {
    if (subcmd & Subcmd.GET) m.partial(typeOf(m, op.type));
  },
});

const putGet = operation({
  initReply: (m, op) => {
    op.type = m.nonNullType("put type");
    op.getType = m.nonNullType("get type");
  },
  request: (m, subcmd, op) => {
    if ((subcmd & (Subcmd.GET | Subcmd.GET_PUT)) === 0) m.partial(typeOf(m, op.type));
  },
  reply: (m, subcmd, op) => {
    m.partial(typeOf(m, subcmd & Subcmd.GET_PUT ? op.type : op.getType));
  },
});

// ARRAY subcommands: 0x40 get, 0x80 set length, 0x04 get length, 0x00 put. The message
// layer leaves these bodies to the operation, so the sizes are read here.
const array = operation({
  initReply: initType,
  request: (m, subcmd, op) => {
    if (subcmd & Subcmd.GET) {
      for (const _ of ["offset", "count", "stride"]) m.r.size();
    } else if (subcmd & Subcmd.GET_PUT) m.r.size();
    else if (!(subcmd & Subcmd.PROCESS)) {
      m.r.size();
      m.r.size();
      m.value(typeOf(m, op.type));
    }
  },
  reply: (m, subcmd, op) => {
    if (subcmd & Subcmd.GET) m.value(typeOf(m, op.type));
    else if (subcmd & Subcmd.PROCESS) m.r.size();
  },
});

const processOp = operation({});

const rpc = operation({
  request: (m) => m.typedValue("RPC argument"),
  reply: (m) => m.typedValue("RPC result"),
});

/** The free-slot count a pipelining client adds to its INIT (0x88) and acks (0x80). */
const pipelineWindow = (m: MessageContext, subcmd: number) => {
  if (subcmd & Subcmd.PIPELINE_ACK) m.r.u32();
};

/**
 * MONITOR: start/stop/destroy requests have no body; updates carry no Status but a partial
 * value and the overrun BitSet; the final 0x10 reply may carry one last update.
 */
const monitor = operation({
  initRequest: pipelineWindow,
  initReply: initType,
  request: (m, subcmd) => pipelineWindow(m, subcmd),
  reply: (m, subcmd, op) => {
    if (subcmd & Subcmd.DESTROY && m.r.remaining === 0) return;
    m.partial(typeOf(m, op.type));
    m.bitSet();
  },
});

/** GET_FIELD replies have no subcommand: ioid, Status, then the type on success. */
const getFieldReply: Decoder = (m) => {
  const { status } = m.record(
    "GET_FIELD reply head",
    (r) => ({ ioid: r.u32(), status: readStatus(r) }),
    (w, h) => {
      w.u32(h.ioid);
      writeStatus(w, h.status);
    },
  );
  if (isSuccess(status)) m.nonNullType("GET_FIELD result");
};

const requestRef = whole("request ref", readRequestRef, writeRequestRef);

/**
 * The decoder of each application command. Commands without an entry (AUTHNZ, ACL_CHANGE,
 * MULTIPLE_DATA) are never sent by the peers in the captures.
 */
export const DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  // The address follows guid, flags, sequence and change count.
  [Command.BEACON, whole("beacon", readBeacon, writeBeacon, unspecifiedAsZeros(16))],
  [
    Command.CONNECTION_VALIDATION,
    byDirection(
      whole("validation response", readValidationResponse, writeValidationResponse),
      whole("validation request", readValidationRequest, writeValidationRequest),
    ),
  ],
  [Command.ECHO, (m) => m.r.take(m.r.remaining)],
  // The reply address follows sequence id, flags and 3 reserved bytes.
  [Command.SEARCH, whole("search", readSearchRequest, writeSearchRequest, unspecifiedAsZeros(8))],
  // The server address follows guid and sequence id.
  [
    Command.SEARCH_RESPONSE,
    whole("search response", readSearchResponse, writeSearchResponse, unspecifiedAsZeros(16)),
  ],
  [
    Command.CREATE_CHANNEL,
    byDirection(
      whole("create channel request", readCreateChannelRequest, writeCreateChannelRequest),
      whole("create channel response", readCreateChannelResponse, writeCreateChannelResponse),
    ),
  ],
  [Command.DESTROY_CHANNEL, whole("destroy channel", readDestroyChannel, writeDestroyChannel)],
  [Command.CONNECTION_VALIDATED, whole("status", readStatus, writeStatus)],
  [Command.GET, get],
  [Command.PUT, put],
  [Command.PUT_GET, putGet],
  [Command.MONITOR, monitor],
  [Command.ARRAY, array],
  [Command.DESTROY_REQUEST, requestRef],
  [Command.PROCESS, processOp],
  [
    Command.GET_FIELD,
    byDirection(whole("GET_FIELD request", readGetFieldRequest, writeGetFieldRequest), getFieldReply),
  ],
  [Command.MESSAGE, whole("message", readServerMessage, writeServerMessage)],
  [Command.RPC, rpc],
  [Command.CANCEL_REQUEST, requestRef],
  [Command.ORIGIN_TAG, whole("origin tag", readOriginTag, writeOriginTag)],
]);
