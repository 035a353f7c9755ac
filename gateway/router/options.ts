// The router's input: gateway/config's GatewayPlan (the one plan type), plus what is injected
// (clock, randomness, logging; DESIGN decision 8). Nothing here reads files, env or argv:
// gateway/cli.ts does.
export type { GatewayPlan, ListenerPlan, ConnectorPlan } from '../config/to-options.js';

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
  log: (module: 'SERVER' | 'ROUTER' | 'CONN_MGR' | 'POLICY', level: 'info' | 'warning' | 'error', text: string) => void;
}

export const defaultDeps: RouterDeps = {
  clock: systemClock,
  random: Math.random,
  reconnect: { initialDelayMs: 500, maxDelayMs: 30_000 },
  cbsTimeoutMs: 30_000,
  log: () => {},
};
