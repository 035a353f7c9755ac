// One side of the reliable serial link (docs/serial-link.md §7–§10) over any byte transport.
// The initiator (board) calls open() and gets the session's stream; the responder (gateway)
// emits 'stream' for every session a board opens. Each stream is an ordered, lossless Duplex.
// Timers run on the injected scheduler; frames leave through the Transmitter (control first).
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { FrameDecoder, type CloseReason, type SerialFrame } from '../../protocol/serial-frame.js';
import type { LinkParams } from '../../protocol/serial-link-params.js';
import { SerialLinkError } from './errors.js';
import { decideOpen } from './handshake.js';
import { Opener } from './opener.js';
import { Transmitter } from './transmitter.js';
import { LinkSession } from './session.js';
import { LinkTimer } from './timer.js';
import { resolveOptions, type ResolvedOptions, type SerialLinkOptions } from './options.js';
import { emptyStats, type SerialLinkStats } from './stats.js';

export type LinkState = 'closed' | 'opening' | 'open' | 'closing';

export interface SerialLinkEvents {
  state: [LinkState];
  stream: [Duplex];
}

export class SerialLink extends EventEmitter<SerialLinkEvents> {
  readonly #o: ResolvedOptions;
  readonly #line: Duplex;
  readonly #decoder = new FrameDecoder();
  readonly #counts = emptyStats();
  readonly #tx: Transmitter;
  readonly #handshake: LinkTimer;
  #state: LinkState = 'closed';
  #session: LinkSession | undefined;
  readonly #opener: Opener;
  #closed: (() => void)[] = [];
  #detached = false;
  #lastViolation = -Infinity;

  constructor(line: Duplex, options: SerialLinkOptions) {
    super();
    this.#o = resolveOptions(options);
    this.#line = line;
    this.#handshake = new LinkTimer(this.#o.scheduler);
    this.#opener = new Opener(this.#o, this.#handshake, (frame) => this.#queue(frame));
    this.#tx = new Transmitter(
      line,
      () => (this.#state === 'open' ? this.#session?.nextFrame() : undefined),
      () => {
        this.#counts.framesSent++;
        this.#session?.sent();
      },
      this.#onLineGone,
    );
    this.#listen('on');
  }

  get state(): LinkState {
    return this.#state;
  }

  get stats(): SerialLinkStats {
    const d = this.#decoder.stats;
    return { ...this.#counts, crcErrors: d.crcErrors, framingErrors: d.framingErrors, oversize: d.oversize, invalidFrames: d.invalidFrames, droppedBytes: d.droppedBytes };
  }

  /** Initiator: opens a new session (§7.3 opening); resolves with its stream once open-ack arrives. */
  open(): Promise<Duplex> {
    if (this.#o.role !== 'initiator') return Promise.reject(new Error('only the initiator opens a serial link; the responder emits "stream"'));
    if (this.#state !== 'closed' || this.#detached) return Promise.reject(new Error(`serial link is ${this.#detached ? 'detached' : this.#state}: open() needs closed`));
    this.#setState('opening');
    return this.#opener.start();
  }

  /** Closes the current session (close(normal), §7.3 closing); resolves once the link is closed. */
  close(): Promise<void> {
    if (this.#state === 'opening') this.#toClosed(new SerialLinkError('link-closed', 'close() while opening'));
    if (this.#state === 'open') this.#beginClose('normal');
    if (this.#state === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.#closed.push(resolve));
  }

  /** Stops using the line: timers stop, a session's stream ends (no close is sent), a pending
   * open() rejects with 'link-closed'. The line stays open: its owner closes it. */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#listen('off');
    this.#tx.stop();
    if (this.#session) this.#endSession();
    this.#toClosed(new SerialLinkError('link-closed', 'the serial link was detached from its line'));
  }

  #listen(how: 'on' | 'off'): void {
    this.#line[how]('data', this.#onBytes);
    for (const event of ['end', 'close', 'error']) this.#line[how](event, this.#onLineGone);
  }

  #onBytes = (bytes: Buffer): void => {
    for (const result of this.#decoder.push(bytes)) if (result.ok) this.#onFrame(result.frame); // §8: bad frames dropped, counted by the decoder
  };

  #onLineGone = (): void => {
    this.#tx.stop();
    if (!this.#detached && this.#state !== 'closed') this.#toClosed(new SerialLinkError('line-closed'));
  };

  #onFrame(frame: SerialFrame): void {
    this.#counts.framesReceived++;
    this.#session?.heard();
    switch (frame.type) {
      case 'ping':
        return this.#queue({ type: 'pong', payload: frame.payload }); // §10: in any state
      case 'pong':
        return this.#session?.pong(frame.payload);
      case 'open':
        if (this.#o.role === 'responder') this.#answerOpen(frame.params);
        return;
      case 'open-ack':
        if (this.#o.role === 'initiator' && this.#state === 'opening') this.#onOpenAck(frame.params);
        return;
      case 'close':
        return this.#onClose(frame.reason);
      case 'data':
      case 'ack':
        if (this.#state === 'open') return this.#session!.receive(frame);
        if (this.#state === 'closed') return this.#violation(); // §7.3 closing 4
        return; // opening: an older session's; closing: dropped, not acknowledged
    }
  }

  #answerOpen(offered: LinkParams): void {
    const decision = decideOpen(offered, { state: this.#state, current: this.#session?.params, window: this.#o.window, maxPayload: this.#o.maxPayload });
    switch (decision.action) {
      case 'refuse-version':
        return this.#queue({ type: 'close', reason: 'unsupported-version' });
      case 'repeat-open-ack':
        return this.#queue({ type: 'open-ack', params: decision.params });
      case 'ignore':
        return;
      case 'answer':
        if (this.#session) this.#endSession(new SerialLinkError('peer-restarted'));
        this.#handshake.stop();
        this.#startSession(decision.params);
        return this.#queue({ type: 'open-ack', params: decision.params });
    }
  }

  #onOpenAck(params: LinkParams): void {
    const decision = this.#opener.check(params);
    if (decision === 'stale') return;
    if (decision === 'violation') {
      this.#queue({ type: 'close', reason: 'protocol-violation' });
      return this.#toClosed(new SerialLinkError('protocol-violation', `open-ack grants more than was offered: ${JSON.stringify(params)}`));
    }
    this.#opener.resolve(this.#startSession(params).stream);
  }

  #onClose(reason: CloseReason): void {
    if (this.#state === 'opening' && reason === 'unsupported-version') return this.#toClosed(new SerialLinkError('unsupported-version'));
    if (this.#state === 'closing') return this.#toClosed();
    if (this.#state !== 'open') return; // closed: never answer a close with a close
    this.#queue({ type: 'close', reason: 'normal' }); // §7.3 closing 2
    this.#toClosed(reason === 'normal' ? undefined : new SerialLinkError(reason, `the peer closed the link: ${reason}`));
  }

  #violation(): void {
    const now = this.#o.scheduler.now();
    if (now - this.#lastViolation < this.#o.timers.rtoMs) return;
    this.#lastViolation = now;
    this.#queue({ type: 'close', reason: 'protocol-violation' });
  }

  #startSession(params: LinkParams): LinkSession {
    const session = new LinkSession(params, this.#o, this.#counts, {
      wake: () => this.#tx.pump(),
      send: (frame) => this.#queue(frame),
      fail: (code) => {
        this.#queue({ type: 'close', reason: code === 'peer-unresponsive' ? 'peer-unresponsive' : 'protocol-violation' });
        this.#toClosed(new SerialLinkError(code));
      },
      finished: () => this.#beginClose('normal'),
      aborted: () => this.#state === 'open' && this.#beginClose('normal'),
    });
    this.#session = session;
    this.#counts.opens++;
    this.#setState('open');
    this.emit('stream', session.stream);
    return session;
  }

  /** §7.3 closing 1: close, then resend it every RTO up to closeResends times. */
  #beginClose(reason: CloseReason): void {
    this.#session?.stopTimers();
    this.#setState('closing');
    let resends = 0;
    const send = (): void => {
      this.#queue({ type: 'close', reason });
      this.#handshake.start(this.#o.timers.rtoMs, () => (resends++ < this.#o.timers.closeResends ? send() : this.#toClosed()));
    };
    send();
  }

  #toClosed(error?: SerialLinkError): void {
    this.#handshake.stop();
    if (this.#session) this.#endSession(error);
    this.#opener.reject(error ?? new SerialLinkError('link-closed'));
    this.#setState('closed');
    for (const done of this.#closed.splice(0)) done();
  }

  #endSession(error?: SerialLinkError): void {
    const session = this.#session!;
    this.#session = undefined;
    session.end(error);
  }

  #setState(state: LinkState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }

  #queue(frame: SerialFrame): void {
    this.#tx.queue(frame);
  }
}
