// One restartable one-shot timer on an injected Scheduler: the link has a handful of these
// (retransmission, keepalive, dead peer, close resend), each with one meaning.
import type { Scheduler, TimerHandle } from '../clock.js';

export class LinkTimer {
  #handle: TimerHandle | undefined;

  constructor(private readonly scheduler: Scheduler) {}

  get running(): boolean {
    return this.#handle !== undefined;
  }

  /** (Re)starts the timer: `fn` runs once after `ms`, unless stopped or restarted first. */
  start(ms: number, fn: () => void): void {
    this.stop();
    this.#handle = this.scheduler.setTimeout(() => {
      this.#handle = undefined;
      fn();
    }, ms);
  }

  stop(): void {
    if (this.#handle !== undefined) this.scheduler.clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}
