// The lifecycle of one routed link (qdrouterd.md §2.2-§2.5): the device's attach is held
// (deferred) while the same attach, renamed `<name>@<container-id>`, goes to the hub on the
// device connection's upstream session; the hub's reply attach (terminus, properties,
// capabilities) answers the device; a refusal (null terminus + detach with error) is passed back
// as it came; detach and close are mirrored both ways with their errors; the loss of either
// connection detaches the other half with qd:routed-link-lost.
import type { Receiver, Sender, Session, link as Link } from 'rhea';
import { toDeviceError, toHubError } from './conditions.js';
import type { RouterDeps } from './options.js';
import { Relay } from './relay.js';
import type { GatewayStats } from './stats.js';
import {
  answerAttach, openLink, refuseAttach, remoteAttach, remoteDetach, withAddress, type AttachFields,
} from './rhea-internals.js';

export interface RoutedLinkSpec {
  /** Our end on the device connection, its attach deferred. */
  down: Sender | Receiver;
  device: AttachFields;
  direction: 'in' | 'out';
  address: string;
  forwardedAddress: string;
  upstreamSession: Session;
  deviceContainerId: string;
  /** The device connection's id (`C3`) and the connector carrying the hub half, for logs and management. */
  connectionId: string;
  connector: string;
  stats: GatewayStats;
  log: RouterDeps['log'];
}

/** Options for our ends of routed links: all credit and settlement are driven by Relay. */
export const ROUTED_LINK_OPTIONS = { credit_window: 0, autoaccept: false, autosettle: true, treat_modified_as_released: false } as const;

export class RoutedLink {
  private state: 'pending' | 'open' | 'closed' = 'pending';
  readonly up: Sender | Receiver;
  private relay: Relay | undefined;
  readonly down: Sender | Receiver;

  constructor(readonly spec: RoutedLinkSpec, private readonly onEnd: (l: RoutedLink) => void) {
    this.down = spec.down;
    const terminus = spec.direction === 'in' ? 'target' : 'source';
    const fields = spec.forwardedAddress === spec.address ? spec.device : withAddress(spec.device, terminus, spec.forwardedAddress);
    const name = `${spec.device.name}@${spec.deviceContainerId}`;
    this.up = openLink(spec.upstreamSession, spec.direction === 'in' ? 'sender' : 'receiver', name, fields, { ...ROUTED_LINK_OPTIONS });
    const upOpen = spec.direction === 'in' ? 'sender_open' : 'receiver_open';
    const upClose = spec.direction === 'in' ? 'sender_close' : 'receiver_close';
    const downClose = spec.direction === 'in' ? 'receiver_close' : 'sender_close';
    this.up.on(upOpen, () => this.hubAnswered());
    this.up.on(upClose, () => this.hubDetached());
    this.down.on(downClose, () => this.deviceDetached());
  }

  get address(): string {
    return this.spec.address;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get counts(): Relay['counts'] | undefined {
    return this.relay?.counts;
  }

  /** Deliveries forwarded on this link that the far peer has not settled yet. */
  get unsettled(): number {
    return this.relay?.unsettled ?? 0;
  }

  /** The hub's connection went away (qdrouterd.md §2.5). */
  hubLost(): void {
    this.relay?.failInFlight();
    this.endDevice(toDeviceError({ kind: 'peer-lost' }));
  }

  /** The gateway revokes the link (e.g. its token expired): detach the device half with `error`, close the hub half. */
  revoke(error: { condition: string; description: string }): void {
    if (this.state === 'closed') return;
    this.endDevice(error);
    this.up.close();
  }

  /** The device's connection went away: the hub half is detached with qd:routed-link-lost. */
  deviceLost(): void {
    if (this.state === 'closed') return;
    if (this.spec.direction === 'out') this.relay?.failInFlight();
    this.finish();
    this.up.close(toHubError({ kind: 'device-lost' }));
  }

  private hubAnswered(): void {
    if (this.state !== 'pending') return;
    let reply = remoteAttach(this.up);
    const terminus = this.spec.direction === 'in' ? 'target' : 'source';
    const replied = terminus === 'target' ? reply.targetAddress : reply.sourceAddress;
    if (replied === this.spec.forwardedAddress && replied !== this.spec.address) reply = withAddress(reply, terminus, this.spec.address);
    answerAttach(this.down, reply);
    this.state = 'open';
    const totals = this.spec.stats.deliveries;
    this.relay = this.spec.direction === 'in'
      ? new Relay(this.down as Receiver, this.up as Sender, () => this.overCredit('device'), totals)
      : new Relay(this.up as Receiver, this.down as Sender, () => this.overCredit('hub'), totals);
    this.spec.stats.linksAttached++;
    this.spec.log('ROUTER', 'info', `[${this.spec.connectionId}] Link attached: dir=${this.spec.direction} address=${JSON.stringify(this.spec.address)} link=${JSON.stringify(this.down.name)} peer=${JSON.stringify(this.up.name)} connector=${this.spec.connector}`);
    this.relay.start();
  }

  /** A peer sent beyond its credit (AMQP 1.0 §2.6.7): that half is closed with the error, the other detached as lost. */
  private overCredit(who: 'device' | 'hub'): void {
    if (this.state === 'closed') return;
    this.finish();
    if (who === 'device') {
      this.down.close(toDeviceError({ kind: 'transfer-limit' }));
      this.up.close(toHubError({ kind: 'device-lost' }));
    } else {
      this.up.close(toHubError({ kind: 'transfer-limit' }));
      this.down.close(toDeviceError({ kind: 'peer-lost' }));
    }
  }

  private hubDetached(): void {
    if (this.state === 'closed') return;
    const { closed, error } = remoteDetach(this.up);
    if (this.state === 'pending') {
      answerAttach(this.down, remoteAttach(this.up));
      this.spec.stats.refused(error?.condition ?? 'detached');
      this.spec.log('ROUTER', 'info', `[${this.spec.connectionId}] Link refused by the hub: dir=${this.spec.direction} address=${JSON.stringify(this.spec.address)} ${error ? `${error.condition} (${error.description ?? ''})` : 'detached without an error'}`);
    }
    if (this.spec.direction === 'in') this.relay?.failInFlight();
    this.finish();
    mirrorDetach(this.down, closed, error);
  }

  private deviceDetached(): void {
    if (this.state === 'closed') return;
    const { closed, error } = remoteDetach(this.down);
    if (this.state === 'pending') refuseAttach(this.down);
    else if (!closed) this.down.detach();
    this.finish();
    mirrorDetach(this.up, closed, error);
  }

  private endDevice(error: { condition: string; description: string }): void {
    if (this.state === 'closed') return;
    if (this.state === 'pending') refuseAttach(this.down, error);
    else this.down.close(error);
    this.finish();
  }

  private finish(): void {
    if (this.state === 'open') {
      this.spec.stats.linksDetached++;
      const c = this.relay!.counts;
      this.spec.log('ROUTER', 'info', `[${this.spec.connectionId}] Link detached: dir=${this.spec.direction} address=${JSON.stringify(this.spec.address)} delivered=${c.delivered} accepted=${c.accepted} rejected=${c.rejected} released=${c.released} modified=${c.modified}`);
    }
    this.state = 'closed';
    this.onEnd(this);
  }
}

/** Detach vs close is preserved end to end (qdrouterd.md §2.3, DISPATCH-581). */
function mirrorDetach(l: Link, closed: boolean, error: { condition: string; description?: string } | undefined): void {
  if (closed) l.close(error ? { condition: error.condition, description: error.description ?? '' } : undefined);
  else l.detach();
}
