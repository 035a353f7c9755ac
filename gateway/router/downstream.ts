// One device connection (the downstream side): where each attach goes. `$cbs` links end here
// (DESIGN 4, gateway/cbs); `devices/<id>/...` needs a hub-accepted token held by this connection
// (DESIGN 5, gateway/auth); everything else that matches a link route is routed end to end on
// this connection's own upstream session (DESIGN 1, 3). No route or connector down: refused at
// once with qd:no-route-to-dest (qdrouterd.md §2.4, but never left hanging as qdrouterd does).
import type { Connection, Receiver, Sender, Session } from 'rhea';
import { parseAddress } from '../../protocol/address.js';
import { DeviceGrants } from '../auth/grants.js';
import { DeviceCbs } from '../cbs/device-cbs.js';
import type { PutToken } from '../cbs/upstream-cbs.js';
import type { RouteTable } from '../routes/table.js';
import { toDeviceError, type RouterFailure } from './conditions.js';
import type { ConnectorPlan, RouterDeps } from './options.js';
import type { Connector, PoolOwner } from './pool.js';
import { answerAttach, captureRawTransfers, deferAttach, deliveryFailed, peerContainerId, refuseAttach, remoteAttach } from './rhea-internals.js';
import { RoutedLink } from './routed-link.js';
import type { GatewayStats } from './stats.js';
import type { UpstreamConnection } from './upstream.js';

export interface DownstreamContext {
  routes: RouteTable;
  connectors: ReadonlyMap<string, Connector>;
  deps: RouterDeps;
  stats: GatewayStats;
}

/** What management shows of the stream a connection came on (qdstat -c host, security). */
export interface StreamInfo {
  /** TLS protocol and cipher, or undefined for plain AMQP. */
  tls: string | undefined;
  /** The serialListener's device path when the connection came over a serial link. */
  serialPort: string | undefined;
}

interface Assignment { upstream: UpstreamConnection; session: Session }

const isCbs = (address: string): boolean => {
  try {
    return parseAddress(address).kind === 'cbs';
  } catch {
    return false;
  }
};

export class DeviceConnection implements PoolOwner {
  readonly links = new Set<RoutedLink>();
  /** Tokens the hub accepted for this connection, per connector (they are anchored on its upstream connection). */
  readonly grants = new Map<Connector, DeviceGrants>();
  private readonly assignments = new Map<Connector, Promise<Assignment>>();
  private readonly cbs = new Map<Connector, DeviceCbs>();
  private readonly expiryTimers = new Set<unknown>();
  private ended = false;
  readonly openedAt: number;

  /** `id`: qdrouterd's connection id (`C3`), shared with upstream connections. */
  constructor(readonly connection: Connection, readonly label: string, private readonly ctx: DownstreamContext, readonly stream: StreamInfo, readonly id: string) {
    this.openedAt = ctx.deps.clock.now();
    connection.on('receiver_open', (context) => this.attach(context.receiver!, 'sender'));
    connection.on('sender_open', (context) => this.attach(context.sender!, 'receiver'));
  }

  /** The device connection ended: routed links lose their hub half, grants end (DESIGN 5). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const l of [...this.links]) l.deviceLost();
    for (const t of this.expiryTimers) this.ctx.deps.clock.clearTimeout(t);
    for (const [connector, assignment] of this.assignments) {
      assignment.then((a) => a.session.close(), () => undefined);
      connector.release(this);
    }
    this.assignments.clear();
    this.grants.clear();
  }

  /** The container-id from the device's Open. */
  get containerId(): string {
    return peerContainerId(this.connection);
  }

  /** Device ids (or policy audiences) this connection holds hub-accepted, unexpired tokens for. */
  deviceIds(): string[] {
    return [...new Set([...this.grants.values()].flatMap((g) => g.subjects(this.ctx.deps.clock.now())))];
  }

  upstreamLost(connector: Connector): void {
    this.assignments.delete(connector);
    for (const l of [...this.links]) if (this.connectorOf.get(l) === connector) l.hubLost();
  }

  private readonly connectorOf = new WeakMap<RoutedLink, Connector>();

  /** `role` is the device's: a device sender attaches our receiver (qdrouterd `in`). */
  private attach(link: Sender | Receiver, role: 'sender' | 'receiver'): void {
    deferAttach(link);
    // Until a relay or the CBS proxy takes over, nothing may arrive (no credit was given): drop it undecoded.
    if (role === 'sender') captureRawTransfers(link as Receiver, ({ delivery }) => delivery.update(true, deliveryFailed()));
    const fields = remoteAttach(link);
    const address = (role === 'sender' ? fields.targetAddress : fields.sourceAddress) ?? '';
    const refuse = (f: RouterFailure): void => {
      const error = toDeviceError(f);
      this.ctx.stats.refused(error.condition);
      this.ctx.deps.log(f.kind === 'unauthorized' ? 'POLICY' : 'ROUTER', f.kind === 'unauthorized' ? 'warning' : 'info',
        `[${this.id}] Link refused: dir=${role === 'sender' ? 'in' : 'out'} address=${JSON.stringify(address)} ${error.condition} (${error.description})`);
      refuseAttach(link, error);
    };
    const match = address ? this.ctx.routes.match(address, role) : undefined;
    const connector = match?.connection === undefined ? undefined : this.ctx.connectors.get(match.connection);
    if (!match || !connector) return refuse({ kind: 'no-route', address });
    if (!connector.isUp) return refuse({ kind: 'connector-down', address, connector: connector.plan.name });
    if (connector.plan.cbsProxy && isCbs(address)) {
      answerAttach(link, fields);
      const cbs = this.cbsFor(connector);
      if (role === 'sender') cbs.attachRequests(link as Receiver);
      else cbs.attachReplies(link as Sender);
      return;
    }
    const decision = this.authorize(connector, address);
    if (!decision.allowed) return refuse({ kind: 'unauthorized', why: decision.why });
    this.assignment(connector).then(
      ({ session }) => {
        if (this.ended) return;
        if (link.is_closed()) return refuseAttach(link); // the device gave up waiting: answer its detach
        const routed = new RoutedLink(
          {
            down: link, device: fields, direction: role === 'sender' ? 'in' : 'out', address, forwardedAddress: match.forwardedAddress, upstreamSession: session,
            deviceContainerId: peerContainerId(this.connection), connectionId: this.id, connector: connector.plan.name, stats: this.ctx.stats, log: this.ctx.deps.log,
          },
          (l) => this.links.delete(l),
        );
        this.links.add(routed);
        this.connectorOf.set(routed, connector);
        this.watchExpiry(connector, routed);
      },
      () => refuse({ kind: 'connector-down', address, connector: connector.plan.name }),
    );
  }

  private authorize(connector: Connector, address: string): { allowed: true } | { allowed: false; why: string } {
    const plan: ConnectorPlan = connector.plan;
    if (plan.authorization.mode === 'off') return { allowed: true };
    const grants = this.grants.get(connector) ?? new DeviceGrants();
    return grants.check(address, this.ctx.deps.clock.now(), plan.authorization.allowPolicyTokens);
  }

  /** End a routed link when the last token that covers it expires (the grant ends with the token, DESIGN 5). */
  private watchExpiry(connector: Connector, routed: RoutedLink): void {
    if (connector.plan.authorization.mode === 'off') return;
    const now = this.ctx.deps.clock.now();
    const expiry = this.grants.get(connector)?.expiryFor(routed.address, now, connector.plan.authorization.allowPolicyTokens);
    if (expiry === undefined) return;
    const timer = this.ctx.deps.clock.setTimeout(() => {
      this.expiryTimers.delete(timer);
      const decision = this.authorize(connector, routed.address);
      if (decision.allowed) this.watchExpiry(connector, routed);
      else routed.revoke(toDeviceError({ kind: 'unauthorized', why: decision.why }));
    }, Math.max(0, expiry - now));
    this.expiryTimers.add(timer);
  }

  private cbsFor(connector: Connector): DeviceCbs {
    let cbs = this.cbs.get(connector);
    if (!cbs) {
      cbs = new DeviceCbs({
        forward: async (request) => {
          let answer;
          try {
            answer = await (await this.assignment(connector)).upstream.cbs.putToken(request);
          } catch {
            answer = { statusCode: 503, description: `connector ${connector.plan.name} is not connected` };
          }
          this.ctx.stats.putToken(answer.statusCode);
          this.ctx.deps.log('AUTHSERVICE', answer.statusCode === 200 ? 'info' : 'warning', `[${this.id}] put-token for ${JSON.stringify(request.name)}: ${answer.statusCode}${answer.statusCode === 200 ? '' : ` (${answer.description})`}`);
          return answer;
        },
        accepted: (request) => this.grant(connector, request),
      });
      this.cbs.set(connector, cbs);
    }
    return cbs;
  }

  private grant(connector: Connector, request: PutToken): void {
    let grants = this.grants.get(connector);
    if (!grants) this.grants.set(connector, (grants = new DeviceGrants()));
    try {
      grants.add(request.token, request.name, request.type);
    } catch (e) {
      this.ctx.deps.log('POLICY', 'warning', `${this.label}: the hub accepted a token the gateway cannot read (${(e as Error).message}); it authorizes nothing here`);
    }
  }

  /**
   * This connection's upstream connection and session for `connector`. On a new upstream
   * connection (first use, or after the old one was lost) the tokens this connection still holds
   * are put again first, since the hub anchors tokens on the connection (qdrouterd.md §5.1).
   */
  private assignment(connector: Connector): Promise<Assignment> {
    let pending = this.assignments.get(connector);
    if (!pending) {
      pending = connector.acquire(this).then(async (upstream) => {
        const grants = this.grants.get(connector);
        for (const g of grants?.live(this.ctx.deps.clock.now()) ?? []) {
          const answer = await upstream.cbs.putToken({ token: g.raw, name: g.name, type: g.type });
          if (answer.statusCode !== 200) grants!.remove(g);
        }
        return { upstream, session: upstream.openSession() };
      });
      pending.catch(() => this.assignments.delete(connector));
      this.assignments.set(connector, pending);
    }
    return pending;
  }
}

