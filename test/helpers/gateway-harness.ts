// A gateway under test in front of a FakeHub: the plan a qdrouterd config would give (plain
// listener on port 0, a TLS route-container connector to the hub, the §1.3 link routes), and
// device clients (rhea) that put tokens and attach links and report refusals as values.
import { once } from 'node:events';
import rhea, { type Connection, type Receiver, type Sender, type link as Link } from 'rhea';
import { buildRouteTable, type LinkRouteSpec } from '../../gateway/routes/table.js';
import { startGateway, type Gateway } from '../../gateway/router/index.js';
import type { ConnectorPlan, GatewayPlan, ListenerPlan, RouterDeps } from '../../gateway/router/options.js';
import { createSasToken, encodeUriComponentStrict } from '../../protocol/sas.js';
import { FakeHub, type FakeHubOptions } from './fake-hub.js';

export const DEVICE_KEY = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345').toString('base64');
const LOG_LEVELS = {} as GatewayPlan['logLevels'];

export const ROUTES: LinkRouteSpec[] = [
  { name: 'cbs-in', prefix: '$cbs', direction: 'in', connection: 'HUB' },
  { name: 'cbs-out', prefix: '$cbs', direction: 'out', connection: 'HUB' },
  { name: 'devices-in', pattern: 'devices/*/#', direction: 'in', connection: 'HUB' },
  { name: 'devices-out', pattern: 'devices/*/#', direction: 'out', connection: 'HUB' },
  { name: 'open-in', prefix: 'open', direction: 'in', connection: 'HUB' },
];

export function listenerPlan(over: Partial<ListenerPlan> = {}): ListenerPlan {
  return { name: 'devices', host: '127.0.0.1', port: 0, tls: undefined, authenticatePeer: false, saslMechanisms: ['ANONYMOUS'], idleTimeoutSeconds: 16, initialHandshakeTimeoutSeconds: 0, maxFrameSize: 16384, maxSessions: 32768, ...over };
}

export function connectorPlan(hub: FakeHub, over: Partial<ConnectorPlan> = {}): ConnectorPlan {
  const tls = { profile: 'hub-tls', caCertFile: 'ca.pem', certFile: undefined, privateKeyFile: undefined, password: undefined, ca: hub.caPem, cert: undefined, key: undefined, passphrase: undefined, protocols: [], ciphers: undefined, servername: 'localhost', verifyHostname: true };
  return {
    name: 'HUB', host: 'localhost', port: hub.port, tls, saslMechanisms: ['ANONYMOUS'], idleTimeoutSeconds: 16, maxFrameSize: 16384, maxSessions: 32768,
    cbsProxy: true, authorization: { mode: 'per-device', allowPolicyTokens: false }, maxDevicesPerConnection: 900, ...over,
  };
}

export function gatewayPlan(hub: FakeHub, over: { listener?: Partial<ListenerPlan>; connector?: Partial<ConnectorPlan>; routes?: LinkRouteSpec[]; maxConnections?: number } = {}): GatewayPlan {
  return {
    configFile: 'test.conf', routerId: 'gw-test', listeners: [listenerPlan(over.listener)], serialListeners: [],
    connectors: [connectorPlan(hub, over.connector)], routes: buildRouteTable(over.routes ?? ROUTES).routes,
    limits: { maxConnections: over.maxConnections ?? 65535 }, logLevels: LOG_LEVELS,
  };
}

export interface Harness { hub: FakeHub; gateway: Gateway; port: number; devices: DeviceClient[]; device(id?: string): Promise<DeviceClient>; close(): Promise<void> }

export async function harness(o: { hub?: FakeHubOptions; plan?: Parameters<typeof gatewayPlan>[1]; deps?: Partial<RouterDeps> } = {}): Promise<Harness> {
  const hub = await new FakeHub(o.hub).start();
  const gateway = await startGateway(gatewayPlan(hub, o.plan), { reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, ...o.deps });
  if (!(await gateway.upstreamReady(5000))) throw new Error('the gateway did not reach the fake hub');
  const h: Harness = {
    hub, gateway, port: gateway.listeners[0]!.port, devices: [],
    async device(id = 'client') {
      const d = await DeviceClient.connect(h.port, id);
      h.devices.push(d);
      return d;
    },
    async close() {
      for (const d of h.devices) d.close();
      await gateway.close();
      await hub.close();
    },
  };
  return h;
}

/** Device `dev-A` through the gateway: a hub-accepted token for `A`, then a telemetry sender on `devices/A/messages/events` (throws if refused). */
export async function telemetrySender(h: Harness, options: Record<string, unknown> = {}): Promise<Sender> {
  const device = await h.device('dev-A');
  await device.putToken('A');
  const s = await device.attachSender('devices/A/messages/events', options);
  if (!s.ok) throw new Error(`${s.condition}: ${s.description}`);
  return s.link;
}

export type AttachResult<L> = { ok: true; link: L } | { ok: false; condition: string; description: string };

export class DeviceClient {
  private cbsSender: Sender | undefined;
  private cbsReceiver: Receiver | undefined;
  private readonly answers = new Map<string, (status: number) => void>();

  private constructor(readonly connection: Connection) {}

  static async connect(port: number, containerId: string, tls?: { ca: string }): Promise<DeviceClient> {
    const container = rhea.create_container({ id: containerId });
    container.on('error', () => undefined);
    const transport = tls ? { transport: 'tls', host: 'localhost', ca: tls.ca } : { host: '127.0.0.1' };
    const connection = container.connect({ ...transport, port, reconnect: false, tcp_no_delay: true } as never);
    for (const e of ['connection_error', 'sender_error', 'receiver_error', 'protocol_error', 'disconnected']) connection.on(e, () => undefined);
    await once(connection, 'connection_open');
    return new DeviceClient(connection);
  }

  /** put-token for `<host>/devices/<id>` on $cbs; resolves with the status code relayed by the gateway. */
  async putToken(deviceId: string, o: { expiresAt?: number; host?: string; keyName?: string; audience?: string; key?: string } = {}): Promise<number> {
    const audience = o.audience ?? `${o.host ?? 'localhost'}/devices/${deviceId}`;
    const token = createSasToken({ audience, key: o.key ?? DEVICE_KEY, keyConvention: 'iothub', expiresAt: o.expiresAt ?? Math.floor(Date.now() / 1000) + 3600, ...(o.keyName ? { keyName: o.keyName } : {}) });
    if (!this.cbsSender) {
      const s = await this.attachSender('$cbs');
      // Accepts the replies as device SDKs do (an unsettled reply holds a slot of the gateway's session buffer).
      const r = await this.attachReceiver('$cbs', { credit_window: 10, autoaccept: true });
      if (!s.ok || !r.ok) throw new Error('the gateway refused $cbs');
      [this.cbsSender, this.cbsReceiver] = [s.link, r.link];
      r.link.on('message', (context) => this.answers.get(String(context.message!.correlation_id))?.(Number((context.message!.application_properties as Record<string, unknown>)['status-code'])));
    }
    const id = rhea.generate_uuid();
    const answered = new Promise<number>((resolve) => this.answers.set(id, resolve));
    this.cbsSender.send({ message_id: id, to: '$cbs', reply_to: 'cbs', application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: encodeUriComponentStrict(audience) }, body: token });
    return answered;
  }

  attachSender(address: string, options: Record<string, unknown> = {}): Promise<AttachResult<Sender>> {
    return settleAttach(this.connection.open_sender({ target: { address }, ...options }), 'sender');
  }

  attachReceiver(address: string, options: Record<string, unknown> = {}): Promise<AttachResult<Receiver>> {
    return settleAttach(this.connection.open_receiver({ source: { address }, autoaccept: false, ...options }), 'receiver');
  }

  close(): void {
    this.connection.close();
  }
}

/** Resolves when the gateway answers: open, or refused (attach with null terminus, then detach with an error). */
function settleAttach<L extends Link>(link: L, role: 'sender' | 'receiver'): Promise<AttachResult<L>> {
  return new Promise((resolve) => {
    link.once(`${role}_open`, () => {
      // A refusal is an attach with a null terminus followed by a detach (AMQP 1.0 §2.6.3): with a
      // null terminus, wait for the detach however long it takes to arrive (across a real process
      // the two frames may come in separate reads); otherwise wait one turn for it.
      const attach = (link as unknown as { remote: { attach?: { source?: unknown; target?: unknown } } }).remote.attach;
      if (isNullTerminus(role === 'sender' ? attach?.target : attach?.source)) return;
      setImmediate(() => {
        if (link.is_closed() || (link as unknown as { remote: { detach?: unknown } }).remote.detach) return;
        resolve({ ok: true, link });
      });
    });
    link.once(`${role}_close`, () => {
      const error = (link as unknown as { remote: { detach?: { error?: { condition: string; description: string } } } }).remote.detach?.error;
      resolve({ ok: false, condition: String(error?.condition ?? ''), description: String(error?.description ?? '') });
    });
  });
}

/** rhea hands a described null as a truthy `Typed` whose value is null. */
function isNullTerminus(terminus: unknown): boolean {
  return terminus === null || terminus === undefined || (typeof terminus === 'object' && 'value' in terminus && (terminus as { value: unknown }).value === null);
}
