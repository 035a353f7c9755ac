// Which devices are connected now, and how (issue 6 item 2: the console's device list). A
// read-only view kept beside the route table: the device-events and device-bound handlers are
// wrapped so that every device link the hub accepted is counted on its connection until it goes.
//
// "Through the gateway" (decided here, documented in hub/console/README.md): the device's links
// arrived on a connection whose AMQP open carried the property `product: fogbridge-gateway` (the
// gateway's upstream connections do, gateway/router/upstream.ts), or on a connection that carries
// links of more than one device (a multiplexing gateway such as IoT Edge or the Protocol Gateway;
// a device SDK opens one connection per device). Otherwise "direct".
import type { Connection, Receiver, Sender } from 'rhea';
import type { HubConnection } from './amqp/hub-connection.js';
import type { RouteTable } from './amqp/routes.js';

export const GATEWAY_PRODUCT = 'fogbridge-gateway';

export interface DeviceLinkState {
  /** How the device reaches the hub now; undefined = no device link attached. */
  via: 'gateway' | 'direct' | undefined;
  /** ms since the epoch: when its first link of the current connection attached. */
  connectedSince?: number;
  /** The peer's address (`ip:port`) and AMQP container-id of the connection carrying it. */
  remote?: string;
  container?: string;
  /** Device links attached now (telemetry, commands). */
  links: number;
}

interface Held { links: number; since: number }

export class DevicePresence {
  readonly #byConnection = new Map<HubConnection, Map<string, Held>>();

  constructor(private readonly now: () => number) {}

  /** The same table, with device-events receivers and device-bound senders counted. */
  wrap(routes: RouteTable): RouteTable {
    const events = routes['device-events'];
    const bound = routes['device-bound'];
    return {
      ...routes,
      ...(events ? { 'device-events': { ...events, receiver: this.#counted(events.receiver) } } : {}),
      ...(bound ? { 'device-bound': { ...bound, sender: this.#counted(bound.sender) } } : {}),
    } as RouteTable;
  }

  /** One device's state; several connections: the most recent one wins. */
  state(deviceId: string): DeviceLinkState {
    let found: { connection: HubConnection; held: Held } | undefined;
    for (const [connection, devices] of this.#byConnection) {
      const held = devices.get(deviceId);
      if (held && (!found || held.since > found.held.since)) found = { connection, held };
    }
    if (!found) return { via: undefined, links: 0 };
    const { connection, held } = found;
    const open = remoteOpen(connection.amqp);
    const gateway = open.properties?.product === GATEWAY_PRODUCT || (this.#byConnection.get(connection)?.size ?? 0) > 1;
    return {
      via: gateway ? 'gateway' : 'direct',
      connectedSince: held.since,
      links: held.links,
      ...(open.container_id ? { container: open.container_id } : {}),
      ...(remoteAddress(connection.amqp) ? { remote: remoteAddress(connection.amqp)! } : {}),
    };
  }

  #counted<L extends Sender | Receiver, A extends { address: { deviceId: string }; connection: HubConnection }>(
    serve: ((link: L, attach: A) => void) | undefined,
  ): ((link: L, attach: A) => void) | undefined {
    if (!serve) return undefined;
    return (link, attach) => {
      serve(link, attach); // throws = refused: nothing to count
      const { connection } = attach;
      const { deviceId } = attach.address;
      const devices = this.#byConnection.get(connection) ?? new Map<string, Held>();
      this.#byConnection.set(connection, devices);
      const held = devices.get(deviceId) ?? { links: 0, since: this.now() };
      held.links += 1;
      devices.set(deviceId, held);
      connection.track(link, () => {
        held.links -= 1;
        if (held.links > 0) return;
        devices.delete(deviceId);
        if (devices.size === 0) this.#byConnection.delete(connection);
      });
    };
  }
}

function remoteOpen(amqp: Connection): { container_id?: string; properties?: Record<string, unknown> } {
  return (amqp as unknown as { remote?: { open?: { container_id?: string; properties?: Record<string, unknown> } } }).remote?.open ?? {};
}

function remoteAddress(amqp: Connection): string | undefined {
  const s = (amqp as unknown as { socket?: { remoteAddress?: string; remotePort?: number } }).socket;
  return s?.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : undefined;
}
