// Runs a service CLI's main() in-process with captured I/O: stdout and stderr lines arrive on
// queues (tests await them, never sleep), stop() plays Ctrl-C.
import { AsyncQueue } from '../../helpers/async-queue.js';
import type { ServiceCliIo } from '../../../hub/service/cli-common.js';

export class CliRun {
  readonly lines = new AsyncQueue<string>();
  readonly errors = new AsyncQueue<string>();
  stderr = '';
  #stop: ((signal: string) => void) | undefined;
  readonly #stopped = new Promise<string>((resolve) => (this.#stop = resolve));

  readonly io: ServiceCliIo = {
    stdout: async (text) => {
      for (const line of text.split('\n').filter(Boolean)) this.lines.push(line);
    },
    stderr: (text) => {
      this.stderr += text;
      for (const line of text.split('\n').filter(Boolean)) this.errors.push(line);
    },
    now: () => Date.now(),
    stopRequested: () => this.#stopped,
  };

  stop(): void {
    this.#stop?.('SIGINT');
  }

  /** The next stdout line, parsed as JSON. */
  async json<T = Record<string, unknown>>(what: string, timeoutMs = 10_000): Promise<T> {
    return JSON.parse(await this.lines.next(timeoutMs, what)) as T;
  }

  /** Skips stderr lines until one matches `pattern`. */
  async stderrMatching(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    for (;;) {
      const line = await this.errors.next(timeoutMs, `a stderr line matching ${pattern}`);
      if (pattern.test(line)) return line;
    }
  }
}
