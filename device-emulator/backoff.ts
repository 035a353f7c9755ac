// Reconnect delay: exponential with "equal jitter" (half fixed, half random), so a fleet that lost
// its gateway at the same instant does not come back in lock-step. `random` is injected (a seeded
// PRNG in tests and fleets), which keeps every run reproducible.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

/** Delay before attempt `attempt` (1 = the first retry): d = min(max, base·2^(attempt−1)), result in [d/2, d). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
