// The one seeded pseudo-random source of hardware/: the board's sensor noise and the lossy line
// model both draw from it, so a seed fully determines a simulation run.
//
// mulberry32 (Tommy Ettinger, public domain): a 32-bit state, period 2^32, good enough for
// simulation noise and fault injection, and cheap. Not for cryptography.

export interface Random {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform integer in [0, n). */
  nextInt(n: number): number;
  /** A standard normal-ish value (mean 0, variance 1, bounded to ±2√3): see gaussian(). */
  gaussian(): number;
}

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    nextUint32,
    nextInt: (n) => Math.floor(next() * n),
    // Irwin–Hall with four uniforms, rescaled: sum of 4 U(0,1) has mean 2 and variance 4/12, so
    // (sum - 2)·√3 has mean 0 and variance 1. Bounded (never beyond ±3.46), exact in floating
    // point on every platform (no log/cos), and close enough to a bell curve for sensor noise.
    gaussian: () => (next() + next() + next() + next() - 2) * Math.sqrt(3),
  };
}

/** A second, independent stream from a seed (e.g. one per line direction): SplitMix32-style mix. */
export function deriveSeed(seed: number, stream: number): number {
  let z = (seed + Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
