// `fogbridge demo` as a child process for system tests: free ports on 127.0.0.1, a temp data
// folder, the ready line awaited (no sleeps), and the whole process group (the demo and its socat)
// killed by `kill()` or when the test process exits. Waits for its exit are bounded: a demo that has
// not exited EXIT_TIMEOUT_MS after its signal is SIGKILLed (its group) and the wait rejects with
// its last output (processes.ts exitWithin).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EXIT_TIMEOUT_MS, exitWithin, watchChild } from './processes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) killGroup(c, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Distinct free ports on 127.0.0.1 (all held until every one is chosen). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface DemoProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the match once the output has it; rejects when the demo exits first or after timeoutMs. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code; after `timeoutMs` SIGKILLs the group and rejects with the last output. */
  exited(timeoutMs?: number): Promise<number | null>;
  /** Sends `signal` to the demo alone (as Ctrl-C would) and waits for its exit code (bounded as exited()). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL to the process group (the demo and socat). */
  kill(): void;
}

export function startDemoProcess(args: string[]): DemoProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/index.ts'), 'demo', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  const { output, exit, waitFor } = watchChild(child, 'fogbridge demo');
  void exit.then(() => live.delete(child));
  const exited = (timeoutMs = EXIT_TIMEOUT_MS, why = ''): Promise<number | null> =>
    exitWithin(exit, { timeoutMs, what: `fogbridge demo (pid ${child.pid}${why})`, output, forceKill: () => killGroup(child, 'SIGKILL') });
  return {
    child,
    output,
    exited,
    waitFor: (re, timeoutMs = 30_000) => waitFor(re, timeoutMs),
    async stop(signal = 'SIGINT', timeoutMs = EXIT_TIMEOUT_MS) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited(timeoutMs, `, ${signal}`);
    },
    kill: () => killGroup(child, 'SIGKILL'),
  };
}
