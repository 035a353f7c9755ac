// A small rhea server that plays the IoT hub for the device adapter's tests, over in-memory
// streams: answers CBS put-token (verifying the SAS token, status-code an AMQP int), takes
// telemetry on /devices/<id>/messages/events (accepting it, or holding it unsettled), and sends
// commands on /devices/<id>/messages/devicebound, recording how the device settled each.
import rhea, { type Connection, type Delivery, type Message, type Receiver, type Sender } from 'rhea';
import type { Duplex } from 'node:stream';
import { memoryPair } from '../../../hardware/transport/memory.js';
import type { Transport } from '../../../hardware/transport/transport.js';
import { parseSasToken, verifySasToken } from '../../../protocol/sas.js';
import { AsyncQueue } from '../../helpers/async-queue.js';

export interface MiniHubOptions {
  /** The key tokens must be signed with, or a lookup by device id. */
  deviceKey: string | ((deviceId: string) => string);
  /** Answer to every put-token after checking the token (default 200 when it verifies, else 401). */
  cbsStatus?: number;
  /** Refuse the events link with this condition. */
  refuseEvents?: string;
}

type Link = Sender | Receiver;
const remote = (l: Link) => (l as unknown as { remote: { attach?: { source?: { address?: string }; target?: { address?: string } } } }).remote.attach;

export class MiniHub {
  readonly telemetry = new AsyncQueue<{ message: Message; delivery: Delivery }>();
  readonly tokens = new AsyncQueue<string>();
  readonly commandOutcomes = new AsyncQueue<{ id: string; outcome: string }>();
  readonly eventsLinks: Receiver[] = [];
  readonly connections: Connection[] = [];
  /** Keep telemetry unsettled instead of accepting it. */
  hold = false;
  #cbsReply = new Map<Connection, Sender>();
  #bound?: Sender;
  #queued: Message[] = [];
  #commandIds = new Map<Delivery, string>();
  #container = rhea.create_container({ id: 'mini-hub' });

  constructor(private readonly options: MiniHubOptions) {
    const c = this.#container;
    c.on('sender_open', ({ sender }) => {
      const address = remote(sender!)?.source?.address;
      sender!.set_source({ address });
      if (address === '$cbs') this.#cbsReply.set(sender!.connection, sender!);
      if (address?.endsWith('/messages/devicebound')) {
        this.#bound = sender;
        sender!.on('sendable', () => this.#flush());
        for (const outcome of ['accepted', 'rejected', 'released', 'modified'] as const) {
          sender!.on(outcome, ({ delivery }: rhea.EventContext) => this.commandOutcomes.push({ id: this.#commandIds.get(delivery!) ?? '?', outcome }));
        }
      }
    });
    c.on('receiver_open', ({ receiver }) => {
      const address = remote(receiver!)?.target?.address;
      if (address?.endsWith('/messages/events') && this.options.refuseEvents) {
        receiver!.close({ condition: this.options.refuseEvents, description: 'refused by the mini hub' });
        return;
      }
      receiver!.set_target({ address });
      if (address?.endsWith('/messages/events')) this.eventsLinks.push(receiver!);
      receiver!.add_credit(50);
    });
    c.on('message', ({ receiver, message, delivery }) => {
      const address = remote(receiver!)?.target?.address;
      receiver!.add_credit(1);
      if (address === '$cbs') return this.#answerCbs(message, delivery!, receiver!.connection);
      this.telemetry.push({ message, delivery: delivery! });
      if (!this.hold) delivery!.accept();
    });
    c.on('error', () => {});
    c.on('disconnected', () => {});
  }

  /** A Transport whose every open() is a fresh in-memory pair served by this hub. */
  transport(): Transport {
    return {
      describe: () => 'memory mini-hub',
      open: async () => {
        const { a, b } = memoryPair();
        this.serve(b);
        return a;
      },
    };
  }

  serve(stream: Duplex): void {
    const connection = this.#container.create_connection({ container_id: 'mini-hub', autoaccept: false, credit_window: 0 } as never);
    (connection as unknown as { accept(s: Duplex): void }).accept(stream);
    this.connections.push(connection);
  }

  sendCommand(id: string, body: Uint8Array, enc?: string): void {
    this.#queued.push({ message_id: id, application_properties: enc ? { enc } : {}, body: rhea.message.data_section(Buffer.from(body)) });
    this.#flush();
  }

  #flush(): void {
    while (this.#bound?.is_open() && this.#bound.sendable() && this.#queued.length > 0) {
      const message = this.#queued.shift()!;
      this.#commandIds.set(this.#bound.send(message), String(message.message_id));
    }
  }

  #answerCbs(request: Message, delivery: Delivery, connection: Connection): void {
    const token = String(request.body);
    this.tokens.push(token);
    let status = 200;
    try {
      const parsed = parseSasToken(token);
      const key = typeof this.options.deviceKey === 'string' ? this.options.deviceKey : this.options.deviceKey(parsed.audience.split('/devices/')[1] ?? '');
      verifySasToken(parsed, key, 'iothub', Math.floor(Date.now() / 1000));
    } catch {
      status = 401;
    }
    status = this.options.cbsStatus ?? status;
    this.#cbsReply.get(connection)?.send({
      correlation_id: request.message_id,
      application_properties: { 'status-code': rhea.types.wrap_int(status), 'status-description': status === 200 ? 'OK' : 'Unauthorized' },
      body: null,
    });
    delivery.accept();
  }
}
