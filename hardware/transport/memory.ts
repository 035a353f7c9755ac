// The in-memory pair: two connected Duplex ends, no port, no process. Bare, bytes arrive on the
// next tick, intact (like duplexPair()). With `baud` they arrive at the pace of a UART, timed by
// the injected scheduler, so a test can run minutes of line time in milliseconds; with `loss`
// each direction degrades bytes through its own LossyLine (seeds deriveSeed(seed, 0) for a->b,
// deriveSeed(seed, 1) for b->a). end() on one end flushes, then the other end sees 'end';
// destroy() drops what is still on the line and the other end sees 'end' at once.
import { Duplex } from 'node:stream';
import { systemScheduler, type Scheduler } from '../clock.js';
import { deriveSeed } from '../random.js';
import { LossyLine, type LossyLineOptions } from './lossy-line.js';
import { MemoryLine, type LineStats } from './memory-line.js';
import type { Transport } from './transport.js';

export interface MemoryPairOptions {
  /** Pace delivery at baud / 10 bytes per second (8N1). Omitted: no pacing. */
  baud?: number;
  /** Times the pacing. Default systemScheduler (real time). */
  scheduler?: Scheduler;
  /** Bytes per delivery when paced. Default 16 (1.4 ms at 115200 baud). */
  sliceBytes?: number;
  /** Degrade both directions, each with its own stream of the seed. */
  loss?: LossyLineOptions;
}

export interface MemoryPair {
  a: Duplex;
  b: Duplex;
  stats(): { aToB: LineStats; bToA: LineStats };
}

class LineEnd extends Duplex {
  peer!: LineEnd;
  line!: MemoryLine;

  override _read(): void {
    // Push-based, like a UART: bytes arrive whether or not anyone reads; the Readable buffers them.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.line.send(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    process.nextTick(() => this.peer.hangUp());
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.line.abort();
    this.peer.hangUp();
    callback(error);
  }

  #hungUp = false;

  /** Bytes off the line; after a hang-up or destroy they have nowhere to go and are dropped. */
  receive(bytes: Buffer): void {
    if (!this.#hungUp && !this.destroyed) this.push(bytes);
  }

  hangUp(): void {
    if (this.#hungUp || this.destroyed) return;
    this.#hungUp = true;
    this.push(null);
  }
}

export function memoryPair(options: MemoryPairOptions = {}): MemoryPair {
  const { baud, scheduler = systemScheduler, sliceBytes = 16, loss } = options;
  if (baud !== undefined && !(baud > 0)) throw new RangeError(`baud is ${baud}: must be positive`);
  const pacing = baud === undefined ? undefined : { baud, scheduler, sliceBytes };
  const lossy = (stream: number): LossyLine | undefined => (loss ? new LossyLine({ ...loss, seed: deriveSeed(loss.seed, stream) }) : undefined);
  const a = new LineEnd();
  const b = new LineEnd();
  [a.peer, b.peer] = [b, a];
  a.line = new MemoryLine((bytes) => b.receive(bytes), pacing, lossy(0));
  b.line = new MemoryLine((bytes) => a.receive(bytes), pacing, lossy(1));
  return { a, b, stats: () => ({ aToB: a.line.stats, bToA: b.line.stats }) };
}

/** The pair as two Transports (each opens once), for code that takes a Transport. */
export function memoryTransports(options: MemoryPairOptions = {}): { a: Transport; b: Transport; pair: MemoryPair } {
  const pair = memoryPair(options);
  const once = (name: 'a' | 'b'): Transport => {
    let opened = false;
    return {
      describe: () => `memory ${name}${options.baud ? ` @${options.baud}` : ''}${options.loss ? ' lossy' : ''}`,
      open: async () => {
        if (opened) throw new Error(`memory end ${name} is already open: a pair connects once`);
        opened = true;
        return pair[name];
      },
    };
  };
  return { a: once('a'), b: once('b'), pair };
}
