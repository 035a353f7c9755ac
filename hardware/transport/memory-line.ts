// One direction of the in-memory pair: takes what one end writes and delivers it to the other,
// optionally through the lossy line model and at the pace of a UART. Paced, a byte takes
// 10 / baud seconds (8N1: start bit, 8 data bits, stop bit); bytes arrive in slices of
// `sliceBytes`, each when its last byte would have finished, times taken from absolute line
// times so rounding never accumulates. The writer's callback fires when its last byte has
// arrived (the UART's transmit-complete), which paces a writer the way a real port does.
import type { Scheduler, TimerHandle } from '../clock.js';
import { LossyLine } from './lossy-line.js';

export interface LineStats {
  /** Bytes written into this direction. */
  sent: number;
  /** Bytes that came out at the far end (after drops and duplicates). */
  delivered: number;
  dropped: number;
  corrupted: number;
  duplicated: number;
}

export interface PacingOptions {
  baud: number;
  scheduler: Scheduler;
  sliceBytes: number;
}

export class MemoryLine {
  readonly #stats = { sent: 0, delivered: 0 };
  #lineFreeAt = 0;
  #timer: TimerHandle | undefined;
  #pending: (() => void) | undefined;

  constructor(
    private readonly deliver: (bytes: Buffer) => void,
    private readonly pacing: PacingOptions | undefined,
    private readonly loss: LossyLine | undefined,
  ) {}

  get stats(): LineStats {
    const loss = this.loss?.stats ?? { dropped: 0, corrupted: 0, duplicated: 0 };
    return { ...this.#stats, dropped: loss.dropped, corrupted: loss.corrupted, duplicated: loss.duplicated };
  }

  /** Carries `chunk`; `done` runs once all of it has arrived. One chunk at a time (a Writable's _write). */
  send(chunk: Buffer, done: () => void): void {
    this.#stats.sent += chunk.length;
    if (!this.pacing) {
      const out = this.#degrade(chunk);
      process.nextTick(() => this.#arrive(out));
      done();
      return;
    }
    const { scheduler, baud, sliceBytes } = this.pacing;
    const byteMs = 10_000 / baud;
    const start = Math.max(scheduler.now(), this.#lineFreeAt);
    this.#lineFreeAt = start + chunk.length * byteMs;
    const next = (offset: number): void => {
      const end = Math.min(chunk.length, offset + sliceBytes);
      this.#pending = done;
      this.#timer = scheduler.setTimeout(() => {
        this.#timer = undefined;
        this.#arrive(this.#degrade(chunk.subarray(offset, end)));
        if (end < chunk.length) return next(end);
        this.#pending = undefined;
        done();
      }, start + end * byteMs - scheduler.now());
    };
    if (chunk.length === 0) done();
    else next(0);
  }

  /** Stops at once: bytes still on the line are lost; a writer waiting for them is released. */
  abort(): void {
    if (this.#timer !== undefined) this.pacing?.scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.();
  }

  #degrade(bytes: Buffer): Buffer {
    return this.loss ? this.loss.apply(bytes) : Buffer.from(bytes);
  }

  #arrive(bytes: Buffer): void {
    this.#stats.delivered += bytes.length;
    if (bytes.length > 0) this.deliver(bytes);
  }
}
