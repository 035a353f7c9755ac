// A fake upstream hub for gateway tests: a rhea TLS server on port 0 with a generated CA and
// server certificate (SAN localhost, 127.0.0.1, ::1; hub/certs.ts builds them with node:crypto
// keys and node-forge). It answers CBS put-token (200 while the token's `se` is in the future,
// or what `cbsStatus` says), can hold or refuse attaches, grants credit by hand, hands every
// received delivery to the test to settle, sends to device receivers, and can be killed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server, Socket } from 'node:net';
import rhea, { type Connection, type Delivery, type Message, type Receiver, type Sender, type link as Link } from 'rhea';
import { ensureCertificates } from '../../hub/certs.js';
import { parseSasToken } from '../../protocol/sas.js';
import { answerAttach, deferAttach, destroySocket, remoteAttach } from '../../gateway/router/rhea-internals.js';
import { AsyncQueue } from './async-queue.js';

/** One CA and server certificate per test process: RSA key generation is the slow part. */
let certificates: ReturnType<typeof ensureCertificates> | undefined;

export interface HubDelivery { address: string; message: Message; delivery: Delivery; receiver: Receiver; linkName: string }
export interface PutTokenSeen { name: string; token: string; status: number; connection: Connection }

export interface FakeHubOptions {
  /** Credit granted to each link the gateway sends on, at attach (default 100; 0 = only by hand). */
  initialCredit?: number;
  /** Accept every message at once and give its credit back (default false: the test settles and grants). */
  autoAccept?: boolean;
}

export class FakeHub {
  readonly caPem: string;
  port = 0;
  readonly deliveries = new AsyncQueue<HubDelivery>();
  readonly attaches = new AsyncQueue<{ address: string; role: 'sender' | 'receiver'; link: Link; name: string }>();
  readonly putTokens: PutTokenSeen[] = [];
  /** Refuse attaches to these addresses with this error. */
  readonly refusals = new Map<string, { condition: string; description: string }>();
  /** Hold attach answers until release() (to prove the gateway waits for the hub). */
  holdAttaches = false;
  cbsStatus: (request: { name: string; token: string }) => number = ({ token }) => (parseSasToken(token).se * 1000 > Date.now() ? 200 : 401);
  private readonly held: Link[] = [];
  private readonly container = rhea.create_container({ id: 'fake-hub' });
  private readonly sockets = new Set<Socket>();
  private readonly connections = new Set<Connection>();
  private server: Server | undefined;
  private readonly key: string;
  private readonly cert: string;

  constructor(private readonly options: FakeHubOptions = {}) {
    certificates ??= ensureCertificates(mkdtempSync(join(tmpdir(), 'fogbridge-fake-hub-')), 'localhost', Date.now());
    const certs = certificates;
    this.caPem = certs.caPem;
    this.key = certs.keyPem;
    this.cert = certs.certPem;
    this.container.on('receiver_open', (context) => this.onAttach(context.receiver!, 'receiver'));
    this.container.on('sender_open', (context) => this.onAttach(context.sender!, 'sender'));
    this.container.on('message', (context) => this.onMessage(context.receiver!, context.message!, context.delivery!));
    this.container.on('connection_open', (context) => this.connections.add(context.connection));
    for (const e of ['error', 'connection_error', 'protocol_error', 'disconnected', 'receiver_close', 'sender_close', 'session_error', 'receiver_error', 'sender_error']) {
      this.container.on(e, () => undefined);
    }
  }

  /** The hub's certificate and key (SAN localhost, 127.0.0.1, ::1), e.g. for a TLS listener in a test. */
  get identity(): { key: string; cert: string } {
    return { key: this.key, cert: this.cert };
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = this.container.listen({ transport: 'tls', host, port, key: this.key, cert: this.cert, tcp_no_delay: true, credit_window: 0, autoaccept: false, treat_modified_as_released: false } as never) as unknown as Server;
    this.server.on('secureConnection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.on('listening', () => resolve()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** The hub crashes: every connection drops at once, nothing more is accepted. */
  async kill(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.dropAll();
    await closed;
  }

  /** Every connection drops at once; rhea is told too, so its heartbeat timers stop. */
  private dropAll(): void {
    for (const c of this.connections) destroySocket(c);
    this.connections.clear();
    for (const s of this.sockets) s.destroy();
  }

  /** Come back on the same port after kill(). */
  async restart(): Promise<void> {
    await this.start(this.port);
  }

  /** Answer the attaches held so far (with holdAttaches). */
  release(): void {
    this.holdAttaches = false;
    for (const l of this.held.splice(0)) this.answer(l);
  }

  /** The hub's sender for a device receiver on `address` (hub -> device), once attached. */
  async senderFor(address: string): Promise<Sender> {
    for (;;) {
      const a = await this.attaches.next();
      if (a.role === 'sender' && a.address === address) return a.link as Sender;
    }
  }

  private onAttach(l: Sender | Receiver, role: 'sender' | 'receiver'): void {
    const f = remoteAttach(l);
    const address = (role === 'receiver' ? f.targetAddress : f.sourceAddress) ?? '';
    if (address === '$cbs') {
      answerAttach(l, f);
      if (role === 'receiver') (l as Receiver).add_credit(100);
      return;
    }
    const refusal = this.refusals.get(address);
    if (refusal) return void l.close(refusal);
    deferAttach(l);
    this.attaches.push({ address, role, link: l, name: f.name });
    if (this.holdAttaches) this.held.push(l);
    else this.answer(l);
  }

  /** Answers with the attach's own termini; offers what was desired (a hub that supports every feature). */
  private answer(l: Link): void {
    const f = remoteAttach(l);
    answerAttach(l, { ...f, offeredCapabilities: f.desiredCapabilities });
    if (l.is_receiver() && (this.options.initialCredit ?? 100) > 0) (l as Receiver).add_credit(this.options.initialCredit ?? 100);
  }

  private onMessage(receiver: Receiver, message: Message, delivery: Delivery): void {
    const f = remoteAttach(receiver);
    if (f.targetAddress === '$cbs') return this.serveCbs(receiver, message, delivery);
    if (this.options.autoAccept) {
      delivery.accept();
      receiver.add_credit(1); // a credit window, as a real hub keeps
    }
    this.deliveries.push({ address: f.targetAddress ?? '', message, delivery, receiver, linkName: f.name });
  }

  private serveCbs(receiver: Receiver, m: Message, delivery: Delivery): void {
    delivery.accept();
    receiver.add_credit(1);
    const props = m.application_properties as Record<string, string>;
    const request = { name: props.name ?? '', token: String(m.body) };
    const status = this.cbsStatus(request);
    this.putTokens.push({ ...request, status, connection: receiver.connection });
    const reply = receiver.connection.find_sender((s: Sender) => remoteAttach(s).sourceAddress === '$cbs');
    reply?.send({ correlation_id: m.message_id, application_properties: { 'status-code': rhea.types.wrap_int(status), 'status-description': status === 200 ? 'OK' : 'Unauthorized' }, body: null });
  }

  async close(): Promise<void> {
    this.dropAll();
    if (this.server?.listening) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
