// Log lines in qdrouterd's shape (`<time> MODULE (level) text`, qdrouterd.md §1.2 `log`), filtered
// by the plan's per-module levels. The writer and the clock are injected; gateway/cli.ts passes
// stderr and Date.now.
import type { GatewayPlan } from './options.js';
import type { RouterDeps } from './options.js';

export function planLogger(levels: GatewayPlan['logLevels'], write: (line: string) => void, now: () => number): RouterDeps['log'] {
  return (module, level, text) => {
    if (!levels[module]?.includes(level)) return;
    write(`${new Date(now()).toISOString()} ${module} (${level}) ${text}`);
  };
}
