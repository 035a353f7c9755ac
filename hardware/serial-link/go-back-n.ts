// Sequence bookkeeping of go-back-N with cumulative acks (docs/serial-link.md §9), without
// timers or I/O. 8-bit sequence numbers; `a − b` is (a − b) mod 256.

export interface UnackedFrame {
  readonly seq: number;
  readonly payload: Uint8Array;
}

const mod256 = (n: number): number => n & 0xff;

/** The sender half: base, next, the retransmission copies, the retry counter. */
export class SendWindow {
  base = 0;
  next = 0;
  retries = 0;
  #unacked: UnackedFrame[] = [];

  constructor(readonly window: number) {}

  get inFlight(): number {
    return mod256(this.next - this.base);
  }

  /** §9 sender rule 1: a new frame may go when next − base < window. */
  canSend(): boolean {
    return this.inFlight < this.window;
  }

  /** Takes a payload into the window; returns its seq. */
  add(payload: Uint8Array): number {
    const seq = this.next;
    this.#unacked.push({ seq, payload });
    this.next = mod256(this.next + 1);
    return seq;
  }

  /**
   * §9 sender rule 3: the number of frames an ack releases (base .. a − 1). 0 for an ack equal
   * to base (no progress: nothing changes, see the note in §9), -1 for a stale ack
   * (a − base > next − base), which is ignored.
   */
  acknowledge(a: number): number {
    const released = mod256(a - this.base);
    if (released > this.inFlight) return -1;
    if (released === 0) return 0;
    this.#unacked.splice(0, released);
    this.base = mod256(a);
    this.retries = 0;
    return released;
  }

  /** Every unacknowledged frame, base first (what §9 sender rule 4 resends). */
  unacked(): readonly UnackedFrame[] {
    return this.#unacked;
  }
}

/** The receiver half: `expected`, the seq of the next in-order data frame. */
export class ReceiveWindow {
  expected = 0;

  /** §9 receiver rules 1–2: true when this frame is the next in order (the caller delivers it). */
  isNext(seq: number): boolean {
    return seq === this.expected;
  }

  advance(): void {
    this.expected = mod256(this.expected + 1);
  }
}
