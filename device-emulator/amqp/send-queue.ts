// rhea's Sender.send writes a transfer even without link credit (a protocol violation, AMQP 1.0
// §2.6.7): queue messages here and hand them to rhea only while the sender is sendable.
import type { Delivery, Message, Sender } from 'rhea';

export class SendQueue {
  #pending: { message: Message; sent: (delivery: Delivery) => void }[] = [];

  constructor(private readonly sender: Sender) {
    sender.on('sendable', () => this.drain());
  }

  push(message: Message, sent: (delivery: Delivery) => void = () => {}): void {
    this.#pending.push({ message, sent });
    this.drain();
  }

  get length(): number {
    return this.#pending.length;
  }

  drain(): void {
    while (this.#pending.length > 0 && this.sender.is_open() && this.sender.sendable()) {
      const next = this.#pending.shift()!;
      next.sent(this.sender.send(next.message));
    }
  }
}
