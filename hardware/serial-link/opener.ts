// The initiator's half of the handshake (docs/serial-link.md §7.3 opening): a new session per
// open, the open resent every RTO up to maxRetries times and then every openRetryMs, and the
// promise open() returns, settled by the open-ack or by the link closing.
import type { Duplex } from 'node:stream';
import type { SerialFrame } from '../../protocol/serial-frame.js';
import { SERIAL_LINK, type LinkParams } from '../../protocol/serial-link-params.js';
import { checkOpenAck, type OpenAckDecision } from './handshake.js';
import type { ResolvedOptions } from './options.js';
import type { LinkTimer } from './timer.js';

export class Opener {
  #nextSession: number;
  #offered: LinkParams | undefined;
  #tries = 0;
  #pending: { resolve: (stream: Duplex) => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly timer: LinkTimer,
    private readonly send: (frame: SerialFrame) => void,
  ) {
    this.#nextSession = o.session;
  }

  /** Sends open with the next session; the promise settles with resolve() or reject(). */
  start(): Promise<Duplex> {
    const session = this.#nextSession;
    this.#nextSession = (session + 1) & 0xffff;
    this.#offered = { version: SERIAL_LINK.version, window: this.o.window, maxPayload: this.o.maxPayload, session };
    this.#tries = 0;
    this.#sendOpen();
    return new Promise((resolve, reject) => (this.#pending = { resolve, reject }));
  }

  /** Opening 3: what an open-ack means for the open being offered. */
  check(answered: LinkParams): OpenAckDecision {
    return this.#offered ? checkOpenAck(this.#offered, answered) : 'stale';
  }

  resolve(stream: Duplex): void {
    this.timer.stop();
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve(stream);
  }

  reject(error: Error): void {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  #sendOpen = (): void => {
    this.send({ type: 'open', params: this.#offered! });
    this.#tries++;
    const { rtoMs, maxRetries, openRetryMs } = this.o.timers;
    this.timer.start(this.#tries <= maxRetries ? rtoMs : openRetryMs, this.#sendOpen);
  };
}
