// Log lines in qdrouterd's shape (qdrouterd.md §1.2 `log`, §2.8): `<time> MODULE (level) text`,
// with qdrouterd's time format `YYYY-MM-DD HH:MM:SS.uuuuuu +0000` (UTC), filtered by the plan's
// per-module levels (`enable: info+`, `trace,error`, `none`; parsed by gateway/config/build.ts).
// Modules used: SERVER (listeners, device connections), ROUTER (routed links attached, refused,
// detached), CONN_MGR (connectors: connect, loss, backoff; serial ports), POLICY (authorization
// and connection-limit refusals), AUTHSERVICE (put-token answers), HTTP (management endpoint).
// The writer and the clock are injected; gateway/cli.ts passes stderr and Date.now.
import type { GatewayPlan, RouterDeps } from './options.js';

/** qdrouterd's timestamp: `2026-11-26 12:54:48.123000 +0000`. */
export function logTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-26T12:54:48.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000 +0000`;
}

export function planLogger(levels: GatewayPlan['logLevels'], write: (line: string) => void, now: () => number): RouterDeps['log'] {
  return (module, level, text) => {
    if (!levels[module]?.includes(level)) return;
    write(`${logTime(now())} ${module} (${level}) ${text}`);
  };
}
