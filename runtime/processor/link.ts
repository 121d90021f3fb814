/**
 * The channel between a host and one running sandbox, the same for both isolations.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import type { EntrySpec } from "./entry.ts";
import type { HostRequest, SandboxReply } from "./messages.ts";
import type { SandboxPermissions } from "./permissions.ts";

/** What a link reports to its host. */
export interface LinkEvents {
  /** A message from the sandbox. */
  reply(r: SandboxReply): void;
  /** The sandbox died (uncaught error, exit, out of memory); no reply follows. */
  exit(reason: string): void;
}

/** A running sandbox. */
export interface SandboxLink {
  /** Sends a call; frame buffers move to the sandbox. */
  send(req: HostRequest): void;
  /** Ends the sandbox at once. */
  close(): Promise<void>;
}

/** Everything needed to start a sandbox. */
export interface LinkSpec extends EntrySpec {
  /** The grants. */
  permissions: SandboxPermissions;
  /** Heap limit of a child process in MiB. */
  memoryMb?: number;
  /** Where the sandbox's own output (a child's stderr) goes. */
  logger: Logger;
}

/** Starts a sandbox. */
export type OpenLink = (spec: LinkSpec, events: LinkEvents) => SandboxLink;
