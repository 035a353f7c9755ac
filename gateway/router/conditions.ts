// Internal router failures -> AMQP error conditions: exactly one function per edge and direction
// (STYLE.md, Eclipse Hono's getErrorCondition). Errors the hub sends are NOT mapped: they are
// relayed unchanged (qdrouterd.md §2.2 step 4). Words follow qdrouterd 1.x (qdrouterd.md §2.4).
import type { Condition } from '../../protocol/conditions.js';

export interface AmqpErrorFields {
  condition: Condition;
  description: string;
}

/** Why the gateway itself ends a device's link or connection. */
export type RouterFailure =
  | { kind: 'no-route'; address: string }
  | { kind: 'connector-down'; address: string; connector: string }
  | { kind: 'unauthorized'; why: string }
  | { kind: 'peer-lost' }
  | { kind: 'connection-limit'; max: number }
  | { kind: 'frame-too-large'; size: number; max: number }
  | { kind: 'bad-frame'; why: string }
  | { kind: 'transfer-limit' }
  | { kind: 'shutdown' };

/** Edge gateway -> device (downstream, outbound). */
export function toDeviceError(f: RouterFailure): AmqpErrorFields {
  switch (f.kind) {
    case 'no-route':
      return { condition: 'qd:no-route-to-dest', description: `No route to the destination node: no link route matches ${JSON.stringify(f.address)}` };
    case 'connector-down':
      return { condition: 'qd:no-route-to-dest', description: `No route to the destination node: connector ${f.connector} for ${JSON.stringify(f.address)} is not connected` };
    case 'unauthorized':
      return { condition: 'amqp:unauthorized-access', description: f.why };
    case 'peer-lost':
      return { condition: 'qd:routed-link-lost', description: 'Connectivity to the peer container was lost' };
    case 'connection-limit':
      return { condition: 'amqp:resource-limit-exceeded', description: `policy.maxConnections (${f.max}) reached: connection refused` };
    case 'frame-too-large':
      return { condition: 'amqp:connection:framing-error', description: `frame of ${f.size} bytes exceeds max-frame-size ${f.max}` };
    case 'bad-frame':
      return { condition: 'amqp:connection:framing-error', description: f.why };
    case 'transfer-limit':
      return { condition: 'amqp:link:transfer-limit-exceeded', description: 'a transfer arrived without link credit' };
    case 'shutdown':
      return { condition: 'amqp:connection:forced', description: 'the gateway is shutting down' };
  }
}

/** Why the gateway ends the hub's half of a routed link. */
export type HubLinkFailure = { kind: 'device-lost' } | { kind: 'transfer-limit' };

/** Edge gateway -> hub (upstream, outbound). */
export function toHubError(f: HubLinkFailure): AmqpErrorFields {
  switch (f.kind) {
    case 'device-lost':
      return { condition: 'qd:routed-link-lost', description: 'Connectivity to the peer container was lost' };
    case 'transfer-limit':
      return { condition: 'amqp:link:transfer-limit-exceeded', description: 'a transfer arrived without link credit' };
  }
}
