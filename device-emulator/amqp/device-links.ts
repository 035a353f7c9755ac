// The device's two data links (reference/iot-hub-amqp.md §4.1): a sender to
// /devices/<id>/messages/events (telemetry, unsettled, outcomes reported per message id) and a
// receiver on /devices/<id>/messages/devicebound with credit 1, settled by hand (autoaccept off,
// credit window 0: one command at a time, the next credit only after settling, as a board with
// one receive buffer would).
import rhea, { type Connection, type Delivery, type Receiver, type Sender } from 'rhea';
import { deviceBoundAddress, deviceEventsAddress } from '../../protocol/address.js';
import { ENC_PROPERTY } from '../../protocol/envelope.js';
import type { CommandOutcome, OutgoingMessage, SendOutcome } from '../session.js';
import { SendQueue } from './send-queue.js';

export interface DeviceLinkHandlers {
  outcome(id: string, outcome: SendOutcome, condition?: string): void;
  command(deliveryId: number, body: Uint8Array, enc: string | undefined): void;
}

export class DeviceLinks {
  readonly sender: Sender;
  readonly receiver: Receiver;
  #queue: SendQueue;
  #sent = new Map<Delivery, string>();
  #held = new Map<number, Delivery>();
  #nextDelivery = 0;

  constructor(connection: Connection, deviceId: string, handlers: DeviceLinkHandlers) {
    const events = deviceEventsAddress(deviceId);
    this.sender = connection.open_sender({ target: { address: events }, autosettle: true, treat_modified_as_released: false } as rhea.SenderOptions);
    this.receiver = connection.open_receiver({ source: { address: deviceBoundAddress(deviceId) }, credit_window: 0, autoaccept: false });
    this.#queue = new SendQueue(this.sender);
    for (const outcome of ['accepted', 'rejected', 'released', 'modified'] as const) {
      this.sender.on(outcome, ({ delivery }) => {
        const id = delivery && this.#sent.get(delivery);
        if (id === undefined) return;
        this.#sent.delete(delivery!);
        const condition = (delivery!.remote_state as { error?: { condition?: string } } | undefined)?.error?.condition;
        handlers.outcome(id, outcome, condition);
      });
    }
    this.receiver.on('message', ({ message, delivery }) => {
      const id = ++this.#nextDelivery;
      this.#held.set(id, delivery!);
      const enc = (message.application_properties as Record<string, unknown> | undefined)?.[ENC_PROPERTY];
      handlers.command(id, bodyBytes(message.body), typeof enc === 'string' ? enc : undefined);
    });
    this.#to = events;
  }

  readonly #to: string;

  /** Grants the first credit once the links are up (AMQP 1.0 §2.6.7 link-credit). */
  start(): void {
    this.receiver.add_credit(1);
  }

  send(message: OutgoingMessage): void {
    this.#queue.push(
      {
        message_id: message.id,
        to: this.#to,
        application_properties: message.properties,
        body: rhea.message.data_section(Buffer.from(message.body)),
      },
      (delivery) => this.#sent.set(delivery, message.id),
    );
  }

  settle(deliveryId: number, outcome: CommandOutcome, credit: boolean): void {
    const delivery = this.#held.get(deliveryId);
    if (!delivery) return;
    this.#held.delete(deliveryId);
    if (outcome === 'accepted') delivery.accept();
    else if (outcome === 'rejected') delivery.reject({ condition: 'amqp:decode-error', description: 'the board could not decrypt, parse or run the command' });
    else delivery.release();
    if (credit && this.receiver.is_open()) this.receiver.add_credit(1);
  }

  /** Releases every command still held (clean shutdown: the hub redelivers them later). */
  releaseHeld(): void {
    for (const id of [...this.#held.keys()]) this.settle(id, 'released', false);
  }
}

/** A data section arrives as rhea's Section { typecode 0x75, content }; be lenient with other body forms. */
function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (body && typeof body === 'object' && 'content' in body) return bodyBytes((body as { content: unknown }).content);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return new Uint8Array(0);
}
