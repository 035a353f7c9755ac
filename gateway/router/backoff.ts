// Reconnect delay shared by connectors (pool.ts) and serial listeners: exponential backoff from
// `initialDelayMs`, capped at `maxDelayMs`, with jitter in [delay/2, delay) (qdrouterd uses fixed
// 2 s / 5 s with no jitter, qdrouterd.md §2.6; issue 4 item 3 asks for backoff with jitter).
import type { RouterDeps } from './options.js';

/** The wait before attempt `failures + 1`, `failures` counting the failed attempts so far (from 0). */
export function backoffMs(failures: number, deps: Pick<RouterDeps, 'reconnect' | 'random'>): number {
  const { initialDelayMs, maxDelayMs } = deps.reconnect;
  const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** failures);
  return Math.round(delay / 2 + (deps.random() * delay) / 2);
}
