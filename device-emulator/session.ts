// The contract between the firmware machine and the actor that owns the wire (the AMQP session):
// what the machine asks it to do, and what it reports back. Failures arrive as events with a
// protocol-neutral reason, never as exceptions. The real actor is amqp/session-actor.ts (rhea over
// a Transport); machine tests provide a fake that speaks the same events.

/** Why a connection attempt or a live connection ended; each one sends the firmware to `backoff`. */
export const FAILURE_REASONS = [
  'transport-refused', // the transport could not open (ECONNREFUSED, no such serial port)
  'connection-refused', // the peer answered open with close(error)
  'connection-closed', // the peer closed an open connection
  'unauthorized', // CBS answered put-token with a status other than 200, or amqp:unauthorized-access
  'link-refused', // an attach answered with a detach(error)
  'routed-link-lost', // qd:routed-link-lost: the gateway lost its hub connection
  'link-lost', // a link detached with another error after it was open
  'idle-timeout', // no frame for twice the idle time-out (either side)
  'transport-closed', // the byte stream ended or failed
  'timeout', // the peer did not answer a step in time (machine-side timer)
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export type SendOutcome = 'accepted' | 'rejected' | 'released' | 'modified';
export type CommandOutcome = 'accepted' | 'rejected' | 'released';

export interface OutgoingMessage {
  /** AMQP properties.message-id; also how outcomes are matched to outbox entries. */
  id: string;
  /** The sealed envelope: one data section. */
  body: Uint8Array;
  /** AMQP application properties (always `enc`). */
  properties: Record<string, string>;
}

/** Machine -> session actor (sendTo('session', ...)). */
export type SessionCommand =
  | { type: 'put-token'; audience: string; token: string }
  | { type: 'attach' }
  | { type: 'send'; message: OutgoingMessage }
  | { type: 'settle'; deliveryId: number; outcome: CommandOutcome; credit: boolean }
  | { type: 'close' };

/** Session actor -> machine. */
export type SessionEvent =
  | { type: 'SESSION.LINK_UP'; via: string }
  | { type: 'SESSION.OPENED' }
  | { type: 'SESSION.CBS'; status: number; description: string }
  | { type: 'SESSION.ATTACHED' }
  | { type: 'SESSION.OUTCOME'; id: string; outcome: SendOutcome; condition?: string }
  | { type: 'SESSION.COMMAND'; deliveryId: number; body: Uint8Array; enc?: string }
  | { type: 'SESSION.FAILED'; reason: FailureReason; detail: string }
  | { type: 'SESSION.CLOSED' };

/** What the machine hands the session actor when it starts it. */
export interface SessionInput {
  deviceId: string;
  /** AMQP open hostname: the hub host the device believes it talks to. */
  hostname: string;
  /** AMQP max-frame-size the board advertises. */
  maxFrameSize: number;
  /** Advertised idle time-out in ms (the peer must send something at least every half of it). */
  idleTimeoutMs: number;
}
