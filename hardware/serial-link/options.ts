// Options of a serial link, with defaults from SERIAL_LINK (protocol/serial-link-params.ts) and
// the rule of docs/serial-link.md §9 for other baud rates. resolveOptions names the offending
// option when one is out of range.
import { SERIAL_LINK } from '../../protocol/serial-link-params.js';
import type { Scheduler } from '../clock.js';

export type LinkRole = 'initiator' | 'responder';

export interface SerialLinkOptions {
  /** 'initiator' (the board: sends open) or 'responder' (the gateway: answers it). §1 */
  role: LinkRole;
  /** All link timers run on it. */
  scheduler: Scheduler;
  /** Data frames this side accepts in flight, 1..127. Default 8. */
  window?: number;
  /** Largest data payload this side accepts, 1..256. Default 256. */
  maxPayload?: number;
  /** Line speed, for the retransmission timeout. Default 115200. */
  baud?: number;
  /** Initiator: the session of the first open; each later open uses the next (mod 65536). */
  session?: number;
  /** Overrides of the §10 timer table, for tests of the timers themselves. */
  timers?: Partial<LinkTimers>;
}

export interface LinkTimers {
  rtoMs: number;
  maxRetries: number;
  keepaliveMs: number;
  deadMs: number;
  openRetryMs: number;
  closeResends: number;
  /** How long a bare ack may wait for outgoing data to ride in: half of §9's 20 ms budget. */
  ackHoldMs: number;
}

export interface ResolvedOptions {
  role: LinkRole;
  scheduler: Scheduler;
  window: number;
  maxPayload: number;
  session: number;
  timers: LinkTimers;
}

/** §9: RTO = max(400 ms, 2 × window × 265 × 10 / baud s). */
export function retransmissionTimeoutMs(window: number, baud: number): number {
  return Math.max(SERIAL_LINK.rtoMs, (2 * window * 265 * 10 * 1000) / baud);
}

function inRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`serial link option ${name} is ${value}: must be an integer in ${min}..${max}`);
  }
  return value;
}

export function resolveOptions(options: SerialLinkOptions): ResolvedOptions {
  if (options.role !== 'initiator' && options.role !== 'responder') {
    throw new RangeError(`serial link option role is ${String(options.role)}: must be 'initiator' or 'responder'`);
  }
  const window = inRange('window', options.window ?? SERIAL_LINK.defaultWindow, 1, SERIAL_LINK.maxWindow);
  const maxPayload = inRange('maxPayload', options.maxPayload ?? SERIAL_LINK.maxPayload, 1, SERIAL_LINK.maxPayload);
  const baud = options.baud ?? 115200;
  if (!(baud > 0)) throw new RangeError(`serial link option baud is ${baud}: must be positive`);
  const session = inRange('session', options.session ?? Math.floor(Math.random() * 0x10000), 0, 0xffff);
  return {
    role: options.role,
    scheduler: options.scheduler,
    window,
    maxPayload,
    session,
    timers: {
      rtoMs: retransmissionTimeoutMs(window, baud),
      maxRetries: SERIAL_LINK.maxRetries,
      keepaliveMs: SERIAL_LINK.keepaliveMs,
      deadMs: SERIAL_LINK.deadMs,
      openRetryMs: SERIAL_LINK.openRetryMs,
      closeResends: 3,
      ackHoldMs: SERIAL_LINK.ackDelayMs / 2,
      ...options.timers,
    },
  };
}
