// The contract between the route table (routes.ts) and the handler of each address kind.
// One handler per kind, one file per handler (cbs.ts, device-events.ts, ...).
//
// Contract:
// - The route table calls `sender(link, attach)` when the peer attaches as receiver (the hub
//   sends on `link`) and `receiver(link, attach)` when the peer attaches as sender. A kind whose
//   handler lacks that direction is refused with amqp:not-found.
// - Calls are synchronous, inside rhea's attach event. The handler accepts by returning (the
//   route table then echoes the peer's addresses unless the handler set its own termini), refuses
//   by throwing a HubError (mapped once, amqp/conditions.ts), or defers with rhea-links.ts
//   deferAttach() and later completeAttach() / refuseLink().
// - Link-level listeners ('message', 'sendable', 'accepted', ...) go on the link itself; use
//   `attach.connection.track(link, cleanup)` for anything to undo when the link or connection goes.
// - Server-created receivers start with NO credit and no auto-accept: the handler grants credit
//   (`link.add_credit(n)`) and settles every delivery itself (DESIGN.md decision 6).
import type { Receiver, Sender } from 'rhea';
import type { AddressKind, IotHubAddress } from '../../protocol/address.js';
import type { HubIdentity } from '../auth/audience.js';
import type { C2dService } from '../c2d/c2d-service.js';
import type { Registry } from '../store/registry.js';
import type { EventPosition, NewEvent, TelemetryLog } from '../store/telemetry-log.js';
import type { HubConnection } from './hub-connection.js';

export type AddressOf<K extends AddressKind> = Extract<IotHubAddress, { kind: K }>;

export interface Attach<K extends AddressKind> {
  address: AddressOf<K>;
  /** The address string exactly as the peer wrote it. */
  rawAddress: string;
  connection: HubConnection;
}

export interface LinkHandler<K extends AddressKind> {
  /** The peer receives: the hub sends on `link`. */
  sender?(link: Sender, attach: Attach<K>): void;
  /** The peer sends: the hub receives on `link`. */
  receiver?(link: Receiver, attach: Attach<K>): void;
}

/** A telemetry event just committed (for readers waiting at the end of a partition). */
export interface TelemetryAppended extends EventPosition {
  partition: number;
}

/** What handlers may use. Built once by hub.ts; every member is safe to share across connections. */
export interface HubServices {
  identity: HubIdentity;
  /** Hub name: the Event Hub-compatible entity path (`--name`). */
  name: string;
  partitionCount: number;
  /** Event Hubs consumer groups: `$Default` first, then `--consumer-group` ones (§6.1). */
  consumerGroups: readonly string[];
  now(): number;
  registry: Registry;
  /** Reads (partition info, events from a position). Writes go through appendTelemetry. */
  telemetry: TelemetryLog;
  /** Group commit: resolves once the event is committed to storage (DESIGN.md decision 6). */
  appendTelemetry(event: NewEvent): Promise<EventPosition>;
  /** Called after each commit, in order, for every appended event; returns an unsubscribe. */
  onTelemetryAppended(listener: (event: TelemetryAppended) => void): () => void;
  limits: { maxMessageBytes: number };
  /** C2D queues and feedback (issue 3 items 7-8): c2d/c2d-service.ts. */
  c2d: C2dService;
}

export type HandlerFactory<K extends AddressKind> = (services: HubServices) => LinkHandler<K>;
