// The closed list of AMQP error conditions fogbridge sends or understands, with what each means,
// where it appears and who sends it. Sources: OASIS AMQP 1.0 §2.8.15-§2.8.18 (as listed in
// reference/qdrouterd.md §6.b), qdrouterd 1.x (qdrouterd.md §2.4), the IoT SDKs' error tables
// (iot-hub-amqp.md §4.5, §5.1) and core-amqp's (§6.5, §6.7).
//
// Contract: pure data plus lookups. A condition fogbridge sends must be a key of CONDITIONS;
// toCondition reads a received one and throws ConditionError 'unknown-condition' otherwise, while
// describeCondition never throws (it says when a condition is not in the table). Mapping internal
// errors to conditions is NOT done here: that is one function per edge, in the edge's own folder.
import { CodedError } from './coded-error.js';

/** gateway and hub are fogbridge's; the others are peers whose conditions we understand. */
export type ConditionSender = 'gateway' | 'hub' | 'iot-hub' | 'event-hubs' | 'qdrouterd' | 'any-peer';
/** The performative that carries it: close (connection), end (session), detach (link), or any of these / a rejected outcome. */
export type ConditionScope = 'connection' | 'session' | 'link' | 'any';

interface ConditionInfo {
  readonly meaning: string;
  readonly scope: ConditionScope;
  readonly sentBy: readonly ConditionSender[];
}

const c = (meaning: string, scope: ConditionScope, ...sentBy: ConditionSender[]): ConditionInfo => ({ meaning, scope, sentBy });

export const CONDITIONS = {
  // AMQP 1.0 §2.8.15 amqp-error
  'amqp:internal-error': c('the peer hit an internal error (SDKs: InternalServerError, retried)', 'any', 'hub', 'iot-hub', 'any-peer'),
  'amqp:not-found': c('the node (address, device, partition) does not exist (device SDK: DeviceNotFoundError)', 'any', 'hub', 'iot-hub', 'event-hubs', 'qdrouterd'),
  'amqp:unauthorized-access': c('no valid token (CBS) for the resource, or the token does not cover it (SDKs: UnauthorizedError)', 'any', 'gateway', 'hub', 'iot-hub', 'event-hubs'),
  'amqp:decode-error': c('a frame or message could not be decoded', 'any', 'hub', 'any-peer'),
  'amqp:resource-limit-exceeded': c('a quota was hit; for C2D sends, the device queue is full (50): DeviceMaximumQueueDepthExceededError, not retried', 'any', 'hub', 'iot-hub', 'event-hubs'),
  'amqp:not-allowed': c('the operation is not allowed on this node or in this state (device SDK: InvalidOperationError)', 'any', 'hub', 'iot-hub', 'any-peer'),
  'amqp:invalid-field': c('a performative or message field has an invalid value', 'any', 'hub', 'any-peer'),
  'amqp:not-implemented': c('the peer does not implement what was asked (device SDK: NotImplementedError)', 'any', 'gateway', 'hub', 'any-peer'),
  'amqp:resource-locked': c('the resource is locked by another client', 'any', 'any-peer'),
  'amqp:precondition-failed': c('a precondition failed; qdrouterd uses it for an unrouted $coordinator attach', 'any', 'qdrouterd', 'any-peer'),
  'amqp:resource-deleted': c('the node was deleted while the link was attached', 'any', 'hub', 'any-peer'),
  'amqp:illegal-state': c('a performative arrived that the session or link state does not allow', 'any', 'any-peer'),
  'amqp:frame-size-too-small': c('the negotiated max-frame-size cannot hold a performative that must fit in one frame', 'any', 'any-peer'),
  // AMQP 1.0 §2.8.16 connection-error
  'amqp:connection:forced': c('the connection was closed by administrative action or shutdown (core-amqp: ConnectionForcedError, retried)', 'connection', 'gateway', 'hub', 'iot-hub', 'event-hubs'),
  'amqp:connection:framing-error': c('a frame was malformed: the byte stream cannot be trusted any more', 'connection', 'gateway', 'hub', 'any-peer'),
  'amqp:connection:redirect': c('connect to another host given in the info map', 'connection', 'any-peer'),
  // AMQP 1.0 §2.8.17 session-error
  'amqp:session:window-violation': c('the peer sent more transfers than the session window allowed', 'session', 'any-peer'),
  'amqp:session:errant-link': c('input was received for a link that was detached with an error', 'session', 'any-peer'),
  'amqp:session:handle-in-use': c('an attach used a handle already in use', 'session', 'any-peer'),
  'amqp:session:unattached-handle': c('a frame named a handle that is not attached', 'session', 'any-peer'),
  // AMQP 1.0 §2.8.18 link-error
  'amqp:link:detach-forced': c('the link was detached by administrative action or shutdown (SDKs: ServiceUnavailableError / DetachForcedError, retried)', 'link', 'gateway', 'hub', 'iot-hub', 'event-hubs'),
  'amqp:link:transfer-limit-exceeded': c('the sender sent more messages than the link credit allowed', 'link', 'hub', 'any-peer'),
  'amqp:link:message-size-exceeded': c('the message is larger than the node accepts (D2C 256 KB, C2D 64 KB; device SDK: MessageTooLargeError)', 'link', 'hub', 'iot-hub'),
  'amqp:link:redirect': c('attach elsewhere; the info map gives hostname and address (IoT Hub → Event Hubs redirect, iot-hub-amqp.md §6.7)', 'link', 'hub', 'iot-hub'),
  'amqp:link:stolen': c('another link with the same name (an epoch receiver) took over this one (core-amqp: status Gone)', 'link', 'hub', 'event-hubs'),
  // qdrouterd 1.x (qdrouterd.md §2.4): what a link router answers; fogbridge's gateway keeps the same words.
  'qd:no-route-to-dest': c('no link route matches the address, or its connector is down: the attach is refused at once, not queued', 'link', 'gateway', 'qdrouterd'),
  'qd:routed-link-lost': c('the other half of a routed link went away (its connection dropped)', 'link', 'gateway', 'qdrouterd'),
  'qd:forbidden': c('inter-router link types on a non-inter-router connection', 'link', 'qdrouterd'),
  'qd:connection-role': c('endpoint attach on an inter-router connection', 'link', 'qdrouterd'),
  'qd:link-expiration': c('the requested link expiration policy is not allowed', 'link', 'qdrouterd'),
  // com.microsoft (iot-hub-amqp.md §4.5, §6.5)
  'com.microsoft:argument-error': c('an argument was invalid (ArgumentError)', 'any', 'hub', 'iot-hub', 'event-hubs'),
  'com.microsoft:argument-out-of-range': c('an argument was out of range, e.g. a partition id that does not exist (ArgumentOutOfRangeError)', 'any', 'hub', 'iot-hub', 'event-hubs'),
  'com.microsoft:device-already-exists': c('a device with this id is already registered (DeviceAlreadyExistsError)', 'any', 'hub', 'iot-hub'),
  'com.microsoft:device-container-throttled': c('the device or hub is throttled (ThrottlingError, retried)', 'any', 'hub', 'iot-hub'),
  'com.microsoft:iot-hub-suspended': c('the hub is suspended (IoTHubSuspendedError)', 'any', 'iot-hub'),
  'com.microsoft:iot-hub-not-found-error': c('no such IoT hub (IotHubNotFoundError)', 'any', 'iot-hub'),
  'com.microsoft:message-lock-lost': c('the C2D message lock expired or the delivery is unknown, so it cannot be settled (DeviceMessageLockLostError)', 'any', 'hub', 'iot-hub'),
  'com.microsoft:precondition-failed': c('a precondition (e.g. an etag) failed (PreconditionFailedError)', 'any', 'hub', 'iot-hub'),
  'com.microsoft:quota-exceeded': c('the hub quota (e.g. messages per day) is exhausted (IotHubQuotaExceededError)', 'any', 'hub', 'iot-hub'),
  'com.microsoft:timeout': c('the service timed out (ServiceUnavailableError, retried)', 'any', 'hub', 'iot-hub', 'event-hubs'),
  'com.microsoft:server-busy': c('the service is busy, retry later (core-amqp: ServerBusyError, retried)', 'any', 'hub', 'event-hubs'),
} as const satisfies Record<string, ConditionInfo>;

export type Condition = keyof typeof CONDITIONS;

export class ConditionError extends CodedError<'unknown-condition'> {}

export function isCondition(text: string): text is Condition {
  return Object.hasOwn(CONDITIONS, text);
}

/** A received condition symbol as a Condition, or ConditionError when it is not in the table. */
export function toCondition(text: string): Condition {
  if (!isCondition(text)) throw new ConditionError('unknown-condition', `AMQP condition ${JSON.stringify(text.slice(0, 100))} is not one fogbridge knows: see protocol/conditions.ts`);
  return text;
}

/** One line for logs and the console: `<condition>: <meaning>`; never throws. */
export function describeCondition(condition: string): string {
  return isCondition(condition) ? `${condition}: ${CONDITIONS[condition].meaning}` : `${condition}: not an AMQP condition fogbridge knows`;
}
