// Two serial links over an in-memory pair on simulated time, and the loop that drives them:
// let the streams deliver (setImmediate), then jump the clock to the next timer, until the
// condition holds. No sleeping: simulated seconds pass in milliseconds.
import type { Duplex } from 'node:stream';
import { SimulatedScheduler } from '../../../hardware/simulated-scheduler.js';
import { memoryPair, type MemoryPair, type MemoryPairOptions } from '../../../hardware/transport/memory.js';
import { SerialLink } from '../../../hardware/serial-link/link.js';
import type { SerialLinkOptions } from '../../../hardware/serial-link/options.js';

export const flush = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Advances `scheduler` event by event until `done()` holds; fails after `limitMs` of simulated time. */
export async function runUntil(scheduler: SimulatedScheduler, done: () => boolean, limitMs = 60_000): Promise<void> {
  const end = scheduler.now() + limitMs;
  for (;;) {
    await flush();
    if (done()) return;
    const next = scheduler.nextDeadline();
    if (next === undefined || next > end) throw new Error(`condition not met by ${scheduler.now().toFixed(1)} ms of simulated time (next timer ${next})`);
    scheduler.advanceTo(next);
  }
}

export interface LinkedPair {
  scheduler: SimulatedScheduler;
  line: MemoryPair;
  board: SerialLink;
  gateway: SerialLink;
  /** Opens the board side and waits for both streams. */
  open(): Promise<{ boardStream: Duplex; gatewayStream: Duplex }>;
  detach(): void;
}

export function linkedPair(
  line: Omit<MemoryPairOptions, 'scheduler'> = { baud: 115200 },
  board: Partial<SerialLinkOptions> = {},
  gateway: Partial<SerialLinkOptions> = {},
): LinkedPair {
  const scheduler = new SimulatedScheduler();
  const pair = memoryPair({ ...line, scheduler });
  const b = new SerialLink(pair.a, { role: 'initiator', scheduler, session: 0x2a17, ...board });
  const g = new SerialLink(pair.b, { role: 'responder', scheduler, ...gateway });
  return {
    scheduler,
    line: pair,
    board: b,
    gateway: g,
    async open() {
      let gatewayStream: Duplex | undefined;
      g.once('stream', (s) => (gatewayStream = s));
      let boardStream: Duplex | undefined;
      let failed: Error | undefined;
      b.open().then((s) => (boardStream = s), (e: Error) => (failed = e));
      await runUntil(scheduler, () => (boardStream !== undefined && gatewayStream !== undefined) || failed !== undefined);
      if (failed) throw failed;
      return { boardStream: boardStream!, gatewayStream: gatewayStream! };
    },
    detach() {
      b.detach();
      g.detach();
      pair.a.destroy();
      pair.b.destroy();
    },
  };
}

/** Collects everything `stream` delivers. */
export function collect(stream: Duplex): { bytes(): Buffer; length(): number } {
  const chunks: Buffer[] = [];
  let length = 0;
  stream.on('data', (c: Buffer) => {
    chunks.push(c);
    length += c.length;
  });
  return { bytes: () => Buffer.concat(chunks), length: () => length };
}
