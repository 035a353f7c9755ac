// A seeded model of a bad serial line, applied byte by byte to what one direction carries.
// For each byte one uniform draw r from mulberry32(seed) decides:
//   r < drop                               the byte is lost
//   r < drop + corrupt                     the byte arrives XOR a non-zero mask (second draw)
//   r < drop + corrupt + duplicate         the byte arrives twice
//   otherwise                              the byte arrives as sent
// Same seed, same bytes in -> the same bytes out and the same counts.
import { mulberry32, type Random } from '../random.js';

export interface LossyLineOptions {
  /** Probability that a byte is dropped, 0..1. */
  drop?: number;
  /** Probability that a byte arrives with some bits flipped. */
  corrupt?: number;
  /** Probability that a byte arrives twice. */
  duplicate?: number;
  seed: number;
}

export interface LossyLineStats {
  bytes: number;
  dropped: number;
  corrupted: number;
  duplicated: number;
}

export class LossyLine {
  readonly stats: LossyLineStats = { bytes: 0, dropped: 0, corrupted: 0, duplicated: 0 };
  readonly #random: Random;
  readonly #drop: number;
  readonly #corrupt: number;
  readonly #duplicate: number;

  constructor(options: LossyLineOptions) {
    const { drop = 0, corrupt = 0, duplicate = 0 } = options;
    for (const [name, p] of Object.entries({ drop, corrupt, duplicate })) {
      if (!(p >= 0 && p <= 1)) throw new RangeError(`lossy line ${name} rate is ${p}: must be in 0..1`);
    }
    if (drop + corrupt + duplicate > 1) throw new RangeError('lossy line rates add up to more than 1');
    this.#random = mulberry32(options.seed);
    this.#drop = drop;
    this.#corrupt = drop + corrupt;
    this.#duplicate = drop + corrupt + duplicate;
  }

  /** What arrives when `bytes` are sent. */
  apply(bytes: Uint8Array): Buffer {
    const out: number[] = [];
    for (const byte of bytes) {
      this.stats.bytes++;
      const r = this.#random.next();
      if (r < this.#drop) {
        this.stats.dropped++;
      } else if (r < this.#corrupt) {
        this.stats.corrupted++;
        out.push(byte ^ (1 + this.#random.nextInt(255)));
      } else if (r < this.#duplicate) {
        this.stats.duplicated++;
        out.push(byte, byte);
      } else {
        out.push(byte);
      }
    }
    return Buffer.from(out);
  }
}
