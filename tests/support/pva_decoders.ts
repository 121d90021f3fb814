/**
 * Per-command payload decoders of the capture walker, one table entry per application
 * command, following the wire reference (shared/docs/pvaccess-protocol.md §3–§5).
 *
 * Kept apart from the walker so the table can be replaced by the pvAccess message layer.
 *
 * @module
 */
import { Command, Subcmd } from "../../protocol/pva/header.ts";
import type { FieldDesc } from "../../protocol/pvdata/types.ts";
import type { MessageContext, Operation } from "./pva_context.ts";

/** Decodes one message payload (either direction) through the context. */
export type Decoder = (m: MessageContext) => void;

const GUID_BYTES = 12;
const ADDRESS_BYTES = 16;

/** Exec bodies of one operation kind; INIT requests, replies and Status are handled around them. */
interface OperationBodies {
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
 * The common shape of GET, PUT, PUT_GET, ARRAY, PROCESS and RPC: a client request is
 * sid, ioid, subcmd and, for INIT, a pvRequest; a server reply is ioid, subcmd and Status,
 * then on success the INIT types or the exec body.
 */
function operation(bodies: OperationBodies): Decoder {
  return (m) => {
    const r = m.r;
    if (!m.fromServer) {
      r.u32();
      const ioid = r.u32();
      const subcmd = r.u8();
      if (subcmd & Subcmd.INIT) {
        m.typedValue();
        m.ops.set(ioid, { command: m.header.command });
      } else {
        const op = m.operation(ioid);
        bodies.request?.(m, subcmd, op);
      }
      return;
    }
    const ioid = r.u32();
    const subcmd = r.u8();
    if (!m.ok()) return;
    if (subcmd & Subcmd.INIT) bodies.initReply?.(m, m.operation(ioid));
    else {
      const op = m.operation(ioid);
      bodies.reply?.(m, subcmd, op);
    }
  };
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

// ARRAY subcommands: 0x40 get, 0x80 set length, 0x04 get length, 0x00 put.
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
  request: (m) => m.typedValue(),
  reply: (m) => m.typedValue(),
});

/**
 * MONITOR: client INIT (0x08, or 0x88 with an initial window), pipeline ack (0x80 + nfree),
 * start/stop/destroy without body; server INIT reply, updates (no Status: BitSet, partial
 * value, overrun BitSet) and a final 0x10 reply (Status, then possibly one last update).
 */
const monitor: Decoder = (m) => {
  const r = m.r;
  if (!m.fromServer) {
    r.u32();
    const ioid = r.u32();
    const subcmd = r.u8();
    if (subcmd & Subcmd.INIT) {
      m.typedValue();
      m.ops.set(ioid, { command: Command.MONITOR });
    } else m.operation(ioid);
    if (subcmd & Subcmd.PIPELINE_ACK) r.u32();
    return;
  }
  const ioid = r.u32();
  const subcmd = r.u8();
  if (subcmd & Subcmd.INIT) {
    if (m.ok()) initType(m, m.operation(ioid));
    return;
  }
  const type = typeOf(m, m.operation(ioid).type);
  if (subcmd & Subcmd.DESTROY && (!m.ok() || r.remaining === 0)) return;
  m.partial(type);
  m.bitSet();
};

const getField: Decoder = (m) => {
  const r = m.r;
  if (!m.fromServer) {
    r.u32();
    r.u32();
    r.string();
  } else {
    r.u32();
    if (m.ok()) m.nonNullType("GET_FIELD result");
  }
};

const validation: Decoder = (m) => {
  const r = m.r;
  r.i32();
  r.i16();
  if (m.fromServer) {
    const n = r.count(r.remaining, "authentication method");
    for (let i = 0; i < n; i++) r.string();
    return;
  }
  r.i16();
  r.string();
  m.typedValue();
};

const search: Decoder = (m) => {
  const r = m.r;
  r.u32();
  r.u8();
  r.take(3 + ADDRESS_BYTES);
  r.u16();
  const protocols = r.count(r.remaining, "protocol");
  for (let i = 0; i < protocols; i++) r.string();
  const channels = r.u16();
  for (let i = 0; i < channels; i++) {
    r.u32();
    r.string();
  }
};

const searchResponse: Decoder = (m) => {
  const r = m.r;
  r.take(GUID_BYTES);
  r.u32();
  r.take(ADDRESS_BYTES);
  r.u16();
  r.string();
  r.u8();
  const n = r.u16();
  for (let i = 0; i < n; i++) r.u32();
};

const beacon: Decoder = (m) => {
  const r = m.r;
  r.take(GUID_BYTES);
  r.u8();
  r.u8();
  r.u16();
  r.take(ADDRESS_BYTES);
  r.u16();
  r.string();
  m.typedValue();
};

const createChannel: Decoder = (m) => {
  const r = m.r;
  if (m.fromServer) {
    r.u32();
    r.u32();
    m.status();
    return;
  }
  const n = r.u16();
  for (let i = 0; i < n; i++) {
    r.u32();
    r.string();
  }
};

/** sid + cid (DESTROY_CHANNEL) or sid + ioid (DESTROY_REQUEST, CANCEL_REQUEST). */
const idPair: Decoder = (m) => {
  m.r.u32();
  m.r.u32();
};

const message: Decoder = (m) => {
  m.r.u32();
  m.r.u8();
  m.r.string();
};

/**
 * The decoder of each application command. Commands without an entry (AUTHNZ, ACL_CHANGE,
 * MULTIPLE_DATA) are never sent by the peers in the captures.
 */
export const DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [Command.BEACON, beacon],
  [Command.CONNECTION_VALIDATION, validation],
  [Command.ECHO, (m) => m.r.take(m.r.remaining)],
  [Command.SEARCH, search],
  [Command.SEARCH_RESPONSE, searchResponse],
  [Command.CREATE_CHANNEL, createChannel],
  [Command.DESTROY_CHANNEL, idPair],
  [Command.CONNECTION_VALIDATED, (m) => m.status()],
  [Command.GET, get],
  [Command.PUT, put],
  [Command.PUT_GET, putGet],
  [Command.MONITOR, monitor],
  [Command.ARRAY, array],
  [Command.DESTROY_REQUEST, idPair],
  [Command.PROCESS, processOp],
  [Command.GET_FIELD, getField],
  [Command.MESSAGE, message],
  [Command.RPC, rpc],
  [Command.CANCEL_REQUEST, idPair],
  [Command.ORIGIN_TAG, (m) => m.r.take(ADDRESS_BYTES)],
]);
