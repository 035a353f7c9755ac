// Hands frames to the line one at a time: the next frame is chosen only when the line has taken
// the last (its write callback: on a paced line, transmit-complete). Control frames (open,
// open-ack, close, ping, pong) go first, then whatever the data path offers, so an ack or a pong
// never waits behind a queue of data already committed to the line (§9 receiver rule 3).
import type { Duplex } from 'node:stream';
import { encodeFrame, type SerialFrame } from '../../protocol/serial-frame.js';

export class Transmitter {
  readonly #control: SerialFrame[] = [];
  #busy = false;
  #stopped = false;

  constructor(
    private readonly line: Duplex,
    /** The data path's next frame (data or ack), or undefined when it has none. */
    private readonly nextDataFrame: () => SerialFrame | undefined,
    /** Every frame handed to the line. */
    private readonly onSent: (frame: SerialFrame) => void,
    /** The line refused a write: it is gone. */
    private readonly onLineError: () => void,
  ) {}

  /** Queues a control frame ahead of data and sends when the line is free. */
  queue(frame: SerialFrame): void {
    this.#control.push(frame);
    this.pump();
  }

  /** Sends the next frame if the line is free. */
  pump(): void {
    if (this.#busy || this.#stopped) return;
    this.#busy = true; // before choosing: choosing may wake a writer that pumps again
    const frame = this.#control.shift() ?? this.nextDataFrame();
    if (!frame) {
      this.#busy = false;
      return;
    }
    this.onSent(frame);
    const bytes = encodeFrame(frame);
    this.line.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), (error) => {
      this.#busy = false;
      if (error) return this.onLineError();
      this.pump();
    });
  }

  /** Nothing more is written (the line is gone or the link detached). */
  stop(): void {
    this.#stopped = true;
    this.#control.length = 0;
  }
}
