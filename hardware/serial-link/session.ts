// The data path of one OPEN link session: go-back-N sending and receiving (§9), keepalive and
// dead-peer detection (§10), and the application's stream. The link (link.ts) owns the state
// machine and the line; it asks the session for the next frame whenever the line is free.
import type { SerialFrame } from '../../protocol/serial-frame.js';
import type { LinkParams } from '../../protocol/serial-link-params.js';
import type { SerialLinkError } from './errors.js';
import { ReceiveWindow, SendWindow, type UnackedFrame } from './go-back-n.js';
import { LinkStream, type StreamOwner } from './link-stream.js';
import type { ResolvedOptions } from './options.js';
import type { SerialLinkStats } from './stats.js';
import { LinkTimer } from './timer.js';

export interface SessionHooks {
  /** The session has a frame to give: the link pumps. */
  wake(): void;
  /** A control frame (ping) to send ahead of data. */
  send(frame: SerialFrame): void;
  /** Retries ran out or the peer fell silent: the link closes with close(peer-unresponsive). */
  fail(code: 'peer-unresponsive'): void;
  /** end() was called and every byte written is acknowledged: the link closes normally. */
  finished(): void;
  /** destroy() was called: the link closes now. */
  aborted(): void;
}

type DataOrAck = Extract<SerialFrame, { type: 'data' | 'ack' }>;
const mod256 = (n: number): number => n & 0xff;
/** Timer arithmetic on fractional milliseconds: a deadline this close counts as reached. */
const EPSILON_MS = 1e-6;

export class LinkSession implements StreamOwner {
  readonly stream: LinkStream;
  readonly #send: SendWindow;
  readonly #recv = new ReceiveWindow();
  readonly #retransmit: LinkTimer;
  readonly #keepalive: LinkTimer;
  readonly #dead: LinkTimer;
  readonly #ackHold: LinkTimer;
  #resend: UnackedFrame[] = [];
  #ackOwed = false;
  #finishing: (() => void) | undefined;
  #finished = false;
  #lastSent: number;
  #lastHeard: number;
  #heardSinceExpiry = false;
  #ping = { counter: 0, at: 0 };

  constructor(
    readonly params: LinkParams,
    private readonly o: ResolvedOptions,
    private readonly counts: SerialLinkStats,
    private readonly hooks: SessionHooks,
  ) {
    const { window, maxPayload } = params;
    this.#send = new SendWindow(window);
    // §9: the receiver SHOULD have room for window × maxPayload bytes; the writer may queue as much.
    this.stream = new LinkStream(this, window * maxPayload, Math.max(16 * 1024, 2 * window * maxPayload));
    [this.#retransmit, this.#keepalive, this.#dead, this.#ackHold] = [1, 2, 3, 4].map(() => new LinkTimer(o.scheduler)) as [LinkTimer, LinkTimer, LinkTimer, LinkTimer];
    this.#lastSent = this.#lastHeard = o.scheduler.now();
    this.#keepalive.start(o.timers.keepaliveMs, this.#onKeepalive);
    this.#dead.start(o.timers.deadMs, this.#onDeadCheck);
  }

  // StreamOwner: what the application's stream asks of us.
  wake(): void {
    this.hooks.wake();
  }

  finish(done: () => void): void {
    this.#finishing = done;
    this.#checkFinished();
  }

  abort(): void {
    this.hooks.aborted();
  }

  /** A good frame of any type arrived (§10: the peer is alive). */
  heard(): void {
    this.#lastHeard = this.o.scheduler.now();
    this.#heardSinceExpiry = true;
  }

  /** A frame of any type went to the line. */
  sent(): void {
    this.#lastSent = this.o.scheduler.now();
  }

  pong(payload: Uint8Array): void {
    this.counts.pongsReceived++;
    if (payload.length === 4 && Buffer.from(payload).readUInt32BE(0) === this.#ping.counter) {
      this.counts.lastRttMs = this.o.scheduler.now() - this.#ping.at;
    }
  }

  /** §9: a data or ack frame in OPEN. */
  receive(frame: DataOrAck): void {
    const released = this.#send.acknowledge(frame.ack); // sender rule 3, also for a dropped payload (receiver rule 4)
    if (released > 0) {
      this.#resend = this.#resend.filter((f) => mod256(f.seq - this.#send.base) < this.#send.inFlight);
      if (this.#send.inFlight === 0) this.#retransmit.stop();
      else this.#retransmit.start(this.o.timers.rtoMs, this.#onTimeout);
      this.#checkFinished();
    }
    if (frame.type === 'data') {
      // Receiver rule 3: acknowledge either way, within ackDelayMs. A bare ack waits up to
      // ackHoldMs for a data frame to ride in; one ack then covers every frame before it.
      // (Set before delivering: a reader may write back synchronously from its 'data' handler.)
      this.#ackOwed = true;
      if (!this.#ackHold.running) this.#ackHold.start(this.o.timers.ackHoldMs, () => this.hooks.wake());
      const { payload } = frame;
      if (this.#recv.isNext(frame.seq) && this.stream.hasRoomFor(payload.length)) {
        this.#recv.advance(); // receiver rule 1
        this.counts.dataFramesDelivered++;
        this.counts.streamBytesReceived += payload.length;
        if (payload.length > 0) this.stream.push(Buffer.from(payload));
      } else {
        this.counts.duplicatesDropped++; // receiver rule 2
      }
    }
    this.hooks.wake();
  }

  /** The next frame for a free line: resends first, then new data, then a bare ack if one is owed. */
  nextFrame(): SerialFrame | undefined {
    const resend = this.#resend.shift();
    if (resend) {
      this.counts.retransmissions++;
      return this.#data(resend.seq, resend.payload);
    }
    if (this.#send.canSend() && this.stream.queuedBytes > 0) {
      const payload = this.stream.takeQueued(this.params.maxPayload);
      const seq = this.#send.add(payload);
      this.counts.dataFramesSent++;
      this.counts.streamBytesSent += payload.length;
      if (!this.#retransmit.running) this.#retransmit.start(this.o.timers.rtoMs, this.#onTimeout); // sender rule 2
      return this.#data(seq, payload);
    }
    if (this.#ackOwed && !this.#ackHold.running) {
      this.#ackOwed = false;
      return { type: 'ack', ack: this.#recv.expected };
    }
    return undefined;
  }

  stopTimers(): void {
    this.#retransmit.stop();
    this.#keepalive.stop();
    this.#dead.stop();
    this.#ackHold.stop();
  }

  /** The link left OPEN: the stream ends (cleanly without an error) and unacknowledged data is dropped. */
  end(error?: SerialLinkError): void {
    this.stopTimers();
    this.stream.sessionEnded(error);
    const finishing = this.#finishing;
    this.#finishing = undefined;
    finishing?.();
  }

  #data(seq: number, payload: Uint8Array): SerialFrame {
    this.#ackOwed = false; // the ack rides in the data frame
    this.#ackHold.stop();
    return { type: 'data', seq, ack: this.#recv.expected, payload };
  }

  #checkFinished(): void {
    if (this.#finishing && !this.#finished && this.stream.queuedBytes === 0 && this.#send.inFlight === 0) {
      this.#finished = true;
      this.hooks.finished();
    }
  }

  /** §9 sender rule 4: retries count expiries with nothing heard from the peer in between; a
   * peer that answers but has no room for our data is alive and paces us (flow control). */
  #onTimeout = (): void => {
    this.counts.timeouts++;
    if (this.#heardSinceExpiry) this.#send.retries = 0;
    else if (++this.#send.retries >= this.o.timers.maxRetries) return this.hooks.fail('peer-unresponsive');
    this.#heardSinceExpiry = false;
    this.#resend = [...this.#send.unacked()];
    this.#retransmit.start(this.o.timers.rtoMs, this.#onTimeout);
    this.hooks.wake();
  };

  /** §10: a ping after keepaliveMs without sending anything. */
  #onKeepalive = (): void => {
    const { keepaliveMs } = this.o.timers;
    const left = this.#lastSent + keepaliveMs - this.o.scheduler.now();
    if (left > EPSILON_MS) return this.#keepalive.start(left, this.#onKeepalive);
    this.#ping = { counter: (this.#ping.counter + 1) >>> 0, at: this.o.scheduler.now() };
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(this.#ping.counter);
    this.counts.pingsSent++;
    this.hooks.send({ type: 'ping', payload });
    this.#keepalive.start(keepaliveMs, this.#onKeepalive);
  };

  /** §10: closed after deadMs without a good frame. */
  #onDeadCheck = (): void => {
    const left = this.#lastHeard + this.o.timers.deadMs - this.o.scheduler.now();
    if (left <= EPSILON_MS) return this.hooks.fail('peer-unresponsive');
    this.#dead.start(left, this.#onDeadCheck);
  };
}
