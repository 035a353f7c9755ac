// The router's input: gateway/config's GatewayPlan (the one plan type), plus what is injected
// (clock, randomness, logging; DESIGN decision 8). Nothing here reads files, env or argv:
// gateway/cli.ts does.
export type { GatewayPlan, ListenerPlan, ConnectorPlan } from '../config/to-options.js';
import type { LogLevel, LogModule } from '../config/types.js';
import type { Duplex } from 'node:stream';
import { systemScheduler, type Scheduler } from '../../hardware/clock.js';
import { serialTransport } from '../../hardware/transport/serial.js';
import type { SerialListenerPlan } from '../config/to-options.js';
import type { FrameTrace } from './trace/frame-trace.js';

/** Time, injected (DESIGN 8). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface RouterDeps {
  clock: Clock;
  /** In [0, 1): reconnect jitter. */
  random: () => number;
  /** First reconnect delay and its cap (exponential backoff with jitter). */
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  /** A put-token the hub does not answer within this time gets status 504 for the device. */
  cbsTimeoutMs: number;
  /** qdrouterd modules and levels (qdrouterd.md §1.2 `log`, §2.8); gateway/router/log.ts filters and formats. */
  log: (module: LogModule, level: LogLevel, text: string) => void;
  /** PN_TRACE_FRM: every frame both ways, one line each (trace.ts); undefined = off, nothing is decoded. */
  trace: FrameTrace | undefined;
  /** How serialListeners open their port (hardware/ serialTransport) and run the serial link's timers. */
  serial: { open(plan: SerialListenerPlan): Promise<Duplex>; scheduler: Scheduler };
  /** Shown by management (`stat -g`); gateway/cli.ts passes package.json's version. */
  version: string;
}

export const defaultDeps: RouterDeps = {
  clock: systemClock,
  random: Math.random,
  reconnect: { initialDelayMs: 500, maxDelayMs: 30_000 },
  cbsTimeoutMs: 30_000,
  log: () => {},
  trace: undefined,
  serial: { open: (p) => serialTransport({ path: p.device, baudRate: p.baud }).open(), scheduler: systemScheduler },
  version: 'unknown',
};
