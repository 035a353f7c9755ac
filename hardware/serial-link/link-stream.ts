// The application's side of one link session: an ordered, lossless byte stream as a Node Duplex,
// so AMQP (rhea) runs on it as on a TCP socket. Writes are queued for the link to cut into data
// frames; the write callback waits once more than `queueLimit` bytes are queued (backpressure).
// There is no half-close in the link (§7.3): end() closes the session once everything written
// has been acknowledged, and the readable side ends with it (allowHalfOpen: false).
import { Duplex } from 'node:stream';
import { SerialLinkError } from './errors.js';

/** What the stream needs from its link. */
export interface StreamOwner {
  /** New bytes were queued: send what the window allows. */
  wake(): void;
  /** end(): close the session after every queued byte is acknowledged; `done` once closed. */
  finish(done: () => void): void;
  /** destroy(): close the session now. */
  abort(): void;
}

export class LinkStream extends Duplex {
  #queue: Uint8Array[] = [];
  #queued = 0;
  #waiting: (() => void) | undefined;
  #open = true;

  constructor(
    private readonly owner: StreamOwner,
    private readonly queueLimit: number,
    readableHighWaterMark: number,
  ) {
    super({ allowHalfOpen: false, readableHighWaterMark });
  }

  get queuedBytes(): number {
    return this.#queued;
  }

  /** Up to `max` queued bytes, in order, removed from the queue. */
  takeQueued(max: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    while (size < max && this.#queue.length > 0) {
      const head = this.#queue[0]!;
      const part = head.subarray(0, max - size);
      parts.push(part);
      size += part.length;
      if (part.length === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(part.length);
    }
    this.#queued -= size;
    if (this.#queued <= this.queueLimit) this.#release();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  }

  /** True when the reader has room for `bytes` more (§9 receiver rule 1: "can take"). */
  hasRoomFor(bytes: number): boolean {
    return this.readableLength + bytes <= this.readableHighWaterMark;
  }

  /** The link ended the session: normal close (no error) or a failure. */
  sessionEnded(error?: SerialLinkError): void {
    if (!this.#open) return;
    this.#open = false;
    this.#queue = [];
    this.#queued = 0;
    this.#release();
    if (error) this.destroy(error);
    else this.push(null);
  }

  override _read(): void {
    // Push-based: the link delivers as frames arrive and checks hasRoomFor() before it does.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#open) return callback(new SerialLinkError('link-closed', 'write after the serial link session closed'));
    if (chunk.length > 0) {
      this.#queue.push(chunk);
      this.#queued += chunk.length;
      this.owner.wake();
    }
    if (this.#queued <= this.queueLimit) callback();
    else this.#waiting = () => callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#open) return callback();
    this.owner.finish(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#open) {
      this.#open = false;
      this.owner.abort();
    }
    callback(error);
  }

  /** Lets the writer go on, on the next tick: never re-entered from inside takeQueued(). */
  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) process.nextTick(waiting);
  }
}
