// C2D and feedback settings (issue 3 items 7-8), given as `HubOptions.c2d`; defaults are IoT
// Hub's (reference/iot-hub-amqp.md §4.3, §5.3, §7). Tests shorten the lock and the batching.
export interface C2dOptions {
  /** Lock (visibility) time of a delivered command (ms). Default 60 s, fixed on IoT Hub (§7). */
  lockMs: number;
  /** Abandons before a command is dead-lettered (DeliveryCountExceeded). Default 10, range 1-100 (§7). */
  maxDeliveryCount: number;
  /** Commands queued per device; one more is refused (amqp:resource-limit-exceeded). Default 50 (§7). */
  maxQueueDepth: number;
  /** TTL of a command without `absolute-expiry-time` (ms). Default 1 h (§7). */
  defaultTtlMs: number;
  /** Longest TTL (ms); a later `absolute-expiry-time` is clamped to it. Default 2 days (§7). */
  maxTtlMs: number;
  /** Largest command (encoded AMQP message, bytes). Default 64 KB (§7). */
  maxMessageBytes: number;
  /** How often expired locks and expired commands are swept (ms, real time; expiry uses the hub clock). Default 1 s. */
  sweepMs: number;
  /** Records per feedback message; a full batch goes out at once. Default 64 (§5.3). */
  feedbackBatchSize: number;
  /** Longest wait before a partial feedback batch goes out (ms). Default 15 s (§5.3). */
  feedbackBatchMs: number;
  /** Releases of a feedback message before it is dropped. Default 10 (§7). */
  feedbackMaxDeliveryCount: number;
  /** How long a feedback message waits for a receiver before it is dropped (ms). Default 1 h (§7). */
  feedbackTtlMs: number;
}

const DEFAULTS: C2dOptions = {
  lockMs: 60_000,
  maxDeliveryCount: 10,
  maxQueueDepth: 50,
  defaultTtlMs: 3600_000,
  maxTtlMs: 2 * 24 * 3600_000,
  maxMessageBytes: 64 * 1024,
  sweepMs: 1000,
  feedbackBatchSize: 64,
  feedbackBatchMs: 15_000,
  feedbackMaxDeliveryCount: 10,
  feedbackTtlMs: 3600_000,
};

/** Fills defaults; `fail(option, message)` names a bad value (options.ts turns it into HubOptionsError). */
export function resolveC2dOptions(given: Partial<C2dOptions> | undefined, fail: (option: string, message: string) => never): C2dOptions {
  const o = { ...DEFAULTS, ...given };
  for (const [name, value] of Object.entries(o)) {
    if (!Number.isSafeInteger(value) || value < 1) fail(name, `must be a whole number >= 1, got ${value}`);
  }
  if (o.maxDeliveryCount > 100) fail('maxDeliveryCount', 'IoT Hub allows 1-100');
  if (o.defaultTtlMs > o.maxTtlMs) fail('defaultTtlMs', `must not exceed maxTtlMs (${o.maxTtlMs})`);
  return o;
}

/**
 * When a command expires. `requested` is its `absolute-expiry-time` (ms) or undefined. Decision:
 * a time beyond `maxTtlMs` is CLAMPED to now + maxTtlMs (the send still succeeds, as the SDK
 * gives no way to see a refusal reason but an error); a time in the past is kept, so the command
 * is dead-lettered as Expired (negative feedback) at the next sweep instead of refused.
 */
export function expiryOf(now: number, requested: number | undefined, o: Pick<C2dOptions, 'defaultTtlMs' | 'maxTtlMs'>): number {
  if (requested === undefined || !Number.isFinite(requested)) return now + o.defaultTtlMs;
  return Math.min(requested, now + o.maxTtlMs);
}
